import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex, Input, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Account } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useTenantFormat } from "../../format/useTenantFormat";

const PAGE_SIZE = 50;

export default function AccountsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  // The cursors of the pages before this one, so "Previous page" can go back (cursors only go forward).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];

  const page = useQuery({
    queryKey: ["accounts", "list", q, cursor],
    queryFn: () => api.accounts.list({ limit: PAGE_SIZE, cursor, q: q || null }),
    placeholderData: keepPreviousData,
  });

  const search = (value: string) => {
    setCursors([null]);
    setParams(value.trim() ? { q: value.trim() } : {});
  };

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("accounts.title")}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            key={q}
            defaultValue={q}
            aria-label={t("accounts.search")}
            placeholder={t("accounts.search")}
            enterButton={t("accounts.searchButton")}
            allowClear
            maxLength={100}
            onSearch={search}
            style={{ width: 320 }}
            role="searchbox"
          />
          {me.permissions.includes("accounts:write") && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/accounts/new")}>
              {t("accounts.new")}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Account>
        rowKey={(account) => account.id}
        loading={page.isFetching}
        rows={page.data?.items ?? []}
        emptyText={q ? t("accounts.noMatches") : t("accounts.empty")}
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
      <Flex justify="flex-end" gap={8} style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1 || page.isFetching} onClick={() => setCursors((stack) => stack.slice(0, -1))}>
          {t("common.previousPage")}
        </Button>
        <Button
          disabled={!page.data?.next_cursor || page.isFetching}
          onClick={() => setCursors((stack) => [...stack, page.data?.next_cursor ?? null])}
        >
          {t("common.nextPage")}
        </Button>
      </Flex>
    </>
  );
}
