import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Descriptions, Flex, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Quote } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { openLinkInNewTab } from "../../components/openLinkInNewTab";
import { PlainTable } from "../../components/PlainTable";
import { useTenantFormat } from "../../format/useTenantFormat";
import { QuoteEditor } from "./QuoteEditor";

// Tag colours with 4.5:1 text contrast (antd's green tag falls short).
const STATUS_COLORS: Record<string, string> = { draft: "default", sent: "blue", accepted: "purple", rejected: "red" };

/** The quotes tab of an opportunity: its versions (older ones read-only), a new version, the PDF. */
export default function QuotesTab({ opportunityId }: { opportunityId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const [shownId, setShownId] = useState<string | null>(null);
  const [pdfError, setPdfError] = useState<unknown>(null);
  // Versions are few (one per negotiation round): one page of 200 holds them all.
  const versions = useQuery({
    queryKey: ["quotes", "ofOpportunity", opportunityId],
    queryFn: () => api.quotes.ofOpportunity(opportunityId, { limit: 200 }),
  });
  const quotes = versions.data?.items ?? [];
  const latest = quotes.find((quote) => !quote.superseded_by);
  const shown = quotes.find((quote) => quote.id === shownId) ?? latest;
  const canWrite = me.permissions.includes("quotes:write");

  const openPdf = async (quote: Quote) => {
    setPdfError(null);
    try {
      await openLinkInNewTab(() => api.quotes.pdf(quote.id));
    } catch (error) {
      setPdfError(error);
    }
  };

  const created = (quote: Quote) => {
    setEditing(false);
    setShownId(quote.id);
    void queryClient.invalidateQueries({ queryKey: ["quotes", "ofOpportunity", opportunityId] });
    void message.success(t("quotes.created_message", { revision: quote.revision }));
  };

  return (
    <>
      {canWrite && (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button type="primary" onClick={() => setEditing(true)} disabled={versions.isPending}>
            {latest ? t("quotes.newVersion") : t("quotes.first")}
          </Button>
        </Flex>
      )}
      <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />
      <ErrorAlert error={pdfError} />
      <PlainTable<Quote>
        caption={t("quotes.title")}
        rowKey={(quote) => quote.id}
        loading={versions.isFetching}
        rows={[...quotes].reverse()}
        emptyText={t("quotes.empty")}
        columns={[
          {
            key: "version",
            title: t("quotes.version"),
            render: (quote) => (
              <Space>
                <Button type="link" style={{ padding: 0 }} onClick={() => setShownId(quote.id)} aria-pressed={shown?.id === quote.id}>
                  {t("quotes.versionN", { number: quote.number, revision: quote.revision })}
                </Button>
                {quote.superseded_by ? <Tag>{t("quotes.readOnly")}</Tag> : <Tag color="blue">{t("quotes.current")}</Tag>}
              </Space>
            ),
          },
          {
            key: "status",
            title: t("quotes.status"),
            render: (quote) => <Tag color={STATUS_COLORS[quote.status]}>{t(`quotes.statuses.${quote.status}`)}</Tag>,
          },
          { key: "total", title: t("quotes.total"), render: (quote) => format.amount(quote.total) },
          { key: "valid", title: t("quotes.validUntil"), render: (quote) => quote.valid_until },
          { key: "language", title: t("quotes.language"), render: (quote) => t(`language.${quote.language}`) },
          { key: "created", title: t("accounts.created"), render: (quote) => format.dateTime(quote.created_at) },
          {
            key: "pdf",
            title: t("common.actions"),
            render: (quote) => (
              <Button size="small" onClick={() => void openPdf(quote)} aria-label={t("quotes.openPdfOf", { revision: quote.revision })}>
                {t("quotes.openPdf")}
              </Button>
            ),
          },
        ]}
      />
      {shown && <QuoteView quote={shown} />}
      {editing && (
        <QuoteEditor opportunityId={opportunityId} latest={latest} onClose={() => setEditing(false)} onCreated={created} />
      )}
    </>
  );
}

/** One version as the API priced it: lines, then subtotal, discount, tax and total. */
function QuoteView({ quote }: { quote: Quote }) {
  const { t } = useTranslation();
  const format = useTenantFormat();
  const money = (amount: string) => format.amount({ amount, currency: quote.currency });
  return (
    <section aria-label={t("quotes.versionN", { number: quote.number, revision: quote.revision })} style={{ marginTop: 24 }}>
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t("quotes.versionN", { number: quote.number, revision: quote.revision })}{" "}
        {quote.superseded_by && <Tag>{t("quotes.readOnly")}</Tag>}
      </Typography.Title>
      <PlainTable
        caption={t("quotes.lines")}
        rowKey={(line) => `${quote.lines.indexOf(line)}`}
        rows={quote.lines}
        emptyText={t("quotes.noLines")}
        columns={[
          { key: "service", title: t("quotes.service"), render: (line) => line.description },
          {
            key: "quantity",
            title: t("quotes.quantityOrHours"),
            render: (line) => `${line.quantity} ${t(`quotes.kinds.${line.kind}`)}`,
          },
          { key: "rate", title: t("quotes.rate"), render: (line) => money(line.unit_rate) },
          { key: "amount", title: t("quotes.amount"), render: (line) => money(line.amount) },
          { key: "discount", title: t("quotes.discount"), render: (line) => `${money(line.discount)} (${line.discount_percent ?? "0"}%)` },
          { key: "net", title: t("quotes.net"), render: (line) => money(line.net) },
        ]}
      />
      <Descriptions column={1} size="small" bordered style={{ marginTop: 16, maxWidth: 420, marginInlineStart: "auto" }} data-testid="quote-totals">
        <Descriptions.Item label={t("quotes.subtotal")}>{format.amount(quote.subtotal)}</Descriptions.Item>
        <Descriptions.Item label={t("quotes.discount")}>{format.amount(quote.discount)}</Descriptions.Item>
        <Descriptions.Item label={t("quotes.taxOf", { rate: quote.tax_rate_percent })}>{format.amount(quote.tax)}</Descriptions.Item>
        <Descriptions.Item label={t("quotes.total")}>
          <strong data-testid="quote-total">{format.amount(quote.total)}</strong>
        </Descriptions.Item>
      </Descriptions>
    </section>
  );
}
