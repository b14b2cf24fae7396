import { Select, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Lead } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ListPage, useListPage } from "../../components/ListPage";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { LEAD_STATUSES, statusColor } from "./leadForm";

export default function LeadsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const format = useTenantFormat();
  const { nameOf } = useUsers();
  // The API lists leads newest first without a status filter: the filter narrows the fetched page (of 200).
  const list = useListPage("leads", ({ cursor, q }) => api.leads.list({ limit: 200, cursor, q }));
  const status = list.params.get("status") ?? "";
  const fetched = list.page.data?.items ?? [];
  const statuses = [...LEAD_STATUSES, ...fetched.map((lead) => lead.status)].filter(
    (value, index, all) => all.indexOf(value) === index,
  );

  return (
    <ListPage<Lead>
      exportAs="leads"
      title={t("leads.title")}
      list={list}
      searchLabel={t("leads.search")}
      filtered={Boolean(status)}
      rows={fetched.filter((lead) => !status || lead.status === status)}
      filters={
        <Select
          aria-label={t("leads.statusFilter")}
          value={status}
          onChange={(value) => list.setParam("status", value)}
          style={{ width: 180 }}
          options={[
            { value: "", label: t("leads.allStatuses") },
            ...statuses.map((value) => ({ value, label: t(`leads.statuses.${value}`, { defaultValue: value }) })),
          ]}
        />
      }
      create={{ permission: "leads:write", path: "/leads/new", label: t("leads.new") }}
      rowKey={(lead) => lead.id}
      empty={{ none: t("leads.empty"), noMatches: t("leads.noMatches") }}
      columns={[
        { key: "company", title: t("leads.company"), render: (lead) => <Link to={`/leads/${lead.id}`}>{lead.company_name}</Link> },
        { key: "contact", title: t("leads.contactName"), render: (lead) => lead.contact_name ?? "" },
        {
          key: "status",
          title: t("leads.status"),
          render: (lead) => <Tag color={statusColor(lead.status)}>{t(`leads.statuses.${lead.status}`, { defaultValue: lead.status })}</Tag>,
        },
        { key: "line", title: t("sales.businessLine"), render: (lead) => lead.business_line ?? "" },
        { key: "region", title: t("sales.region"), render: (lead) => lead.region ?? "" },
        { key: "owner", title: t("sales.owner"), render: (lead) => (lead.owner_user_id ? nameOf(lead.owner_user_id) : t("leads.unassigned")) },
        { key: "created", title: t("accounts.created"), render: (lead) => format.dateTime(lead.created_at) },
      ]}
    />
  );
}
