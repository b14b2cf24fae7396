"""The captured mailbox: every message sent through moto's SES (v1 or v2, simple or raw MIME)."""

import email
import email.policy
import html
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class MailMessage:
    id: str
    sender: str
    to: list[str]
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)
    sent_at: datetime | None = None

    def as_json(self, base_path: str) -> dict:
        return {
            "id": self.id,
            "to": self.to,
            "from": self.sender,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "attachments": [
                {"name": attachment.name, "url": attachment_path(base_path, self.id, index, attachment.name)}
                for index, attachment in enumerate(self.attachments)
            ],
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


def attachment_path(base_path: str, message_id: str, index: int, name: str) -> str:
    return f"{base_path}/{quote(message_id)}/attachments/{index}/{quote(name)}"


def parse_raw_message(message_id: str, raw: str | bytes, destinations: list[str]) -> MailMessage:
    """Parses a raw MIME message as SendRawEmail received it."""
    raw_bytes = raw.encode() if isinstance(raw, str) else raw
    parsed = email.message_from_bytes(raw_bytes, policy=email.policy.default)
    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[Attachment] = []
    for part in parsed.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        content_type = part.get_content_type()
        if filename or part.get_content_disposition() == "attachment":
            attachments.append(
                Attachment(
                    filename or f"attachment-{len(attachments) + 1}",
                    content_type,
                    part.get_payload(decode=True) or b"",
                )
            )
        elif content_type == "text/plain":
            text_parts.append(part.get_content())
        elif content_type == "text/html":
            html_parts.append(part.get_content())
    recipients = [str(address) for header in ("To", "Cc") for address in (parsed.get_all(header) or [])]
    return MailMessage(
        id=message_id,
        sender=str(parsed.get("From", "")),
        to=recipients or list(destinations),
        subject=str(parsed.get("Subject", "")),
        text="\n".join(text_parts),
        html="\n".join(html_parts),
        attachments=attachments,
        sent_at=_header_date(parsed.get("Date")),
    )


def _header_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value)).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def simple_message(message_id: str, source: str, subject: str, body: str, destinations: dict) -> MailMessage:
    # moto keeps only one body of a simple message: the HTML one when both were sent.
    looks_like_html = "</" in body or "<br" in body.lower()
    recipients = [
        address for kind in ("ToAddresses", "CcAddresses", "BccAddresses") for address in destinations.get(kind, [])
    ]
    return MailMessage(
        id=message_id,
        sender=source,
        to=recipients,
        subject=subject or "",
        text="" if looks_like_html else body,
        html=body if looks_like_html else "",
    )


class Mailbox:
    """Reads moto's in-process SES backend; parsed messages are cached by id and stamped when first seen."""

    def __init__(
        self,
        account_id: str,
        region: str,
        base_path: str = "/_local/mailbox",
        first_seen: dict[str, datetime] | None = None,
    ):
        self._account_id = account_id
        self._region = region
        self.base_path = base_path
        self._parsed: dict[str, MailMessage] = {}
        self._first_seen: dict[str, datetime] = dict(first_seen or {})  # stamps of messages without a Date
        self._lock = threading.Lock()

    def first_seen(self) -> dict[str, datetime]:
        with self._lock:
            return dict(self._first_seen)

    def _sent_messages(self) -> list:
        from moto.ses.models import ses_backends  # moto's server runs in this process: same backend

        return list(ses_backends[self._account_id][self._region].sent_messages)

    def messages(self) -> list[MailMessage]:
        """Newest first."""
        result: list[MailMessage] = []
        with self._lock:
            for sent in self._sent_messages():
                message_id = getattr(sent, "id", None) or ",".join(getattr(sent, "ids", []))
                if message_id not in self._parsed:
                    message = self._parse(message_id, sent)
                    if message.sent_at is None:
                        stamp = self._first_seen.setdefault(message_id, datetime.now(UTC))
                        message = MailMessage(**{**message.__dict__, "sent_at": stamp})
                    self._parsed[message_id] = message
                result.append(self._parsed[message_id])
        return list(reversed(result))

    def find(self, message_id: str) -> MailMessage | None:
        return next((message for message in self.messages() if message.id == message_id), None)

    @staticmethod
    def _parse(message_id: str, sent) -> MailMessage:
        if hasattr(sent, "raw_data"):
            message = parse_raw_message(message_id, sent.raw_data, sent.destinations)
        elif hasattr(sent, "body"):
            message = simple_message(message_id, sent.source, sent.subject, sent.body, sent.destinations)
        else:  # templated: moto does not render templates
            message = MailMessage(
                id=message_id,
                sender=sent.source,
                to=[str(destination) for destination in sent.destinations],
                subject=f"(template {sent.template})",
                text=str(sent.template_data),
                html="",
            )
        return message

    def render_html(self) -> str:
        messages = self.messages()
        items = "\n".join(self._render_message(message) for message in messages) or "<p>No messages yet.</p>"
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Local mailbox</title>"
            "<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}"
            "article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}"
            "pre{white-space:pre-wrap}iframe{width:100%;height:24rem;border:1px solid #eee}</style></head>"
            f"<body><h1>Local mailbox ({len(messages)})</h1>{items}</body></html>"
        )

    def _render_message(self, message: MailMessage) -> str:
        escape = html.escape
        attachments = "".join(
            f"<li><a href='{escape(attachment_path(self.base_path, message.id, index, attachment.name))}'>"
            f"{escape(attachment.name)}</a> ({escape(attachment.content_type)}, "
            f"{len(attachment.content)} bytes)</li>"
            for index, attachment in enumerate(message.attachments)
        )
        return (
            f"<article id='{escape(message.id)}'><h2>{escape(message.subject)}</h2>"
            f"<p><b>From:</b> {escape(message.sender)}<br><b>To:</b> {escape(', '.join(message.to))}<br>"
            f"<b>Sent:</b> {escape(message.sent_at.isoformat() if message.sent_at else '')}</p>"
            + (f"<pre>{escape(message.text)}</pre>" if message.text else "")
            + (f"<iframe sandbox srcdoc='{escape(message.html, quote=True)}'></iframe>" if message.html else "")
            + (f"<ul>{attachments}</ul>" if attachments else "")
            + "</article>"
        )
