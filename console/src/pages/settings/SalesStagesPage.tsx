import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Form, Input, InputNumber, Select, Space, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { SalesStage, SalesStages, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import type { FieldPath } from "../../forms/problemFields";
import { LoadedSettings } from "../../forms/LoadedSettings";
import { useSettingsForm } from "../../forms/useSettingsForm";
import { STAGES_QUERY_KEY } from "../../sales/useStages";

interface StageRow extends SalesStage {
  /** A stage that was saved before: its key is what opportunities refer to, so it stays. */
  saved?: boolean;
}

const KINDS = ["open", "won", "lost"] as const;
const LANGUAGES = ["en", "zh-Hant", "zh-Hans"] as const;

function registered(count: number): FieldPath[] {
  const fields: FieldPath[] = [["stages"]];
  for (let index = 0; index < count; index++) {
    for (const name of ["key", "kind", "probability", "names"]) fields.push(["stages", index, name]);
    for (const language of LANGUAGES) fields.push(["stages", index, "names", language]);
  }
  return fields;
}

const rows = (stages: SalesStage[]): StageRow[] => stages.map((stage) => ({ ...stage, saved: true }));
const body = (stages: StageRow[]): SalesStage[] =>
  stages.map(({ key, kind, probability, names }) => ({
    key: key.trim(),
    kind,
    probability,
    names: { en: names.en.trim(), "zh-Hant": names["zh-Hant"].trim(), "zh-Hans": names["zh-Hans"].trim() },
  }));

export default function SalesStagesPage() {
  const api = useApi();
  return (
    <LoadedSettings queryKey={STAGES_QUERY_KEY} read={() => api.salesSettings.stages()}>
      {(loaded) => <StagesForm loaded={loaded} />}
    </LoadedSettings>
  );
}

function StagesForm({ loaded }: { loaded: Tagged<SalesStages> }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ stages: StageRow[] }>();
  const count = Form.useWatch("stages", form)?.length ?? loaded.data.stages.length;
  const { busy, submit, formError, unplaced, conflictDialog } = useSettingsForm<SalesStages, { stages: StageRow[] }>({
    form,
    registered: registered(count),
    loaded,
    read: () => api.salesSettings.stages(),
    replace: (values, etag) => api.salesSettings.replaceStages(body(values.stages), etag),
    show: (stages) => form.setFieldsValue({ stages: rows(stages.stages) }),
    onSaved: (saved) => {
      queryClient.setQueryData(STAGES_QUERY_KEY, saved);
      void message.success(t("salesStages.saved_message"));
    },
  });

  useEffect(() => form.setFieldsValue({ stages: rows(loaded.data.stages) }), [form, loaded]);

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("salesStages.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("salesStages.intro")}</Typography.Paragraph>
      <FormProblems error={formError} unplaced={unplaced} />
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
        <Form.List name="stages">
          {(fields, { add, remove, move }) => (
            <Space direction="vertical" style={{ width: "100%", marginBottom: 16 }}>
              {fields.map((field, index) => {
                const position = index + 1;
                const saved = form.getFieldValue(["stages", field.name, "saved"]);
                return (
                  <Card
                    key={field.key}
                    size="small"
                    role="group"
                    aria-label={t("salesStages.stageN", { index: position })}
                    title={t("salesStages.stageN", { index: position })}
                    extra={
                      <Space>
                        <Button size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={t("assignmentRules.moveUp", { index: position })} />
                        <Button size="small" icon={<ArrowDownOutlined />} disabled={index === fields.length - 1} onClick={() => move(index, index + 1)} aria-label={t("assignmentRules.moveDown", { index: position })} />
                        <Button size="small" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t("assignmentRules.remove", { index: position })} />
                      </Space>
                    }
                  >
                    <Space wrap align="start">
                      <Form.Item
                        label={t("salesStages.key")}
                        name={[field.name, "key"]}
                        extra={saved ? t("salesStages.keyFixed") : t("salesStages.keyHelp")}
                        rules={[{ required: true, pattern: /^[a-z][a-z0-9-]{0,39}$/, message: t("salesStages.keyInvalid") }]}
                      >
                        <Input disabled={saved} maxLength={40} style={{ width: 160 }} />
                      </Form.Item>
                      {LANGUAGES.map((language) => (
                        <Form.Item
                          key={language}
                          label={t(`salesStages.name_${language.replace("-", "_")}`)}
                          name={[field.name, "names", language]}
                          rules={[{ required: true, whitespace: true, message: t("salesStages.nameRequired") }]}
                        >
                          <Input maxLength={60} lang={language} style={{ width: 160 }} />
                        </Form.Item>
                      ))}
                      <Form.Item label={t("opportunities.probability")} name={[field.name, "probability"]} rules={[{ required: true }]}>
                        <InputNumber min={0} max={100} precision={0} suffix="%" controls={false} style={{ width: 100 }} />
                      </Form.Item>
                      <Form.Item label={t("salesStages.kind")} name={[field.name, "kind"]}>
                        <Select
                          aria-label={t("salesStages.kind")}
                          style={{ width: 120 }}
                          options={KINDS.map((kind) => ({ value: kind, label: t(`salesStages.kinds.${kind}`) }))}
                        />
                      </Form.Item>
                    </Space>
                  </Card>
                );
              })}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                disabled={fields.length >= 30}
                onClick={() => add({ key: "", kind: "open", probability: 50, names: { en: "", "zh-Hant": "", "zh-Hans": "" } }, fields.length)}
              >
                {t("salesStages.add")}
              </Button>
            </Space>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </Form>
      <ConflictDialog subject="record" {...conflictDialog} />
    </Card>
  );
}
