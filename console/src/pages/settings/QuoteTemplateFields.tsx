import { Button, ColorPicker, Form, Input, Space, Tabs, Typography, Upload } from "antd";
import type { Color } from "antd/es/color-picker";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Letterhead, Locale, QuoteSettings, QuoteTemplate } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { openLinkInNewTab } from "../../components/openLinkInNewTab";
import type { FieldPath } from "../../forms/problemFields";
import { LOCALES } from "../../i18n";

/** Mirrors the API's limits (domain/quote_template.py), so most mistakes are caught before saving. */
const LOGO_MAX_BYTES = 1024 * 1024;
const LOGO_TYPES = ["image/png", "image/jpeg"];
const LETTERHEAD_FIELDS = [
  "display_name",
  "address_lines",
  "phone",
  "email",
  "website",
  "registration",
  "terms",
  "footer",
] as const;

/** The template as the form holds it: address lines as one text, a line per line. */
export interface TemplateValues {
  letterheads: Partial<Record<Locale, Partial<Record<keyof Letterhead, string>>>>;
  accent_color: string;
  logo_id: string | null;
}

export const TEMPLATE_FIELDS: FieldPath[] = [
  ["template", "accent_color"],
  ["template", "logo_id"],
  ...LOCALES.flatMap((code) => LETTERHEAD_FIELDS.map((name) => ["template", "letterheads", code, name])),
];

export function templateValues(template: QuoteTemplate | undefined): TemplateValues {
  const letterheads = Object.fromEntries(
    LOCALES.map((code) => {
      const letterhead = template?.letterheads?.[code];
      return [code, { ...letterhead, address_lines: (letterhead?.address_lines ?? []).join("\n") }];
    }),
  );
  return { letterheads, accent_color: template?.accent_color ?? "#1F4E79", logo_id: template?.logo_id ?? null };
}

export function templateInput(values: TemplateValues): QuoteTemplate {
  const letterheads: Partial<Record<Locale, Letterhead>> = {};
  for (const code of LOCALES) {
    const entered = values.letterheads?.[code] ?? {};
    const text = (name: keyof Letterhead) => (entered[name] ?? "").trim();
    letterheads[code] = {
      display_name: text("display_name"),
      address_lines: text("address_lines")
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
      phone: text("phone"),
      email: text("email"),
      website: text("website"),
      registration: text("registration"),
      terms: text("terms"),
      footer: text("footer"),
    };
  }
  return { letterheads, accent_color: values.accent_color, logo_id: values.logo_id };
}

/** The letterhead per language in tabs, the accent colour, the logo, and a preview of the entered template. */
export function QuoteTemplateFields({
  loaded,
  entered,
}: {
  loaded: QuoteSettings;
  entered: () => TemplateValues;
}) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [language, setLanguage] = useState<Locale>((i18n.language as Locale) ?? "en");
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);

  const preview = async () => {
    setPreviewError(null);
    setPreviewing(true);
    try {
      await openLinkInNewTab(() =>
        api.salesSettings.previewQuoteTemplate({ template: templateInput(entered()), language }),
      );
    } catch (error) {
      setPreviewError(error);
    } finally {
      setPreviewing(false);
    }
  };

  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t("quoteTemplate.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("quoteTemplate.intro")}</Typography.Paragraph>
      <Tabs
        activeKey={language}
        onChange={(key) => setLanguage(key as Locale)}
        items={LOCALES.map((code) => ({
          key: code,
          label: <span lang={code}>{t(`language.${code}`)}</span>,
          forceRender: true,
          children: <LetterheadFields code={code} />,
        }))}
      />
      <Form.Item
        label={t("quoteTemplate.accentColor")}
        name={["template", "accent_color"]}
        extra={t("quoteTemplate.accentColorHelp")}
        getValueFromEvent={(color: Color) => color.toHexString().toUpperCase()}
      >
        <ColorPicker showText disabledAlpha format="hex" aria-label={t("quoteTemplate.accentColor")} />
      </Form.Item>
      <Form.Item label={t("quoteTemplate.logo")} name={["template", "logo_id"]} extra={t("quoteTemplate.logoHelp")}>
        <LogoField savedId={loaded.template?.logo_id ?? null} savedUrl={loaded.logo_url ?? null} />
      </Form.Item>
      <Space direction="vertical" style={{ marginBottom: 16 }}>
        <Button onClick={() => void preview()} loading={previewing}>
          {t("quoteTemplate.preview", { language: t(`language.${language}`) })}
        </Button>
        {previewError ? <ErrorAlert error={previewError} /> : null}
      </Space>
    </>
  );
}

