import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Flex, Skeleton, Space, Tabs, Tag, Timeline, Typography } from "antd";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import type { Opportunity, Tagged } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { DeleteRecordDialog } from "../../components/DeleteRecordDialog";
import { AssignButton } from "../../collaboration/AssignButton";
import { Discussion } from "../../collaboration/Discussion";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useActorName, useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { nextStage } from "../../sales/pipeline";
import { useStages } from "../../sales/useStages";
import { AccountName, STATUS_COLORS } from "./OpportunitiesListPage";
import { StageChangeDialog } from "./StageChangeDialog";

// The tabs load when first opened: the stage history is what the page opens on.
const QuotesTab = lazy(() => import("../quotes/QuotesTab"));
const ActivitiesTab = lazy(() => import("../activities/ActivitiesTab"));

export default function OpportunityDetailPage() {
  const { opportunityId = "" } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { nameOf: userName } = useUsers();
  const actorName = useActorName();
  const { stages, nameOf } = useStages();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab");
  const [moving, setMoving] = useState<{ initial?: string } | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const queryKey = ["opportunities", "one", opportunityId];
  const opportunity = useQuery({ queryKey, queryFn: () => api.opportunities.get(opportunityId) });

  if (opportunity.isPending) return <Skeleton active />;
  if (opportunity.error) return <ErrorAlert error={opportunity.error} onRetry={() => void opportunity.refetch()} />;
  const { data } = opportunity.data;
  const canWrite = me.permissions.includes("opportunities:write");
  const next = data.status === "open" ? nextStage(data.stage, stages) : undefined;
  const lostStage = stages.find((stage) => stage.kind === "lost");
  const none = t("common.none");

  const moved = (result: Tagged<Opportunity>) => {
    setMoving(null);
    if (result.data.version !== data.version) {
      queryClient.setQueryData(queryKey, result);
      void message.success(t("stageMove.moved_message", { stage: nameOf(result.data.stage) }));
    } else {
      void opportunity.refetch();
    }
    void queryClient.invalidateQueries({ queryKey: ["opportunities", "list"] });
    void queryClient.invalidateQueries({ queryKey: ["opportunities", "board"] });
    void queryClient.invalidateQueries({ queryKey: ["opportunities", "ofAccount"] });
  };

  const history = [...data.stage_history].reverse();

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card>
        <Flex justify="space-between" align="center" wrap gap={16}>
          <div>
            <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
              {data.name}
            </Typography.Title>
            <Space style={{ marginTop: 8 }}>
              <Tag color={STATUS_COLORS[data.status]} data-testid="opportunity-stage">
                {nameOf(data.stage)}
              </Tag>
              {t(`opportunities.statuses.${data.status}`) !== nameOf(data.stage) && (
                <Typography.Text>{t(`opportunities.statuses.${data.status}`)}</Typography.Text>
              )}
            </Space>
          </div>
          {canWrite && (
            <Space wrap>
              {next && (
                <Button type="primary" onClick={() => setMoving({ initial: next.key })}>
                  {t("stageMove.moveTo", { stage: nameOf(next.key) })}
                </Button>
              )}
              {data.status === "open" ? (
                <>
                  <Button onClick={() => setMoving({})}>{t("stageMove.change")}</Button>
                  {lostStage && (
                    <Button danger onClick={() => setMoving({ initial: lostStage.key })}>
                      {t("stageMove.markLost")}
                    </Button>
                  )}
                </>
              ) : (
                <Button onClick={() => setMoving({})}>{t("stageMove.reopen")}</Button>
              )}
              <AssignButton
                record={opportunity.data}
                name={data.name}
                field="owner_user_id"
                current={data.owner_user_id}
                update={(userId, etag) => api.opportunities.update(data.id, { owner_user_id: userId }, etag)}
                onAssigned={(updated) => queryClient.setQueryData(queryKey, updated)}
                reload={() => void opportunity.refetch()}
              />
              <Button onClick={() => navigate(`/opportunities/${data.id}/edit`)}>{t("common.edit")}</Button>
              <Button danger type="text" onClick={() => setConfirmingDelete(true)}>
                {t("common.delete")}
              </Button>
            </Space>
          )}
        </Flex>
        <Descriptions column={{ xs: 1, md: 2 }} style={{ marginTop: 16 }} bordered size="small">
          <Descriptions.Item label={t("contacts.account")}>
            <AccountName id={data.account_id} />
          </Descriptions.Item>
          <Descriptions.Item label={t("opportunities.amount")}>{format.amount(data.amount)}</Descriptions.Item>
          <Descriptions.Item label={t("opportunities.probability")}>{data.probability}%</Descriptions.Item>
          <Descriptions.Item label={t("opportunities.expectedClose")}>{data.expected_close_date}</Descriptions.Item>
          <Descriptions.Item label={t("sales.owner")}>{userName(data.owner_user_id) || none}</Descriptions.Item>
          <Descriptions.Item label={t("sales.businessLine")}>{data.business_line ?? none}</Descriptions.Item>
          {data.closed_at && (
            <Descriptions.Item label={t("opportunities.closedAt")}>{format.dateTime(data.closed_at)}</Descriptions.Item>
          )}
          {data.lost_reason && (
            <Descriptions.Item label={t("stageMove.lostReason")}>
              <span style={{ whiteSpace: "pre-wrap" }}>{data.lost_reason}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          activeKey={tab ?? undefined}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={[
            {
              key: "history",
              label: t("opportunities.stageHistory"),
              children: (
                <Timeline
                  items={history.map((entry, index) => ({
                    key: `${entry.entered_at}-${index}`,
                    color: index === 0 ? STATUS_COLORS[data.status] : "gray",
                    content: (
                      <div>
                        <Typography.Text strong>{nameOf(entry.stage)}</Typography.Text>{" "}
                        <Typography.Text type="secondary">
                          {format.dateTime(entry.entered_at)} ·{" "}
                          {t("accounts.by", { actor: actorName(entry.by) })}
                        </Typography.Text>
                      </div>
                    ),
                  }))}
                />
              ),
            },
            ...(me.permissions.includes("quotes:read")
              ? [
                  {
                    key: "quotes",
                    label: t("quotes.title"),
                    children: (
                      <Suspense fallback={<Skeleton active />}>
                        <QuotesTab opportunityId={data.id} />
                      </Suspense>
                    ),
                  },
                ]
              : []),
            ...(me.permissions.includes("activities:read")
              ? [
                  {
                    key: "activities",
                    label: t("activities.title"),
                    children: (
                      <Suspense fallback={<Skeleton active />}>
                        <ActivitiesTab links={{ account_id: data.account_id, opportunity_id: data.id }} />
                      </Suspense>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Discussion collection="opportunities" recordId={data.id} />
      {moving && (
        <StageChangeDialog
          open
          opportunity={opportunity.data}
          stages={stages}
          nameOf={nameOf}
          initialStage={moving.initial}
          onClose={() => setMoving(null)}
          onMoved={moved}
        />
      )}
      <DeleteRecordDialog
        open={confirmingDelete}
        onClose={() => setConfirmingDelete(false)}
        resource="opportunities"
        id={data.id}
        name={data.name}
        remove={() => api.opportunities.remove(data.id, opportunity.data.etag)}
        then="/opportunities"
        onRefused={() => void opportunity.refetch()}
      />
    </Space>
  );
}
