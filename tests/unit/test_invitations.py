"""Invitations: the localized e-mail in all three languages, the temporary password policy, and the
invitation path (Cognito user, user record, one e-mail) including retries and taken addresses."""

import re
import string
from email import message_from_bytes

import pytest
from ulid import ULID

from servicejob.auth.permissions import Role
from servicejob.auth.user_directory import FakeUserDirectory, generate_temporary_password
from servicejob.dal.pagination import Page
from servicejob.domain.tenants import Tenant, TenantStatus
from servicejob.domain.users import AlreadyInvited, EmailUnavailable, Invitations, User
from servicejob.errors import NotFound
from servicejob.notify.invitations import invitation_email
from servicejob.notify.mailer import FakeMailer, mime_message
from servicejob.tenancy.context import system_context

EXPECTED = {
    "en": ("You are invited to", "Temporary password", "Administrator", "7 days"),
    "zh-Hant": ("邀請您加入", "臨時密碼", "管理員", "7 天"),
    "zh-Hans": ("邀请您加入", "临时密码", "管理员", "7 天"),
}


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_invitation_is_written_in_the_users_language(locale):
    # Given an invitation for an admin of a Chinese-named firm
    subject_words, password_label, role_name, validity = EXPECTED[locale]
    # When it is rendered in the user's language
    content = invitation_email(
        locale=locale,
        firm_name="香港會計師事務所",
        user_name="Ann <Lee>",
        role="admin",
        email="ann@example.com",
        temporary_password="Ab1!<pass>&word",  # noqa: S106 - test value
        sign_in_url="https://console.example/",
        validity_days=7,
    )
    # Then subject, text and HTML carry the firm, role, sign-in URL, e-mail, password and validity
    assert subject_words in content.subject and "香港會計師事務所" in content.subject
    for body in (content.text, content.html):
        assert password_label in body and role_name in body and validity in body
        assert "https://console.example/" in body and "ann@example.com" in body
    assert "Ab1!<pass>&word" in content.text
    # And the HTML escapes what it shows
    assert "Ab1!&lt;pass&gt;&amp;word" in content.html and "Ann &lt;Lee&gt;" in content.html


def test_unknown_locale_falls_back_to_english():
    content = invitation_email(
        locale="fr",
        firm_name="F",
        user_name="U",
        role="staff",
        email="u@example.com",
        temporary_password="x",  # noqa: S106 - test value
        sign_in_url="https://c/",
        validity_days=7,
    )
    assert content.subject.startswith("You are invited")


def test_mime_message_is_utf8_with_text_and_html_parts():
    # Given a Simplified Chinese invitation / When it becomes MIME
    content = invitation_email(
        locale="zh-Hans",
        firm_name="上海服务有限公司",
        user_name="李",
        role="staff",
        email="li@example.com",
        temporary_password="Pw1!pw1!pw1!pw",  # noqa: S106 - test value
        sign_in_url="https://c/",
        validity_days=7,
    )
    parsed = message_from_bytes(
        mime_message("Service Job CRM <no-reply@servicejob.example>", "li@example.com", content).as_bytes()
    )
    # Then both parts decode back to the same Chinese text
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in parsed.walk()
        if not part.is_multipart()
    }
    assert parts["text/plain"].strip() == content.text.strip()
    assert "上海服务有限公司" in parts["text/html"]


def test_temporary_passwords_meet_the_pool_policy_and_differ():
    passwords = {generate_temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) >= 12
        assert any(c in string.ascii_uppercase for c in password)
        assert any(c in string.ascii_lowercase for c in password)
        assert any(c in string.digits for c in password)
        assert any(not c.isalnum() for c in password)


class InMemoryUsers:
    """A UserRepository keeping users per tenant in dicts."""

    def __init__(self):
        self.items: dict[tuple[str, str], dict] = {}
        self.sent: set[tuple[str, str]] = set()

    def get(self, ctx, user_id):
        found = self.find(ctx, user_id)
        if found is None:
            raise NotFound("no user")
        return found

    def find(self, ctx, user_id):
        item = self.items.get((ctx.tenant_id, user_id))
        return User.model_validate(item) if item else None

    def add(self, ctx, user_id, fields):
        self.items[(ctx.tenant_id, user_id)] = {
            "id": user_id,
            "version": 1,
            "created_at": "t",
            "updated_at": "t",
            **fields,
        }
        return self.get(ctx, user_id)

    def update(self, ctx, user_id, changes, expected_version):
        item = self.items[(ctx.tenant_id, user_id)]
        assert item["version"] == expected_version
        item.update(changes, version=expected_version + 1)
        return self.get(ctx, user_id)

    def list(self, ctx, limit, cursor):
        return Page([User.model_validate(v) for (t, _), v in self.items.items() if t == ctx.tenant_id], None)

    def invitation_sent(self, ctx, user_id):
        return (ctx.tenant_id, user_id) in self.sent

    def mark_invitation_sent(self, ctx, user_id):
        self.sent.add((ctx.tenant_id, user_id))

    def count_enabled_owners(self, ctx):
        return sum(
            1
            for (t, _), v in self.items.items()
            if t == ctx.tenant_id and v["role"] == "owner" and v["status"] != "disabled"
        )