function LetterheadFields({ code }: { code: Locale }) {
  const { t } = useTranslation();
  const name = (field: (typeof LETTERHEAD_FIELDS)[number]) => ["template", "letterheads", code, field];
  const short = { maxLength: 120 };
  return (
    <>
      <Form.Item
        label={t("quoteTemplate.displayName")}
        name={name("display_name")}
        extra={t("quoteTemplate.displayNameHelp")}
      >
        <Input {...short} />
      </Form.Item>
      <Form.Item
        label={t("quoteTemplate.addressLines")}
        name={name("address_lines")}
        extra={t("quoteTemplate.addressLinesHelp")}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
      </Form.Item>
      <Space wrap size="middle" align="start">
        <Form.Item label={t("quoteTemplate.phone")} name={name("phone")}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item label={t("quoteTemplate.email")} name={name("email")}>
          <Input type="email" maxLength={254} />
        </Form.Item>
        <Form.Item label={t("quoteTemplate.website")} name={name("website")}>
          <Input {...short} />
        </Form.Item>
      </Space>
      <Form.Item
        label={t("quoteTemplate.registration")}
        name={name("registration")}
        extra={t("quoteTemplate.registrationHelp")}
      >
        <Input {...short} />
      </Form.Item>
      <Form.Item label={t("quoteTemplate.terms")} name={name("terms")} extra={t("quoteTemplate.termsHelp")}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={4000} showCount />
      </Form.Item>
      <Form.Item label={t("quoteTemplate.footer")} name={name("footer")} extra={t("quoteTemplate.footerHelp")}>
        <Input maxLength={200} />
      </Form.Item>
    </>
  );
}

/** The logo as a form field (its value is the logo_id): upload straight to S3, a preview, and remove. */
function LogoField({
  value,
  onChange,
  savedId,
  savedUrl,
}: {
  value?: string | null;
  onChange?: (logoId: string | null) => void;
  savedId: string | null;
  savedUrl: string | null;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [picked, setPicked] = useState<{ id: string; url: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploading, setUploading] = useState(false);

  useEffect(() => () => (picked ? URL.revokeObjectURL(picked.url) : undefined), [picked]);

  const shown = value && picked?.id === value ? picked.url : value && value === savedId ? savedUrl : null;

  const upload = async (file: File) => {
    setProblem(null);
    setError(null);
    if (!LOGO_TYPES.includes(file.type)) return setProblem(t("quoteTemplate.logoWrongType"));
    if (file.size > LOGO_MAX_BYTES) return setProblem(t("quoteTemplate.logoTooLarge"));
    setUploading(true);
    try {
      const logoId = await api.salesSettings.uploadQuoteLogo(file);
      setPicked({ id: logoId, url: URL.createObjectURL(file) });
      onChange?.(logoId);
    } catch (failure) {
      setError(failure);
    } finally {
      setUploading(false);
    }
  };

  return (
    <Space direction="vertical">
      {shown ? (
        <img
          src={shown}
          alt={t("quoteTemplate.logoAlt")}
          style={{ maxWidth: 160, maxHeight: 80, objectFit: "contain", border: "1px solid #f0f0f0" }}
        />
      ) : null}
      <Space>
        <Upload
          accept={LOGO_TYPES.join(",")}
          showUploadList={false}
          beforeUpload={(file) => {
            void upload(file);
            return Upload.LIST_IGNORE;
          }}
        >
          <Button loading={uploading}>{value ? t("quoteTemplate.replaceLogo") : t("quoteTemplate.uploadLogo")}</Button>
        </Upload>
        {value ? (
          <Button danger onClick={() => onChange?.(null)}>
            {t("quoteTemplate.removeLogo")}
          </Button>
        ) : null}
      </Space>
      {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
      {error ? <ErrorAlert error={error} /> : null}
    </Space>
  );
}
