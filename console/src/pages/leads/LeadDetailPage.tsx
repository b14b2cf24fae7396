import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Flex, Modal, Skeleton, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { statusColor } from "./leadForm";

export default function LeadDetailPage() {
  const { leadId = "" } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { nameOf } = useUsers();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const lead = useQuery({ queryKey: ["leads", "one", leadId], queryFn: () => api.leads.get(leadId) });

  if (lead.isPending) return <Skeleton active />;
  if (lead.error) return <ErrorAlert error={lead.error} onRetry={() => void lead.refetch()} />;
  const { data, etag } = lead.data;
  const canWrite = me.permissions.includes("leads:write");
  const none = t("common.none");

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    try {
      await api.leads.remove(data.id, etag);
      queryClient.removeQueries({ queryKey: ["leads", "one", data.id] });
      void queryClient.invalidateQueries({ queryKey: ["leads", "list"] });
      void message.success(t("leads.deleted_message"));
      navigate("/leads");
    } catch (error) {
      setDeleteError(error);
      void lead.refetch();
    } finally {
      setDeleting(false);
    }
  };

  return (
    <Card>
      <Flex justify="space-between" align="center" wrap gap={16}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {data.company_name}
        </Typography.Title>
        {canWrite && (
          <Space>
            <Button type="primary" onClick={() => navigate(`/leads/${data.id}/edit`)}>
              {t("common.edit")}
            </Button>
            <Button danger onClick={() => setConfirmingDelete(true)}>
              {t("common.delete")}
            </Button>
          </Space>
        )}
      </Flex>
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
        <Descriptions.Item label={t("leads.source")}>{t(`leads.sources.${data.source ?? "other"}`)}</Descriptions.Item>
        <Descriptions.Item label={t("accounts.notes")}>
          <span style={{ whiteSpace: "pre-wrap" }}>{data.notes ?? none}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t("accounts.created")}>{format.dateTime(data.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t("accounts.updated")}>{format.dateTime(data.updated_at)}</Descriptions.Item>
      </Descriptions>
      <Modal
        open={confirmingDelete}
        title={t("leads.deleteTitle")}
        onCancel={() => setConfirmingDelete(false)}
        footer={[
          <Button key="cancel" onClick={() => setConfirmingDelete(false)} disabled={deleting}>
            {t("common.cancel")}
          </Button>,
          <Button key="delete" danger type="primary" loading={deleting} onClick={remove}>
            {t("common.delete")}
          </Button>,
        ]}
      >
        <ErrorAlert error={deleteError} />
        <Typography.Paragraph>{t("accounts.deleteText", { name: data.company_name })}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}
