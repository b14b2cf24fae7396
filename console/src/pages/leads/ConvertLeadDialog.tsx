import { Alert, Checkbox, Form, Input, Modal, Radio, Select, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Lead, LeadConversion, Tagged } from "../../api/client";
import { ApiError, VersionConflictError } from "../../api/problem";
import { useApi, useMe } from "../../auth/AuthProvider";
import { AccountSelect } from "../../components/AccountSelect";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import { UserSelect } from "../../components/users";
import { useIdempotencyKey } from "../../forms/useIdempotencyKey";
import { useProblemForm } from "../../forms/useProblemForm";
import { useStages } from "../../sales/useStages";
import { CURRENCIES, DECIMAL } from "../opportunities/opportunityForm";
import { ConvertedLinksList } from "./ConvertedLinksList";
import {
  CONVERSION_FIELDS,
  type ConversionFormValues,
  type ConvertedLinks,
  conversionBody,
  conversionDefaults,
  convertedLinks,
} from "./leadConversion";

interface ConvertLeadDialogProps {
  lead: Tagged<Lead>;
  onClose: () => void;
  onConverted: (conversion: LeadConversion) => void;
  /** Fetches the lead again (after a 409 or 412); resolves to the fresh one. */
  reload: () => Promise<Tagged<Lead> | undefined>;
}

