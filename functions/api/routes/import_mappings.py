"""/v1/import-mappings: a tenant's own CSV column mappings. Thin routes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import column_maps

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()

MappingId = Annotated[str, Path(pattern=ID_PATTERN, description="Import mapping id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]


class ImportMappingPage(BaseModel):
    items: list[column_maps.ImportMapping]
    next_cursor: str | None


def _mapping_response(mapping: column_maps.ImportMapping, status: int = 200) -> Response[column_maps.ImportMapping]:
    headers = {"ETag": etag(mapping.version)}
    if status == 201:
        headers["Location"] = f"/v1/import-mappings/{mapping.id}"
    return Response(status_code=status, body=mapping, content_type="application/json", headers=headers)


@router.post(
    "",
    summary="Save a column mapping (CSV header → import field) for later imports",
    tags=["imports"],
    responses=responses(201, "Created"),
)
def create_mapping(
    mapping: column_maps.ImportMappingInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[column_maps.ImportMapping]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        return column_maps.create_mapping(ctx, deps.import_mappings, mapping).model_dump(mode="json")

    if idempotency_key:
        created = deps.idempotency.run(
            ctx, "import-mappings.create", idempotency_key, mapping.model_dump(mode="json"), create
        )
    else:
        created = create()
    return _mapping_response(column_maps.ImportMapping.model_validate(created), status=201)


@router.get("", summary="List saved column mappings", tags=["imports"], responses=responses(200, "A page"))
def list_mappings(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ImportMappingPage:
    page = column_maps.list_mappings(tenant_context(router), dependencies().import_mappings, limit, cursor)
    return ImportMappingPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<mapping_id>", summary="Get a column mapping", tags=["imports"], responses=responses(200, "It"))
def get_mapping(mapping_id: MappingId) -> Response[column_maps.ImportMapping]:
    return _mapping_response(
        column_maps.get_mapping(tenant_context(router), dependencies().import_mappings, mapping_id)
    )


@router.patch(
    "/<mapping_id>",
    summary="Rename a mapping or replace its columns (If-Match required)",
    tags=["imports"],
    responses=responses(200, "The changed mapping"),
)
def update_mapping(
    mapping_id: MappingId, patch: column_maps.ImportMappingPatch, if_match: IfMatch = None
) -> Response[column_maps.ImportMapping]:
    updated = column_maps.update_mapping(
        tenant_context(router), dependencies().import_mappings, mapping_id, patch, expected_version(if_match)
    )
    return _mapping_response(updated)


@router.delete(
    "/<mapping_id>",
    summary="Delete a mapping (If-Match required)",
    tags=["imports"],
    responses=responses(204, "Deleted"),
)
def delete_mapping(mapping_id: MappingId, if_match: IfMatch = None) -> Response[None]:
    column_maps.delete_mapping(
        tenant_context(router), dependencies().import_mappings, mapping_id, expected_version(if_match)
    )
    return Response(status_code=204)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/import-mappings", router),)
