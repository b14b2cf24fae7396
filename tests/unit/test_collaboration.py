"""Comments: who is notified of what, and the read permission they need."""

from dataclasses import dataclass, field

import pytest
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.dal.pagination import Page
from servicejob.domain.collaboration import CommentInput, RecordType, add_comment
from servicejob.errors import Forbidden, NotFound, ValidationFailed
from servicejob.notify.mailer import FakeMailer
from tests.unit.conftest import api_key_context, user_context
from tests.unit.test_notifications import InMemoryNotifications, Users


@dataclass
class Leads:
    names: dict[str, str] = field(default_factory=dict)

    def get(self, ctx, record_id):
        if record_id not in self.names:
            raise NotFound("no lead")
        return type("Lead", (), {"company_name": self.names[record_id]})()


@dataclass
class Comments:
    stored: list = field(default_factory=list)

    def add(self, ctx, record, comment):
        self.stored.append(comment)

    def list(self, ctx, record, limit, cursor):
        return Page(self.stored, None)


@dataclass
class Followers:
    by_record: dict[str, list[str]] = field(default_factory=dict)

    def follow(self, ctx, record, user_id):
        self.by_record.setdefault(record.entity, []).append(user_id)

    def unfollow(self, ctx, record, user_id):
        self.by_record.get(record.entity, []).remove(user_id)

    def is_following(self, ctx, record, user_id):
        return user_id in self.by_record.get(record.entity, [])

    def followers(self, ctx, record):
        return self.by_record.get(record.entity, [])


def setup():
    lead_id = str(ULID())
    leads, users = Leads({lead_id: "九龍貿易"}), Users()
    return lead_id, {RecordType.LEAD: leads}, users, Comments(), Followers(), InMemoryNotifications(), FakeMailer()


def test_mentioned_and_followers_are_told_once_each_and_the_author_never():
    lead_id, lookups, users, comments, followers, inbox, mailer = setup()
    author, mentioned, follower = users.add(), users.add(), users.add()
    ctx = user_context(Role.SALES)
    ctx = type(ctx)(tenant_id=ctx.tenant_id, principal_id=author.id, kind=ctx.kind, role=ctx.role)
    followers.by_record[f"lead/{lead_id}"] = [author.id, mentioned.id, follower.id]
    add_comment(
        ctx,
        lookups,
        comments,
        followers,
        inbox,
        mailer,
        users,
        RecordType.LEAD,
        lead_id,
        CommentInput(body="請跟進", mentions=[mentioned.id, mentioned.id]),
    )
    kinds = sorted((n.recipient_user_id, n.kind) for n in inbox.stored)
    assert kinds == sorted([(mentioned.id, "comment.mentioned"), (follower.id, "comment.added")])
    assert comments.stored[0].mentions == [mentioned.id]
    assert inbox.stored[0].params["by"] == author.name and inbox.stored[0].params["record"] == "九龍貿易"


def test_an_unknown_mention_is_refused_before_anything_is_stored():
    lead_id, lookups, users, comments, followers, inbox, mailer = setup()
    with pytest.raises(ValidationFailed) as refused:
        add_comment(
            user_context(Role.SALES),
            lookups,
            comments,
            followers,
            inbox,
            mailer,
            users,
            RecordType.LEAD,
            lead_id,
            CommentInput(body="hi", mentions=[str(ULID())]),
        )
    assert [e.field for e in refused.value.errors] == ["mentions[0]"]
    assert comments.stored == [] and inbox.stored == []


def test_a_comment_needs_read_permission_on_the_record_type():
    lead_id, lookups, users, comments, followers, inbox, mailer = setup()
    key = api_key_context({Permission.ACCOUNTS_READ})
    with pytest.raises(Forbidden):
        add_comment(
            key, lookups, comments, followers, inbox, mailer, users, RecordType.LEAD, lead_id, CommentInput(body="x")
        )
    assert comments.stored == []
