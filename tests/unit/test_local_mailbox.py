"""The local mailbox: raw MIME and simple SES messages → what /_local/mailbox(.json) shows."""

from email.message import EmailMessage
from types import SimpleNamespace

from local.mailbox import Mailbox, parse_raw_message, simple_message


def invitation_mime() -> str:
    message = EmailMessage()
    message["From"] = "Service Job CRM <no-reply@servicejob.example>"
    message["To"] = "陳大文 <owner@firm.example>"
    message["Subject"] = "歡迎使用 Service Job CRM"
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0800"
    message.set_content("臨時密碼: Abc-123-xyz")
    message.add_alternative("<p>臨時密碼: <b>Abc-123-xyz</b></p>", subtype="html")
    message.add_attachment(b"%PDF-1.7 fake", maintype="application", subtype="pdf", filename="invoice-2026-0001.pdf")
    return message.as_string()


def test_raw_mime_message_is_parsed_with_text_html_and_attachments():
    # Given a multipart message with Chinese text, an HTML alternative and a PDF
    # When parsed
    parsed = parse_raw_message("m-1", invitation_mime(), ["owner@firm.example"])
    # Then each part lands in its field
    assert parsed.subject == "歡迎使用 Service Job CRM"
    assert parsed.sender == "Service Job CRM <no-reply@servicejob.example>"
    assert parsed.to == ["陳大文 <owner@firm.example>"]
    assert "臨時密碼: Abc-123-xyz" in parsed.text
    assert "<b>Abc-123-xyz</b>" in parsed.html
    assert [(a.name, a.content_type, a.content) for a in parsed.attachments] == [
        ("invoice-2026-0001.pdf", "application/pdf", b"%PDF-1.7 fake")
    ]
    assert parsed.sent_at.isoformat() == "2026-03-02T01:00:00+00:00"


def test_json_lists_attachment_links():
    parsed = parse_raw_message("m-1", invitation_mime(), [])
    as_json = parsed.as_json("/_local/mailbox")
    assert as_json["attachments"] == [
        {"name": "invoice-2026-0001.pdf", "url": "/_local/mailbox/m-1/attachments/0/invoice-2026-0001.pdf"}
    ]
    assert as_json["from"] == parsed.sender and as_json["to"] == parsed.to


def test_simple_message_body_is_text_or_html():
    destinations = {"ToAddresses": ["a@x.example"], "CcAddresses": ["b@x.example"]}
    text = simple_message("s-1", "from@x.example", "Hi", "plain words", destinations)
    html = simple_message("s-2", "from@x.example", "Hi", "<p>rich</p>", destinations)
    assert (text.text, text.html, text.to) == ("plain words", "", ["a@x.example", "b@x.example"])
    assert (html.text, html.html) == ("", "<p>rich</p>")


class FakeMailbox(Mailbox):
    """Reads a list instead of moto's SES backend."""

    def __init__(self, sent: list):
        super().__init__("123456789012", "ap-east-1")
        self.sent = sent

    def _sent_messages(self) -> list:
        return list(self.sent)


def test_mailbox_lists_newest_first_and_renders_escaped_html():
    # Given a simple message then a raw one
    sent = [
        SimpleNamespace(
            id="old",
            source="a@x.example",
            subject="<script>x</script>",
            body="first",
            destinations={"ToAddresses": ["b@x.example"]},
        ),
        SimpleNamespace(
            id="new", source="a@x.example", destinations=["owner@firm.example"], raw_data=invitation_mime()
        ),
    ]
    mailbox = FakeMailbox(sent)
    # Then the newest comes first, and the page escapes what it shows
    assert [message.id for message in mailbox.messages()] == ["new", "old"]
    page = mailbox.render_html()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "/_local/mailbox/new/attachments/0/invoice-2026-0001.pdf" in page
    assert mailbox.find("new").attachments[0].content == b"%PDF-1.7 fake"
    assert mailbox.find("missing") is None
