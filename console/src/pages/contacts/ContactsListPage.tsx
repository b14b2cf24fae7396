import { useTranslation } from "react-i18next";
import type { Contact } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ListPage, useListPage } from "../../components/ListPage";
import { AccountName } from "../opportunities/OpportunitiesListPage";
import { useContactColumns } from "./ContactColumns";

export default function ContactsListPage() {
  const { t } = useTranslation();
  const api = useApi();
  const list = useListPage("contacts", ({ cursor, q }) => api.contacts.list({ limit: 50, cursor, q }));
  const columns = useContactColumns();
  return (
    <ListPage<Contact>
      exportAs="contacts"
      title={t("contacts.title")}
      list={list}
      searchLabel={t("contacts.search")}
      create={{ permission: "contacts:write", path: "/contacts/new", label: t("contacts.new") }}
      rowKey={(contact) => contact.id}
      empty={{ none: t("contacts.empty"), noMatches: t("contacts.noMatches") }}
      columns={[
        columns.name,
        { key: "account", title: t("contacts.account"), render: (contact) => <AccountName id={contact.account_id} /> },
        columns.roles,
        columns.phones,
        columns.email,
        columns.responsible,
      ]}
    />
  );
}
