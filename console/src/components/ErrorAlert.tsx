import { Alert } from "antd";
import { useTranslation } from "react-i18next";
import { problemMessage } from "../api/problemMessages";

/** A failed call as one readable line in the user's language; nothing when there is no error. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert
      type="error"
      role="alert"
      title={problemMessage(error, t)}
      style={{ marginBottom: 16 }}
      action={
        onRetry ? (
          <a role="button" tabIndex={0} onClick={onRetry} onKeyDown={(e) => e.key === "Enter" && onRetry()}>
            {t("common.retry")}
          </a>
        ) : undefined
      }
    />
  );
}
