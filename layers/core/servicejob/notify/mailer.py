"""Outgoing e-mail: one `Mailer` protocol, sent through SES as raw UTF-8 MIME (attachments come later)."""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


class Mailer(Protocol):
    def send(self, to: str, content: EmailContent) -> str:
        """Sends the message and returns its message id."""
        ...


def mime_message(sender: str, to: str, content: EmailContent) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message


class SesMailer:
    def __init__(self, ses_client, sender: str):
        self._ses = ses_client
        self._sender = sender

    def send(self, to: str, content: EmailContent) -> str:
        message = mime_message(self._sender, to, content)
        response = self._ses.send_raw_email(
            Source=self._sender, Destinations=[to], RawMessage={"Data": message.as_bytes()}
        )
        return response["MessageId"]


@dataclass
class FakeMailer:
    """Keeps sent messages in memory, for unit tests."""

    sent: list[tuple[str, EmailContent]] = field(default_factory=list)

    def send(self, to: str, content: EmailContent) -> str:
        self.sent.append((to, content))
        return f"fake-{len(self.sent)}"