def tenant(tenant_id: str, locale: str = "en") -> Tenant:
    return Tenant(
        id=tenant_id,
        name="Acme 會計",
        status=TenantStatus.PROVISIONING,
        tier="basic",
        owner_email="o@example.com",
        owner_name="O",
        time_zone="Asia/Hong_Kong",
        base_currency="HKD",
        locale=locale,
    )


@pytest.fixture
def invitations():
    return Invitations(InMemoryUsers(), FakeUserDirectory(), FakeMailer(), "https://console.example/", 7)


def password_of(text: str) -> str:
    return re.search(r"^(?:Temporary password|臨時密碼|临时密码): (\S+)$", text, re.MULTILINE).group(1)


def test_invite_creates_the_directory_user_and_record_and_mails_the_same_password(invitations):
    # Given a tenant
    tenant_id = str(ULID())
    ctx = system_context(tenant_id, "onboarding")
    # When its owner is invited in Traditional Chinese
    user = invitations.invite(ctx, tenant(tenant_id), "o@example.com", "O", Role.OWNER, "zh-Hant")
    # Then the directory user is the tenant's, the record is invited, and one e-mail carries the password
    entry = invitations.directory.users["o@example.com"]
    assert entry.user.tenant_id == tenant_id and entry.user.user_id == user.id
    assert (user.role, user.status, user.locale) == (Role.OWNER, "invited", "zh-Hant")
    [(to, content)] = invitations.mailer.sent
    assert to == "o@example.com" and "臨時密碼" in content.text
    assert password_of(content.text) == entry.temporary_password
    # And nothing returned carries the password
    assert entry.temporary_password not in user.model_dump_json()


def test_a_retry_after_the_email_went_out_sends_nothing_more(invitations):
    # Given an owner who was invited
    tenant_id = str(ULID())
    ctx = system_context(tenant_id, "onboarding")
    invitations.invite(ctx, tenant(tenant_id), "o@example.com", "O", Role.OWNER, "en")
    # When the step is retried / Then it reports the existing user and sends no second password
    with pytest.raises(AlreadyInvited):
        invitations.invite(ctx, tenant(tenant_id), "o@example.com", "O", Role.OWNER, "en")
    assert len(invitations.mailer.sent) == 1


def test_a_retry_before_the_email_went_out_resets_the_password_and_sends_it(invitations):
    # Given a first attempt that created the directory user but stopped before the e-mail
    tenant_id = str(ULID())
    ctx = system_context(tenant_id, "onboarding")
    invitations.directory.create_user("o@example.com", "O", "en", tenant_id, "Lost-Password-1")
    # When the step is retried
    invitations.invite(ctx, tenant(tenant_id), "o@example.com", "O", Role.OWNER, "en")
    # Then the e-mailed password is the directory's current one, not the lost one
    [(_, content)] = invitations.mailer.sent
    current = invitations.directory.users["o@example.com"].temporary_password
    assert current != "Lost-Password-1" and password_of(content.text) == current


def test_an_email_of_another_tenant_is_refused_without_mail(invitations):
    # Given a user of tenant A
    tenant_a, tenant_b = str(ULID()), str(ULID())
    invitations.invite(system_context(tenant_a, "x"), tenant(tenant_a), "a@example.com", "A", Role.OWNER, "en")
    # When tenant B invites the same address
    with pytest.raises(EmailUnavailable) as refused:
        invitations.invite(system_context(tenant_b, "x"), tenant(tenant_b), "A@Example.com", "A", Role.STAFF, "en")
    # Then it gets the same answer as for one of its own users, and no mail goes out
    assert refused.value.detail == AlreadyInvited(None).detail  # type: ignore[arg-type]
    assert len(invitations.mailer.sent) == 1
    assert invitations.directory.users["a@example.com"].user.tenant_id == tenant_a
