import { DownloadOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ImportEntity } from "../api/client";
import { useApi } from "../auth/AuthProvider";
import { problemMessage } from "../api/problemMessages";

/** "Export CSV" for a list as it is filtered: the API writes the file and answers a short-lived link,
 * which the browser then downloads. */
export function ExportButton({ entity, q, accountId }: { entity: ImportEntity; q?: string | null; accountId?: string | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const exportList = async () => {
    setBusy(true);
    try {
      const file = await api.exportList(entity, { q: q || undefined, account_id: accountId ?? undefined });
      void message.success(t("exports.ready", { rows: file.rows }));
      const link = document.createElement("a");
      link.href = file.url;
      link.download = file.file_name;
      link.rel = "noopener";
      link.click();
    } catch (error) {
      void message.error(problemMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={exportList}>
      {t("exports.button")}
    </Button>
  );
}
