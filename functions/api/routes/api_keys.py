"""/v1/api-keys: thin routes — parse, call the domain service, map to HTTP."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import api_keys
from servicejob.errors import Conflict

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()

ApiKeyId = Annotated[str, Path(pattern=ID_PATTERN, description="API key id (ULID)")]


class ApiKeyPage(BaseModel):
    items: list[api_keys.ApiKey]
    next_cursor: str | None


@router.post(
    "",
    summary="Create an API key; the response carries its secret, shown only this once",
    tags=["api-keys"],
    responses=responses(201, "Created; the secret is in this response only"),
)
def create_api_key(
    key: api_keys.ApiKeyInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[api_keys.CreatedApiKey]:
    ctx = tenant_context(router)
    deps = dependencies()
    if not idempotency_key:
        created = api_keys.create_api_key(ctx, deps.api_keys, key)
    else:
        # The idempotency record must not hold the secret, so a replay cannot show it again.
        issued: list[api_keys.CreatedApiKey] = []

        def create() -> dict:
            issued.append(api_keys.create_api_key(ctx, deps.api_keys, key))
            return issued[0].model_dump(mode="json", exclude={"secret"})

        stored = deps.idempotency.run(ctx, "api-keys.create", idempotency_key, key.model_dump(mode="json"), create)
        if not issued:
            raise Conflict(
                f"This Idempotency-Key already created API key {stored['id']}; "
                "its secret was shown only once. Revoke that key if the secret was lost, "
                "and create another with a new Idempotency-Key."
            )
        created = issued[0]
    return Response(
        status_code=201, body=created, content_type="application/json", headers={"Cache-Control": "no-store"}
    )


@router.get(
    "",
    summary="List API keys, newest first, revoked ones included",
    tags=["api-keys"],
    responses=responses(200, "A page of API keys"),
)
def list_api_keys(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ApiKeyPage:
    page = api_keys.list_api_keys(tenant_context(router), dependencies().api_keys, limit, cursor)
    return ApiKeyPage(items=page.items, next_cursor=page.next_cursor)


@router.delete(
    "/<key_id>",
    summary="Revoke an API key (idempotent; the record stays listed with revoked_at)",
    tags=["api-keys"],
    responses=responses(204, "Revoked"),
)
def revoke_api_key(key_id: ApiKeyId) -> Response[None]:
    api_keys.revoke_api_key(tenant_context(router), dependencies().api_keys, key_id)
    return Response(status_code=204)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/api-keys", router),)
