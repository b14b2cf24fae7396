import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Locale } from "../api/client";
import { useApi } from "../auth/AuthProvider";
import { stageNameOf } from "./pipeline";

export const STAGES_QUERY_KEY = ["sales-settings", "stages"];

/** The tenant's sales stages (funnel order) and a namer for stage keys in the UI language. */
export function useStages() {
  const api = useApi();
  const { i18n } = useTranslation();
  const query = useQuery({ queryKey: STAGES_QUERY_KEY, queryFn: () => api.salesSettings.stages(), staleTime: 60_000 });
  const stages = query.data?.data.stages ?? [];
  return { query, stages, nameOf: (key: string) => stageNameOf(key, stages, i18n.language as Locale) };
}
