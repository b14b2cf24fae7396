import { useQuery } from "@tanstack/react-query";
import { Skeleton } from "antd";
import type { ReactNode } from "react";
import type { Tagged } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";

/** A settings page's document, read once: a skeleton while it loads, the error with a retry, then the form. */
export function LoadedSettings<S>({
  queryKey,
  read,
  children,
}: {
  queryKey: unknown[];
  read: () => Promise<Tagged<S>>;
  children: (loaded: Tagged<S>) => ReactNode;
}) {
  const loaded = useQuery({ queryKey, queryFn: read });
  if (loaded.isPending) return <Skeleton active />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={() => void loaded.refetch()} />;
  return children(loaded.data);
}
