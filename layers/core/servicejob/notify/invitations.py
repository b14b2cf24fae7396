"""The invitation e-mail (new owner at signup, or a user invited by an admin) in en / zh-Hant / zh-Hans.

It carries the temporary password, so it is built and sent inside the one step that generated it.
"""

from dataclasses import dataclass
from html import escape

from servicejob.notify.mailer import EmailContent

SUPPORTED_LOCALES = ("en", "zh-Hant", "zh-Hans")
DEFAULT_LOCALE = "en"

ROLE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "owner": "Owner",
        "admin": "Administrator",
        "partner": "Partner",
        "manager": "Manager",
        "finance": "Finance",
        "sales": "Sales",
        "staff": "Staff",
    },
    "zh-Hant": {
        "owner": "擁有人",
        "admin": "管理員",
        "partner": "合夥人",
        "manager": "經理",
        "finance": "財務",
        "sales": "銷售",
        "staff": "職員",
    },
    "zh-Hans": {
        "owner": "所有者",
        "admin": "管理员",
        "partner": "合伙人",
        "manager": "经理",
        "finance": "财务",
        "sales": "销售",
        "staff": "职员",
    },
}


@dataclass(frozen=True)
class _Wording:
    subject: str
    greeting: str
    intro: str
    sign_in: str
    email_label: str
    temporary_caption: str
    validity: str
    first_sign_in: str
    ignore: str


_WORDING: dict[str, _Wording] = {
    "en": _Wording(
        subject="You are invited to {firm} on Service Job CRM",
        greeting="Hello {name},",
        intro="You have been invited to {firm} on Service Job CRM as {role}.",
        sign_in="Sign in at",
        email_label="E-mail",
        temporary_caption="Temporary password",
        validity="The temporary password is valid for {days} days.",
        first_sign_in="You will be asked to choose your own password when you first sign in.",
        ignore="If you did not expect this invitation, you can ignore this e-mail.",
    ),
    "zh-Hant": _Wording(
        subject="邀請您加入 Service Job CRM 上的 {firm}",
        greeting="{name} 您好：",
        intro="您已獲邀以「{role}」身分加入 Service Job CRM 上的 {firm}。",
        sign_in="登入網址",
        email_label="電郵地址",
        temporary_caption="臨時密碼",
        validity="臨時密碼於 {days} 天內有效。",
        first_sign_in="首次登入時，系統會要求您設定自己的密碼。",
        ignore="如您並未預期收到此邀請，請忽略本電郵。",
    ),
    "zh-Hans": _Wording(
        subject="邀请您加入 Service Job CRM 上的 {firm}",
        greeting="{name}，您好：",
        intro="您已受邀以“{role}”身份加入 Service Job CRM 上的 {firm}。",
        sign_in="登录网址",
        email_label="电子邮箱",
        temporary_caption="临时密码",
        validity="临时密码在 {days} 天内有效。",
        first_sign_in="首次登录时，系统会要求您设置自己的密码。",
        ignore="如果您没有预期收到此邀请，请忽略本邮件。",
    ),
}


def invitation_email(
    *,
    locale: str,
    firm_name: str,
    user_name: str,
    role: str,
    email: str,
    temporary_password: str,
    sign_in_url: str,
    validity_days: int,
) -> EmailContent:
    words = _WORDING.get(locale, _WORDING[DEFAULT_LOCALE])
    role_name = ROLE_NAMES.get(locale, ROLE_NAMES[DEFAULT_LOCALE]).get(role, role)
    subject = words.subject.format(firm=firm_name)
    greeting = words.greeting.format(name=user_name)
    intro = words.intro.format(firm=firm_name, role=role_name)
    validity = words.validity.format(days=validity_days)
    text = "\n".join(
        [
            greeting,
            "",
            intro,
            "",
            f"{words.sign_in}: {sign_in_url}",
            f"{words.email_label}: {email}",
            f"{words.temporary_caption}: {temporary_password}",
            "",
            validity,
            words.first_sign_in,
            "",
            words.ignore,
        ]
    )
    html_lang = {"zh-Hant": "zh-Hant", "zh-Hans": "zh-Hans"}.get(locale, "en")
    url = escape(sign_in_url, quote=True)
    html = (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f"<body><p>{escape(greeting)}</p><p>{escape(intro)}</p>"
        f'<p>{escape(words.sign_in)}: <a href="{url}">{escape(sign_in_url)}</a></p>'
        f'<table><tr><th align="left">{escape(words.email_label)}</th><td>{escape(email)}</td></tr>'
        f'<tr><th align="left">{escape(words.temporary_caption)}</th>'
        f"<td><code>{escape(temporary_password)}</code></td></tr></table>"
        f"<p>{escape(validity)}<br>{escape(words.first_sign_in)}</p>"
        f"<p><small>{escape(words.ignore)}</small></p></body></html>"
    )
    return EmailContent(subject=subject, text=text, html=html)
