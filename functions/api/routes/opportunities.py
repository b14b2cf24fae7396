"""/v1/opportunities and /v1/accounts/{account_id}/opportunities: thin routes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import opportunities

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()
# Mounted under /v1/accounts: an account's opportunities.
account_router = APIGatewayRouter()

OpportunityId = Annotated[str, Path(pattern=ID_PATTERN, description="Opportunity id (ULID)")]
AccountId = Annotated[str, Path(pattern=ID_PATTERN, description="Account id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=2000)]


class OpportunityPage(BaseModel):
    items: list[opportunities.Opportunity]
    next_cursor: str | None


def _opportunity_response(
    opportunity: opportunities.Opportunity, status: int = 200
) -> Response[opportunities.Opportunity]:
    headers = {"ETag": etag(opportunity.version)}
    if status == 201:
        headers["Location"] = f"/v1/opportunities/{opportunity.id}"
    return Response(status_code=status, body=opportunity, content_type="application/json", headers=headers)


@router.post("", summary="Create an opportunity", tags=["opportunities"], responses=responses(201, "Created"))
def create_opportunity(
    opportunity: opportunities.OpportunityInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[opportunities.Opportunity]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        created = opportunities.create_opportunity(
            ctx, deps.opportunities, deps.accounts, deps.sales_stages, opportunity
        )
        return created.model_dump(mode="json")

    if idempotency_key:
        body = opportunity.model_dump(mode="json")
        created = deps.idempotency.run(ctx, "opportunities.create", idempotency_key, body, create)
    else:
        created = create()
    return _opportunity_response(opportunities.Opportunity.model_validate(created), status=201)


@router.get("", summary="List opportunities, newest first", tags=["opportunities"], responses=responses(200, "A page"))
def list_opportunities(limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> OpportunityPage:
    page = opportunities.list_opportunities(tenant_context(router), dependencies().opportunities, limit, cursor)
    return OpportunityPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<opportunity_id>", summary="Get an opportunity", tags=["opportunities"], responses=responses(200, "It"))
def get_opportunity(opportunity_id: OpportunityId) -> Response[opportunities.Opportunity]:
    ctx = tenant_context(router)
    return _opportunity_response(opportunities.get_opportunity(ctx, dependencies().opportunities, opportunity_id))


@router.patch(
    "/<opportunity_id>",
    summary="Change an opportunity, not its stage (If-Match required)",
    tags=["opportunities"],
    responses=responses(200, "The changed opportunity"),
)
def update_opportunity(
    opportunity_id: OpportunityId, patch: opportunities.OpportunityPatch, if_match: IfMatch = None
) -> Response[opportunities.Opportunity]:
    ctx = tenant_context(router)
    version = expected_version(if_match)
    updated = opportunities.update_opportunity(ctx, dependencies().opportunities, opportunity_id, patch, version)
    return _opportunity_response(updated)


@router.delete(
    "/<opportunity_id>",
    summary="Delete an opportunity (If-Match required)",
    tags=["opportunities"],
    responses=responses(204, "Deleted"),
)
def delete_opportunity(opportunity_id: OpportunityId, if_match: IfMatch = None) -> Response[None]:
    ctx = tenant_context(router)
    opportunities.delete_opportunity(ctx, dependencies().opportunities, opportunity_id, expected_version(if_match))
    return Response(status_code=204)


@router.post(
    "/<opportunity_id>/stage",
    summary="Move an opportunity to another stage; won or lost closes it (If-Match required)",
    tags=["opportunities"],
    responses=responses(200, "The moved opportunity"),
)
def move_stage(
    opportunity_id: OpportunityId, move: opportunities.StageMove, if_match: IfMatch = None
) -> Response[opportunities.Opportunity]:
    ctx = tenant_context(router)
    deps = dependencies()
    version = expected_version(if_match)
    moved = opportunities.move_stage(ctx, deps.opportunities, deps.sales_stages, opportunity_id, move, version)
    return _opportunity_response(moved)


@account_router.get(
    "/<account_id>/opportunities",
    summary="An account's opportunities, oldest first",
    tags=["opportunities"],
    responses=responses(200, "A page"),
)
def list_account_opportunities(
    account_id: AccountId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> OpportunityPage:
    deps = dependencies()
    ctx = tenant_context(account_router)
    page = opportunities.list_account_opportunities(ctx, deps.opportunities, deps.accounts, account_id, limit, cursor)
    return OpportunityPage(items=page.items, next_cursor=page.next_cursor)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/opportunities", router), ("/v1/accounts", account_router))
