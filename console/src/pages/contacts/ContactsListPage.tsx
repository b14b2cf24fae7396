import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex, Input, Space, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Contact } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { useAccountName } from "../../components/AccountSelect";
import { CursorPager, useCursorPages } from "../../components/CursorPager";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useContactColumns } from "./ContactColumns";

const PAGE_SIZE = 50;

export default function ContactsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const pages = useCursorPages();
  const columns = useContactColumns();
  const page = useQuery({
    queryKey: ["contacts", "list", q, pages.cursor],
    queryFn: () => api.contacts.list({ limit: PAGE_SIZE, cursor: pages.cursor, q: q || null }),
    placeholderData: keepPreviousData,
  });
  const search = (value: string) => {
    pages.reset();
    setParams(value.trim() ? { q: value.trim() } : {});
  };

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("contacts.title")}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            key={q}
            defaultValue={q}
            aria-label={t("contacts.search")}
            placeholder={t("contacts.search")}
            enterButton={t("accounts.searchButton")}
            allowClear
            maxLength={100}
            onSearch={search}
            style={{ width: 320 }}
            role="searchbox"
          />
          {me.permissions.includes("contacts:write") && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/contacts/new")}>
              {t("contacts.new")}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Contact>
        caption={t("contacts.title")}
        rowKey={(contact) => contact.id}
        loading={page.isFetching}
        rows={page.data?.items ?? []}
        emptyText={q ? t("contacts.noMatches") : t("contacts.empty")}
        columns={[
          columns.name,
          { key: "account", title: t("contacts.account"), render: (contact) => <AccountLink id={contact.account_id} /> },
          columns.roles,
          columns.phones,
          columns.email,
          columns.responsible,
        ]}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}

function AccountLink({ id }: { id: string }) {
  const name = useAccountName(id);
  return <Link to={`/accounts/${id}`}>{name ?? "…"}</Link>;
}

