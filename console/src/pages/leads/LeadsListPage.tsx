import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex, Input, Select, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Lead } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { CursorPager, useCursorPages } from "../../components/CursorPager";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PlainTable } from "../../components/PlainTable";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { LEAD_STATUSES, statusColor } from "./leadForm";

// The API lists leads newest first without a status filter: the filter narrows the fetched page.
const PAGE_SIZE = 200;

export default function LeadsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const { nameOf } = useUsers();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const status = params.get("status") ?? "";
  const pages = useCursorPages();
  const page = useQuery({
    queryKey: ["leads", "list", q, pages.cursor],
    queryFn: () => api.leads.list({ limit: PAGE_SIZE, cursor: pages.cursor, q: q || null }),
    placeholderData: keepPreviousData,
  });
  const setParam = (name: string, value: string) => {
    pages.reset();
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const rows = (page.data?.items ?? []).filter((lead) => !status || lead.status === status);
  const statuses = [...LEAD_STATUSES, ...(page.data?.items ?? []).map((lead) => lead.status)].filter(
    (value, index, all) => all.indexOf(value) === index,
  );

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("leads.title")}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            key={q}
            defaultValue={q}
            aria-label={t("leads.search")}
            placeholder={t("leads.search")}
            enterButton={t("accounts.searchButton")}
            allowClear
            maxLength={100}
            onSearch={(value) => setParam("q", value.trim())}
            style={{ width: 300 }}
            role="searchbox"
          />
          <Select
            aria-label={t("leads.statusFilter")}
            value={status}
            onChange={(value) => setParam("status", value)}
            style={{ width: 180 }}
            options={[
              { value: "", label: t("leads.allStatuses") },
              ...statuses.map((value) => ({ value, label: t(`leads.statuses.${value}`, { defaultValue: value }) })),
            ]}
          />
          {me.permissions.includes("leads:write") && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/leads/new")}>
              {t("leads.new")}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<Lead>
        caption={t("leads.title")}
        rowKey={(lead) => lead.id}
        loading={page.isFetching}
        rows={rows}
        emptyText={q || status ? t("leads.noMatches") : t("leads.empty")}
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
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}
