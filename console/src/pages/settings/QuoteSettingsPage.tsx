import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Form, InputNumber, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { QuoteSettings, Tagged } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import { LoadedSettings } from "../../forms/LoadedSettings";
import { useSettingsForm } from "../../forms/useSettingsForm";
import {
  QuoteTemplateFields,
  TEMPLATE_FIELDS,
  type TemplateValues,
  templateInput,
  templateValues,
} from "./QuoteTemplateFields";

const QUOTE_SETTINGS_QUERY_KEY = ["sales-settings", "quotes"];

interface Values {
  default_tax_rate_percent: number;
  template: TemplateValues;
}

export default function QuoteSettingsPage() {
  const api = useApi();
  return (
    <LoadedSettings queryKey={QUOTE_SETTINGS_QUERY_KEY} read={() => api.salesSettings.quotes()}>
      {(loaded) => <QuoteSettingsForm loaded={loaded} />}
    </LoadedSettings>
  );
}

function QuoteSettingsForm({ loaded }: { loaded: Tagged<QuoteSettings> }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const show = (settings: QuoteSettings) =>
    form.setFieldsValue({
      default_tax_rate_percent: Number(settings.default_tax_rate_percent ?? 0),
      template: templateValues(settings.template),
    });
  const settings = useSettingsForm<QuoteSettings, Values>({
    form,
    registered: [["default_tax_rate_percent"], ...TEMPLATE_FIELDS],
    loaded,
    read: () => api.salesSettings.quotes(),
    replace: (entered, etag) =>
      api.salesSettings.replaceQuotes(
        {
          default_tax_rate_percent: String(entered.default_tax_rate_percent),
          template: templateInput(entered.template),
        },
        etag,
      ),
    show,
    onSaved: (saved) => {
      queryClient.setQueryData(QUOTE_SETTINGS_QUERY_KEY, saved);
      void message.success(t("quoteSettings.saved_message"));
    },
  });

  // `show` only writes into the form, which is stable: the loaded settings are what matter.
  useEffect(() => show(loaded.data), [loaded.data]);

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("quoteSettings.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("quoteSettings.intro")}</Typography.Paragraph>
      <FormProblems error={settings.formError} unplaced={settings.unplaced} />
      <Form form={form} layout="vertical" onFinish={settings.submit} disabled={settings.busy}>
        <Form.Item
          label={t("quoteSettings.defaultTaxRate")}
          name="default_tax_rate_percent"
          extra={t("quoteSettings.defaultTaxRateHelp")}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={100} step={0.01} precision={2} suffix="%" controls={false} style={{ width: 140 }} />
        </Form.Item>
        <Typography.Paragraph>
          {t("quoteSettings.defaultCurrency")}{" "}
          <Typography.Text strong data-testid="default-currency">
            {me.tenant.base_currency}
          </Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t("quoteSettings.currencyHelp")}</Typography.Paragraph>
        <QuoteTemplateFields
          loaded={loaded.data}
          entered={() => (form.getFieldsValue(true) as Values).template}
        />
        <Button type="primary" htmlType="submit" loading={settings.busy}>
          {t("common.save")}
        </Button>
      </Form>
      <ConflictDialog subject="record" {...settings.conflictDialog} />
    </Card>
  );
}
