"""The daily reminder digest e-mail (en / zh-Hant / zh-Hans), and the delivery: in-app notifications plus the digest."""

from html import escape

from servicejob.domain.notifications import NotificationRepository, notify
from servicejob.domain.reminders import Reminder, ReminderKind, ReminderSettings
from servicejob.domain.users import UserRepository
from servicejob.notify.invitations import DEFAULT_LOCALE
from servicejob.notify.mailer import EmailContent, Mailer
from servicejob.tenancy.context import TenantContext

# (subject, greeting, due heading, inactive heading, inactive line, never contacted, open) per locale
_WORDING: dict[str, tuple[str, ...]] = {
    "en": (
        "Your reminders for today",
        "Hello {name},",
        "Due today:",
        "Clients with no contact for a while:",
        "{name} (last contact {date})",
        "never",
        "Open",
    ),
    "zh-Hant": (
        "今日提醒",
        "{name} 您好：",
        "今日到期：",
        "一段時間未聯絡的客戶：",
        "{name}（上次聯絡：{date}）",
        "從未",
        "開啟",
    ),
    "zh-Hans": (
        "今日提醒",
        "{name}，您好：",
        "今日到期：",
        "一段时间未联系的客户：",
        "{name}（上次联系：{date}）",
        "从未",
        "打开",
    ),
}
_KIND_NAMES: dict[str, dict[str, str]] = {
    "en": {"call": "Call", "visit": "Visit", "meeting": "Meeting"},
    "zh-Hant": {"call": "致電", "visit": "拜訪", "meeting": "會議"},
    "zh-Hans": {"call": "致电", "visit": "拜访", "meeting": "会议"},
}


def reminder_digest_email(
    *, locale: str, recipient_name: str, reminders: list[Reminder], console_url: str
) -> EmailContent:
    locale = locale if locale in _WORDING else DEFAULT_LOCALE
    subject, greeting, due_heading, inactive_heading, inactive_line, never, open_label = _WORDING[locale]
    kinds = _KIND_NAMES[locale]
    due = [
        f"{reminder.params['local_time']} {kinds.get(reminder.params['kind'], reminder.params['kind'])}: "
        f"{reminder.params['subject']}"
        for reminder in reminders
        if reminder.kind is ReminderKind.ACTIVITY_DUE
    ]
    inactive = [
        inactive_line.format(name=reminder.params["name"], date=(reminder.params.get("last_contact_at") or never)[:10])
        for reminder in reminders
        if reminder.kind is ReminderKind.INACTIVE_CUSTOMER
    ]
    sections = [(due_heading, due), (inactive_heading, inactive)]
    text_lines = [greeting.format(name=recipient_name), ""]
    html_parts = [f"<p>{escape(greeting.format(name=recipient_name))}</p>"]
    for heading, lines in sections:
        if lines:
            text_lines += [heading, *(f"- {line}" for line in lines), ""]
            items = "".join(f"<li>{escape(line)}</li>" for line in lines)
            html_parts.append(f"<p>{escape(heading)}</p><ul>{items}</ul>")
    text_lines.append(f"{open_label}: {console_url}")
    url = escape(console_url, quote=True)
    html = (
        f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8"><title>{escape(subject)}</title></head>'
        f"<body>{''.join(html_parts)}"
        f'<p>{escape(open_label)}: <a href="{url}">{escape(console_url)}</a></p></body></html>'
    )
    return EmailContent(subject=subject, text="\n".join(text_lines), html=html)


class NotifyWithDigest:
    """One in-app notification per reminder (`notify`, without its per-notification e-mail), then one digest
    e-mail a day in the recipient's language when the tenant's `digest_email` setting is on."""

    def __init__(self, notifications: NotificationRepository, users: UserRepository, mailer: Mailer, console_url: str):
        self._notifications = notifications
        self._users = users
        self._mailer = mailer
        self._console_url = console_url

    def deliver(
        self, ctx: TenantContext, recipient_id: str, reminders: list[Reminder], settings: ReminderSettings
    ) -> None:
        for reminder in reminders:
            notify(
                ctx,
                self._notifications,
                self._mailer,
                self._users,
                [recipient_id],
                reminder.kind.value,
                reminder.entity,
                reminder.params,
                email=False,
                console_url=self._console_url,
            )
        user = self._users.find(ctx, recipient_id)
        if user is None or user.status == "disabled" or not settings.digest_email:
            return
        content = reminder_digest_email(
            locale=user.locale, recipient_name=user.name, reminders=reminders, console_url=self._console_url
        )
        self._mailer.send(user.email, content)
