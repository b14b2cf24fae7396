import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Contact } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { RelatedList } from "../../components/ListPage";
import { useContactColumns } from "./ContactColumns";

const primaryFirst = (rows: Contact[]) =>
  [...rows].sort((a, b) => Number(Boolean(b.is_primary)) - Number(Boolean(a.is_primary)));

/** The contacts tab of an account: who works there, primary first. */
export default function AccountContacts({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const columns = useContactColumns();
  return (
    <RelatedList<Contact>
      queryKey={["contacts", "ofAccount", accountId]}
      fetchPage={(cursor) => api.contacts.ofAccount(accountId, { limit: 50, cursor })}
      create={{ permission: "contacts:write", label: t("contacts.new"), onClick: () => navigate(`/contacts/new?account=${accountId}`) }}
      caption={t("contacts.title")}
      rowKey={(contact) => contact.id}
      emptyText={t("contacts.emptyForAccount")}
      arrange={primaryFirst}
      columns={[columns.name, columns.roles, columns.phones, columns.email, columns.responsible, columns.calls]}
    />
  );
}
