import { BellFilled, BellOutlined } from "@ant-design/icons";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Flex, Form, Mentions, Skeleton, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Comment, DiscussedCollection } from "../api/client";
import { problemMessage } from "../api/problemMessages";
import { useApi } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { FormProblems } from "../components/FormProblems";
import { assignable, useActorName, useUsers } from "../components/users";
import { useTenantFormat } from "../format/useTenantFormat";
import { useDialogSave } from "../forms/useDialogSave";
import { useIdempotencyKey } from "../forms/useIdempotencyKey";
import { mentionedIds, mentionedPeople, type Person, segmentsOf } from "./mentions";

const PAGE_SIZE = 50;
const REGISTERED = [["body"], ["mentions"]];

interface DiscussionProps {
  collection: DiscussedCollection;
  recordId: string;
}

/** A record's comments (oldest first, as a conversation reads), a composer with @mentions, and Follow. */
export function Discussion({ collection, recordId }: DiscussionProps) {
  const { t } = useTranslation();
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {t("discussion.title")}
        </Typography.Title>
      }
      extra={<FollowToggle collection={collection} recordId={recordId} />}
      data-testid="discussion"
    >
      <Comments collection={collection} recordId={recordId} />
      <Composer collection={collection} recordId={recordId} />
    </Card>
  );
}

function FollowToggle({ collection, recordId }: DiscussionProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const queryKey = ["following", collection, recordId];
  const following = useQuery({ queryKey, queryFn: () => api.collaboration.following(collection, recordId) });
  const toggle = useMutation({
    mutationFn: (follow: boolean) => api.collaboration.setFollowing(collection, recordId, follow).then(() => follow),
    onSuccess: (follow) => {
      queryClient.setQueryData(queryKey, follow);
      void message.success(t(follow ? "discussion.followed_message" : "discussion.unfollowed_message"));
    },
    onError: (error) => void message.error(problemMessage(error, t)),
  });
  if (following.error) return <ErrorAlert error={following.error} onRetry={() => void following.refetch()} />;
  const on = following.data === true;
  return (
    <Button
      icon={on ? <BellFilled /> : <BellOutlined />}
      type={on ? "default" : "primary"}
      ghost={!on}
      aria-pressed={on}
      loading={following.isPending || toggle.isPending}
      onClick={() => toggle.mutate(!on)}
      title={t(on ? "discussion.followingHelp" : "discussion.followHelp")}
    >
      {t(on ? "discussion.following" : "discussion.follow")}
    </Button>
  );
}

function commentsKey(collection: DiscussedCollection, recordId: string) {
  return ["comments", collection, recordId];
}

function Comments({ collection, recordId }: DiscussionProps) {
  const { t } = useTranslation();
  const api = useApi();
  const comments = useInfiniteQuery({
    queryKey: commentsKey(collection, recordId),
    queryFn: ({ pageParam }) => api.collaboration.comments(collection, recordId, { limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  if (comments.isPending) return <Skeleton active />;
  if (comments.error) return <ErrorAlert error={comments.error} onRetry={() => void comments.refetch()} />;
  const items = comments.data.pages.flatMap((page) => page.items);
  return (
    <>
      {items.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("discussion.empty")}</Typography.Paragraph>
      ) : (
        <ol style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label={t("discussion.title")}>
          {items.map((comment) => (
            <CommentItem key={comment.id} comment={comment} />
          ))}
        </ol>
      )}
      {comments.hasNextPage && (
        <Button
          type="link"
          loading={comments.isFetchingNextPage}
          onClick={() => void comments.fetchNextPage()}
          style={{ paddingInline: 0 }}
        >
          {t("discussion.showLater")}
        </Button>
      )}
    </>
  );
}

function CommentItem({ comment }: { comment: Comment }) {
  const format = useTenantFormat();
  const actorName = useActorName();
  const { nameOf } = useUsers();
  const segments = segmentsOf(comment.body, mentionedPeople(comment.mentions, nameOf));
  return (
    <li style={{ borderBottom: "1px solid #f0f0f0", padding: "8px 0" }} data-testid="comment">
      <Space size="small" wrap>
        <Typography.Text strong>{actorName(comment.author)}</Typography.Text>
        <Typography.Text type="secondary">
          <time dateTime={comment.created_at}>{format.dateTime(comment.created_at)}</time>
        </Typography.Text>
      </Space>
      <div style={{ whiteSpace: "pre-wrap", marginTop: 4 }}>
        {segments.map((segment, index) =>
          "mention" in segment ? (
            <MentionMark key={index} person={segment.mention} />
          ) : (
            <span key={index}>{segment.text}</span>
          ),
        )}
      </div>
    </li>
  );
}

function MentionMark({ person }: { person: Person }) {
  // Dark blue on light blue: distinct from the text and above the 4.5:1 contrast axe asks for.
  return (
    <mark data-testid="mention" style={{ background: "#e6f4ff", color: "#003eb3", borderRadius: 4, padding: "0 2px" }}>
      @{person.name}
    </mark>
  );
}

interface ComposerValues {
  body: string;
  mentions: string[];
}

function Composer({ collection, recordId }: DiscussionProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<ComposerValues>();
  const { users } = useUsers();
  const save = useDialogSave(form, REGISTERED);
  const keyFor = useIdempotencyKey();
  const people: Person[] = assignable(users).map((user) => ({ id: user.id, name: user.name }));

  const post = (values: ComposerValues) => {
    const input = { body: values.body, mentions: mentionedIds(values.body, people) };
    void save.run(
      () => api.collaboration.addComment(collection, recordId, input, keyFor({ collection, recordId, ...input })),
      () => {
        form.resetFields();
        void queryClient.invalidateQueries({ queryKey: commentsKey(collection, recordId) });
        void message.success(t("discussion.posted_message"));
      },
    );
  };

  return (
    <Form<ComposerValues>
      form={form}
      layout="vertical"
      style={{ marginTop: 16 }}
      initialValues={{ body: "", mentions: [] }}
      onValuesChange={(changed: Partial<ComposerValues>) => {
        if (changed.body !== undefined) form.setFieldValue("mentions", mentionedIds(changed.body, people));
      }}
      onFinish={post}
    >
      <FormProblems error={save.problems.formError} unplaced={save.problems.unplaced} />
      <Form.Item
        name="body"
        label={t("discussion.comment")}
        rules={[{ required: true, whitespace: true, message: t("discussion.bodyRequired") }]}
      >
        <Mentions
          rows={3}
          maxLength={5000}
          placeholder={t("discussion.placeholder")}
          options={people.map((person) => ({ key: person.id, value: person.name, label: person.name }))}
          data-testid="comment-composer"
        />
      </Form.Item>
      <Form.Item name="mentions" label={t("discussion.notifies")}>
        <MentionedTags />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.busy}>
        {t("discussion.post")}
      </Button>
    </Form>
  );
}

/** Who the comment will notify: the mentions as read from the text (their errors show under them). */
function MentionedTags({ value = [] }: { value?: string[] }) {
  const { t } = useTranslation();
  const { nameOf } = useUsers();
  return (
    <Flex wrap gap={4} data-testid="comment-mentions">
      {value.length === 0 ? (
        <Typography.Text type="secondary">{t("discussion.nobodyMentioned")}</Typography.Text>
      ) : (
        value.map((id) => <Tag key={id}>@{nameOf(id) || id}</Tag>)
      )}
    </Flex>
  );
}
