import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { Opportunity } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { useAccountName } from "../../components/AccountSelect";
import { CursorPager, useCursorPages } from "../../components/CursorPager";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { useStages } from "../../sales/useStages";

export const STATUS_COLORS: Record<string, string> = { open: "blue", won: "green", lost: "red" };

export default function OpportunitiesListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const pages = useCursorPages();
  const page = useQuery({
    queryKey: ["opportunities", "list", pages.cursor],
    queryFn: () => api.opportunities.list({ limit: 50, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });
  const columns = useOpportunityColumns();

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("opportunities.title")}
        </Typography.Title>
        <Space wrap>
          <Button onClick={() => navigate("/pipeline")}>{t("pipeline.open")}</Button>
          {me.permissions.includes("opportunities:write") && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/opportunities/new")}>
              {t("opportunities.new")}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Opportunity>
        caption={t("opportunities.title")}
        rowKey={(opportunity) => opportunity.id}
        loading={page.isFetching}
        rows={page.data?.items ?? []}
        emptyText={t("opportunities.empty")}
        columns={columns}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}

export function useOpportunityColumns(withAccount = true) {
  const { t } = useTranslation();
  const format = useTenantFormat();
  const { nameOf } = useUsers();
  const stages = useStages();
  return [
    {
      key: "name",
      title: t("opportunities.name"),
      render: (row: Opportunity) => <Link to={`/opportunities/${row.id}`}>{row.name}</Link>,
    },
    ...(withAccount
      ? [{ key: "account", title: t("contacts.account"), render: (row: Opportunity) => <AccountName id={row.account_id} /> }]
      : []),
    {
      key: "stage",
      title: t("opportunities.stage"),
      render: (row: Opportunity) => (
        <>
          {stages.nameOf(row.stage)} <Tag color={STATUS_COLORS[row.status]}>{t(`opportunities.statuses.${row.status}`)}</Tag>
        </>
      ),
    },
    { key: "amount", title: t("opportunities.amount"), render: (row: Opportunity) => format.amount(row.amount) },
    { key: "close", title: t("opportunities.expectedClose"), render: (row: Opportunity) => row.expected_close_date },
    { key: "owner", title: t("sales.owner"), render: (row: Opportunity) => nameOf(row.owner_user_id) },
  ];
}

export function AccountName({ id, link = true }: { id: string; link?: boolean }) {
  const name = useAccountName(id);
  return link ? <Link to={`/accounts/${id}`}>{name ?? "…"}</Link> : <>{name ?? "…"}</>;
}
