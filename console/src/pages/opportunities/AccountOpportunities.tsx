import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Opportunity } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { CursorPager, useCursorPages } from "../../components/CursorPager";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useOpportunityColumns } from "./OpportunitiesListPage";

/** The opportunities tab of an account. */
export default function AccountOpportunities({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const pages = useCursorPages();
  const columns = useOpportunityColumns(false);
  const page = useQuery({
    queryKey: ["opportunities", "ofAccount", accountId, pages.cursor],
    queryFn: () => api.opportunities.ofAccount(accountId, { limit: 50, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      {me.permissions.includes("opportunities:write") && (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button icon={<PlusOutlined />} onClick={() => navigate(`/opportunities/new?account=${accountId}`)}>
            {t("opportunities.new")}
          </Button>
        </Flex>
      )}
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Opportunity>
        caption={t("opportunities.title")}
        rowKey={(row) => row.id}
        loading={page.isFetching}
        rows={page.data?.items ?? []}
        emptyText={t("opportunities.emptyForAccount")}
        columns={columns}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}
