import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Select, type SelectProps } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useApi } from "../auth/AuthProvider";

/** Picks an account by typing the start of its name (the API's name search); shows the chosen one's name. */
export function AccountSelect(props: Omit<SelectProps<string>, "options" | "showSearch">) {
  const { t } = useTranslation();
  const api = useApi();
  const [q, setQ] = useState("");
  const found = useQuery({
    queryKey: ["accounts", "list", q, null],
    queryFn: () => api.accounts.list({ limit: 20, q: q || null }),
    placeholderData: keepPreviousData,
  });
  const chosenId = typeof props.value === "string" ? props.value : undefined;
  const chosen = useAccountName(chosenId);
  const options = (found.data?.items ?? []).map((account) => ({ value: account.id, label: account.name }));
  if (chosenId && !options.some((option) => option.value === chosenId)) {
    options.unshift({ value: chosenId, label: chosen ?? chosenId });
  }
  return (
    <Select<string>
      showSearch={{ filterOption: false, onSearch: (value) => setQ(value.trim()) }}
      loading={found.isFetching}
      placeholder={t("sales.chooseAccount")}
      notFoundContent={t("accounts.noMatches")}
      options={options}
      {...props}
    />
  );
}

/** An account's name by id (cached per account), for lists that hold only the id. */
export function useAccountName(accountId: string | null | undefined): string | undefined {
  const api = useApi();
  const account = useQuery({
    queryKey: ["accounts", "one", accountId],
    queryFn: () => api.accounts.get(accountId!),
    enabled: Boolean(accountId),
    staleTime: 60_000,
  });
  return account.data?.data.name;
}
