"""/v1/exports: a filtered list as a CSV download. Thin route."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import exports
from servicejob.domain.column_maps import ImportEntity

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()


@router.get(
    "",
    summary="Export a list (with the list's filters) as CSV: answers a short-lived download URL",
    tags=["exports"],
    responses=responses(200, "The CSV, UTF-8 with BOM, written under the tenant's prefix"),
)
def export_list(
    entity: Annotated[ImportEntity, Query(description="accounts, contacts, leads or opportunities")],
    q: Annotated[str | None, Query(max_length=100, description="Name prefix, as the list's q")] = None,
    account_id: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="Only this account's contacts or opportunities")
    ] = None,
) -> exports.ExportFile:
    deps = dependencies()
    sources = exports.ExportSources(deps.accounts, deps.contacts, deps.leads, deps.opportunities)
    where = exports.ExportFilter(q=q or None, account_id=account_id)
    return exports.export_list(tenant_context(router), sources, deps.files, entity, where)
