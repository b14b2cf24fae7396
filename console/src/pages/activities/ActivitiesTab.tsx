import { useQueryClient } from "@tanstack/react-query";
import { App } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Activity } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { RelatedList } from "../../components/ListPage";
import { useActivityColumns } from "./ActivityColumns";
import { CompleteActivityDialog, PlanActivityDialog } from "./ActivityDialogs";
import { type ActivityLinks, ofOpportunity } from "./activityForm";

/** After an activity is planned or done: its lists, and the account whose contact dates follow it. */
export function useActivitySaved(accountId: string | null | undefined) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return (messageKey: string) => {
    void queryClient.invalidateQueries({ queryKey: ["activities"] });
    if (accountId) void queryClient.invalidateQueries({ queryKey: ["accounts", "one", accountId] });
    void message.success(t(messageKey));
  };
}

/** "Mark done" on a list: `complete(activity)` opens the dialog, which `dialog` renders. */
export function useCompleteActivity() {
  const [completing, setCompleting] = useState<Activity | null>(null);
  const saved = useActivitySaved(completing?.account_id);
  const dialog = completing && (
    <CompleteActivityDialog
      activity={completing}
      onClose={() => setCompleting(null)}
      onSaved={() => {
        setCompleting(null);
        saved("activities.done_message");
      }}
    />
  );
  return { complete: setCompleting, dialog };
}

/** The activities tab of an account, or of an opportunity (its account's activities that name it). */
export default function ActivitiesTab({ links }: { links: ActivityLinks }) {
  const { t } = useTranslation();
  const api = useApi();
  const [planning, setPlanning] = useState(false);
  const completion = useCompleteActivity();
  const columns = useActivityColumns(completion.complete);
  const saved = useActivitySaved(links.account_id);
  const { opportunity_id: opportunityId } = links;
  return (
    <>
      <RelatedList<Activity>
        queryKey={["activities", "ofAccount", links.account_id]}
        fetchPage={(cursor) => api.activities.ofAccount(links.account_id, { limit: 200, cursor })}
        create={{ permission: "activities:write", label: t("activities.plan"), onClick: () => setPlanning(true) }}
        caption={t("activities.title")}
        rowKey={(activity) => activity.id}
        emptyText={t("activities.emptyHere")}
        arrange={opportunityId ? (rows) => ofOpportunity(rows, opportunityId) : undefined}
        columns={columns}
      />
      {planning && (
        <PlanActivityDialog
          links={links}
          onClose={() => setPlanning(false)}
          onSaved={() => {
            setPlanning(false);
            saved("activities.planned_message");
          }}
        />
      )}
      {completion.dialog}
    </>
  );
}
