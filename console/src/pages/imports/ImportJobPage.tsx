import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Descriptions, Flex, Progress, Skeleton, Space, Steps, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { ImportJob, RowDuplicates, RowErrors } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { MatchReasons, recordPath, UNDERLINED } from "../accounts/MatchReasons";
import { rowErrorMessage } from "./importFile";

const POLL_MS = 1_000;
const RUNNING = new Set<ImportJob["status"]>(["awaiting_upload", "validating", "committing"]);
const ERRORS_SHOWN = 200;

/** One import job: its progress while it runs (polled), the dry run's report, the commit, the result. */
export default function ImportJobPage() {
  const { importId = "" } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [committing, setCommitting] = useState(false);
  const [commitError, setCommitError] = useState<unknown>(null);

  const job = useQuery({
    queryKey: ["imports", "one", importId],
    queryFn: () => api.imports.get(importId),
    refetchInterval: (query) => (query.state.data && !RUNNING.has(query.state.data.status) ? false : POLL_MS),
  });
  const reported = job.data && job.data.status !== "validating" && job.data.status !== "awaiting_upload";
  const committed = job.data?.status === "committed";
  const entity = job.data?.entity;
  useEffect(() => {
    // The imported records are new to every cached list of their kind.
    if (committed && entity) void queryClient.invalidateQueries({ queryKey: [entity] });
  }, [committed, entity, queryClient]);
  const errors = useQuery({
    queryKey: ["imports", "errors", importId],
    queryFn: () => api.imports.errors(importId, { limit: ERRORS_SHOWN }),
    enabled: Boolean(reported && job.data?.error_rows),
  });

  if (job.isPending) return <Skeleton active />;
  if (job.error) return <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />;
  const data = job.data;

  const commit = async () => {
    setCommitting(true);
    setCommitError(null);
    try {
      queryClient.setQueryData(["imports", "one", importId], await api.imports.commit(importId));
    } catch (error) {
      setCommitError(error);
    } finally {
      setCommitting(false);
    }
  };

  // A commit that failed on an internal error resumes when sent again; a dry run that failed needs a new import.
  const resumable = data.status === "failed" && (data.rows_valid ?? 0) > 0 && data.failure?.field === "job";
  const step = { awaiting_upload: 0, validating: 0, validated: 1, committing: 2, committed: 3, failed: resumable ? 2 : 0 }[
    data.status
  ];

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t("imports.jobTitle", { file: data.file_name })}
      </Typography.Title>
      <Card>
        <Steps
          current={step}
          status={data.status === "failed" ? "error" : undefined}
          items={["check", "report", "commit", "done"].map((key) => ({ title: t(`imports.steps.${key}`) }))}
        />
        <Descriptions column={{ xs: 1, md: 3 }} bordered size="small" style={{ marginTop: 24 }}>
          <Descriptions.Item label={t("imports.entity")}>{t(`imports.entities.${data.entity}`)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.source")}>
            {t(`imports.sources.${data.mapping}`, { defaultValue: t("imports.sources.saved") })}
          </Descriptions.Item>
          <Descriptions.Item label={t("imports.status")}>
            <span role="status">{t(`imports.statuses.${data.status}`)}</span>
          </Descriptions.Item>
        </Descriptions>
        {RUNNING.has(data.status) && <RowProgress job={data} />}
      </Card>
      {data.failure && <Alert type="error" showIcon title={t("imports.failed")} description={data.failure.message} />}
      {reported && (
        <Card>
          <Typography.Title level={2} style={{ fontSize: 20 }}>
            {t("imports.report")}
          </Typography.Title>
          <Descriptions column={{ xs: 1, md: 4 }} bordered size="small">
            <Descriptions.Item label={t("imports.rowsTotal")}>{data.rows_total}</Descriptions.Item>
            <Descriptions.Item label={t("imports.rowsValid")}>{data.rows_valid}</Descriptions.Item>
            <Descriptions.Item label={t("imports.errorRows")}>{data.error_rows}</Descriptions.Item>
            <Descriptions.Item label={t("imports.duplicateRows")}>{data.duplicate_rows}</Descriptions.Item>
          </Descriptions>
          {Boolean(data.error_rows) && <RowErrorTable errors={errors.data?.items ?? []} loading={errors.isPending} total={data.error_rows ?? 0} />}
          <ErrorAlert error={errors.error} onRetry={() => void errors.refetch()} />
          {(data.duplicates ?? []).length > 0 && <DuplicateTable rows={data.duplicates ?? []} total={data.duplicate_rows ?? 0} />}
        </Card>
      )}
      {(data.status === "validated" || resumable) && (
        <Card>
          <ErrorAlert error={commitError} />
          <Typography.Paragraph>
            {t(resumable ? "imports.resumeText" : "imports.commitText", { rows: data.rows_valid })}
          </Typography.Paragraph>
          <Button type="primary" onClick={commit} loading={committing} disabled={!data.rows_valid}>
            {t(resumable ? "imports.resume" : "imports.commit", { rows: data.rows_valid })}
          </Button>
        </Card>
      )}
      {data.status === "committed" && (
        <Alert
          type="success"
          showIcon
          title={t("imports.committed", { rows: data.rows_committed })}
          action={
            <Link to={`/${data.entity}`}>{t("imports.openList", { list: t(`imports.entities.${data.entity}`) })}</Link>
          }
        />
      )}
      <Flex>
        <Link to="/imports/new">{t("imports.another")}</Link>
      </Flex>
    </Space>
  );
}

