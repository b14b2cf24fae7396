"""notify(): one in-app notification per recipient, e-mailed in each recipient's language."""

from dataclasses import dataclass, field

from ulid import ULID

from servicejob.auth.permissions import Role
from servicejob.dal.pagination import Page
from servicejob.domain.notifications import Notification, notify
from servicejob.domain.users import User
from servicejob.notify.mailer import FakeMailer
from servicejob.notify.notifications import KIND_WORDING, notification_email
from tests.unit.conftest import user_context


@dataclass
class InMemoryNotifications:
    stored: list[Notification] = field(default_factory=list)

    def add(self, ctx, notifications):
        self.stored.extend(notifications)

    def list(self, ctx, user_id, unread_only, limit, cursor):
        return Page([n for n in self.stored if n.recipient_user_id == user_id], None)

    def mark_read(self, ctx, user_id, notification_id):
        raise NotImplementedError

    def unread_ids(self, ctx, user_id, up_to_id, limit):
        raise NotImplementedError


@dataclass
class Users:
    by_id: dict[str, User] = field(default_factory=dict)

    def add(self, locale="en", status="active") -> User:
        user_id = str(ULID())
        user = User.model_validate(
            {
                "id": user_id,
                "email": f"u-{user_id}@example.com".lower(),
                "name": "陳大文",
                "role": "sales",
                "status": status,
                "locale": locale,
                "version": 1,
                "created_at": "2026-01-01T00:00:00.000Z",
                "created_by": "system:test",
                "updated_at": "2026-01-01T00:00:00.000Z",
                "updated_by": "system:test",
            }
        )
        self.by_id[user_id] = user
        return user

    def find(self, ctx, user_id):
        return self.by_id.get(user_id)


class BrokenMailer:
    def send(self, to, content):
        raise ConnectionError("SES down")


def test_each_recipient_gets_one_notification_and_a_mail_in_their_language():
    ctx = user_context(Role.SALES)
    users, inbox, mailer = Users(), InMemoryNotifications(), FakeMailer()
    hant, hans = users.add("zh-Hant"), users.add("zh-Hans")
    entity = f"opportunity/{ULID()}"
    # When both are notified (one named twice)
    made = notify(
        ctx,
        inbox,
        mailer,
        users,
        [hant.id, hans.id, hant.id],
        "comment.mentioned",
        entity,
        {"record": "年度審計", "by": "李小明", "excerpt": "請跟進"},
        console_url="https://crm.example",
    )
    # Then one notification each, and one mail each in their own script, linking to the record
    assert [n.recipient_user_id for n in made] == [hant.id, hans.id] and inbox.stored == made
    assert {n.actor for n in made} == {ctx.actor}
    (to_hant, hant_mail), (to_hans, hans_mail) = mailer.sent
    assert (to_hant, to_hans) == (hant.email, hans.email)
    assert hant_mail.subject == "李小明 在「年度審計」提及您" and "請跟進" in hant_mail.text
    assert hans_mail.subject == "李小明 在“年度審計”提到了您"  # the record name is data: kept as written
    assert f"https://crm.example/opportunities/{entity.split('/')[1]}" in hant_mail.text


def test_the_actor_disabled_and_unknown_users_are_not_notified():
    users, inbox, mailer = Users(), InMemoryNotifications(), FakeMailer()
    me, disabled, active = users.add(), users.add(status="disabled"), users.add(status="invited")
    ctx = user_context(Role.SALES, tenant_id=None)
    ctx = type(ctx)(tenant_id=ctx.tenant_id, principal_id=me.id, kind=ctx.kind, role=ctx.role)
    made = notify(
        ctx,
        inbox,
        mailer,
        users,
        [me.id, disabled.id, str(ULID()), active.id],
        "record.assigned",
        f"account/{ULID()}",
        {"record": "甲"},
    )
    assert [n.recipient_user_id for n in made] == [active.id]
    assert [to for to, _ in mailer.sent] == [active.email]


def test_digest_mode_stores_without_mail_and_a_failed_mail_keeps_the_notification():
    users, inbox = Users(), InMemoryNotifications()
    user = users.add()
    ctx = user_context(Role.SALES)
    digest_mailer = FakeMailer()
    notify(ctx, inbox, digest_mailer, users, [user.id], "record.assigned", f"lead/{ULID()}", {}, email=False)
    assert digest_mailer.sent == [] and len(inbox.stored) == 1
    notify(ctx, inbox, BrokenMailer(), users, [user.id], "record.assigned", f"lead/{ULID()}", {})
    assert len(inbox.stored) == 2


def test_every_kind_is_worded_in_three_languages_and_unknown_kinds_fall_back():
    for kind, wordings in KIND_WORDING.items():
        assert set(wordings) == {"en", "zh-Hant", "zh-Hans"}, kind
    mail = notification_email(locale="fr", kind="activity.due", recipient_name="Ann", params={"record": "X"}, link="u")
    assert mail.subject == "Update on X" and mail.text.startswith("Hello Ann,")
