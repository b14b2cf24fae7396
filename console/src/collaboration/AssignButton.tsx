import { App, Button, Form, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Tagged } from "../api/client";
import { VersionConflictError } from "../api/problem";
import { FormProblems } from "../components/FormProblems";
import { UserSelect, useUsers } from "../components/users";
import { useDialogSave } from "../forms/useDialogSave";

type OwnerField = "owner_user_id" | "responsible_user_id";

interface AssignButtonProps<T extends { version: number }> {
  record: Tagged<T>;
  /** The record's name, for the dialog's title. */
  name: string;
  /** The owner field as the API names it (its errors show under the picker). */
  field: OwnerField;
  current: string | null | undefined;
  /** PATCHes the owner field to the user (or none) with the ETag it was read with. */
  update: (userId: string | null, etag: string) => Promise<Tagged<T>>;
  onAssigned: (updated: Tagged<T>) => void;
  /** Re-reads the record after someone changed it meanwhile (the dialog then shows why it refused). */
  reload: () => void;
}

/** "Assign…" on a record's page: one dialog with the user picker; the API tells the new owner. */
export function AssignButton<T extends { version: number }>(props: AssignButtonProps<T>) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("assign.open")}</Button>
      {open && <AssignDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}

function AssignDialog<T extends { version: number }>({
  record,
  name,
  field,
  current,
  update,
  onAssigned,
  reload,
  onClose,
}: AssignButtonProps<T> & { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { nameOf } = useUsers();
  const [form] = Form.useForm<Record<OwnerField, string | undefined>>();
  const save = useDialogSave(form, [[field]]);

  const assign = (values: Record<OwnerField, string | undefined>) => {
    const chosen = values[field] ?? null;
    if (chosen === (current ?? null)) return onClose();
    void save.run(
      () =>
        update(chosen, record.etag).catch((error: unknown) => {
          if (error instanceof VersionConflictError) reload();
          throw error;
        }),
      (updated) => {
        onAssigned(updated);
        onClose();
        void message.success(chosen ? t("assign.done_message", { name: nameOf(chosen) }) : t("assign.cleared_message"));
      },
    );
  };

  return (
    <Modal
      open
      title={t("assign.title", { record: name })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose} disabled={save.busy}>
          {t("common.cancel")}
        </Button>,
        <Button key="assign" type="primary" loading={save.busy} onClick={() => form.submit()}>
          {t("assign.save")}
        </Button>,
      ]}
    >
      <FormProblems error={save.problems.formError} unplaced={save.problems.unplaced} />
      <Form form={form} layout="vertical" onFinish={assign} disabled={save.busy} initialValues={{ [field]: current ?? undefined }}>
        <Form.Item label={t("assign.to")} name={field} extra={t("assign.help")}>
          <UserSelect aria-label={t("assign.to")} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
