import { Button, Modal, Typography } from "antd";
import { useTranslation } from "react-i18next";

interface ConflictDialogProps {
  open: boolean;
  /** The version the entity has now, when the API said. */
  currentVersion?: number;
  busy?: "reload" | "overwrite" | null;
  onReload: () => void;
  onOverwrite: () => void;
  onCancel: () => void;
  /** Which texts to use: the accounts' own, or the wording for any other record. */
  subject?: "account" | "record";
}

/** A 412: someone else saved first. The user chooses deliberately; nothing is overwritten silently. */
export function ConflictDialog({
  open,
  currentVersion,
  busy,
  onReload,
  onOverwrite,
  onCancel,
  subject = "account",
}: ConflictDialogProps) {
  const { t } = useTranslation();
  const texts = subject === "account" ? "accounts" : "records";
  return (
    <Modal
      open={open}
      title={t(`${texts}.conflictTitle`)}
      onCancel={onCancel}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onCancel} disabled={Boolean(busy)}>
          {t("common.cancel")}
        </Button>,
        <Button key="reload" onClick={onReload} loading={busy === "reload"} disabled={busy === "overwrite"}>
          {t("accounts.reload")}
        </Button>,
        <Button
          key="overwrite"
          type="primary"
          danger
          onClick={onOverwrite}
          loading={busy === "overwrite"}
          disabled={busy === "reload"}
        >
          {t("accounts.overwrite")}
        </Button>,
      ]}
    >
      <Typography.Paragraph>
        {currentVersion !== undefined
          ? t(`${texts}.conflictText`, { version: currentVersion })
          : t(`${texts}.conflictTextUnknown`)}
      </Typography.Paragraph>
    </Modal>
  );
}
