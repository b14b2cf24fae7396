import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Modal, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { ErrorAlert } from "./ErrorAlert";

interface DeleteRecordDialogProps {
  open: boolean;
  onClose: () => void;
  /** `accounts`, `leads`…: the cache to clear and the texts (`{resource}.deleteTitle`, `deleted_message`). */
  resource: string;
  id: string;
  name: string;
  /** The DELETE itself (with the record's If-Match). */
  remove: () => Promise<unknown>;
  /** Where to go once deleted. */
  then: string;
  /** After a refused delete (e.g. a 412): fetch the record again. */
  onRefused?: () => void;
}

/** "Delete …?": confirms, deletes, clears the record from the cache and leaves its page. */
export function DeleteRecordDialog({ open, onClose, resource, id, name, remove, then, onRefused }: DeleteRecordDialogProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      await remove();
      onClose();
      queryClient.removeQueries({ queryKey: [resource, "one", id] });
      void queryClient.invalidateQueries({ queryKey: [resource] });
      void message.success(t(`${resource}.deleted_message`));
      navigate(then);
    } catch (refusal) {
      setError(refusal);
      onRefused?.();
    } finally {
      setDeleting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t(`${resource}.deleteTitle`)}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose} disabled={deleting}>
          {t("common.cancel")}
        </Button>,
        <Button key="delete" danger type="primary" loading={deleting} onClick={confirm}>
          {t("common.delete")}
        </Button>,
      ]}
    >
      <ErrorAlert error={error} />
      <Typography.Paragraph>{t("accounts.deleteText", { name })}</Typography.Paragraph>
    </Modal>
  );
}
