"""/v1/activities and /v1/accounts/{account_id}/activities: thin routes (parse, call the domain, map to HTTP)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import AwareDatetime, BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import activities

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()
# Mounted under /v1/accounts: an account's activities.
account_router = APIGatewayRouter()

ActivityId = Annotated[str, Path(pattern=ID_PATTERN, description="Activity id (ULID)")]
AccountId = Annotated[str, Path(pattern=ID_PATTERN, description="Account id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=2000)]


class ActivityPage(BaseModel):
    items: list[activities.Activity]
    next_cursor: str | None


def _activity_response(activity: activities.Activity, status: int = 200) -> Response[activities.Activity]:
    headers = {"ETag": etag(activity.version)}
    if status == 201:
        headers["Location"] = f"/v1/activities/{activity.id}"
    return Response(status_code=status, body=activity, content_type="application/json", headers=headers)


def _links() -> activities.LinkedRecords:
    deps = dependencies()
    return activities.LinkedRecords(
        accounts=deps.accounts,
        contacts=deps.contacts,
        opportunities=deps.opportunities,
        leads=deps.leads,
        users=deps.users,
    )


@router.post(
    "",
    summary="Plan or log an activity (call, meeting, visit, email, task)",
    tags=["activities"],
    responses=responses(201, "Created"),
)
def create_activity(
    activity: activities.ActivityInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[activities.Activity]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        return activities.create_activity(ctx, deps.activities, _links(), activity).model_dump(mode="json")

    if idempotency_key:
        body = activity.model_dump(mode="json")
        created = deps.idempotency.run(ctx, "activities.create", idempotency_key, body, create)
    else:
        created = create()
    return _activity_response(activities.Activity.model_validate(created), status=201)


@router.get(
    "",
    summary="List activities, newest first; or the planned ones, soonest due first",
    tags=["activities"],
    responses=responses(200, "A page of activities"),
)
def list_activities(
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    status: Annotated[
        activities.ActivityStatus | None,
        Query(description="Only `planned` is supported: planned activities ordered by due_at"),
    ] = None,
    due_from: Annotated[AwareDatetime | None, Query(description="With status=planned: due at or after")] = None,
    due_before: Annotated[AwareDatetime | None, Query(description="With status=planned: due before")] = None,
) -> ActivityPage:
    page = activities.list_activities(
        tenant_context(router), dependencies().activities, limit, cursor, status, due_from, due_before
    )
    return ActivityPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<activity_id>", summary="Get an activity", tags=["activities"], responses=responses(200, "The activity"))
def get_activity(activity_id: ActivityId) -> Response[activities.Activity]:
    return _activity_response(activities.get_activity(tenant_context(router), dependencies().activities, activity_id))


@router.patch(
    "/<activity_id>",
    summary="Change an activity, or complete or cancel it through `status` (If-Match required)",
    tags=["activities"],
    responses=responses(200, "The changed activity"),
)
def update_activity(
    activity_id: ActivityId, patch: activities.ActivityPatch, if_match: IfMatch = None
) -> Response[activities.Activity]:
    ctx = tenant_context(router)
    deps = dependencies()
    updated = activities.update_activity(
        ctx, deps.activities, deps.users, activity_id, patch, expected_version(if_match)
    )
    return _activity_response(updated)


@router.delete(
    "/<activity_id>",
    summary="Delete an activity (If-Match required)",
    tags=["activities"],
    responses=responses(204, "Deleted"),
)
def delete_activity(activity_id: ActivityId, if_match: IfMatch = None) -> Response[None]:
    activities.delete_activity(
        tenant_context(router), dependencies().activities, activity_id, expected_version(if_match)
    )
    return Response(status_code=204)


@account_router.get(
    "/<account_id>/activities",
    summary="An account's activities, oldest first (404 for an account not in this tenant)",
    tags=["activities"],
    responses=responses(200, "A page of activities"),
)
def list_account_activities(account_id: AccountId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> ActivityPage:
    deps = dependencies()
    ctx = tenant_context(account_router)
    page = activities.list_account_activities(ctx, deps.activities, deps.accounts, account_id, limit, cursor)
    return ActivityPage(items=page.items, next_cursor=page.next_cursor)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/activities", router), ("/v1/accounts", account_router))