function RowProgress({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const total = job.status === "committing" ? job.rows_valid : job.rows_total;
  const done = job.rows_done ?? 0;
  const percent = total ? Math.floor((100 * done) / total) : 0;
  return (
    <div style={{ marginTop: 16 }}>
      <Progress percent={percent} status="active" aria-label={t("imports.progressLabel")} />
      <Typography.Text type="secondary">
        {total ? t("imports.rowsDone", { done, total }) : t("imports.reading")}
      </Typography.Text>
    </div>
  );
}

function RowErrorTable({ errors, loading, total }: { errors: RowErrors[]; loading: boolean; total: number }) {
  const { t } = useTranslation();
  const rows = errors.flatMap((row) => row.errors.map((error, index) => ({ line: row.line, index, ...error })));
  return (
    <section aria-labelledby="import-errors" style={{ marginTop: 24 }}>
      <Typography.Title level={3} id="import-errors" style={{ fontSize: 16 }}>
        {t("imports.errorsTitle")}
      </Typography.Title>
      {total > errors.length && !loading && (
        <Typography.Paragraph type="secondary">{t("imports.errorsShown", { shown: errors.length, total })}</Typography.Paragraph>
      )}
      <PlainTable
        rowKey={(row) => `${row.line}-${row.index}`}
        loading={loading}
        rows={rows}
        emptyText={t("imports.noErrors")}
        columns={[
          { key: "line", title: t("imports.line"), render: (row) => row.line },
          { key: "column", title: t("imports.column"), render: (row) => row.column ?? t("common.none") },
          { key: "field", title: t("imports.field"), render: (row) => <code>{row.field}</code> },
          { key: "message", title: t("imports.message"), render: (row) => <span title={row.message}>{rowErrorMessage(t, row)}</span> },
        ]}
      />
    </section>
  );
}

function DuplicateTable({ rows, total }: { rows: RowDuplicates[]; total: number }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="import-duplicates" style={{ marginTop: 24 }}>
      <Typography.Title level={3} id="import-duplicates" style={{ fontSize: 16 }}>
        {t("imports.duplicatesTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {total > rows.length ? t("imports.duplicatesShown", { shown: rows.length, total }) : t("imports.duplicatesHelp")}
      </Typography.Paragraph>
      <PlainTable<RowDuplicates>
        rowKey={(row) => String(row.line)}
        rows={rows}
        emptyText={t("imports.noDuplicates")}
        columns={[
          { key: "line", title: t("imports.line"), render: (row) => row.line },
          {
            key: "records",
            title: t("imports.matchesRecords"),
            render: (row) =>
              row.matches.length === 0
                ? t("common.none")
                : row.matches.map((match) => (
                    <div key={match.entity_id}>
                      <Tag>{t(`duplicates.types.${match.entity_type}`, { defaultValue: match.entity_type })}</Tag>
                      <Link to={recordPath(match)} style={UNDERLINED}>
                        {match.name}
                      </Link> <MatchReasons kinds={match.matched_on} />
                    </div>
                  )),
          },
          {
            key: "file",
            title: t("imports.matchesRows"),
            render: (row) =>
              row.file_rows.length === 0
                ? t("common.none")
                : row.file_rows.map((earlier) => (
                    <div key={earlier.line}>
                      {t("imports.lineName", { line: earlier.line, name: earlier.name })} <MatchReasons kinds={earlier.matched_on} />
                    </div>
                  )),
          },
        ]}
      />
    </section>
  );
}
