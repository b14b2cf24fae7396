import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Account } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ListPage, useListPage } from "../../components/ListPage";
import { useTenantFormat } from "../../format/useTenantFormat";

export default function AccountsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const format = useTenantFormat();
  const list = useListPage("accounts", ({ cursor, q }) => api.accounts.list({ limit: 50, cursor, q }));
  return (
    <ListPage<Account>
      title={t("accounts.title")}
      list={list}
      searchLabel={t("accounts.search")}
      create={{ permission: "accounts:write", path: "/accounts/new", label: t("accounts.new") }}
      rowKey={(account) => account.id}
      empty={{ none: t("accounts.empty"), noMatches: t("accounts.noMatches") }}
      columns={[
        {
          key: "name",
          title: t("accounts.name"),
          render: (account) => <Link to={`/accounts/${account.id}`}>{account.name}</Link>,
        },
        { key: "email", title: t("accounts.email"), render: (account) => account.email ?? "" },
        { key: "phone", title: t("accounts.phone"), render: (account) => account.phone ?? "" },
        {
          key: "tags",
          title: t("accounts.tags"),
          render: (account) => (account.tags ?? []).map((tag) => <Tag key={tag}>{tag}</Tag>),
        },
        { key: "updated", title: t("accounts.updated"), render: (account) => format.dateTime(account.updated_at) },
      ]}
    />
  );
}
