import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Contact } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { CursorPager, useCursorPages } from "../../components/CursorPager";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useContactColumns } from "./ContactColumns";

/** The contacts tab of an account: who works there, primary first. */
export default function AccountContacts({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const pages = useCursorPages();
  const columns = useContactColumns();
  const page = useQuery({
    queryKey: ["contacts", "ofAccount", accountId, pages.cursor],
    queryFn: () => api.contacts.ofAccount(accountId, { limit: 50, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });
  const rows = [...(page.data?.items ?? [])].sort((a, b) => Number(Boolean(b.is_primary)) - Number(Boolean(a.is_primary)));
  return (
    <>
      {me.permissions.includes("contacts:write") && (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button icon={<PlusOutlined />} onClick={() => navigate(`/contacts/new?account=${accountId}`)}>
            {t("contacts.new")}
          </Button>
        </Flex>
      )}
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Contact>
        caption={t("contacts.title")}
        rowKey={(contact) => contact.id}
        loading={page.isFetching}
        rows={rows}
        emptyText={t("contacts.emptyForAccount")}
        columns={[columns.name, columns.roles, columns.phones, columns.email, columns.responsible]}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}
