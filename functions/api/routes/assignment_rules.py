"""/v1/sales-settings/assignment-rules: the tenant's lead assignment rules, read and replaced whole."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import assignment_rules

from ..openapi_docs import responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import expected_version, versioned_response

router = APIGatewayRouter()

IfMatch = Annotated[
    str | None, Header(alias="If-Match", description='The ETag from the last read; "0" before the first save')
]


@router.get(
    "",
    summary="Get the lead assignment rules",
    tags=["sales-settings"],
    responses=responses(200, "The rules, in order"),
)
def get_assignment_rules() -> Response[assignment_rules.AssignmentRules]:
    return versioned_response(
        assignment_rules.get_assignment_rules(tenant_context(router), dependencies().assignment_rules)
    )


@router.put(
    "",
    summary="Replace the lead assignment rules (If-Match required)",
    tags=["sales-settings"],
    responses=responses(200, "The saved rules"),
)
def replace_assignment_rules(
    rules: assignment_rules.AssignmentRulesInput, if_match: IfMatch = None
) -> Response[assignment_rules.AssignmentRules]:
    deps = dependencies()
    saved = assignment_rules.replace_assignment_rules(
        tenant_context(router), deps.assignment_rules, deps.users, rules, expected_version(if_match)
    )
    return versioned_response(saved)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/sales-settings/assignment-rules", router),)
