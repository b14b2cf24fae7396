import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Descriptions, Flex, Skeleton, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { etagOf, type LeadConversion } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { AssignButton } from "../../collaboration/AssignButton";
import { Discussion } from "../../collaboration/Discussion";
import { DeleteRecordDialog } from "../../components/DeleteRecordDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { PossibleDuplicates } from "../accounts/AccountDuplicates";
import { ConvertedLinksList } from "./ConvertedLinksList";
import { ConvertLeadDialog } from "./ConvertLeadDialog";
import { convertedLinks } from "./leadConversion";
import { statusColor } from "./leadForm";

export default function LeadDetailPage() {
  const { leadId = "" } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const { nameOf } = useUsers();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [converting, setConverting] = useState(false);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const lead = useQuery({ queryKey: ["leads", "one", leadId], queryFn: () => api.leads.get(leadId) });

  if (lead.isPending) return <Skeleton active />;
  if (lead.error) return <ErrorAlert error={lead.error} onRetry={() => void lead.refetch()} />;
  const { data, etag } = lead.data;
  const canWrite = me.permissions.includes("leads:write");
  const none = t("common.none");
  const converted = Boolean(data.opportunity_id);

  const onConverted = (conversion: LeadConversion) => {
    setConverting(false);
    queryClient.setQueryData(["leads", "one", data.id], { data: conversion.lead, etag: etagOf(conversion.lead) });
    for (const resource of ["leads", "accounts", "contacts", "opportunities"]) {
      void queryClient.invalidateQueries({ queryKey: [resource, "list"] });
    }
    void message.success(t("convert.done_message"));
  };

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card>
        <Flex justify="space-between" align="center" wrap gap={16}>
          <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
            {data.company_name}
          </Typography.Title>
          {canWrite && (
            <Space>
              {!converted && (
                <Button type="primary" onClick={() => setConverting(true)}>
                  {t("convert.open")}
                </Button>
              )}
              <AssignButton
                record={lead.data}
                name={data.company_name}
                field="owner_user_id"
                current={data.owner_user_id}
                update={(userId, etag) => api.leads.update(data.id, { owner_user_id: userId }, etag)}
                onAssigned={(updated) => queryClient.setQueryData(["leads", "one", data.id], updated)}
                reload={() => void lead.refetch()}
              />
              <Button onClick={() => navigate(`/leads/${data.id}/edit`)}>
                {t("common.edit")}
              </Button>
              <Button danger onClick={() => setConfirmingDelete(true)}>
                {t("common.delete")}
              </Button>
            </Space>
          )}
        </Flex>
        <PossibleDuplicates subject="lead" style={{ marginTop: 16 }} />
        {converted && (
          <Alert
            type="success"
            style={{ marginTop: 16 }}
            title={t("convert.convertedOn", { date: data.converted_at ? format.dateTime(data.converted_at) : "" })}
            description={<ConvertedLinksList links={convertedLinks(data)} />}
          />
        )}
        <Descriptions column={1} style={{ marginTop: 16 }} bordered size="small">
          <Descriptions.Item label={t("leads.status")}>
            <Tag color={statusColor(data.status)}>{t(`leads.statuses.${data.status}`, { defaultValue: data.status })}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t("sales.owner")}>
            <span data-testid="lead-owner">{data.owner_user_id ? nameOf(data.owner_user_id) : t("leads.unassigned")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("leads.contactName")}>{data.contact_name ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.email")}>{data.email ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.phone")}>{data.phone ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("sales.businessLine")}>{data.business_line ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("sales.region")}>{data.region ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("sales.branch")}>{data.branch ?? none}</Descriptions.Item>
          <Descriptions.Item label={t("leads.source")}>{t(`leads.sources.${data.source ?? "other"}`)}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.notes")}>
            <span style={{ whiteSpace: "pre-wrap" }}>{data.notes ?? none}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("accounts.created")}>{format.dateTime(data.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.updated")}>{format.dateTime(data.updated_at)}</Descriptions.Item>
        </Descriptions>
        {converting && (
          <ConvertLeadDialog
            lead={lead.data}
            onClose={() => setConverting(false)}
            onConverted={onConverted}
            reload={() => lead.refetch().then((result) => result.data)}
          />
        )}
        <DeleteRecordDialog
          open={confirmingDelete}
          onClose={() => setConfirmingDelete(false)}
          resource="leads"
          id={data.id}
          name={data.company_name}
          remove={() => api.leads.remove(data.id, etag)}
          then="/leads"
          onRefused={() => void lead.refetch()}
        />
      </Card>
      <Discussion collection="leads" recordId={data.id} />
    </Space>
  );
}
