import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, InputNumber, Space, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { ScorecardFactor, ScorecardSettings, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import { LoadedSettings } from "../../forms/LoadedSettings";
import type { FieldPath } from "../../forms/problemFields";
import { useSettingsForm } from "../../forms/useSettingsForm";
import { rescoring, SCORECARD_QUERY_KEY, weightTotal } from "../../sales/scorecard";

// Polled apart from the form's copy, so that progress never resets what is being typed.
const PROGRESS_QUERY_KEY = [...SCORECARD_QUERY_KEY, "progress"];
// Re-scoring runs page by page in the background: the page asks how far it got this often.
const PROGRESS_REFRESH_MS = 2_000;
const TIERS = ["A", "B", "C"] as const;
const LABELS = ["label_en", "label_zh_hant", "label_zh_hans"] as const;
const LABEL_LANGUAGES = { label_en: "en", label_zh_hant: "zh-Hant", label_zh_hans: "zh-Hans" } as const;

interface Values {
  factors: ScorecardFactor[];
  tiers: Record<(typeof TIERS)[number], number>;
}

function registered(count: number): FieldPath[] {
  const fields: FieldPath[] = [["factors"], ["tiers"], ...TIERS.map((tier) => ["tiers", tier])];
  for (let index = 0; index < count; index++) {
    for (const name of ["key", "weight", ...LABELS]) fields.push(["factors", index, name]);
  }
  return fields;
}

const values = (settings: ScorecardSettings): Values => ({
  factors: settings.factors,
  tiers: { A: Number(settings.tiers.A), B: Number(settings.tiers.B), C: Number(settings.tiers.C) },
});

export default function ScorecardSettingsPage() {
  const api = useApi();
  return (
    <LoadedSettings queryKey={SCORECARD_QUERY_KEY} read={() => api.salesSettings.scorecard()}>
      {(loaded) => <ScorecardForm loaded={loaded} />}
    </LoadedSettings>
  );
}

function ScorecardForm({ loaded }: { loaded: Tagged<ScorecardSettings> }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const factors = Form.useWatch("factors", form);
  const count = factors?.length ?? loaded.data.factors.length;
  const total = weightTotal(factors ?? loaded.data.factors);
  const settings = useSettingsForm<ScorecardSettings, Values>({
    form,
    registered: registered(count),
    loaded,
    read: () => api.salesSettings.scorecard(),
    replace: (entered, etag) =>
      api.salesSettings.replaceScorecard(
        {
          factors: entered.factors.map((factor) => ({
            key: factor.key.trim(),
            weight: factor.weight,
            label_en: factor.label_en.trim(),
            label_zh_hant: factor.label_zh_hant.trim(),
            label_zh_hans: factor.label_zh_hans.trim(),
          })),
          tiers: entered.tiers,
        },
        etag,
      ),
    show: (saved) => form.setFieldsValue(values(saved)),
    onSaved: (saved) => {
      queryClient.setQueryData(SCORECARD_QUERY_KEY, saved);
      queryClient.setQueryData(PROGRESS_QUERY_KEY, saved);
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
      void message.success(t("scorecard.saved_message"));
    },
  });

  useEffect(() => form.setFieldsValue(values(loaded.data)), [form, loaded.data]);

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("scorecard.settingsTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("scorecard.intro")}</Typography.Paragraph>
      <RescoringProgress />
      <FormProblems error={settings.formError} unplaced={settings.unplaced} />
      <Form form={form} layout="vertical" onFinish={settings.submit} disabled={settings.busy}>
        <Typography.Title level={2} style={{ fontSize: 18 }}>
          {t("scorecard.factors")}
        </Typography.Title>
        <Form.List name="factors">
          {(fields, { add, remove }, { errors }) => (
            <Space direction="vertical" style={{ width: "100%", marginBottom: 16 }}>
              {fields.map((field, index) => {
                const position = index + 1;
                return (
                  <Card
                    key={field.key}
                    size="small"
                    role="group"
                    aria-label={t("scorecard.factorN", { index: position })}
                    title={t("scorecard.factorN", { index: position })}
                    extra={
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        disabled={fields.length <= 1}
                        onClick={() => remove(field.name)}
                        aria-label={t("scorecard.removeFactor", { index: position })}
                      />
                    }
                  >
                    <Space wrap align="start">
                      <Form.Item
                        label={t("scorecard.key")}
                        name={[field.name, "key"]}
                        extra={t("scorecard.keyHelp")}
                        rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t("scorecard.keyInvalid") }]}
                      >
                        <Input maxLength={40} style={{ width: 170 }} />
                      </Form.Item>
                      {LABELS.map((label) => (
                        <Form.Item
                          key={label}
                          label={t(`scorecard.${label}`)}
                          name={[field.name, label]}
                          rules={[{ required: true, whitespace: true, message: t("scorecard.labelRequired") }]}
                        >
                          <Input maxLength={60} lang={LABEL_LANGUAGES[label]} style={{ width: 170 }} />
                        </Form.Item>
                      ))}
                      <Form.Item label={t("scorecard.weight")} name={[field.name, "weight"]} rules={[{ required: true }]}>
                        <InputNumber min={1} max={100} precision={0} suffix="%" controls={false} style={{ width: 100 }} />
                      </Form.Item>
                    </Space>
                  </Card>
                );
              })}
              <Typography.Text
                strong
                data-testid="weight-total"
                type={total === 100 ? undefined : "danger"}
                aria-live="polite"
              >
                {total === 100 ? t("scorecard.totalOk", { total }) : t("scorecard.totalOff", { total })}
              </Typography.Text>
              <Form.ErrorList errors={errors} />
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                disabled={fields.length >= 20}
                onClick={() => add({ key: "", weight: undefined, label_en: "", label_zh_hant: "", label_zh_hans: "" })}
              >
                {t("scorecard.addFactor")}
              </Button>
            </Space>
          )}
        </Form.List>
        <Typography.Title level={2} style={{ fontSize: 18 }}>
          {t("scorecard.tiers")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t("scorecard.tiersIntro")}</Typography.Paragraph>
        <Space wrap align="start">
          {TIERS.map((tier) => (
            <Form.Item key={tier} label={t("scorecard.tierFrom", { tier })} name={["tiers", tier]} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} step={0.1} precision={1} controls={false} style={{ width: 120 }} />
            </Form.Item>
          ))}
        </Space>
        <div>
          <Button type="primary" htmlType="submit" loading={settings.busy}>
            {t("common.save")}
          </Button>
        </div>
      </Form>
      <ConflictDialog subject="record" {...settings.conflictDialog} />
    </Card>
  );
}

/** How far the background re-scoring got; asks again while it runs. */
function RescoringProgress() {
  const { t } = useTranslation();
  const api = useApi();
  const progress = useQuery({
    queryKey: PROGRESS_QUERY_KEY,
    queryFn: () => api.salesSettings.scorecard(),
    refetchInterval: (query) => {
      const state = query.state.data ? rescoring(query.state.data.data) : "none";
      return state === "starting" || state === "running" ? PROGRESS_REFRESH_MS : false;
    },
  });
  if (!progress.data) return null;
  const state = rescoring(progress.data.data);
  const counts = progress.data.data.recalculation;
  if (state === "none") return null;
  return (
    <Alert
      role="status"
      data-testid="rescoring"
      type={state === "done" ? "success" : "info"}
      showIcon
      style={{ marginBottom: 16 }}
      title={
        state === "starting"
          ? t("scorecard.rescoringStarting")
          : t(state === "done" ? "scorecard.rescoringDone" : "scorecard.rescoringRunning", {
              processed: counts?.accounts_processed ?? 0,
              changed: counts?.accounts_changed ?? 0,
            })
      }
    />
  );
}
