import { DownloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { App, Button, Space, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { type ExportFilters, type ImportEntity, newIdempotencyKey } from "../api/client";
import { problemMessage } from "../api/problemMessages";
import { useApi } from "../auth/AuthProvider";

const POLL_MS = 1000;

function download(url: string, fileName: string) {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.click();
}

/** "Export CSV" for a list as it is filtered: starts an export job with the list's filters, shows the rows
 * written while it runs, then downloads the file (and keeps a Download link while the link is fresh). */
export function ExportButton({ entity, filters }: { entity: ImportEntity; filters: ExportFilters }) {
  const { t } = useTranslation();
  const api = useApi();
  const { message } = App.useApp();
  const [starting, setStarting] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const downloaded = useRef<string | null>(null);
  const job = useQuery({
    queryKey: ["exports", jobId],
    queryFn: () => api.exports.get(jobId as string),
    enabled: jobId !== null,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "succeeded" || status === "failed" ? false : POLL_MS;
    },
  });
  const current = jobId ? job.data : undefined;

  useEffect(() => {
    if (!current || downloaded.current === current.id) return;
    if (current.status === "succeeded" && current.download) {
      downloaded.current = current.id;
      void message.success(t("exports.ready", { rows: current.rows_done }));
      download(current.download.url, current.download.file_name);
    } else if (current.status === "failed") {
      downloaded.current = current.id;
      void message.error(t("exports.failed", { reason: current.failure?.message ?? "" }));
    }
  }, [current, message, t]);

  useEffect(() => {
    if (job.error) void message.error(problemMessage(job.error, t));
  }, [job.error, message, t]);

  const start = async () => {
    setStarting(true);
    try {
      // A key per click, not per body: exporting the same list again later means a fresh file.
      const started = await api.exports.start({ entity, filters }, newIdempotencyKey());
      downloaded.current = null;
      setJobId(started.id);
    } catch (error) {
      void message.error(problemMessage(error, t));
    } finally {
      setStarting(false);
    }
  };

  const running = starting || (current !== undefined && (current.status === "queued" || current.status === "running"));
  return (
    <Space>
      <Button icon={<DownloadOutlined />} loading={running} onClick={start}>
        {t("exports.button")}
      </Button>
      <span aria-live="polite">
        {running && current && <Typography.Text type="secondary">{t("exports.running", { rows: current.rows_done })}</Typography.Text>}
        {current?.status === "succeeded" && current.download && (
          <Typography.Link href={current.download.url} download={current.download.file_name} rel="noopener">
            {t("exports.download", { file: current.download.file_name })}
          </Typography.Link>
        )}
        {current?.status === "failed" && (
          <Typography.Text type="danger">{t("exports.failed", { reason: current.failure?.message ?? "" })}</Typography.Text>
        )}
      </span>
    </Space>
  );
}
