"""/v1/users: invite, list, read and change the firm's users (roles, enabled or disabled)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import users

from ..openapi_docs import responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()

# Cognito `sub` (a UUID): user ids are the directory's, not ULIDs.
UserId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$", description="User id (Cognito sub)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]


class UserPage(BaseModel):
    items: list[users.User]
    next_cursor: str | None


def _user_response(user: users.User, status: int = 200) -> Response[users.User]:
    headers = {"ETag": etag(user.version)}
    if status == 201:
        headers["Location"] = f"/v1/users/{user.id}"
    return Response(status_code=status, body=user, content_type="application/json", headers=headers)


@router.post(
    "",
    summary="Invite a user (e-mails a temporary password)",
    tags=["users"],
    responses=responses(201, "Invited"),
)
def invite_user(
    invite: users.UserInvite,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried invite safe")
    ] = None,
) -> Response[users.User]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        tenant = deps.tenants.get(ctx.tenant_id)
        return users.invite_user(ctx, deps.invitations, tenant, invite).model_dump(mode="json")

    if idempotency_key:
        created = deps.idempotency.run(ctx, "users.invite", idempotency_key, invite.model_dump(mode="json"), create)
    else:
        created = create()
    return _user_response(users.User.model_validate(created), status=201)


@router.get("", summary="List users, newest first", tags=["users"], responses=responses(200, "A page of users"))
def list_users(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> UserPage:
    page = users.list_users(tenant_context(router), dependencies().users, limit, cursor)
    return UserPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<user_id>", summary="Get a user", tags=["users"], responses=responses(200, "The user"))
def get_user(user_id: UserId) -> Response[users.User]:
    return _user_response(users.get_user(tenant_context(router), dependencies().users, user_id))


@router.patch(
    "/<user_id>",
    summary="Change a user's role, name or status (If-Match required)",
    tags=["users"],
    responses=responses(200, "The changed user"),
)
def update_user(user_id: UserId, patch: users.UserPatch, if_match: IfMatch = None) -> Response[users.User]:
    ctx = tenant_context(router)
    deps = dependencies()
    updated = users.update_user(ctx, deps.users, deps.user_directory, user_id, patch, expected_version(if_match))
    return _user_response(updated)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/users", router),)
