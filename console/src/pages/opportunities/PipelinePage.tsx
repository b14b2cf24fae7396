import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Flex, Skeleton, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { Opportunity } from "../../api/client";
import type { Api } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { groupByStage } from "../../sales/pipeline";
import { useStages } from "../../sales/useStages";
import { AccountName } from "./OpportunitiesListPage";

// The board reads up to this many opportunities (5 pages of 200) and says so when there are more.
const BOARD_PAGES = 5;

async function boardOpportunities(api: Api): Promise<{ items: Opportunity[]; complete: boolean }> {
  const items: Opportunity[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < BOARD_PAGES; page++) {
    const result = await api.opportunities.list({ limit: 200, cursor });
    items.push(...result.items);
    cursor = result.next_cursor ?? null;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}

export default function PipelinePage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const format = useTenantFormat();
  const { stages, nameOf, query: stagesQuery } = useStages();
  const opportunities = useQuery({ queryKey: ["opportunities", "board"], queryFn: () => boardOpportunities(api) });

  const header = (
    <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t("pipeline.title")}
      </Typography.Title>
      <Space wrap>
        <Button onClick={() => navigate("/opportunities")}>{t("pipeline.asList")}</Button>
        {me.permissions.includes("opportunities:write") && (
          <Button type="primary" onClick={() => navigate("/opportunities/new")}>
            {t("opportunities.new")}
          </Button>
        )}
      </Space>
    </Flex>
  );
  if (stagesQuery.error || opportunities.error) {
    return (
      <>
        {header}
        <ErrorAlert
          error={stagesQuery.error ?? opportunities.error}
          onRetry={() => void Promise.all([stagesQuery.refetch(), opportunities.refetch()])}
        />
      </>
    );
  }
  if (stagesQuery.isPending || opportunities.isPending) {
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );
  }
  const board = groupByStage(opportunities.data.items, stages);

  return (
    <>
      {header}
      {!opportunities.data.complete && (
        <Alert type="info" title={t("pipeline.truncated", { count: opportunities.data.items.length })} style={{ marginBottom: 16 }} />
      )}
      {/* Focusable so that a keyboard can scroll the board sideways when the stages do not fit. */}
      <div
        role="region"
        aria-label={t("pipeline.title")}
        tabIndex={0}
        style={{ display: "flex", gap: 8, overflowX: "auto", alignItems: "flex-start", paddingBottom: 8 }}
      >
        {board.columns.map((column) => (
          <section
            key={column.stage.key}
            aria-labelledby={`stage-${column.stage.key}`}
            data-testid={`stage-${column.stage.key}`}
            style={{ flex: "1 1 160px", minWidth: 150, background: "#f0f2f5", borderRadius: 8, padding: 8 }}
          >
            <Typography.Title level={2} id={`stage-${column.stage.key}`} style={{ fontSize: 15, margin: "4px 4px 0" }}>
              {nameOf(column.stage.key)}{" "}
              <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
                ({column.opportunities.length})
              </Typography.Text>
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ margin: "0 4px 8px", fontSize: 12 }}>
              {t("pipeline.probability", { probability: column.stage.probability })}
              {column.totals.length > 0 && " · "}
              {column.totals.map((total) => format.amount(total)).join(" + ")}
            </Typography.Paragraph>
            <Space direction="vertical" style={{ width: "100%" }}>
              {column.opportunities.map((opportunity) => (
                <OpportunityCard key={opportunity.id} opportunity={opportunity} />
              ))}
              {column.opportunities.length === 0 && (
                <Typography.Text type="secondary" style={{ padding: 4, display: "block" }}>
                  {t("pipeline.emptyStage")}
                </Typography.Text>
              )}
            </Space>
          </section>
        ))}
      </div>
      {board.unknownStage.length > 0 && (
        <Card style={{ marginTop: 16 }} title={t("pipeline.unknownStage")}>
          {board.unknownStage.map((opportunity) => (
            <OpportunityCard key={opportunity.id} opportunity={opportunity} />
          ))}
        </Card>
      )}
    </>
  );
}

function OpportunityCard({ opportunity }: { opportunity: Opportunity }) {
  const { t } = useTranslation();
  const format = useTenantFormat();
  const { nameOf } = useUsers();
  return (
    <Card size="small" styles={{ body: { padding: 10 } }}>
      <Link to={`/opportunities/${opportunity.id}`} style={{ fontWeight: 600 }}>
        {opportunity.name}
      </Link>
      <div style={{ fontSize: 12 }}>
        <AccountName id={opportunity.account_id} link={false} />
      </div>
      <div>{format.amount(opportunity.amount)}</div>
      <div style={{ fontSize: 12, color: "rgba(0,0,0,0.65)" }}>
        {t("pipeline.closes", { date: opportunity.expected_close_date })}
        {opportunity.owner_user_id && ` · ${nameOf(opportunity.owner_user_id)}`}
      </div>
      {opportunity.status !== "open" && <Tag style={{ marginTop: 4 }}>{t(`opportunities.statuses.${opportunity.status}`)}</Tag>}
    </Card>
  );
}
