"""Working together on accounts, contacts, leads and opportunities: comments with @mentions, and followers.

Whoever may read a record may comment on it and follow it. A mention notifies the mentioned user; a new
comment notifies the record's followers (the author and the mentioned excepted: they know, or got the
mention). Mentions are a structured list of user ids sent with the body (the console renders the names),
so nothing depends on parsing free text. Comments are not edited nor deleted, so they carry no version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.clock import now_iso
from servicejob.dal.pagination import Page
from servicejob.domain.notifications import NotificationRepository, notify
from servicejob.domain.users import UserLookup
from servicejob.errors import ErrorList, Forbidden
from servicejob.notify.mailer import Mailer
from servicejob.tenancy.context import PrincipalKind, TenantContext

UserId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{1,64}$")]
MAX_BODY = 5000
EXCERPT = 200


class RecordType(StrEnum):
    ACCOUNT = "account"
    CONTACT = "contact"
    LEAD = "lead"
    OPPORTUNITY = "opportunity"


READ_PERMISSION = {
    RecordType.ACCOUNT: Permission.ACCOUNTS_READ,
    RecordType.CONTACT: Permission.CONTACTS_READ,
    RecordType.LEAD: Permission.LEADS_READ,
    RecordType.OPPORTUNITY: Permission.OPPORTUNITIES_READ,
}
# The attribute naming each type's record for people (notification titles).
NAME_FIELD = {
    RecordType.ACCOUNT: "name",
    RecordType.CONTACT: "display_name",
    RecordType.LEAD: "company_name",
    RecordType.OPPORTUNITY: "name",
}


class RecordLookup(Protocol):
    def get(self, ctx: TenantContext, record_id: str) -> Any: ...


@dataclass(frozen=True)
class Record:
    type: RecordType
    id: str
    name: str

    @property
    def entity(self) -> str:
        return f"{self.type.value}/{self.id}"


class CommentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_BODY, description="Plain text, up to 5,000 characters")
    mentions: list[UserId] = Field(
        default_factory=list, max_length=20, description="Ids of the users mentioned; each is notified"
    )


class Comment(BaseModel):
    id: str
    entity: str = Field(description="The record: `<type>/<id>`")
    author: str = Field(description="user:{id} or apikey:{id}")
    body: str
    mentions: list[str]
    created_at: str


class CommentRepository(Protocol):
    def add(self, ctx: TenantContext, record: Record, comment: Comment) -> None: ...
    def list(self, ctx: TenantContext, record: Record, limit: int, cursor: str | None) -> Page[Comment]: ...


class FollowerRepository(Protocol):
    def follow(self, ctx: TenantContext, record: Record, user_id: str) -> None: ...
    def unfollow(self, ctx: TenantContext, record: Record, user_id: str) -> None: ...
    def is_following(self, ctx: TenantContext, record: Record, user_id: str) -> bool: ...
    def followers(self, ctx: TenantContext, record: Record) -> list[str]: ...


def record_of(
    ctx: TenantContext, lookups: Mapping[RecordType, RecordLookup], record_type: RecordType, record_id: str
) -> Record:
    """The record, if the caller may read it: 403 without the permission, 404 when not in the tenant."""
    ctx.require(READ_PERMISSION[record_type])
    found = lookups[record_type].get(ctx, record_id)
    return Record(record_type, record_id, str(getattr(found, NAME_FIELD[record_type], "") or record_id))


def _author_name(ctx: TenantContext, users: UserLookup) -> str:
    if ctx.kind is PrincipalKind.USER and (user := users.find(ctx, ctx.principal_id)) is not None:
        return user.name
    return ctx.actor


def add_comment(
    ctx: TenantContext,
    lookups: Mapping[RecordType, RecordLookup],
    comments: CommentRepository,
    followers: FollowerRepository,
    notifications: NotificationRepository,
    mailer: Mailer,
    users: UserLookup,
    record_type: RecordType,
    record_id: str,
    data: CommentInput,
) -> Comment:
    record = record_of(ctx, lookups, record_type, record_id)
    mentioned = list(dict.fromkeys(data.mentions))
    errors = ErrorList()
    for position, user_id in enumerate(data.mentions):
        user = users.find(ctx, user_id)
        if user is None or user.status == "disabled":
            errors.add(f"mentions[{position}]", f"No active user with id {user_id}.", "unknown_user")
    errors.raise_if_any("Some mentioned users are not users of this firm.")
    comment = Comment(
        id=str(ULID()),
        entity=record.entity,
        author=ctx.actor,
        body=data.body,
        mentions=mentioned,
        created_at=now_iso(),
    )
    comments.add(ctx, record, comment)
    params = {"record": record.name, "by": _author_name(ctx, users), "excerpt": data.body[:EXCERPT]}
    notify(ctx, notifications, mailer, users, mentioned, "comment.mentioned", record.entity, params)
    watching = [user_id for user_id in followers.followers(ctx, record) if user_id not in mentioned]
    notify(ctx, notifications, mailer, users, watching, "comment.added", record.entity, params)
    return comment


def list_comments(
    ctx: TenantContext,
    lookups: Mapping[RecordType, RecordLookup],
    comments: CommentRepository,
    record_type: RecordType,
    record_id: str,
    limit: int,
    cursor: str | None,
) -> Page[Comment]:
    """Oldest first, as a conversation reads."""
    return comments.list(ctx, record_of(ctx, lookups, record_type, record_id), limit, cursor)


def _own_user_id(ctx: TenantContext) -> str:
    if ctx.kind is not PrincipalKind.USER:
        raise Forbidden("Only users follow records.")
    return ctx.principal_id


def follow(
    ctx: TenantContext,
    lookups: Mapping[RecordType, RecordLookup],
    followers: FollowerRepository,
    record_type: RecordType,
    record_id: str,
) -> None:
    """Idempotent: following twice is following."""
    user_id = _own_user_id(ctx)
    followers.follow(ctx, record_of(ctx, lookups, record_type, record_id), user_id)


def unfollow(
    ctx: TenantContext,
    lookups: Mapping[RecordType, RecordLookup],
    followers: FollowerRepository,
    record_type: RecordType,
    record_id: str,
) -> None:
    """Idempotent: unfollowing a record one does not follow succeeds."""
    user_id = _own_user_id(ctx)
    followers.unfollow(ctx, record_of(ctx, lookups, record_type, record_id), user_id)


def is_following(
    ctx: TenantContext,
    lookups: Mapping[RecordType, RecordLookup],
    followers: FollowerRepository,
    record_type: RecordType,
    record_id: str,
) -> bool:
    """Whether the calling user follows the record (so the console can show Follow or Following)."""
    user_id = _own_user_id(ctx)
    return followers.is_following(ctx, record_of(ctx, lookups, record_type, record_id), user_id)


# Whose record it is, per type: the field "assign" changes.
OWNER_FIELD = {
    RecordType.ACCOUNT: "responsible_user_id",
    RecordType.CONTACT: "responsible_user_id",
    RecordType.LEAD: "owner_user_id",
    RecordType.OPPORTUNITY: "owner_user_id",
}


def notify_of_change(
    ctx: TenantContext,
    followers: FollowerRepository,
    notifications: NotificationRepository,
    mailer: Mailer,
    users: UserLookup,
    record_type: RecordType,
    record_id: str,
    after: Mapping[str, Any],
    changes: Mapping[str, tuple[Any, Any]],
) -> None:
    """Told from the table stream, for an updated record: a new owner is notified that it is theirs (leads
    are, on the request path, as lead.assigned) and followers that the owner or the stage changed.
    `ctx` is the writer's, so they are not told of their own change; `changes` maps field -> (before, after).
    """
    owner_field, stage_change = OWNER_FIELD[record_type], changes.get("stage")
    owner_change = changes.get(owner_field)
    if owner_change is None and stage_change is None:
        return
    record = Record(record_type, record_id, str(after.get(NAME_FIELD[record_type]) or record_id))
    params = {"record": record.name, "by": _author_name(ctx, users)}
    watching = followers.followers(ctx, record)
    if owner_change is not None and (new_owner := owner_change[1]):
        if record_type is not RecordType.LEAD:
            notify(ctx, notifications, mailer, users, [new_owner], "record.assigned", record.entity, params)
        owner = users.find(ctx, new_owner)
        owner_params = params | {"owner": owner.name if owner else new_owner}
        others = [user_id for user_id in watching if user_id != new_owner]
        notify(ctx, notifications, mailer, users, others, "record.owner_changed", record.entity, owner_params)
    if stage_change is not None and stage_change[1]:
        stage_params = params | {"stage": str(stage_change[1])}
        notify(ctx, notifications, mailer, users, watching, "record.stage_changed", record.entity, stage_params)
