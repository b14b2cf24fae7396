import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Modal, Radio, Skeleton, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Account, DuplicateMatch, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";

/** Merge two accounts: pick the one that stays, confirm; the other's contacts, opportunities and activities
 * move to it and the other is deleted. The API finishes the merge in one call (resuming one that was cut). */
export function MergeDialog({
  account,
  duplicate,
  onClose,
}: {
  account: Tagged<Account>;
  duplicate: DuplicateMatch;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [survivorId, setSurvivorId] = useState(account.data.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const other = useQuery({
    queryKey: ["accounts", "one", duplicate.entity_id],
    queryFn: () => api.accounts.get(duplicate.entity_id),
  });

  const merge = async () => {
    if (!other.data) return;
    const [survivor, merged] =
      survivorId === account.data.id ? [account.data, other.data.data] : [other.data.data, account.data];
    setBusy(true);
    setError(null);
    try {
      const result = await api.accounts.merge(survivor, merged);
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
      void queryClient.invalidateQueries({ queryKey: ["contacts"] });
      void queryClient.invalidateQueries({ queryKey: ["opportunities"] });
      void message.success(
        t("duplicates.merged", {
          name: merged.name,
          contacts: result.moved.contact ?? 0,
          opportunities: result.moved.opportunity ?? 0,
          activities: result.moved.activity ?? 0,
        }),
      );
      onClose();
      navigate(`/accounts/${survivor.id}`);
    } catch (failure) {
      setError(failure);
      void other.refetch();
    } finally {
      setBusy(false);
    }
  };

  const names = { [account.data.id]: account.data.name, [duplicate.entity_id]: duplicate.name };
  const mergedAway = survivorId === account.data.id ? duplicate.entity_id : account.data.id;
  return (
    <Modal
      open
      title={t("duplicates.mergeTitle")}
      onCancel={busy ? undefined : onClose}
      closable={!busy}
      maskClosable={!busy}
      footer={[
        <Button key="cancel" onClick={onClose} disabled={busy}>
          {t("common.cancel")}
        </Button>,
        <Button key="merge" type="primary" danger loading={busy} disabled={!other.data} onClick={merge}>
          {busy ? t("duplicates.merging") : t("duplicates.confirmMerge")}
        </Button>,
      ]}
    >
      <ErrorAlert error={error ?? other.error} />
      {other.isPending ? (
        <Skeleton active />
      ) : (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Text id="merge-survivor-label" strong>
            {t("duplicates.keep")}
          </Typography.Text>
          <Radio.Group
            aria-labelledby="merge-survivor-label"
            value={survivorId}
            onChange={(event) => setSurvivorId(event.target.value as string)}
            disabled={busy}
          >
            <Space direction="vertical">
              {[account.data.id, duplicate.entity_id].map((id) => (
                <Radio key={id} value={id}>
                  {names[id]}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
          <Typography.Paragraph>
            {t("duplicates.mergeText", { merged: names[mergedAway], survivor: names[survivorId] })}
          </Typography.Paragraph>
          {busy && (
            <Typography.Paragraph role="status" type="secondary">
              {t("duplicates.mergingText")}
            </Typography.Paragraph>
          )}
        </Space>
      )}
    </Modal>
  );
}
