"""/v1/tenants: public signup and its status (no authorizer; see deployment_spec.PUBLIC_ROUTES).

The status route names a tenant id in the path, but answers only provisioning / active / failed: it
builds no TenantContext and reads nothing else of the tenant.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import tenants

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import correlation_id
from ..wiring import dependencies

router = APIGatewayRouter()

TenantId = Annotated[str, Path(pattern=ID_PATTERN, description="Tenant id (ULID) from the signup response")]


@router.post(
    "",
    summary="Sign up a firm (starts onboarding)",
    tags=["tenants"],
    responses=responses(202, "Accepted; poll status_url"),
)
def sign_up(signup: tenants.SignupRequest) -> Response[tenants.SignupAccepted]:
    deps = dependencies()
    accepted = tenants.sign_up(
        signup,
        router.current_event.request_context.identity.source_ip or "",
        deps.tenants,
        deps.signup_limiter,
        deps.onboarding,
        deps.settings.signup_limit_per_hour,
        correlation_id(router),
    )
    return Response(
        status_code=202,
        body=accepted,
        content_type="application/json",
        headers={"Location": accepted.status_url},
    )


@router.get(
    "/<tenant_id>/status",
    summary="Signup progress",
    tags=["tenants"],
    responses=responses(200, "The tenant's status"),
)
def get_status(tenant_id: TenantId) -> tenants.TenantStatusView:
    return tenants.tenant_status(dependencies().tenants, tenant_id)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/tenants", router),)
