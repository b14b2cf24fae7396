import { Form, Input, Select, Space } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import type { Opportunity, Tagged } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { AccountSelect } from "../../components/AccountSelect";
import { LoadedRecord, RecordFormCard, useRecordSaved } from "../../components/RecordFormPage";
import { UserSelect } from "../../components/users";
import { useVersionedForm } from "../../forms/useVersionedForm";
import { useStages } from "../../sales/useStages";
import * as opportunityForm from "./opportunityForm";
import { CURRENCIES, DECIMAL, formValues, OPPORTUNITY_FIELDS, type OpportunityFormValues } from "./opportunityForm";

// The amount field also carries errors the API names on amount.amount / amount.currency.
const REGISTERED = [...OPPORTUNITY_FIELDS.map((field) => [field]), ["currency"]];

export default function OpportunityFormPage() {
  const { opportunityId } = useParams();
  const api = useApi();
  return (
    <LoadedRecord resource="opportunities" id={opportunityId} get={api.opportunities.get}>
      {(loaded, reload) => <OpportunityForm key={opportunityId} loaded={loaded} onReload={reload} />}
    </LoadedRecord>
  );
}

function OpportunityForm({
  loaded,
  onReload,
}: {
  loaded?: Tagged<Opportunity>;
  onReload?: () => Promise<Tagged<Opportunity> | undefined>;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { stages, nameOf } = useStages();
  const [form] = Form.useForm<OpportunityFormValues>();
  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    mapping: opportunityForm,
    client: api.opportunities,
    onSaved: useRecordSaved<Opportunity>("opportunities", (opportunity) => navigate(`/opportunities/${opportunity.id}`)),
  });
  const editing = saving.base;
  const currencies = [...new Set([me.tenant.base_currency, ...CURRENCIES])];

  return (
    <RecordFormCard<OpportunityFormValues>
      title={editing ? t("opportunities.editTitle") : t("opportunities.newTitle")}
      form={form}
      saving={saving}
      initialValues={editing
            ? formValues(editing.data)
            : { account_id: params.get("account") ?? undefined, currency: me.tenant.base_currency, owner_user_id: me.user?.id }}
      onCancel={() => navigate(editing ? `/opportunities/${editing.data.id}` : "/opportunities")}
    >
      <Form.Item
        label={t("opportunities.name")}
        name="name"
        rules={[{ required: true, whitespace: true, message: t("opportunities.nameRequired") }]}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item label={t("contacts.account")} name="account_id" rules={[{ required: true, message: t("sales.accountRequired") }]}>
        <AccountSelect disabled={Boolean(editing)} aria-label={t("contacts.account")} />
      </Form.Item>
      <Space align="start" wrap>
        <Form.Item
          label={t("opportunities.amount")}
          name="amount"
          rules={[
            { required: true, message: t("opportunities.amountRequired") },
            { pattern: DECIMAL, message: t("opportunities.amountInvalid") },
          ]}
        >
          <Input inputMode="decimal" maxLength={24} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item label={t("opportunities.currency")} name="currency" rules={[{ required: true }]}>
          <Select aria-label={t("opportunities.currency")} style={{ width: 120 }} options={currencies.map((code) => ({ value: code, label: code }))} />
        </Form.Item>
      </Space>
      <Form.Item
        label={t("opportunities.expectedClose")}
        name="expected_close_date"
        rules={[{ required: true, message: t("opportunities.expectedCloseRequired") }]}
      >
        <Input type="date" style={{ width: 240 }} />
      </Form.Item>
      {!editing && (
        <Form.Item label={t("opportunities.stage")} name="stage" extra={t("opportunities.stageHelp")}>
          <Select
            aria-label={t("opportunities.stage")}
            allowClear
            options={stages.filter((stage) => stage.kind === "open").map((stage) => ({ value: stage.key, label: nameOf(stage.key) }))}
          />
        </Form.Item>
      )}
      <Form.Item label={t("sales.businessLine")} name="business_line">
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item label={t("sales.owner")} name="owner_user_id">
        <UserSelect aria-label={t("sales.owner")} allowClear={false} />
      </Form.Item>
    </RecordFormCard>
  );
}
