import { Button, Form, Input, Modal, Select, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Opportunity, SalesStage, Tagged } from "../../api/client";
import { VersionConflictError } from "../../api/problem";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import { useProblemForm } from "../../forms/useProblemForm";
import { LOST_REASON_MAX, stageMoveProblem } from "../../sales/pipeline";

interface StageChangeDialogProps {
  open: boolean;
  opportunity: Tagged<Opportunity>;
  stages: SalesStage[];
  nameOf: (key: string) => string;
  /** The stage offered first (e.g. the lost stage for "Mark as lost"). */
  initialStage?: string;
  onClose: () => void;
  onMoved: (moved: Tagged<Opportunity>) => void;
}

interface MoveValues {
  stage?: string;
  lost_reason?: string;
}

/** Mounted per use (fresh state each time it opens). Moves an opportunity to another stage: a lost stage asks why; a closed opportunity is reopened deliberately. */
export function StageChangeDialog({ open, opportunity, stages, nameOf, initialStage, onClose, onMoved }: StageChangeDialogProps) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<MoveValues>();
  const { formError, unplaced, report, clear } = useProblemForm(form, [["stage"], ["lost_reason"], ["reopen"]]);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<{ currentVersion?: number } | null>(null);
  const [conflictBusy, setConflictBusy] = useState<"reload" | "overwrite" | null>(null);
  const chosen = Form.useWatch("stage", form);
  const target = stages.find((stage) => stage.key === chosen);
  const reopen = opportunity.data.status !== "open";

  const send = async (values: MoveValues, etag: string) => {
    const stage = stages.find((candidate) => candidate.key === values.stage)!;
    const moved = await api.opportunities.moveStage(
      opportunity.data.id,
      {
        stage: stage.key,
        ...(stage.kind === "lost" ? { lost_reason: (values.lost_reason ?? "").trim() } : {}),
        reopen,
      },
      etag,
    );
    onMoved(moved);
  };

  const submit = async (values: MoveValues) => {
    setBusy(true);
    clear();
    try {
      await send(values, opportunity.etag);
    } catch (error) {
      if (error instanceof VersionConflictError) setConflict({ currentVersion: error.currentVersion });
      else report(error);
    } finally {
      setBusy(false);
    }
  };

  const overwrite = async () => {
    setConflictBusy("overwrite");
    try {
      await send(form.getFieldsValue(), (await api.opportunities.get(opportunity.data.id)).etag);
      setConflict(null);
    } catch (error) {
      setConflict(null);
      report(error);
    } finally {
      setConflictBusy(null);
    }
  };

  const problemText = (problem: ReturnType<typeof stageMoveProblem>) => (problem ? t(`stageMove.${problem}`) : null);

  return (
    <Modal
      open={open}
      title={reopen ? t("stageMove.reopenTitle") : t("stageMove.title")}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose} disabled={busy}>
          {t("common.cancel")}
        </Button>,
        <Button key="move" type="primary" loading={busy} onClick={() => form.submit()}>
          {reopen ? t("stageMove.reopen") : t("stageMove.move")}
        </Button>,
      ]}
    >
      {reopen && <Typography.Paragraph>{t("stageMove.reopenText", { stage: nameOf(opportunity.data.stage) })}</Typography.Paragraph>}
      <FormProblems error={formError} unplaced={unplaced} />
      <Form<MoveValues> form={form} layout="vertical" onFinish={submit} disabled={busy} initialValues={{ stage: initialStage }}>
        <Form.Item
          label={t("stageMove.stage")}
          name="stage"
          rules={[
            { required: true, message: t("stageMove.stageRequired") },
            {
              validator: (_, key?: string) => {
                const stage = stages.find((candidate) => candidate.key === key);
                const problem = stage && stageMoveProblem(opportunity.data, stage, "reason", reopen);
                return problem ? Promise.reject(new Error(problemText(problem)!)) : Promise.resolve();
              },
            },
          ]}
        >
          <Select
            aria-label={t("stageMove.stage")}
            options={stages.map((stage) => ({
              value: stage.key,
              label: `${nameOf(stage.key)} (${stage.probability}%)`,
              disabled: stage.key === opportunity.data.stage,
            }))}
          />
        </Form.Item>
        {target?.kind === "lost" && (
          <Form.Item
            label={t("stageMove.lostReason")}
            name="lost_reason"
            rules={[
              {
                validator: (_, reason?: string) => {
                  const problem = stageMoveProblem(opportunity.data, target, reason, reopen);
                  return problem === "lostReasonRequired" || problem === "lostReasonTooLong"
                    ? Promise.reject(new Error(problemText(problem)!))
                    : Promise.resolve();
                },
              },
            ]}
          >
            <Input.TextArea rows={3} maxLength={LOST_REASON_MAX} showCount />
          </Form.Item>
        )}
      </Form>
      <ConflictDialog
        subject="record"
        open={conflict !== null}
        currentVersion={conflict?.currentVersion}
        busy={conflictBusy}
        onReload={() => {
          setConflict(null);
          onClose();
          onMoved(opportunity); // the caller reloads the opportunity
        }}
        onOverwrite={overwrite}
        onCancel={() => setConflict(null)}
      />
    </Modal>
  );
}