/** Lead → account (new or existing) + contact + opportunity, all or nothing. */
export function ConvertLeadDialog({ lead, onClose, onConverted, reload }: ConvertLeadDialogProps) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const { stages, nameOf } = useStages();
  const [form] = Form.useForm<ConversionFormValues>();
  const problems = useProblemForm(form, CONVERSION_FIELDS);
  const idempotencyKey = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [already, setAlready] = useState<ConvertedLinks | null>(null);
  const [conflict, setConflict] = useState<{ values: ConversionFormValues; currentVersion?: number } | null>(null);
  const [conflictBusy, setConflictBusy] = useState<"reload" | "overwrite" | null>(null);
  const accountMode = Form.useWatch("account_mode", form);
  const withContact = Form.useWatch("with_contact", form);
  const currencies = [...new Set([me.tenant.base_currency, ...CURRENCIES])];

  const convert = async (values: ConversionFormValues, against: Tagged<Lead>) => {
    const body = conversionBody(values, against.data);
    try {
      onConverted(await api.leads.convert(against.data.id, body, against.etag, idempotencyKey(body)));
    } catch (error) {
      if (error instanceof VersionConflictError) setConflict({ values, currentVersion: error.currentVersion });
      else if (error instanceof ApiError && error.status === 409) {
        setAlready(convertedLinks(error.problem.errors));
        void reload();
      } else problems.report(error);
    }
  };

  const submit = async (values: ConversionFormValues) => {
    setBusy(true);
    problems.clear();
    try {
      await convert(values, lead);
    } finally {
      setBusy(false);
    }
  };

  const resolveConflict = async (choice: "reload" | "overwrite") => {
    if (!conflict) return;
    setConflictBusy(choice);
    try {
      const fresh = await reload();
      setConflict(null);
      if (choice === "overwrite" && fresh) await convert(conflict.values, fresh);
    } finally {
      setConflictBusy(null);
    }
  };

  return (
    <Modal
      open
      title={t("convert.title", { name: lead.data.company_name })}
      onCancel={onClose}
      okText={t("convert.submit")}
      cancelText={t("common.cancel")}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, disabled: already !== null }}
      width={640}
    >
      {already && (
        <Alert
          type="warning"
          role="alert"
          style={{ marginBottom: 16 }}
          title={t("convert.already")}
          description={<ConvertedLinksList links={already} />}
        />
      )}
      <FormProblems error={problems.formError} unplaced={problems.unplaced} />
      <Form<ConversionFormValues>
        form={form}
        layout="vertical"
        disabled={busy || already !== null}
        onFinish={submit}
        initialValues={conversionDefaults(lead.data, me.tenant.base_currency, new Date())}
      >
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t("contacts.account")}
        </Typography.Title>
        <Form.Item name="account_mode">
          <Radio.Group
            aria-label={t("contacts.account")}
            options={[
              { value: "new", label: t("convert.newAccount") },
              { value: "existing", label: t("convert.existingAccount") },
            ]}
          />
        </Form.Item>
        {accountMode === "existing" ? (
          <Form.Item
            label={t("convert.existingAccountLabel")}
            name={["account", "account_id"]}
            rules={[{ required: true, message: t("sales.accountRequired") }]}
          >
            <AccountSelect aria-label={t("convert.existingAccountLabel")} />
          </Form.Item>
        ) : (
          <Form.Item
            label={t("convert.accountName")}
            name={["account", "name"]}
            rules={[{ required: true, whitespace: true, message: t("accounts.nameRequired") }]}
          >
            <Input maxLength={200} />
          </Form.Item>
        )}
        <Form.Item name="with_contact" valuePropName="checked">
          <Checkbox>{t("convert.withContact")}</Checkbox>
        </Form.Item>
        {withContact && (
          <Space align="start" wrap>
            <Form.Item label={t("contacts.nameZh")} name={["contact", "name_zh"]}>
              <Input maxLength={100} lang="zh" />
            </Form.Item>
            <Form.Item label={t("contacts.nameEn")} name={["contact", "name_en"]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item label={t("accounts.email")} name={["contact", "email"]} rules={[{ type: "email", message: t("auth.emailInvalid") }]}>
              <Input inputMode="email" maxLength={254} />
            </Form.Item>
          </Space>
        )}
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t("convert.opportunity")}
        </Typography.Title>
        <Form.Item
          label={t("opportunities.name")}
          name={["opportunity", "name"]}
          rules={[{ required: true, whitespace: true, message: t("opportunities.nameRequired") }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Space align="start" wrap>
          <Form.Item
            label={t("opportunities.amount")}
            name={["opportunity", "amount"]}
            rules={[
              { required: true, message: t("opportunities.amountRequired") },
              { pattern: DECIMAL, message: t("opportunities.amountInvalid") },
            ]}
          >
            <Input inputMode="decimal" maxLength={24} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t("opportunities.currency")} name={["opportunity", "currency"]} rules={[{ required: true }]}>
            <Select
              aria-label={t("opportunities.currency")}
              style={{ width: 110 }}
              options={currencies.map((code) => ({ value: code, label: code }))}
            />
          </Form.Item>
          <Form.Item
            label={t("opportunities.expectedClose")}
            name={["opportunity", "expected_close_date"]}
            rules={[{ required: true, message: t("opportunities.expectedCloseRequired") }]}
          >
            <Input type="date" style={{ width: 180 }} />
          </Form.Item>
        </Space>
        <Space align="start" wrap>
          <Form.Item label={t("opportunities.stage")} name={["opportunity", "stage"]}>
            <Select
              aria-label={t("opportunities.stage")}
              allowClear
              style={{ width: 220 }}
              placeholder={t("convert.firstStage")}
              options={stages.filter((stage) => stage.kind === "open").map((stage) => ({ value: stage.key, label: nameOf(stage.key) }))}
            />
          </Form.Item>
          <Form.Item label={t("sales.owner")} name={["opportunity", "owner_user_id"]}>
            <UserSelect aria-label={t("sales.owner")} allowClear={false} style={{ width: 220 }} />
          </Form.Item>
        </Space>
      </Form>
      <ConflictDialog
        subject="record"
        open={conflict !== null}
        currentVersion={conflict?.currentVersion}
        busy={conflictBusy}
        onReload={() => void resolveConflict("reload")}
        onOverwrite={() => void resolveConflict("overwrite")}
        onCancel={() => setConflict(null)}
      />
    </Modal>
  );
}
