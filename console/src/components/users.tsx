import { useQuery } from "@tanstack/react-query";
import { Select, type SelectProps } from "antd";
import { useTranslation } from "react-i18next";
import type { User } from "../api/client";
import { useApi, useMe } from "../auth/AuthProvider";

/** The firm's users (first 200), when the signed-in user may read them; shared by pickers and names. */
export function useUsers() {
  const api = useApi();
  const me = useMe();
  const users = useQuery({
    queryKey: ["users", "list"],
    queryFn: () => api.users.list(),
    enabled: me.permissions.includes("users:read"),
    staleTime: 60_000,
  });
  const items = users.data?.items ?? [];
  return {
    users: items,
    /** A user's name; "" until the list is loaded; the id itself when unknown (a removed user, no permission). */
    nameOf: (id: string | null | undefined) => {
      if (!id) return "";
      const found = items.find((user) => user.id === id);
      if (found) return found.name;
      return users.isPending && users.fetchStatus !== "idle" ? "" : id;
    },
    loading: users.isPending && users.fetchStatus !== "idle",
  };
}

/** Users who can be given work: active or invited (as the API's assignment check accepts). */
export function assignable(users: User[]): User[] {
  return users.filter((user) => user.status === "active" || user.status === "invited");
}

type UserSelectProps = Omit<SelectProps<string | string[]>, "options">;

export function UserSelect({ value, ...props }: UserSelectProps) {
  const { t } = useTranslation();
  const { users, loading } = useUsers();
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
  // A disabled user who is still chosen keeps their name (not selectable again).
  const options = users
    .filter((user) => assignable([user]).length > 0 || chosen.has(user.id))
    .map((user) => ({
      value: user.id,
      label: user.name,
      email: user.email,
      search: `${user.name} ${user.email}`,
      disabled: !assignable([user]).length,
    }));
  return (
    <Select<string | string[]>
      showSearch={{ optionFilterProp: "search" }}
      allowClear
      loading={loading}
      // The chosen user shows by name; the list adds the e-mail to tell namesakes apart.
      optionRender={(option) => (
        <>
          {option.data.label} <span style={{ color: "rgba(0, 0, 0, 0.65)" }}>{option.data.email}</span>
        </>
      )}
      placeholder={t("sales.chooseUser")}
      options={options}
      // Until the users are known the chosen id would show raw: show nothing instead.
      value={loading ? undefined : value}
      {...props}
    />
  );
}

/** Who did something, from an actor ("user:{id}", "apikey:{id}" or a bare user id): "you", a user's name, or the actor. */
export function useActorName() {
  const { t } = useTranslation();
  const me = useMe();
  const { nameOf } = useUsers();
  return (actor: string) => {
    const [kind, id] = actor.includes(":") ? actor.split(":", 2) : ["user", actor];
    if (kind === "user" && id === me.user?.id) return t("accounts.you");
    return kind === "user" ? nameOf(id) : actor;
  };
}
