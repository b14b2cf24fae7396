import { useQuery } from "@tanstack/react-query";
import { Descriptions } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useApi } from "../../auth/AuthProvider";
import { AccountName } from "../opportunities/OpportunitiesListPage";
import type { ConvertedLinks } from "./leadConversion";

/** What a converted lead became, each a link to its record. */
export function ConvertedLinksList({ links }: { links: ConvertedLinks }) {
  const { t } = useTranslation();
  return (
    <Descriptions column={1} size="small" data-testid="converted-links">
      {links.account_id && (
        <Descriptions.Item label={t("contacts.account")}>
          <AccountName id={links.account_id} />
        </Descriptions.Item>
      )}
      {links.contact_id && (
        <Descriptions.Item label={t("convert.contact")}>
          <Link to={`/contacts/${links.contact_id}/edit`}>{t("convert.openContact")}</Link>
        </Descriptions.Item>
      )}
      {links.opportunity_id && (
        <Descriptions.Item label={t("convert.opportunity")}>
          <OpportunityLink id={links.opportunity_id} />
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

function OpportunityLink({ id }: { id: string }) {
  const api = useApi();
  const opportunity = useQuery({ queryKey: ["opportunities", "one", id], queryFn: () => api.opportunities.get(id) });
  return <Link to={`/opportunities/${id}`}>{opportunity.data?.data.name ?? "…"}</Link>;
}
