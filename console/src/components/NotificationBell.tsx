import { BellOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Flex, Popover, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Notification } from "../api/client";
import { useApi } from "../auth/AuthProvider";
import { useTenantFormat } from "../format/useTenantFormat";
import { ErrorAlert } from "./ErrorAlert";

// New notifications arrive from other people's actions; a minute is soon enough for an inbox.
const UNREAD_REFRESH_MS = 60_000;
const UNREAD_COUNT_LIMIT = 99;

/** Where a notification's entity ("lead/01J…") is shown in the console. */
export function entityPath(entity: string): string | null {
  const [type, id] = entity.split("/", 2);
  const paths: Record<string, (id: string) => string> = {
    lead: (value) => `/leads/${value}`,
    opportunity: (value) => `/opportunities/${value}`,
    account: (value) => `/accounts/${value}`,
    contact: (value) => `/contacts/${value}/edit`,
  };
  return id && paths[type] ? paths[type](id) : null;
}

export function NotificationBell() {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const format = useTenantFormat();
  const [open, setOpen] = useState(false);
  const unread = useQuery({
    queryKey: ["notifications", "unread"],
    queryFn: () => api.notifications.list({ unread: true, limit: UNREAD_COUNT_LIMIT + 1 }),
    refetchInterval: UNREAD_REFRESH_MS,
  });
  const latest = useQuery({
    queryKey: ["notifications", "latest"],
    queryFn: () => api.notifications.list({ limit: 20 }),
    enabled: open,
  });
  const count = unread.data?.items.length ?? 0;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["notifications"] });

  const openOne = async (notification: Notification) => {
    setOpen(false);
    if (!notification.read_at) await api.notifications.markRead(notification.id).catch(() => undefined);
    refresh();
    const path = entityPath(notification.entity);
    if (path) navigate(path);
  };
  const title = (notification: Notification) =>
    t(`notifications.kinds.${notification.kind.replace(/\./g, "_")}`, {
      ...notification.params,
      record: notification.params.record ?? notification.params.company_name ?? notification.entity,
      defaultValue: t("notifications.kinds.generic", { record: notification.params.record ?? notification.entity }),
    });

  const content = (
    <div style={{ width: 340 }}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t("notifications.title")}</Typography.Text>
        <Button
          size="small"
          type="link"
          disabled={count === 0}
          onClick={() => void api.notifications.markAllRead().then(refresh)}
        >
          {t("notifications.markAllRead")}
        </Button>
      </Flex>
      <ErrorAlert error={latest.error} />
      {latest.data?.items.length === 0 && <Typography.Text type="secondary">{t("notifications.empty")}</Typography.Text>}
      <ul style={{ listStyle: "none", margin: 0, padding: 0, maxHeight: 400, overflowY: "auto" }}>
        {(latest.data?.items ?? []).map((notification) => (
          <li key={notification.id} style={{ borderTop: "1px solid #f0f0f0" }}>
            <Button
              type="text"
              onClick={() => void openOne(notification)}
              style={{ height: "auto", width: "100%", textAlign: "start", whiteSpace: "normal", padding: "8px 4px", display: "block" }}
            >
              <span style={{ fontWeight: notification.read_at ? 400 : 600 }}>{title(notification)}</span>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {format.dateTime(notification.created_at)}
                {!notification.read_at && ` · ${t("notifications.unread")}`}
              </Typography.Text>
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );

  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Badge count={count} overflowCount={UNREAD_COUNT_LIMIT} size="small">
        <Button
          icon={<BellOutlined />}
          aria-label={t("notifications.bell", { count })}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
