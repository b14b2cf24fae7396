import { Select, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Account, AccountSort, Tier } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ListPage, useListPage } from "../../components/ListPage";
import { useTenantFormat } from "../../format/useTenantFormat";

const TIERS = ["A", "B", "C", "D"] as const;

export default function AccountsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const format = useTenantFormat();
  const list = useListPage("accounts", ({ cursor, q, params }) =>
    api.accounts.list({
      limit: 50,
      cursor,
      q,
      sort: (params.get("sort") as AccountSort | null) || null,
      tier: (params.get("tier") as Tier | null) || null,
    }),
  );
  const sort = list.params.get("sort") ?? "";
  const tier = list.params.get("tier") ?? "";
  // The score ordering holds scored accounts only and does not combine with a name search.
  const byScore = Boolean(sort || tier);
  return (
    <>
      <ListPage<Account>
        exportAs="accounts"
        exportFilters={{ ...(sort ? { sort: sort as AccountSort } : {}), ...(tier ? { tier: tier as Tier } : {}) }}
        title={t("accounts.title")}
        list={list}
        searchLabel={byScore ? undefined : t("accounts.search")}
        filtered={byScore}
        filters={
          <>
            <Select
              aria-label={t("scorecard.sortLabel")}
              value={sort}
              style={{ width: 190 }}
              onChange={(value) => list.setParamValues({ sort: value, q: "" })}
              options={[
                { value: "", label: t("scorecard.sortNewest") },
                { value: "-score", label: t("scorecard.sortHighest") },
                { value: "score", label: t("scorecard.sortLowest") },
              ]}
            />
            <Select
              aria-label={t("scorecard.tierFilter")}
              value={tier}
              style={{ width: 150 }}
              onChange={(value) => list.setParamValues({ tier: value, q: "" })}
              options={[
                { value: "", label: t("scorecard.allTiers") },
                ...TIERS.map((value) => ({ value, label: t("scorecard.tierN", { tier: value }) })),
              ]}
            />
          </>
        }
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
          { key: "score", title: t("scorecard.score"), render: (account) => account.scorecard?.score ?? "" },
          {
            key: "tier",
            title: t("scorecard.tier"),
            render: (account) =>
              account.scorecard?.tier ? (
                <Tag>{t("scorecard.tierN", { tier: account.scorecard.tier })}</Tag>
              ) : (
                ""
              ),
          },
          {
            key: "tags",
            title: t("accounts.tags"),
            render: (account) => (account.tags ?? []).map((tag) => <Tag key={tag}>{tag}</Tag>),
          },
          { key: "updated", title: t("accounts.updated"), render: (account) => format.dateTime(account.updated_at) },
        ]}
      />
      {byScore && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t("scorecard.scoreOnlyList")}
        </Typography.Paragraph>
      )}
    </>
  );
}
