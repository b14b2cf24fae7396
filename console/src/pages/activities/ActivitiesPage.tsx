import { Switch, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Activity } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ListPage, useListPage } from "../../components/ListPage";
import { useActivityColumns } from "./ActivityColumns";
import { useCompleteActivity } from "./ActivitiesTab";
import { mine } from "./activityForm";

/** The planned activities, soonest due first: by default only the signed-in user's own. */
export default function ActivitiesPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const list = useListPage("activities", ({ cursor }) => api.activities.list({ status: "planned", limit: 200, cursor }));
  const onlyMine = (list.params.get("everyone") ?? "") === "";
  const completion = useCompleteActivity();
  const columns = useActivityColumns(completion.complete, true);
  const fetched = list.page.data?.items ?? [];
  return (
    <>
      <ListPage<Activity>
        title={t("activities.title")}
        list={list}
        filtered={onlyMine}
        rows={onlyMine ? mine(fetched, me.user?.id) : fetched}
        filters={
          <Typography.Text>
            <Switch
              checked={onlyMine}
              onChange={(checked) => list.setParam("everyone", checked ? "" : "1")}
              aria-label={t("activities.onlyMine")}
              style={{ marginInlineEnd: 8 }}
            />
            {t("activities.onlyMine")}
          </Typography.Text>
        }
        rowKey={(activity) => activity.id}
        empty={{ none: t("activities.empty"), noMatches: t("activities.noneOfMine") }}
        columns={columns}
      />
      {completion.dialog}
    </>
  );
}
