"""The e-mail copy of an in-app notification, in the recipient's language (en / zh-Hant / zh-Hans).

One line of wording per notification kind and locale; `{name}` placeholders are filled from the
notification's params (a missing one is left out rather than failing the write that notified).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from servicejob.notify.invitations import DEFAULT_LOCALE
from servicejob.notify.mailer import EmailContent


@dataclass(frozen=True)
class _Wording:
    subject: str
    body: str


# kind -> locale -> wording. Params every kind may use: `record` (a display name of the entity) and `by`
# (who did it). Kinds not listed here are mailed with GENERIC.
KIND_WORDING: dict[str, dict[str, _Wording]] = {
    "lead.assigned": {
        "en": _Wording("Lead assigned to you: {company_name}", "The lead {company_name} is now yours."),
        "zh-Hant": _Wording("已指派給您的線索：{company_name}", "線索「{company_name}」現已由您負責。"),
        "zh-Hans": _Wording("已分配给您的线索：{company_name}", "线索“{company_name}”现已由您负责。"),
    },
    "record.assigned": {
        "en": _Wording("Assigned to you: {record}", "{record} is now yours."),
        "zh-Hant": _Wording("已指派給您：{record}", "「{record}」現已由您負責。"),
        "zh-Hans": _Wording("已分配给您：{record}", "“{record}”现已由您负责。"),
    },
    "comment.mentioned": {
        "en": _Wording("{by} mentioned you on {record}", "{by} mentioned you in a comment on {record}:\n\n{excerpt}"),
        "zh-Hant": _Wording("{by} 在「{record}」提及您", "{by} 在「{record}」的留言中提及您：\n\n{excerpt}"),
        "zh-Hans": _Wording("{by} 在“{record}”提到了您", "{by} 在“{record}”的评论中提到了您：\n\n{excerpt}"),
    },
    "comment.added": {
        "en": _Wording("New comment on {record}", "{by} commented on {record}:\n\n{excerpt}"),
        "zh-Hant": _Wording("「{record}」有新留言", "{by} 在「{record}」留言：\n\n{excerpt}"),
        "zh-Hans": _Wording("“{record}”有新评论", "{by} 在“{record}”发表了评论：\n\n{excerpt}"),
    },
    "record.owner_changed": {
        "en": _Wording("{record} has a new owner", "{by} assigned {record} to {owner}."),
        "zh-Hant": _Wording("「{record}」已更換負責人", "{by} 已將「{record}」指派給 {owner}。"),
        "zh-Hans": _Wording("“{record}”已更换负责人", "{by} 已将“{record}”分配给 {owner}。"),
    },
    "record.stage_changed": {
        "en": _Wording("{record} moved to {stage}", "{by} moved {record} to the stage {stage}."),
        "zh-Hant": _Wording("「{record}」已進入 {stage}", "{by} 已將「{record}」移至階段 {stage}。"),
        "zh-Hans": _Wording("“{record}”已进入 {stage}", "{by} 已将“{record}”移至阶段 {stage}。"),
    },
}
GENERIC: dict[str, _Wording] = {
    "en": _Wording("Update on {record}", "There is an update on {record}."),
    "zh-Hant": _Wording("「{record}」有更新", "「{record}」有新的更新。"),
    "zh-Hans": _Wording("“{record}”有更新", "“{record}”有新的动态。"),
}
_GREETING = {"en": "Hello {name},", "zh-Hant": "{name} 您好：", "zh-Hans": "{name}，您好："}
_OPEN = {"en": "Open", "zh-Hant": "開啟", "zh-Hans": "打开"}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


def notification_email(
    *, locale: str, kind: str, recipient_name: str, params: Mapping[str, str], link: str
) -> EmailContent:
    locale = locale if locale in _GREETING else DEFAULT_LOCALE
    wording = KIND_WORDING.get(kind, GENERIC)[locale]
    values = _Params(params)
    subject = wording.subject.format_map(values)
    greeting = _GREETING[locale].format(name=recipient_name)
    body = wording.body.format_map(values).strip()
    text = "\n".join([greeting, "", body, "", f"{_OPEN[locale]}: {link}"])
    url = escape(link, quote=True)
    paragraphs = "".join(f"<p>{escape(part)}</p>" for part in body.split("\n\n"))
    html = (
        f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f"<body><p>{escape(greeting)}</p>{paragraphs}"
        f'<p>{escape(_OPEN[locale])}: <a href="{url}">{escape(link)}</a></p></body></html>'
    )
    return EmailContent(subject=subject, text=text, html=html)
