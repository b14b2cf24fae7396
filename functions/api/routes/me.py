"""/v1/me: who is calling (user or API key), their tenant, role, permissions and language."""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import users

from ..openapi_docs import responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()


@router.get(
    "",
    summary="The caller, their tenant and permissions",
    tags=["me"],
    responses=responses(200, "Who you are"),
)
def get_me() -> users.MeView:
    ctx = tenant_context(router)
    deps = dependencies()
    return users.me(ctx, deps.users, deps.tenants.get(ctx.tenant_id))


@router.patch(
    "",
    summary="Change your own name or language",
    tags=["me"],
    responses=responses(200, "Your changed profile"),
)
def update_me(patch: users.MePatch) -> users.User:
    return users.update_me(tenant_context(router), dependencies().users, patch)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/me", router),)
