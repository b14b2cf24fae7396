"""The notice a user gets when a lead is reassigned to them, in en / zh-Hant / zh-Hans."""

from html import escape

from servicejob.notify.invitations import DEFAULT_LOCALE
from servicejob.notify.mailer import EmailContent

# (subject, greeting, body, open) per locale
_WORDING: dict[str, tuple[str, str, str, str]] = {
    "en": ("Lead assigned to you: {company}", "Hello {name},", "The lead {company} is now yours.", "Open"),
    "zh-Hant": ("已指派給您的潛在客戶：{company}", "{name} 您好：", "潛在客戶「{company}」現已由您負責。", "開啟"),
    "zh-Hans": ("已分配给您的潜在客户：{company}", "{name}，您好：", "潜在客户“{company}”现已由您负责。", "打开"),
}


def lead_assignment_email(*, locale: str, owner_name: str, company_name: str, console_url: str) -> EmailContent:
    subject, greeting, body, open_label = _WORDING.get(locale, _WORDING[DEFAULT_LOCALE])
    subject = subject.format(company=company_name)
    greeting = greeting.format(name=owner_name)
    body = body.format(company=company_name)
    text = "\n".join([greeting, "", body, "", f"{open_label}: {console_url}"])
    url = escape(console_url, quote=True)
    html = (
        f'<!DOCTYPE html><html lang="{locale if locale in _WORDING else DEFAULT_LOCALE}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f"<body><p>{escape(greeting)}</p><p>{escape(body)}</p>"
        f'<p>{escape(open_label)}: <a href="{url}">{escape(console_url)}</a></p></body></html>'
    )
    return EmailContent(subject=subject, text=text, html=html)
