import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Flex, Form, InputNumber, Skeleton, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Account, Tagged } from "../../api/client";
import { VersionConflictError } from "../../api/problem";
import { useApi, useMe } from "../../auth/AuthProvider";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FormProblems } from "../../components/FormProblems";
import { useProblemForm } from "../../forms/useProblemForm";
import { factorLabel, previewScore, SCORECARD_QUERY_KEY, tierOf } from "../../sales/scorecard";

type Scores = Record<string, number | null | undefined>;

/** The account's customer value: each factor scored 0-10, the score and tier they give. */
export default function AccountScorecard({ account }: { account: Tagged<Account> }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const me = useMe();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ scores: Scores }>();
  const [busy, setBusy] = useState(false);
  const settings = useQuery({ queryKey: SCORECARD_QUERY_KEY, queryFn: () => api.salesSettings.scorecard() });
  const factors = settings.data?.data.factors ?? [];
  const { formError, unplaced, report, clear } = useProblemForm(
    form,
    factors.map((factor) => ["scores", factor.key]),
  );
  const entered = Form.useWatch("scores", form) ?? {};
  const saved = account.data.scorecard;
  const canWrite = me.permissions.includes("accounts:write");

  useEffect(() => {
    const scores = account.data.scorecard?.scores ?? {};
    form.setFieldsValue({ scores: Object.fromEntries(Object.entries(scores).map(([key, value]) => [key, Number(value)])) });
  }, [form, account.data.scorecard]);

  if (settings.isPending) return <Skeleton active />;
  if (settings.error) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  const preview = previewScore(factors, entered);

  const save = async ({ scores }: { scores: Scores }) => {
    setBusy(true);
    clear();
    try {
      const given = Object.fromEntries(
        Object.entries(scores ?? {})
          .filter(([, value]) => value !== null && value !== undefined)
          .map(([key, value]) => [key, Number(value).toFixed(1)]),
      );
      const scored = await api.accounts.score(account.data.id, given, account.etag);
      queryClient.setQueryData(["accounts", "one", account.data.id], scored);
      void queryClient.invalidateQueries({ queryKey: ["accounts", "list"] });
      void message.success(t("scorecard.scored_message"));
    } catch (error) {
      report(error);
      // Someone changed the account meanwhile: show their version, the scores entered stay for another try.
      if (error instanceof VersionConflictError) {
        void queryClient.invalidateQueries({ queryKey: ["accounts", "one", account.data.id] });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <Flex justify="space-between" align="center" wrap gap={16}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {t("scorecard.title")}
        </Typography.Title>
        <Space>
          <Typography.Text>{t("scorecard.score")}</Typography.Text>
          <Typography.Text strong data-testid="account-score">
            {saved?.score ?? t("scorecard.notScored")}
          </Typography.Text>
          {saved?.tier && (
            <Tag data-testid="account-tier">
              {t("scorecard.tierN", { tier: saved.tier })}
            </Tag>
          )}
        </Space>
      </Flex>
      <FormProblems error={formError} unplaced={unplaced} />
      <Form form={form} layout="vertical" onFinish={save} disabled={busy || !canWrite} style={{ marginTop: 16 }}>
        <Space wrap align="start">
          {factors.map((factor) => (
            <Form.Item
              key={factor.key}
              name={["scores", factor.key]}
              label={t("scorecard.factorScore", { factor: factorLabel(factor, i18n.language), weight: factor.weight })}
            >
              <InputNumber min={0} max={10} step={0.5} precision={1} controls={false} style={{ width: 120 }} />
            </Form.Item>
          ))}
        </Space>
        {canWrite && (
          <Flex align="center" gap={16} wrap>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t("scorecard.saveScores")}
            </Button>
            <Typography.Text>
              {t("scorecard.preview")}{" "}
              <Typography.Text strong data-testid="score-preview">
                {preview === null
                  ? t("scorecard.notScored")
                  : `${preview} · ${t("scorecard.tierN", { tier: tierOf(preview, settings.data.data.tiers) })}`}
              </Typography.Text>
            </Typography.Text>
          </Flex>
        )}
      </Form>
    </Card>
  );
}
