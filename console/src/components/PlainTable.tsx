/** A read-only data table as plain semantic HTML in antd's look. The accounts list is the screen people
 * land on; antd's Table (sorting, filters, selection, virtual scroll) would add ~58 KB gzip to that first
 * load for features the list does not use. */
import { Spin, theme } from "antd";
import type { ReactNode } from "react";

export interface PlainColumn<T> {
  key: string;
  title: string;
  render: (row: T) => ReactNode;
}

interface PlainTableProps<T> {
  columns: PlainColumn<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  emptyText: string;
  caption?: string;
  /** Names the table's scroll area and makes it a tab stop, so a keyboard can scroll a table wider than its
   * column (a report's table beside its chart). */
  scrollLabel?: string;
}

export function PlainTable<T>({ columns, rows, rowKey, loading, emptyText, caption, scrollLabel }: PlainTableProps<T>) {
  const { token } = theme.useToken();
  const cell = { padding: "12px 16px", borderBottom: `1px solid ${token.colorBorderSecondary}`, textAlign: "start" as const };
  return (
    <Spin spinning={Boolean(loading)}>
      <div
        style={{ overflowX: "auto", background: token.colorBgContainer, borderRadius: token.borderRadiusLG }}
        {...(scrollLabel ? { role: "region", "aria-label": scrollLabel, tabIndex: 0 } : {})}
      >
        <table style={{ width: "100%", borderCollapse: "collapse", fontSize: token.fontSize }} aria-busy={Boolean(loading)}>
          {caption && <caption style={{ position: "absolute", left: -9999 }}>{caption}</caption>}
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} scope="col" style={{ ...cell, background: token.colorFillAlter, fontWeight: 600 }}>
                  {column.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} style={{ ...cell, textAlign: "center", color: token.colorTextSecondary }}>
                  {loading ? "\u00a0" : emptyText}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((column) => (
                    <td key={column.key} style={cell}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Spin>
  );
}
