import { Button, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { Opportunity } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { useAccountName } from "../../components/AccountSelect";
import { ListPage, useListPage } from "../../components/ListPage";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { useStages } from "../../sales/useStages";

export const STATUS_COLORS: Record<string, string> = { open: "blue", won: "green", lost: "red" };

export default function OpportunitiesListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const list = useListPage("opportunities", ({ cursor }) => api.opportunities.list({ limit: 50, cursor }));
  const columns = useOpportunityColumns();
  return (
    <ListPage<Opportunity>
      exportAs="opportunities"
      title={t("opportunities.title")}
      list={list}
      actions={<Button onClick={() => navigate("/pipeline")}>{t("pipeline.open")}</Button>}
      create={{ permission: "opportunities:write", path: "/opportunities/new", label: t("opportunities.new") }}
      rowKey={(opportunity) => opportunity.id}
      empty={{ none: t("opportunities.empty") }}
      columns={columns}
    />
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
