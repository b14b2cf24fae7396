import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Contact } from "../../api/client";
import type { PlainColumn } from "../../components/PlainTable";
import { useUsers } from "../../components/users";
import { useTenantFormat } from "../../format/useTenantFormat";
import { contactName } from "./contactForm";

/** The columns both contact lists (global and under an account) show. */
export function useContactColumns(): Record<"name" | "roles" | "phones" | "email" | "responsible" | "calls", PlainColumn<Contact>> {
  const { t } = useTranslation();
  const { nameOf } = useUsers();
  const format = useTenantFormat();
  return {
    calls: {
      key: "calls",
      title: t("activities.calls"),
      render: (contact) => (
        <>
          {contact.last_call_at && <div>{t("activities.lastCallAt", { when: format.dateTime(contact.last_call_at) })}</div>}
          {contact.next_call_at && <div>{t("activities.nextCallAt", { when: format.dateTime(contact.next_call_at) })}</div>}
        </>
      ),
    },
    name: {
      key: "name",
      title: t("contacts.name"),
      render: (contact) => (
        <>
          <Link to={`/contacts/${contact.id}/edit`}>{contactName(contact)}</Link>
          {contact.is_primary && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t("contacts.primaryTag")}
            </Tag>
          )}
          {contact.title && <div style={{ color: "rgba(0,0,0,0.65)" }}>{contact.title}</div>}
        </>
      ),
    },
    roles: {
      key: "roles",
      title: t("contacts.roles"),
      render: (contact) => (contact.roles ?? []).map((role) => <Tag key={role}>{t(`contacts.role.${role}`)}</Tag>),
    },
    phones: {
      key: "phones",
      title: t("contacts.phones"),
      render: (contact) =>
        (contact.phones ?? []).map((phone) => (
          <div key={`${phone.kind}-${phone.number}`}>
            {t(`contacts.phoneKind.${phone.kind}`)}: <a href={`tel:${phone.number.replace(/\s/g, "")}`}>{phone.number}</a>
          </div>
        )),
    },
    email: {
      key: "email",
      title: t("contacts.email"),
      render: (contact) => (contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : ""),
    },
    responsible: {
      key: "responsible",
      title: t("sales.responsible"),
      render: (contact) => nameOf(contact.responsible_user_id),
    },
  };
}
