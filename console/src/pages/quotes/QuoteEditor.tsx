import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Form, Input, Modal, Select, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Quote } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { FormProblems } from "../../components/FormProblems";
import { useIdempotencyKey } from "../../forms/useIdempotencyKey";
import { useProblemForm } from "../../forms/useProblemForm";
import { useTenantFormat } from "../../format/useTenantFormat";
import { EMPTY_LINE, QUOTE_LANGUAGES, type QuoteFormValues, quoteBody, registeredFields, startingValues } from "./quoteForm";

const DECIMAL = /^[0-9][0-9,]*(\.[0-9]{1,4})?$/;
const MAX_LINES = 50;

interface QuoteEditorProps {
  opportunityId: string;
  /** The latest version, whose lines the new one starts from; none for the first. */
  latest?: Quote;
  onClose: () => void;
  onCreated: (quote: Quote) => void;
}

/** A new quote version: its lines (service, hours or quantity, rate, discount), tax, validity and language. */
export function QuoteEditor({ opportunityId, latest, onClose, onCreated }: QuoteEditorProps) {
  const { t } = useTranslation();
  const api = useApi();
  const format = useTenantFormat();
  const [form] = Form.useForm<QuoteFormValues>();
  const lines = Form.useWatch("lines", form) ?? [];
  const problems = useProblemForm(form, registeredFields(Math.max(lines.length, MAX_LINES)));
  const idempotencyKey = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const decimal = { pattern: DECIMAL, message: t("quotes.numberInvalid") };

  const submit = async (values: QuoteFormValues) => {
    setBusy(true);
    problems.clear();
    try {
      const body = quoteBody(values);
      onCreated((await api.quotes.create(opportunityId, body, idempotencyKey(body))).data);
    } catch (error) {
      problems.report(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={920}
      title={latest ? t("quotes.newVersionTitle", { revision: latest.revision + 1 }) : t("quotes.firstTitle")}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("quotes.create")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
    >
      <FormProblems error={problems.formError} unplaced={problems.unplaced} />
      <Form<QuoteFormValues>
        form={form}
        layout="vertical"
        disabled={busy}
        onFinish={submit}
        initialValues={startingValues(latest, format.locale)}
      >
        <Form.List
          name="lines"
          rules={[{ validator: async (_, value?: unknown[]) => (value?.length ? undefined : Promise.reject(new Error(t("quotes.linesRequired")))) }]}
        >
          {(fields, { add, remove }, { errors }) => (
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend style={{ fontSize: 16, fontWeight: 600 }}>{t("quotes.lines")}</legend>
              {fields.map((field, index) => (
                <Space
                  key={field.key}
                  align="start"
                  wrap
                  role="group"
                  aria-label={t("quotes.lineOf", { index: index + 1 })}
                  style={{ display: "flex" }}
                >
                  <Form.Item
                    name={[field.name, "description"]}
                    label={t("quotes.service")}
                    rules={[{ required: true, whitespace: true, message: t("quotes.serviceRequired") }]}
                  >
                    <Input maxLength={300} style={{ width: 260 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "kind"]} label={t("quotes.kind")}>
                    <Select
                      aria-label={t("quotes.kind")}
                      style={{ width: 110 }}
                      options={[
                        { value: "hours", label: t("quotes.kinds.hours") },
                        { value: "quantity", label: t("quotes.kinds.quantity") },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "quantity"]}
                    label={lines[index]?.kind === "quantity" ? t("quotes.quantity") : t("quotes.hours")}
                    rules={[{ required: true, message: t("quotes.numberRequired") }, decimal]}
                  >
                    <Input inputMode="decimal" maxLength={12} style={{ width: 90 }} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "unit_rate"]}
                    label={t("quotes.rate")}
                    rules={[{ required: true, message: t("quotes.numberRequired") }, decimal]}
                  >
                    <Input inputMode="decimal" maxLength={16} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "discount_percent"]} label={t("quotes.discountPercent")} rules={[decimal]}>
                    <Input inputMode="decimal" maxLength={6} style={{ width: 90 }} />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    style={{ marginTop: 30 }}
                    aria-label={t("quotes.removeLine", { index: index + 1 })}
                    disabled={fields.length <= 1}
                    onClick={() => remove(field.name)}
                  />
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              {fields.length < MAX_LINES && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ ...EMPTY_LINE })} style={{ marginBottom: 16 }}>
                  {t("quotes.addLine")}
                </Button>
              )}
            </fieldset>
          )}
        </Form.List>
        <Space align="start" wrap>
          <Form.Item label={t("quotes.taxRate")} name="tax_rate_percent" rules={[decimal]}>
            <Input inputMode="decimal" maxLength={6} style={{ width: 160 }} placeholder={t("quotes.firmDefault")} />
          </Form.Item>
          <Form.Item label={t("quotes.validUntil")} name="valid_until">
            <Input type="date" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label={t("quotes.language")} name="language">
            <Select
              aria-label={t("quotes.language")}
              style={{ width: 160 }}
              options={QUOTE_LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item label={t("accounts.notes")} name="notes">
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
