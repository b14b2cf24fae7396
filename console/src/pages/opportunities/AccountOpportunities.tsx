import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Opportunity } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { RelatedList } from "../../components/ListPage";
import { useOpportunityColumns } from "./OpportunitiesListPage";

/** The opportunities tab of an account. */
export default function AccountOpportunities({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const columns = useOpportunityColumns(false);
  return (
    <RelatedList<Opportunity>
      queryKey={["opportunities", "ofAccount", accountId]}
      fetchPage={(cursor) => api.opportunities.ofAccount(accountId, { limit: 50, cursor })}
      create={{
        permission: "opportunities:write",
        label: t("opportunities.new"),
        onClick: () => navigate(`/opportunities/new?account=${accountId}`),
      }}
      caption={t("opportunities.title")}
      rowKey={(row) => row.id}
      emptyText={t("opportunities.emptyForAccount")}
      columns={columns}
    />
  );
}
