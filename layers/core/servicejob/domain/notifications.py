"""In-app notifications: one inbox per user, newest first, with an unread filter; each also e-mailed.

`notify(...)` is what every other context calls (a lead assigned, a mention, a followed record changed).
A user only ever reaches their own inbox: the inbox key is built from the caller's own user id, so
another user's notification id answers 404 like any id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import BaseModel, Field, StringConstraints
from ulid import ULID

from servicejob.clock import now_iso
from servicejob.config import get_settings
from servicejob.dal.pagination import Page
from servicejob.domain.users import UserLookup
from servicejob.errors import Forbidden, NotFound
from servicejob.notify.mailer import Mailer
from servicejob.notify.notifications import notification_email
from servicejob.observability import logger
from servicejob.tenancy.context import PrincipalKind, TenantContext

NotificationKind = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)+$", max_length=60)]
EntityRef = Annotated[str, StringConstraints(pattern=r"^[a-z_-]+/[A-Za-z0-9_-]{1,64}$")]

# Console paths of the entity types notifications point at (the plural resource of the API).
RESOURCE_PATHS = {
    "account": "accounts",
    "contact": "contacts",
    "lead": "leads",
    "opportunity": "opportunities",
    "activity": "activities",
}

# One read-all request marks at most this many; the answer says whether more remain (call again).
READ_ALL_BATCH = 500


class Notification(BaseModel):
    id: str
    recipient_user_id: str
    kind: NotificationKind = Field(description="What happened, e.g. lead.assigned, comment.mentioned")
    entity: EntityRef = Field(description="What it is about: `<type>/<id>`, e.g. lead/01J...")
    params: dict[str, str] = Field(description="Values the title is rendered with (record name, who, stage...)")
    actor: str = Field(description="Who caused it: user:{id}, apikey:{id} or system:{name}")
    created_at: str
    read_at: str | None = None


@dataclass(frozen=True)
class ReadAllResult:
    marked_read: int
    more: bool


class NotificationRepository(Protocol):
    def add(self, ctx: TenantContext, notifications: list[Notification]) -> None: ...
    def list(
        self, ctx: TenantContext, user_id: str, unread_only: bool, limit: int, cursor: str | None
    ) -> Page[Notification]: ...
    def mark_read(self, ctx: TenantContext, user_id: str, notification_id: str) -> Notification: ...
    def unread_ids(self, ctx: TenantContext, user_id: str, up_to_id: str, limit: int) -> list[str]: ...


def notify(
    ctx: TenantContext,
    notifications_repo: NotificationRepository,
    mailer: Mailer,
    users_repo: UserLookup,
    recipient_ids: Iterable[str],
    kind: str,
    entity: str,
    params: Mapping[str, str],
    *,
    email: bool = True,
    console_url: str | None = None,
) -> list[Notification]:
    """Stores one notification per recipient and e-mails each in their own language.

    The caller's own user is never notified of what they did; unknown and disabled users are skipped.
    `email=False` is for digest delivery, which sends its own summary later.
    """
    recipients = []
    for user_id in dict.fromkeys(recipient_ids):
        if ctx.kind is PrincipalKind.USER and user_id == ctx.principal_id:
            continue
        user = users_repo.find(ctx, user_id)
        if user is not None and user.status != "disabled":
            recipients.append(user)
    if not recipients:
        return []
    created = now_iso()
    stored = [
        Notification(
            id=str(ULID()),
            recipient_user_id=user.id,
            kind=kind,
            entity=entity,
            params=dict(params),
            actor=ctx.actor,
            created_at=created,
        )
        for user in recipients
    ]
    notifications_repo.add(ctx, stored)
    if email:
        link = entity_link(console_url if console_url is not None else get_settings().console_url, entity)
        for user in recipients:
            content = notification_email(
                locale=user.locale, kind=kind, recipient_name=user.name, params=params, link=link
            )
            try:
                mailer.send(user.email, content)
            except Exception:  # noqa: BLE001 - the in-app notification stands; a lost e-mail must not undo the write
                logger.exception("notification e-mail not sent", kind=kind, recipient=user.id)
    return stored


def entity_link(console_url: str, entity: str) -> str:
    entity_type, _, entity_id = entity.partition("/")
    return f"{console_url.rstrip('/')}/{RESOURCE_PATHS.get(entity_type, entity_type)}/{entity_id}"


def _own_user_id(ctx: TenantContext) -> str:
    if ctx.kind is not PrincipalKind.USER:
        raise Forbidden("Notifications belong to users; an API key has none.")
    return ctx.principal_id


def list_notifications(
    ctx: TenantContext, repository: NotificationRepository, unread_only: bool, limit: int, cursor: str | None
) -> Page[Notification]:
    return repository.list(ctx, _own_user_id(ctx), unread_only, limit, cursor)


def mark_read(ctx: TenantContext, repository: NotificationRepository, notification_id: str) -> Notification:
    """Idempotent: reading a read notification keeps its first read_at."""
    return repository.mark_read(ctx, _own_user_id(ctx), notification_id)


def mark_all_read(ctx: TenantContext, repository: NotificationRepository) -> ReadAllResult:
    """Marks what was unread when the request came (newer arrivals stay unread), at most READ_ALL_BATCH.

    Each notification is marked on its own, so an interrupted call loses nothing: a retry continues
    with what is still unread.
    """
    user_id = _own_user_id(ctx)
    up_to = str(ULID())
    unread = repository.unread_ids(ctx, user_id, up_to, READ_ALL_BATCH + 1)
    for notification_id in unread[:READ_ALL_BATCH]:
        with suppress(NotFound):  # expired (TTL) since it was listed
            repository.mark_read(ctx, user_id, notification_id)
    return ReadAllResult(marked_read=min(len(unread), READ_ALL_BATCH), more=len(unread) > READ_ALL_BATCH)
