import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Flex, Input, Space, Typography } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import type { ExportFilters, ImportEntity, Permission } from "../api/client";
import { useMe } from "../auth/AuthProvider";
import { CursorPager, useCursorPages } from "./CursorPager";
import { ErrorAlert } from "./ErrorAlert";
import { ExportButton } from "./ExportButton";
import { type PlainColumn, PlainTable } from "./PlainTable";

interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * One list's state in the URL and the cache: the search (`q`) and any filter parameters, the cursor
 * stack, and the page itself. Changing a parameter goes back to the first page.
 */
export function useListPage<T>(
  resource: string,
  fetchPage: (query: { cursor: string | null; q: string | null; params: URLSearchParams }) => Promise<Page<T>>,
) {
  const [params, setParams] = useSearchParams();
  const pages = useCursorPages();
  const q = params.get("q") ?? "";
  const page = useQuery({
    // Every parameter is part of the key: a list ordered or filtered on the server is another list.
    queryKey: [resource, "list", params.toString(), pages.cursor],
    queryFn: () => fetchPage({ cursor: pages.cursor, q: q || null, params }),
    placeholderData: keepPreviousData,
  });
  /** Sets several parameters at once ("" removes one). */
  const setParamValues = (values: Record<string, string>) => {
    pages.reset();
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(values)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next);
  };
  const setParam = (name: string, value: string) => setParamValues({ [name]: value });
  return { q, params, setParam, setParamValues, pages, page };
}

export type ListPageState<T> = ReturnType<typeof useListPage<T>>;

interface ListPageProps<T> {
  title: string;
  list: ListPageState<T>;
  columns: PlainColumn<T>[];
  rowKey: (row: T) => string;
  /** Shown when the list is empty: `noMatches` when a search or filter is on. */
  empty: { none: string; noMatches?: string };
  /** The search box's label; no search box without it. */
  searchLabel?: string;
  /** More filters beside the search box; `filtered` says whether one is set. */
  filters?: ReactNode;
  filtered?: boolean;
  /** Rows to show instead of the page's items (a filter applied to the fetched page). */
  rows?: T[];
  actions?: ReactNode;
  /** An "Export CSV" button for the list as searched and filtered: `exportFilters` are the list's other
   * filters the export takes (accounts: sort, tier). */
  exportAs?: ImportEntity;
  exportFilters?: ExportFilters;
  /** The "New …" button, for those who may write. */
  create?: { permission: Permission; path: string; label: string };
  caption?: string;
}

/** A resource's list: title, search and filters, the "New" button, the table with its empty and error
 * states, and the cursor pager. */
export function ListPage<T>({
  title,
  list,
  columns,
  rowKey,
  empty,
  searchLabel,
  filters,
  filtered = false,
  rows,
  actions,
  exportAs,
  exportFilters,
  create,
  caption,
}: ListPageProps<T>) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { q, page, pages } = list;
  const narrowed = Boolean(q) || filtered;
  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {title}
        </Typography.Title>
        <Space wrap>
          {searchLabel && (
            <Input.Search
              key={q}
              defaultValue={q}
              aria-label={searchLabel}
              placeholder={searchLabel}
              enterButton={t("accounts.searchButton")}
              allowClear
              maxLength={100}
              onSearch={(value) => list.setParam("q", value.trim())}
              style={{ width: 320 }}
              role="searchbox"
            />
          )}
          {filters}
          {actions}
          {exportAs && <ExportButton entity={exportAs} filters={{ ...(q ? { q } : {}), ...exportFilters }} />}
          {create && me.permissions.includes(create.permission) && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(create.path)}>
              {create.label}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<T>
        caption={caption ?? title}
        rowKey={rowKey}
        loading={page.isFetching}
        rows={rows ?? page.data?.items ?? []}
        emptyText={narrowed && empty.noMatches ? empty.noMatches : empty.none}
        columns={columns}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}

interface RelatedListProps<T> {
  /** The cache key of this list; the cursor is appended. */
  queryKey: unknown[];
  fetchPage: (cursor: string | null) => Promise<Page<T>>;
  columns: PlainColumn<T>[];
  rowKey: (row: T) => string;
  emptyText: string;
  caption: string;
  /** The "New …" button above the list, for those who may write. */
  create?: { permission: Permission; label: string; onClick: () => void };
  /** Orders the fetched page for display. */
  arrange?: (rows: T[]) => T[];
}

/** The records that belong to another one (a tab of a detail page): the "New" button, the table, the pager. */
export function RelatedList<T>({ queryKey, fetchPage, columns, rowKey, emptyText, caption, create, arrange }: RelatedListProps<T>) {
  const me = useMe();
  const pages = useCursorPages();
  const page = useQuery({
    queryKey: [...queryKey, pages.cursor],
    queryFn: () => fetchPage(pages.cursor),
    placeholderData: keepPreviousData,
  });
  const rows = page.data?.items ?? [];
  return (
    <>
      {create && me.permissions.includes(create.permission) && (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button icon={<PlusOutlined />} onClick={create.onClick}>
            {create.label}
          </Button>
        </Flex>
      )}
      <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
      <PlainTable<T>
        caption={caption}
        rowKey={rowKey}
        loading={page.isFetching}
        rows={arrange ? arrange(rows) : rows}
        emptyText={emptyText}
        columns={columns}
      />
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} busy={page.isFetching} />
    </>
  );
}
