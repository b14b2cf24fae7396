import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Flex, Skeleton, Tag, Typography } from "antd";
import { type CSSProperties, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import type { Account, DuplicateMatch, Tagged } from "../../api/client";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { MatchReasons, recordPath, UNDERLINED } from "./MatchReasons";
import { MergeDialog } from "./MergeDialog";

/** The accounts this one likely duplicates, each with why and, for those who may write, a merge. */
export function AccountDuplicates({ account }: { account: Tagged<Account> }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const [merging, setMerging] = useState<DuplicateMatch | null>(null);
  const duplicates = useQuery({
    queryKey: ["accounts", "duplicates", account.data.id, account.data.version],
    queryFn: () => api.accounts.duplicates(account.data.id),
  });
  const items = duplicates.data?.items ?? [];
  if (!duplicates.isPending && !duplicates.error && items.length === 0) return null;

  return (
    <Card>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t("duplicates.title")}
      </Typography.Title>
      <ErrorAlert error={duplicates.error} onRetry={() => void duplicates.refetch()} />
      {duplicates.isPending ? (
        <Skeleton active />
      ) : (
        <ul style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {items.map((match) => (
            <li key={match.entity_id} style={{ padding: "8px 0" }}>
              <Flex justify="space-between" align="center" wrap gap={8}>
                <span>
                  <Link to={`/accounts/${match.entity_id}`} style={UNDERLINED}>
                  {match.name}
                </Link> <MatchReasons kinds={match.matched_on} />
                </span>
                {me.permissions.includes("accounts:write") && (
                  <Button onClick={() => setMerging(match)}>{t("duplicates.merge", { name: match.name })}</Button>
                )}
              </Flex>
            </li>
          ))}
        </ul>
      )}
      {merging && <MergeDialog account={account} duplicate={merging} onClose={() => setMerging(null)} />}
    </Card>
  );
}

/** What a create's form passes to the new record's page: the likely duplicates the API answered, if any. */
export function createdState(record: object): { possibleDuplicates: DuplicateMatch[] } | undefined {
  return "possible_duplicates" in record ? { possibleDuplicates: record.possible_duplicates as DuplicateMatch[] } : undefined;
}

/** Right after a create: the records the API said it likely duplicates (passed along by the form). */
export function PossibleDuplicates({ subject, style }: { subject: "account" | "lead"; style?: CSSProperties }) {
  const { t } = useTranslation();
  const state = useLocation().state as { possibleDuplicates?: DuplicateMatch[] } | null;
  const found = state?.possibleDuplicates ?? [];
  if (found.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={style}
      title={t(`duplicates.created.${subject}.title`)}
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 4 }}>{t(`duplicates.created.${subject}.text`)}</Typography.Paragraph>
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {found.map((match) => (
              <li key={match.entity_id}>
                {subject === "lead" && <Tag>{t(`duplicates.types.${match.entity_type}`)}</Tag>}
                <Link to={recordPath(match)} style={UNDERLINED}>
                  {match.name}
                </Link> <MatchReasons kinds={match.matched_on} />
              </li>
            ))}
          </ul>
        </>
      }
    />
  );
}
