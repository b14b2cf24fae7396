"""/v1/notifications: the caller's own inbox — list (unread filter), mark one read, mark all read."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, Field

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import notifications

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()

NotificationId = Annotated[str, Path(pattern=ID_PATTERN, description="Notification id (ULID)")]


class NotificationPage(BaseModel):
    items: list[notifications.Notification]
    next_cursor: str | None


class ReadAll(BaseModel):
    marked_read: int = Field(description="How many notifications this call marked read")
    more: bool = Field(description="Unread notifications remain from before the call: call again")


@router.get(
    "",
    summary="Your notifications, newest first; unread=true for the unread ones only",
    tags=["notifications"],
    responses=responses(200, "A page of your notifications"),
)
def list_notifications(
    unread: Annotated[bool, Query(description="Only notifications not yet read")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> NotificationPage:
    page = notifications.list_notifications(tenant_context(router), dependencies().notifications, unread, limit, cursor)
    return NotificationPage(items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/read-all",
    summary="Mark your unread notifications read (in batches: call again while `more` is true)",
    tags=["notifications"],
    responses=responses(200, "How many were marked"),
)
def read_all() -> ReadAll:
    result = notifications.mark_all_read(tenant_context(router), dependencies().notifications)
    return ReadAll(marked_read=result.marked_read, more=result.more)


@router.post(
    "/<notification_id>/read",
    summary="Mark one of your notifications read (idempotent)",
    tags=["notifications"],
    responses=responses(200, "The notification, read"),
)
def read_one(notification_id: NotificationId) -> notifications.Notification:
    return notifications.mark_read(tenant_context(router), dependencies().notifications, notification_id)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/notifications", router),)
