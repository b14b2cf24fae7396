import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Descriptions, Flex, Skeleton, Space, Tabs, Tag, Timeline, Typography } from "antd";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import type { AuditEntry } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { AssignButton } from "../../collaboration/AssignButton";
import { Discussion } from "../../collaboration/Discussion";
import { DeleteRecordDialog } from "../../components/DeleteRecordDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import AccountContacts from "../contacts/AccountContacts";
import AccountOpportunities from "../opportunities/AccountOpportunities";
import AccountScorecard from "./AccountScorecard";
import { AccountDuplicates, PossibleDuplicates } from "./AccountDuplicates";

const ActivitiesTab = lazy(() => import("../activities/ActivitiesTab"));

// The audit trail is written from the table's stream, a moment after the change itself.
const HISTORY_REFRESH_MS = 5_000;

export default function AccountDetailPage() {
  const { accountId = "" } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const navigate = useNavigate();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const { nameOf } = useUsers();

  const account = useQuery({
    queryKey: ["accounts", "one", accountId],
    queryFn: () => api.accounts.get(accountId),
  });
  const canWrite = me.permissions.includes("accounts:write");

  if (account.isPending) return <Skeleton active />;
  if (account.error) return <ErrorAlert error={account.error} onRetry={() => void account.refetch()} />;
  const { data, etag } = account.data;

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card>
        <Flex justify="space-between" align="center" wrap gap={16}>
          <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
            {data.name}
          </Typography.Title>
          {canWrite && (
            <Space>
              <AssignButton
                record={account.data}
                name={data.name}
                field="responsible_user_id"
                current={data.responsible_user_id}
                update={(userId, etag) => api.accounts.update(data.id, { responsible_user_id: userId }, etag)}
                onAssigned={(updated) => queryClient.setQueryData(["accounts", "one", accountId], updated)}
                reload={() => void account.refetch()}
              />
              <Button type="primary" onClick={() => navigate(`/accounts/${data.id}/edit`)}>
                {t("common.edit")}
              </Button>
              <Button danger onClick={() => setConfirmingDelete(true)}>
                {t("common.delete")}
              </Button>
            </Space>
          )}
        </Flex>
        <Descriptions column={1} style={{ marginTop: 16 }} bordered size="small">
          <Descriptions.Item label={t("sales.responsible")}>
            <span data-testid="account-responsible">{nameOf(data.responsible_user_id) || t("common.none")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("accounts.email")}>{data.email ?? t("common.none")}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.phone")}>{data.phone ?? t("common.none")}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.website")}>
            {data.website ? (
              <a href={data.website} target="_blank" rel="noreferrer noopener">
                {data.website}
              </a>
            ) : (
              t("common.none")
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t("activities.lastContact")}>
            <span data-testid="account-last-contact">{format.dateTime(data.last_contact_at) || t("common.none")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("activities.nextContact")}>
            <span data-testid="account-next-contact">{format.dateTime(data.next_contact_at) || t("common.none")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("accounts.tags")}>
            {data.tags?.length ? data.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : t("common.none")}
          </Descriptions.Item>
          <Descriptions.Item label={t("accounts.notes")}>
            <span style={{ whiteSpace: "pre-wrap" }}>{data.notes ?? t("common.none")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("accounts.created")}>{format.dateTime(data.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.updated")}>{format.dateTime(data.updated_at)}</Descriptions.Item>
          <Descriptions.Item label={t("accounts.version")}>{data.version}</Descriptions.Item>
        </Descriptions>
      </Card>
      <PossibleDuplicates subject="account" />
      <AccountScorecard account={account.data} />
      <AccountDuplicates account={account.data} />
      <RelatedRecords accountId={data.id} tab={params.get("tab")} onTab={(tab) => setParams({ tab }, { replace: true })} />
      <Discussion collection="accounts" recordId={data.id} />
      {me.permissions.includes("audit:read") && <History accountId={data.id} version={data.version} />}
      <DeleteRecordDialog
        open={confirmingDelete}
        onClose={() => setConfirmingDelete(false)}
        resource="accounts"
        id={data.id}
        name={data.name}
        remove={() => api.accounts.remove(data.id, etag)}
        then="/accounts"
        onRefused={() => void account.refetch()}
      />
    </Space>
  );
}

/** What belongs to the account, one tab each, as the signed-in user may read it. */
function RelatedRecords({ accountId, tab, onTab }: { accountId: string; tab: string | null; onTab: (tab: string) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const items = [
    me.permissions.includes("contacts:read") && {
      key: "contacts",
      label: t("contacts.title"),
      children: <AccountContacts accountId={accountId} />,
    },
    me.permissions.includes("opportunities:read") && {
      key: "opportunities",
      label: t("opportunities.title"),
      children: <AccountOpportunities accountId={accountId} />,
    },
    me.permissions.includes("activities:read") && {
      key: "activities",
      label: t("activities.title"),
      children: (
        <Suspense fallback={<Skeleton active />}>
          <ActivitiesTab links={{ account_id: accountId }} />
        </Suspense>
      ),
    },
  ].filter((item) => item !== false);
  if (items.length === 0) return null;
  return (
    <Card>
      <Tabs
        activeKey={items.some((item) => item.key === tab) ? tab! : items[0].key}
        onChange={onTab}
        items={items}
      />
    </Card>
  );
}

function display(value: unknown, none: string): string {
  if (value === null || value === undefined || value === "") return none;
  if (Array.isArray(value)) return value.length ? value.join(", ") : none;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The accounts a merge added to `merged_accounts` ([{id, name}]), by name: the merged account is deleted. */
function mergedNames(before: unknown, after: unknown): string {
  const merged = (value: unknown) => (Array.isArray(value) ? (value as { id: string; name: string }[]) : []);
  const earlier = new Set(merged(before).map((account) => account.id));
  return merged(after)
    .filter((account) => !earlier.has(account.id))
    .map((account) => account.name)
    .join(", ");
}

function History({ accountId, version }: { accountId: string; version: number }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const format = useTenantFormat();
  const history = useQuery({
    queryKey: ["audit", "accounts", accountId, version],
    queryFn: () => api.audit.history(`accounts/${accountId}`),
    refetchInterval: (query) =>
      (query.state.data?.items ?? []).some((entry) => entry.version >= version) ? false : HISTORY_REFRESH_MS,
  });
  const users = useQuery({
    queryKey: ["users", "list"],
    queryFn: () => api.users.list(),
    enabled: me.permissions.includes("users:read"),
  });
  const actorName = (actor: string) => {
    const [kind, id] = actor.split(":", 2);
    if (kind === "user" && id === me.user?.id) return t("accounts.you");
    if (kind === "user") return users.data?.items.find((user) => user.id === id)?.name ?? actor;
    return actor;
  };
  const entries = [...(history.data?.items ?? [])].sort((a, b) => b.at.localeCompare(a.at));

  return (
    <Card>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t("accounts.history")}
      </Typography.Title>
      <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />
      {history.isPending ? (
        <Skeleton active />
      ) : entries.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("accounts.historyEmpty")}</Typography.Paragraph>
      ) : (
        <Timeline
          items={entries.map((entry: AuditEntry) => ({
            key: `${entry.version}-${entry.at}`,
            color: entry.action === "deleted" ? "red" : entry.action === "created" ? "green" : "blue",
            content: (
              <div>
                <Typography.Text strong>{t(`accounts.action.${entry.action}`)}</Typography.Text>{" "}
                <Typography.Text type="secondary">
                  {format.dateTime(entry.at)} · {t("accounts.by", { actor: actorName(entry.actor) })}
                </Typography.Text>
                {entry.action === "updated" && (
                  <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
                    {Object.entries(entry.changes).map(([field, change]) => (
                      <li key={field}>
                        {field === "merged_accounts"
                          ? t("accounts.mergedIn", { names: mergedNames(change.before, change.after) })
                          : t("accounts.change", {
                              field: t(`accounts.${field}`, { defaultValue: field }),
                              before: display(change.before, t("common.none")),
                              after: display(change.after, t("common.none")),
                            })}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}
