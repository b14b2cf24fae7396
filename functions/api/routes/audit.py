"""/v1/audit: an entity's audit trail, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import audit

from ..openapi_docs import responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()


class AuditPage(BaseModel):
    items: list[audit.AuditEntry]
    next_cursor: str | None


@router.get(
    "",
    summary="An entity's audit trail: who changed what, when, newest first",
    tags=["audit"],
    responses=responses(200, "A page of the entity's audit trail"),
)
def entity_history(
    entity: Annotated[str, Query(max_length=100, description="`{resource}/{id}`, e.g. `accounts/01J…`")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> AuditPage:
    page = audit.entity_history(tenant_context(router), dependencies().audit, entity, limit, cursor)
    return AuditPage(items=page.items, next_cursor=page.next_cursor)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/audit", router),)
