import { Form, Input, Modal, Select } from "antd";
import { useTranslation } from "react-i18next";
import type { Activity } from "../../api/client";
import { etagOf } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { FormProblems } from "../../components/FormProblems";
import { UserSelect } from "../../components/users";
import { useIdempotencyKey } from "../../forms/useIdempotencyKey";
import { useDialogSave } from "../../forms/useDialogSave";
import { ACTIVITY_KINDS, type ActivityLinks, type DoneValues, doneBody, type PlanValues, planBody } from "./activityForm";

const PLAN_FIELDS = [["kind"], ["subject"], ["due_at"], ["owner_id"], ["notes"]];
const DONE_FIELDS = [["minutes"], ["notes"]];

/** "Plan a call / meeting / visit / e-mail / task" on an account (and opportunity). */
export function PlanActivityDialog({ links, onClose, onSaved }: { links: ActivityLinks; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const [form] = Form.useForm<PlanValues>();
  const saving = useDialogSave(form, PLAN_FIELDS);
  const idempotencyKey = useIdempotencyKey();
  const submit = (values: PlanValues) => {
    const body = planBody(values, links);
    return saving.run(() => api.activities.create(body, idempotencyKey(body)), onSaved);
  };
  return (
    <Modal
      open
      title={t("activities.planTitle")}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("activities.plan")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: saving.busy }}
    >
      <FormProblems error={saving.problems.formError} unplaced={saving.problems.unplaced} />
      <Form<PlanValues> form={form} layout="vertical" disabled={saving.busy} onFinish={submit} initialValues={{ kind: "call", owner_id: me.user?.id }}>
        <Form.Item label={t("activities.kind")} name="kind">
          <Select
            aria-label={t("activities.kind")}
            options={ACTIVITY_KINDS.map((kind) => ({ value: kind, label: t(`activities.kinds.${kind}`) }))}
          />
        </Form.Item>
        <Form.Item label={t("activities.subject")} name="subject" rules={[{ required: true, whitespace: true, message: t("activities.subjectRequired") }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("activities.due")} name="due_at" rules={[{ required: true, message: t("activities.dueRequired") }]}>
          <Input type="datetime-local" style={{ width: 240 }} />
        </Form.Item>
        <Form.Item label={t("sales.owner")} name="owner_id">
          <UserSelect aria-label={t("sales.owner")} allowClear={false} />
        </Form.Item>
        <Form.Item label={t("accounts.notes")} name="notes">
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** "Mark done": a meeting's minutes, or a note on any other activity. */
export function CompleteActivityDialog({ activity, onClose, onSaved }: { activity: Activity; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<DoneValues>();
  const saving = useDialogSave(form, DONE_FIELDS);
  const meeting = activity.kind === "meeting";
  const submit = (values: DoneValues) =>
    saving.run(() => api.activities.update(activity.id, doneBody(activity, values), etagOf(activity)), onSaved);
  return (
    <Modal
      open
      title={t("activities.completeTitle", { subject: activity.subject })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("activities.markDone")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: saving.busy }}
    >
      <FormProblems error={saving.problems.formError} unplaced={saving.problems.unplaced} />
      <Form<DoneValues> form={form} layout="vertical" disabled={saving.busy} onFinish={submit}>
        <Form.Item label={meeting ? t("activities.minutes") : t("accounts.notes")} name={meeting ? "minutes" : "notes"}>
          <Input.TextArea rows={5} maxLength={20000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
