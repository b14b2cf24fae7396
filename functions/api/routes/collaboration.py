"""/v1/{accounts,contacts,leads,opportunities}/{id}/comments and .../followers/me: the same routes on each type."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import collaboration
from servicejob.domain.collaboration import RecordType

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

RecordId = Annotated[str, Path(pattern=ID_PATTERN, description="The record's id (ULID)")]


class CommentPage(BaseModel):
    items: list[collaboration.Comment]
    next_cursor: str | None


class FollowState(BaseModel):
    following: bool


# The repository (a `Dependencies` attribute) each record type is read from.
_REPOSITORIES = {
    RecordType.ACCOUNT: "accounts",
    RecordType.CONTACT: "contacts",
    RecordType.LEAD: "leads",
    RecordType.OPPORTUNITY: "opportunities",
}


def _lookups(record_type: RecordType) -> dict[RecordType, collaboration.RecordLookup]:
    # Only the request's own type: the API function serving leads builds no account repository for it.
    return {record_type: getattr(dependencies(), _REPOSITORIES[record_type])}


def router_for(record_type: RecordType, tag: str) -> APIGatewayRouter:
    router = APIGatewayRouter()
    name = record_type.value

    @router.post(
        "/<record_id>/comments",
        summary=f"Comment on a {name} (needs read access to it); mentioned users and followers are notified",
        tags=[tag],
        responses=responses(201, "The comment"),
    )
    def add_comment(
        record_id: RecordId,
        comment: collaboration.CommentInput,
        idempotency_key: Annotated[
            str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried post safe")
        ] = None,
    ) -> Response[collaboration.Comment]:
        ctx, deps = tenant_context(router), dependencies()

        def add() -> dict:
            created = collaboration.add_comment(
                ctx,
                _lookups(record_type),
                deps.comments,
                deps.followers,
                deps.notifications,
                deps.mailer,
                deps.users,
                record_type,
                record_id,
                comment,
            )
            return created.model_dump(mode="json")

        if idempotency_key:
            # The record is part of the body, so one key reused on another record is refused, not replayed.
            request = {"record": f"{name}/{record_id}"} | comment.model_dump(mode="json")
            created = deps.idempotency.run(ctx, "comments.add", idempotency_key, request, add)
        else:
            created = add()
        return Response(
            status_code=201, body=collaboration.Comment.model_validate(created), content_type="application/json"
        )

    @router.get(
        "/<record_id>/comments",
        summary=f"The comments on a {name}, oldest first",
        tags=[tag],
        responses=responses(200, "A page of comments"),
    )
    def list_comments(
        record_id: RecordId,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: Annotated[str | None, Query(max_length=2000)] = None,
    ) -> CommentPage:
        page = collaboration.list_comments(
            tenant_context(router),
            _lookups(record_type),
            dependencies().comments,
            record_type,
            record_id,
            limit,
            cursor,
        )
        return CommentPage(items=page.items, next_cursor=page.next_cursor)

    @router.get(
        "/<record_id>/followers/me",
        summary=f"Whether the calling user follows a {name}",
        tags=[tag],
        responses=responses(200, "Following or not"),
    )
    def following(record_id: RecordId) -> FollowState:
        return FollowState(
            following=collaboration.is_following(
                tenant_context(router), _lookups(record_type), dependencies().followers, record_type, record_id
            )
        )

    @router.put(
        "/<record_id>/followers/me",
        summary=f"Follow a {name}: be notified of its comments and changes",
        tags=[tag],
        responses=responses(204, "Following"),
    )
    def follow(record_id: RecordId) -> Response[None]:
        collaboration.follow(
            tenant_context(router), _lookups(record_type), dependencies().followers, record_type, record_id
        )
        return Response(status_code=204)

    @router.delete(
        "/<record_id>/followers/me",
        summary=f"Stop following a {name}",
        tags=[tag],
        responses=responses(204, "Not following"),
    )
    def unfollow(record_id: RecordId) -> Response[None]:
        collaboration.unfollow(
            tenant_context(router), _lookups(record_type), dependencies().followers, record_type, record_id
        )
        return Response(status_code=204)

    return router


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (
    ("/v1/accounts", router_for(RecordType.ACCOUNT, "accounts")),
    ("/v1/contacts", router_for(RecordType.CONTACT, "contacts")),
    ("/v1/leads", router_for(RecordType.LEAD, "leads")),
    ("/v1/opportunities", router_for(RecordType.OPPORTUNITY, "opportunities")),
)
