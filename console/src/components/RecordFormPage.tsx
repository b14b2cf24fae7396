import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Form, type FormInstance, Input, Skeleton, Space, Typography } from "antd";
import type { ComponentProps, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Tagged } from "../api/client";
import type { FieldProblem } from "../api/problem";
import { ConflictDialog } from "./ConflictDialog";
import { ErrorAlert } from "./ErrorAlert";
import { FormProblems } from "./FormProblems";

interface LoadedRecordProps<T> {
  resource: string;
  /** The record's id from the route; none on a "new" route. */
  id?: string;
  get: (id: string) => Promise<Tagged<T>>;
  /** The form, given the record with its ETag (none when creating) and a way to fetch it afresh. */
  children: (loaded?: Tagged<T>, reload?: () => Promise<Tagged<T> | undefined>) => ReactNode;
}

/** An edit route loads the record (skeleton, then error or form); a "new" route shows the empty form. */
export function LoadedRecord<T>({ resource, id, get, children }: LoadedRecordProps<T>) {
  const loaded = useQuery({ queryKey: [resource, "one", id], queryFn: () => get(id!), enabled: Boolean(id) });
  if (!id) return children();
  if (loaded.isPending) return <Skeleton active />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={() => void loaded.refetch()} />;
  return children(loaded.data, () => loaded.refetch().then((result) => result.data));
}

/**
 * What to do after a save: drop the cached record, refresh the resource's lists, say "created" or "saved"
 * (`{resource}.created_message` / `saved_message`; nothing when there was nothing to save), then `go`.
 */
export function useRecordSaved<T extends { id: string }>(resource: string, go: (entity: T) => void) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return (entity: T, outcome: "created" | "saved" | "unchanged") => {
    queryClient.setQueryData([resource, "one", entity.id], undefined);
    void queryClient.invalidateQueries({ queryKey: [resource] });
    if (outcome !== "unchanged") void message.success(t(`${resource}.${outcome === "created" ? "created_message" : "saved_message"}`));
    go(entity);
  };
}

interface RecordFormCardProps<V> {
  title: string;
  form: FormInstance<V>;
  /** From useVersionedForm. */
  saving: {
    busy: boolean;
    submit: (values: V) => Promise<void>;
    formError: unknown;
    unplaced: FieldProblem[];
    conflictDialog: Omit<ComponentProps<typeof ConflictDialog>, "subject">;
  };
  initialValues: Partial<V>;
  onCancel: () => void;
  children: ReactNode;
  /** Shown between the title and the form. */
  intro?: ReactNode;
  conflictSubject?: "account" | "record";
}

/** A create/edit form: title, the failed save's problems, the fields, Save / Cancel, and the 412 dialog. */
export function RecordFormCard<V>({
  title,
  form,
  saving,
  initialValues,
  onCancel,
  children,
  intro,
  conflictSubject = "record",
}: RecordFormCardProps<V>) {
  const { t } = useTranslation();
  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {title}
      </Typography.Title>
      {intro}
      <FormProblems error={saving.formError} unplaced={saving.unplaced} />
      <Form<V>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        disabled={saving.busy}
        onFinish={saving.submit}
        initialValues={initialValues}
      >
        {children}
        <Space>
          <Button type="primary" htmlType="submit" loading={saving.busy}>
            {t("common.save")}
          </Button>
          <Button htmlType="button" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        </Space>
      </Form>
      <ConflictDialog subject={conflictSubject} {...saving.conflictDialog} />
    </Card>
  );
}

/** The `email` and `phone` fields of a record that has one of each (an account, a lead). */
export function EmailAndPhoneItems() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item label={t("accounts.email")} name="email" rules={[{ type: "email", message: t("auth.emailInvalid") }]}>
        <Input inputMode="email" maxLength={254} />
      </Form.Item>
      <Form.Item label={t("accounts.phone")} name="phone">
        <Input type="tel" maxLength={40} />
      </Form.Item>
    </>
  );
}
