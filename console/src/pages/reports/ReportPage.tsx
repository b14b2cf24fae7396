/** What every report page shares: the period and filter form (kept in the URL), the CSV download, the
 * loading and error states, and sections that set a chart beside the table of its figures. */
import { DownloadOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { App, Button, Col, DatePicker, Flex, Form, Input, Row, Select, Space, Spin, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { ReportName, Reports } from "../../api/client";
import { problemMessage } from "../../api/problemMessages";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type PlainColumn, PlainTable } from "../../components/PlainTable";
import { UserSelect } from "../../components/users";
import { ReportChart, type BarSeries } from "./ReportChart";
import {
  FILTER_KINDS,
  type FilterKind,
  type OwnScope,
  ownScopeParams,
  type ReportParams,
  readParams,
  reportQuery,
  teamScoped,
  writeParams,
} from "./reportFilters";

interface ReportPageProps<N extends ReportName> {
  name: N;
  title: string;
  intro: string;
  children: (report: Reports[N]) => ReactNode;
}

export function ReportPage<N extends ReportName>({ name, title, intro, children }: ReportPageProps<N>) {
  const { t } = useTranslation();
  const api = useApi();
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const params = readParams(search);
  const query = reportQuery(params);
  const report = useQuery({
    queryKey: ["reports", name, query],
    queryFn: () => api.reports.get(name, query),
    placeholderData: keepPreviousData,
  });
  const [downloading, setDownloading] = useState(false);

  const download = async () => {
    setDownloading(true);
    try {
      const file = await api.reports.csv(name, query);
      // The BOM lets spreadsheet programs read the Chinese text as UTF-8.
      const url = URL.createObjectURL(new Blob(["\ufeff", file.text], { type: "text/csv;charset=utf-8" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = file.filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      void message.error(problemMessage(error, t));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 8 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {title}
        </Typography.Title>
        <Button icon={<DownloadOutlined />} onClick={() => void download()} loading={downloading}>
          {t("reports.downloadCsv")}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>
      <ReportFilters params={params} onChange={(next) => setSearch(writeParams(next))} />
      <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      <Spin spinning={report.isFetching}>
        <div aria-busy={report.isFetching}>{report.data && children(report.data)}</div>
      </Spin>
    </>
  );
}

const MONTH_FORMAT = "YYYY-MM";

interface FilterValues {
  from: Dayjs;
  to: Dayjs;
  by: ReportParams["by"];
  value?: string;
  scope: OwnScope;
}

function ReportFilters({ params, onChange }: { params: ReportParams; onChange: (next: ReportParams) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [form] = Form.useForm<FilterValues>();
  const by = Form.useWatch("by", form) ?? params.by;
  const scoped = teamScoped(me);
  const initial: FilterValues = {
    from: dayjs(params.from, MONTH_FORMAT),
    to: dayjs(params.to, MONTH_FORMAT),
    by: params.by,
    value: params.value,
    scope: params.by === "owner_user_id" ? "mine" : "team",
  };

  const apply = (values: FilterValues) => {
    const filter = scoped ? ownScopeParams(me, values.scope) : { by: values.by, value: (values.value ?? "").trim() };
    onChange({ from: values.from.format(MONTH_FORMAT), to: values.to.format(MONTH_FORMAT), ...filter });
  };

  return (
    <Form
      form={form}
      layout="inline"
      initialValues={initial}
      onFinish={apply}
      style={{ marginBottom: 16, rowGap: 8 }}
      key={writeParams(params).toString()}
    >
      <Form.Item label={t("reports.from")} name="from" rules={[{ required: true, message: t("reports.monthRequired") }]}>
        <DatePicker picker="month" format={MONTH_FORMAT} allowClear={false} style={{ width: 130 }} />
      </Form.Item>
      <Form.Item label={t("reports.to")} name="to" rules={[{ required: true, message: t("reports.monthRequired") }]}>
        <DatePicker picker="month" format={MONTH_FORMAT} allowClear={false} style={{ width: 130 }} />
      </Form.Item>
      {scoped ? (
        <Form.Item label={t("reports.scope")} name="scope">
          <Select
            aria-label={t("reports.scope")}
            style={{ width: 180 }}
            options={[
              { value: "team", label: me.user?.team ? t("reports.myTeam", { team: me.user.team }) : t("reports.mine") },
              { value: "mine", label: t("reports.mine") },
            ]}
          />
        </Form.Item>
      ) : (
        <>
          <Form.Item label={t("reports.filterBy")} name="by">
            <Select<FilterKind | "">
              aria-label={t("reports.filterBy")}
              style={{ width: 160 }}
              onChange={() => form.setFieldValue("value", "")}
              options={[
                { value: "", label: t("reports.noFilter") },
                ...FILTER_KINDS.map((kind) => ({ value: kind, label: t(`reports.filters.${kind}`) })),
              ]}
            />
          </Form.Item>
          {by === "owner_user_id" ? (
            <Form.Item label={t("reports.filters.owner_user_id")} name="value">
              <UserSelect aria-label={t("reports.filters.owner_user_id")} style={{ width: 220 }} placeholder={t("sales.chooseUser")} />
            </Form.Item>
          ) : (
            by && (
              <Form.Item label={t(`reports.filters.${by}`)} name="value">
                <Input maxLength={200} style={{ width: 200 }} />
              </Form.Item>
            )
          )}
        </>
      )}
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t("reports.show")}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}

interface ReportSectionProps<T> {
  title: string;
  chart: { categories: string[]; series: BarSeries[]; horizontal?: boolean };
  columns: PlainColumn<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Names the section's chart and table for tests (`{testId}-chart`, `{testId}-table`). */
  testId: string;
}

/** A chart with the table of the same figures beside it (below it on narrow screens). */
export function ReportSection<T>({ title, chart, columns, rows, rowKey, testId }: ReportSectionProps<T>) {
  const { t } = useTranslation();
  return (
    <section aria-label={title} style={{ marginBottom: 24 }}>
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {title}
      </Typography.Title>
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={10}>
          {rows.length > 0 ? (
            <ReportChart label={title} testId={`${testId}-chart`} {...chart} />
          ) : (
            <Typography.Text type="secondary">{t("reports.nothing")}</Typography.Text>
          )}
        </Col>
        <Col xs={24} xl={14} data-testid={`${testId}-table`}>
          <PlainTable<T>
            caption={title}
            scrollLabel={t("reports.tableOf", { title })}
            columns={columns}
            rows={rows}
            rowKey={rowKey}
            emptyText={t("reports.nothing")}
          />
        </Col>
      </Row>
    </section>
  );
}
