import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Flex, Form, Input, Radio, Space, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { AssignmentRules, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { FormProblems } from "../../components/FormProblems";
import { UserSelect } from "../../components/users";
import { LoadedSettings } from "../../forms/LoadedSettings";
import { useSettingsForm } from "../../forms/useSettingsForm";
import { type AssignmentRulesFormValues, formValues, registeredFields, rulesBody } from "./assignmentRulesForm";

const QUERY_KEY = ["sales-settings", "assignment-rules"];

export default function AssignmentRulesPage() {
  const api = useApi();
  return (
    <LoadedSettings queryKey={QUERY_KEY} read={() => api.salesSettings.assignmentRules()}>
      {(loaded) => <RulesForm loaded={loaded} />}
    </LoadedSettings>
  );
}

function RulesForm({ loaded }: { loaded: Tagged<AssignmentRules> }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<AssignmentRulesFormValues>();
  const ruleCount = Form.useWatch("rules", form)?.length ?? (loaded.data.rules ?? []).length;
  const { busy, submit, formError, unplaced, conflictDialog } = useSettingsForm<AssignmentRules, AssignmentRulesFormValues>({
    form,
    registered: registeredFields(ruleCount),
    loaded,
    read: () => api.salesSettings.assignmentRules(),
    replace: (values, etag) => api.salesSettings.replaceAssignmentRules(rulesBody(values), etag),
    show: (rules) => form.setFieldsValue(formValues(rules)),
    onSaved: (saved) => {
      queryClient.setQueryData(QUERY_KEY, saved);
      void message.success(t("assignmentRules.saved_message"));
    },
  });

  useEffect(() => form.setFieldsValue(formValues(loaded.data)), [form, loaded]);

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("assignmentRules.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("assignmentRules.intro")}</Typography.Paragraph>
      <FormProblems error={formError} unplaced={unplaced} />
      <Form<AssignmentRulesFormValues> form={form} layout="vertical" disabled={busy} onFinish={submit} style={{ maxWidth: 960 }}>
        <Form.List name="rules">
          {(fields, { add, remove, move }) => (
            <Space direction="vertical" size="middle" style={{ width: "100%", marginBottom: 16 }}>
              {fields.map((field, index) => (
                <RuleCard
                  key={field.key}
                  index={index}
                  name={field.name}
                  last={index === fields.length - 1}
                  onUp={() => move(index, index - 1)}
                  onDown={() => move(index, index + 1)}
                  onRemove={() => remove(field.name)}
                />
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ name: "", mode: "user", assign: { user_id: null, round_robin: [] } })}
                disabled={fields.length >= 100}
              >
                {t("assignmentRules.addRule")}
              </Button>
            </Space>
          )}
        </Form.List>
        <Form.Item
          label={t("assignmentRules.fallback")}
          name="fallback_user_id"
          extra={t("assignmentRules.fallbackHelp")}
          rules={[{ required: true, message: t("assignmentRules.fallbackRequired") }]}
        >
          <UserSelect aria-label={t("assignmentRules.fallback")} style={{ maxWidth: 400 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </Form>
      <ConflictDialog subject="record" {...conflictDialog} />
    </Card>
  );
}

interface RuleCardProps {
  index: number;
  name: number;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}

function RuleCard({ index, name, last, onUp, onDown, onRemove }: RuleCardProps) {
  const { t } = useTranslation();
  const position = index + 1;
  return (
    <Card
      size="small"
      role="group"
      aria-label={t("assignmentRules.ruleN", { index: position })}
      title={t("assignmentRules.ruleN", { index: position })}
      extra={
        <Space>
          <Button size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={onUp} aria-label={t("assignmentRules.moveUp", { index: position })} />
          <Button size="small" icon={<ArrowDownOutlined />} disabled={last} onClick={onDown} aria-label={t("assignmentRules.moveDown", { index: position })} />
          <Button size="small" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t("assignmentRules.remove", { index: position })} />
        </Space>
      }
    >
      <Flex gap={16} wrap>
        <Form.Item
          label={t("assignmentRules.name")}
          name={[name, "name"]}
          rules={[{ required: true, whitespace: true, message: t("assignmentRules.nameRequired") }]}
          style={{ minWidth: 200, flex: 1 }}
        >
          <Input maxLength={80} />
        </Form.Item>
        <Form.Item label={t("sales.businessLine")} name={[name, "business_line"]} style={{ minWidth: 160, flex: 1 }}>
          <Input maxLength={200} placeholder={t("assignmentRules.any")} />
        </Form.Item>
        <Form.Item label={t("sales.region")} name={[name, "region"]} style={{ minWidth: 160, flex: 1 }}>
          <Input maxLength={200} placeholder={t("assignmentRules.any")} />
        </Form.Item>
      </Flex>
      <Form.Item label={t("assignmentRules.assignTo")} name={[name, "mode"]}>
        <Radio.Group
          options={[
            { value: "user", label: t("assignmentRules.oneUser") },
            { value: "round_robin", label: t("assignmentRules.roundRobin") },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate>
        {(form) =>
          form.getFieldValue(["rules", name, "mode"]) === "round_robin" ? (
            <Form.Item
              label={t("assignmentRules.roundRobinUsers")}
              name={[name, "assign", "round_robin"]}
              rules={[{ required: true, type: "array", min: 1, message: t("assignmentRules.usersRequired") }]}
            >
              <UserSelect mode="multiple" aria-label={t("assignmentRules.roundRobinUsers")} />
            </Form.Item>
          ) : (
            <Form.Item
              label={t("assignmentRules.user")}
              name={[name, "assign", "user_id"]}
              rules={[{ required: true, message: t("assignmentRules.userRequired") }]}
            >
              <UserSelect aria-label={t("assignmentRules.user")} />
            </Form.Item>
          )
        }
      </Form.Item>
    </Card>
  );
}
