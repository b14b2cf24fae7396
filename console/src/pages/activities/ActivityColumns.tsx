import { Button, Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { Activity } from "../../api/client";
import { useMe } from "../../auth/AuthProvider";
import type { PlainColumn } from "../../components/PlainTable";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { AccountName } from "../opportunities/OpportunitiesListPage";
import { KIND_COLORS } from "./activityForm";

// Only tag colours whose text keeps 4.5:1 contrast (antd's gold, green and cyan tags do not).
const STATUS_COLORS: Record<string, string> = { planned: "blue", done: "default", cancelled: "default" };

/** The activity lists' columns; `onComplete` opens the "Mark done" dialog of a planned one. */
export function useActivityColumns(onComplete: (activity: Activity) => void, withAccount = false): PlainColumn<Activity>[] {
  const { t } = useTranslation();
  const me = useMe();
  const format = useTenantFormat();
  const { nameOf } = useUsers();
  const canWrite = me.permissions.includes("activities:write");
  return [
    {
      key: "when",
      title: t("activities.when"),
      render: (activity) => format.dateTime(activity.status === "done" ? activity.done_at : activity.due_at),
    },
    {
      key: "kind",
      title: t("activities.kind"),
      render: (activity) => <Tag color={KIND_COLORS[activity.kind]}>{t(`activities.kinds.${activity.kind}`)}</Tag>,
    },
    {
      key: "subject",
      title: t("activities.subject"),
      render: (activity) => (
        <>
          {activity.subject}
          {(activity.minutes || activity.notes) && (
            <div style={{ color: "rgba(0,0,0,0.65)", whiteSpace: "pre-wrap" }}>{activity.minutes ?? activity.notes}</div>
          )}
        </>
      ),
    },
    ...(withAccount
      ? [{ key: "account", title: t("contacts.account"), render: (activity: Activity) => (activity.account_id ? <AccountName id={activity.account_id} /> : "") }]
      : []),
    {
      key: "status",
      title: t("activities.status"),
      render: (activity) => <Tag color={STATUS_COLORS[activity.status]}>{t(`activities.statuses.${activity.status}`)}</Tag>,
    },
    { key: "owner", title: t("sales.owner"), render: (activity) => nameOf(activity.owner_id) },
    {
      key: "actions",
      title: t("common.actions"),
      render: (activity) =>
        canWrite && activity.status === "planned" ? (
          <Button size="small" onClick={() => onComplete(activity)} aria-label={t("activities.markDoneOf", { subject: activity.subject })}>
            {t("activities.markDone")}
          </Button>
        ) : null,
    },
  ];
}
