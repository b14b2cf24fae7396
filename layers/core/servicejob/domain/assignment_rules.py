"""Lead assignment rules per tenant: an ordered list of rules, the first match wins, else the fallback owner.

Matching is pure; the one piece of I/O, the round-robin turn, comes in as `next_turn` (an atomic counter
per rule in DynamoDB, so concurrent creates never hand out the same turn).
"""

from collections.abc import Callable
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from servicejob.auth.permissions import Permission
from servicejob.dal.entity_store import search_key
from servicejob.domain.accounts import ShortText, UserId
from servicejob.domain.users import User, UserLookup
from servicejob.errors import ErrorList
from servicejob.tenancy.context import TenantContext

# The name keys the rule's round-robin counter, so it is unique and free of the key separator.
RuleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^#]+$")]

# Who may own a lead: a user of the tenant who is not disabled.
ASSIGNABLE_STATUSES = frozenset({"active", "invited"})


class RuleAssignee(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user_id: UserId | None = Field(default=None, description="Every matching lead goes to this user")
    round_robin: list[UserId] | None = Field(
        default=None, min_length=1, max_length=50, description="Matching leads go to these users in turn"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "RuleAssignee":
        if (self.user_id is None) == (self.round_robin is None):
            raise ValueError("give exactly one of user_id or round_robin")
        return self


class AssignmentRule(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: RuleName
    business_line: ShortText | None = Field(default=None, description="Missing: matches any business line")
    region: ShortText | None = Field(default=None, description="Missing: matches any region")
    assign: RuleAssignee


class AssignmentRulesInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rules: list[AssignmentRule] = Field(default_factory=list, max_length=100, description="First match wins")
    fallback_user_id: UserId = Field(description="Owner of a lead no rule matches")

    @model_validator(mode="after")
    def _unique_names(self) -> "AssignmentRulesInput":
        names = [search_key(rule.name) for rule in self.rules]
        if len(names) != len(set(names)):
            raise ValueError("rule names must be unique")
        return self


class AssignmentRules(BaseModel):
    """The tenant's rules; version 0 (no rules, no fallback) until first saved."""

    model_config = ConfigDict(extra="ignore")

    rules: list[AssignmentRule] = Field(default_factory=list)
    fallback_user_id: str | None = None
    version: int = 0
    updated_at: str | None = None
    updated_by: str | None = None


class AssignmentRulesRepository(Protocol):
    def get(self, ctx: TenantContext) -> AssignmentRules: ...
    def put(self, ctx: TenantContext, rules: AssignmentRulesInput, expected_version: int) -> AssignmentRules: ...
    def next_turn(self, ctx: TenantContext, rule_name: str) -> int:
        """Atomically counts one more turn of the rule's round robin and returns it (1, 2, 3, ...)."""
        ...


# ---- pure matching -----------------------------------------------------------------------------
def _criterion_matches(criterion: str | None, value: str | None) -> bool:
    return criterion is None or (value is not None and search_key(criterion) == search_key(value))


def matching_rule(rules: list[AssignmentRule], business_line: str | None, region: str | None) -> AssignmentRule | None:
    return next(
        (
            rule
            for rule in rules
            if _criterion_matches(rule.business_line, business_line) and _criterion_matches(rule.region, region)
        ),
        None,
    )


def owner_for(
    settings: AssignmentRules, business_line: str | None, region: str | None, next_turn: Callable[[str], int]
) -> str | None:
    """The owner of a new lead; None when the tenant has no rules and no fallback."""
    rule = matching_rule(settings.rules, business_line, region)
    if rule is None:
        return settings.fallback_user_id
    if rule.assign.user_id is not None:
        return rule.assign.user_id
    members = rule.assign.round_robin or []
    return members[(next_turn(rule.name) - 1) % len(members)]


# ---- services ----------------------------------------------------------------------------------
def check_assignable(ctx: TenantContext, users: UserLookup, user_ids: dict[str, str]) -> dict[str, User]:
    """The users by id; 422 naming every field (path → user id) not holding an active or invited user."""
    errors = ErrorList()
    found: dict[str, User | None] = {}
    for field_path, user_id in user_ids.items():
        if user_id not in found:
            user = users.find(ctx, user_id)
            found[user_id] = user if user is not None and user.status in ASSIGNABLE_STATUSES else None
        if found[user_id] is None:
            errors.add(field_path, "Not an active or invited user of this firm.", "unknown_user")
    errors.raise_if_any("Some assignees are not users of this firm.")
    return {user_id: user for user_id, user in found.items() if user is not None}


def get_assignment_rules(ctx: TenantContext, repository: AssignmentRulesRepository) -> AssignmentRules:
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    return repository.get(ctx)


def replace_assignment_rules(
    ctx: TenantContext,
    repository: AssignmentRulesRepository,
    users: UserLookup,
    rules: AssignmentRulesInput,
    expected_version: int,
) -> AssignmentRules:
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    assignees = {"fallback_user_id": rules.fallback_user_id}
    for position, rule in enumerate(rules.rules):
        if rule.assign.user_id is not None:
            assignees[f"rules[{position}].assign.user_id"] = rule.assign.user_id
        for member, user_id in enumerate(rule.assign.round_robin or []):
            assignees[f"rules[{position}].assign.round_robin[{member}]"] = user_id
    check_assignable(ctx, users, assignees)
    return repository.put(ctx, rules, expected_version)
