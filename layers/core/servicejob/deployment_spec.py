"""What the deployed system is made of, declared once: read by the CDK app (infra/) and by the local
runtime (local/), so both build the same functions, state machines, routes and user pool."""

from dataclasses import dataclass, field
from pathlib import Path

from servicejob.errors import PROBLEM_TYPE_BASE

SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "schemas"
STATE_MACHINES_DIR = SCHEMAS_DIR / "statemachines"


@dataclass(frozen=True)
class FunctionSpec:
    key: str  # the suffix of the physical name; also the folder under functions/ unless `package` says another
    handler: str  # module.attribute inside that folder (Lambda: "handler.lambda_handler")
    description: str
    package: str = ""  # the folder under functions/ holding the handler, when several functions share one
    # API functions only: the path prefixes API Gateway sends to this function (each with everything below it)
    path_prefixes: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return self.package or self.key

    def physical_name(self, stage: str) -> str:
        return f"servicejob-{stage}-{self.key}"

    def serves(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.path_prefixes)


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.key: spec
    for spec in (
        # The API is one function per bounded context, so a cold start imports only that context's routes and
        # models (docs/architecture.md, "One API function per bounded context"); all share functions/api.
        FunctionSpec(
            "api-identity",
            "contexts.identity.lambda_handler",
            "HTTPS API: tenants, users, API keys, notifications",
            package="api",
            path_prefixes=("/v1/tenants", "/v1/users", "/v1/me", "/v1/api-keys", "/v1/notifications"),
        ),
        FunctionSpec(
            "api-crm",
            "contexts.crm.lambda_handler",
            "HTTPS API: accounts, contacts, activities",
            package="api",
            path_prefixes=("/v1/accounts", "/v1/contacts", "/v1/activities"),
        ),
        FunctionSpec(
            "api-sales",
            "contexts.sales.lambda_handler",
            "HTTPS API: leads, opportunities, quotes, sales settings",
            package="api",
            path_prefixes=("/v1/leads", "/v1/opportunities", "/v1/quotes", "/v1/sales-settings"),
        ),
        FunctionSpec(
            "api-data",
            "contexts.data.lambda_handler",
            "HTTPS API: imports, exports, reports, audit trail",
            package="api",
            path_prefixes=("/v1/imports", "/v1/import-mappings", "/v1/exports", "/v1/reports", "/v1/audit"),
        ),
        FunctionSpec("authorizer", "handler.lambda_handler", "Verifies Cognito ID tokens and API keys"),
        FunctionSpec("events", "handler.lambda_handler", "Table stream: audit trail and domain events"),
        FunctionSpec("workflows", "handler.lambda_handler", "Step Functions tasks"),
    )
}


@dataclass(frozen=True)
class StateMachineSpec:
    name: str
    definition_file: str  # in schemas/statemachines/
    # ${Placeholder} in the ASL → key of the function whose ARN replaces it
    function_substitutions: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return STATE_MACHINES_DIR / self.definition_file

    def physical_name(self, stage: str) -> str:
        return f"servicejob-{stage}-{self.name}"


STATE_MACHINES: dict[str, StateMachineSpec] = {
    spec.name: spec
    for spec in (
        StateMachineSpec("TenantOnboarding", "tenant_onboarding.asl.json", {"WorkflowsFunctionArn": "workflows"}),
        StateMachineSpec("ImportJob", "import_job.asl.json", {"WorkflowsFunctionArn": "workflows"}),
        StateMachineSpec("ExportJob", "export_job.asl.json", {"WorkflowsFunctionArn": "workflows"}),
    )
}


@dataclass(frozen=True)
class EventRuleSpec:
    """A rule on the event bus and its one target: a state machine (by STATE_MACHINES name) or a function
    (by FUNCTIONS key). The event is the target's input."""

    name: str
    event_pattern: dict
    target_state_machine: str | None = None
    target_function: str | None = None

    def physical_name(self, stage: str) -> str:
        return f"servicejob-{stage}-{self.name}"


# The API functions, and the one serving a path: their prefixes are disjoint, so at most one does.
API_FUNCTIONS: dict[str, FunctionSpec] = {key: spec for key, spec in FUNCTIONS.items() if spec.path_prefixes}


def api_function_for(path: str) -> FunctionSpec | None:
    return next((spec for spec in API_FUNCTIONS.values() if spec.serves(path)), None)


EVENT_RULES: dict[str, EventRuleSpec] = {spec.name: spec for spec in ()}


# Routes that need no credentials; every other route goes through the authorizer.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/v1/tenants"),
        ("GET", "/v1/tenants/{tenant_id}/status"),
    }
)


@dataclass(frozen=True)
class UserPoolSpec:
    # Custom attributes: the tenant id is written once at user creation and never changes.
    immutable_custom_attributes: tuple[str, ...] = ("tenant_id",)
    password_min_length: int = 12
    temporary_password_validity_days: int = 7


USER_POOL = UserPoolSpec()

# Authorizer results are cached by API Gateway for this long, so a revoked key is refused within it.
AUTHORIZER_CACHE_SECONDS = 30


@dataclass(frozen=True)
class TierSpec:
    """A tenant tier: the API Gateway usage plan its tenants' requests count against."""

    name: str
    rate_limit: int  # requests per second, steady
    burst_limit: int
    monthly_quota: int


TIERS: dict[str, TierSpec] = {
    spec.name: spec
    for spec in (
        TierSpec("basic", rate_limit=20, burst_limit=40, monthly_quota=500_000),
        TierSpec("premium", rate_limit=100, burst_limit=200, monthly_quota=5_000_000),
    )
}


@dataclass(frozen=True)
class GatewayProblem:
    """An error API Gateway answers itself (before the API function runs), as RFC 9457 problem details."""

    status: int
    slug: str
    title: str
    detail: str

    def body(self) -> dict:
        return {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "errors": [],
        }


# Keyed by API Gateway's response type; the CDK app sets them as gateway responses, the local gateway answers them.
GATEWAY_PROBLEMS: dict[str, GatewayProblem] = {
    "UNAUTHORIZED": GatewayProblem(401, "unauthenticated", "Unauthenticated", "Sign in, or send a valid API key."),
    "ACCESS_DENIED": GatewayProblem(403, "forbidden", "Forbidden", "These credentials may not call this route."),
    "REQUEST_TOO_LARGE": GatewayProblem(413, "payload-too-large", "Payload too large", "The request is too large."),
    "THROTTLED": GatewayProblem(429, "rate-limited", "Too many requests", "Slow down and retry shortly."),
    "QUOTA_EXCEEDED": GatewayProblem(429, "quota-exceeded", "Quota exceeded", "The plan's request quota is used up."),
    # No usage key from the authorizer: a tenant not yet on a usage plan (docs/operations.md, usage keys).
    # A path under none of the API functions' prefixes has no resource; API Gateway's own answer would be a 403.
    "MISSING_AUTHENTICATION_TOKEN": GatewayProblem(404, "not-found", "Not found", "No such resource."),
    "INVALID_API_KEY": GatewayProblem(403, "forbidden", "Forbidden", "API access for your firm is not set up yet."),
    "AUTHORIZER_FAILURE": GatewayProblem(500, "internal-error", "Internal error", "Sign-in could not be checked."),
    "DEFAULT_5XX": GatewayProblem(502, "internal-error", "Internal error", "Something went wrong on our side."),
}
