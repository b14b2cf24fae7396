"""Opportunities: the pipeline. Each moves through the tenant's sales stages with its history kept on it.

The stage changes only through `move_stage` (PATCH cannot change it), which appends to `stage_history`,
takes the probability from the stage, and closes the opportunity on a won or lost stage. A closed
opportunity stays closed unless the move says `reopen: true`; reopening clears `closed_at` and the lost reason.
"""

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.clock import now_iso
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import AccountRepository, ShortText
from servicejob.domain.sales_stages import (
    DEFAULT_STAGES,
    SalesStage,
    SalesStages,
    SalesStagesRepository,
    StageKey,
    StageKind,
)
from servicejob.domain.users import UserId
from servicejob.errors import FieldError, NotFound, ValidationFailed
from servicejob.money import Money
from servicejob.tenancy.context import PrincipalKind, TenantContext

# Kept on the item so one read shows the whole funnel path; older entries are dropped (the audit trail keeps all).
STAGE_HISTORY_LIMIT = 100

EntityId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
LostReason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class OpportunityInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText
    account_id: EntityId = Field(description="The account (ULID) the opportunity is with")
    amount: Money
    expected_close_date: dt.date
    owner_user_id: UserId | None = Field(default=None, description="Defaults to the calling user")
    business_line: ShortText | None = Field(default=None, description="e.g. audit, tax, advisory")
    stage: StageKey | None = Field(default=None, description="An open stage key; defaults to the first open stage")


class OpportunityPatch(BaseModel):
    """Everything but the stage, which moves only through POST .../stage."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText | None = None
    amount: Money | None = None
    expected_close_date: dt.date | None = None
    owner_user_id: UserId | None = None
    business_line: ShortText | None = None

    @model_validator(mode="after")
    def _required_fields_cannot_be_cleared(self) -> "OpportunityPatch":
        for name in ("name", "amount", "expected_close_date"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class StageEntry(BaseModel):
    stage: str
    entered_at: str
    by: str


class Opportunity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    name: str
    account_id: str
    amount: Money
    expected_close_date: dt.date
    owner_user_id: str | None = None
    business_line: str | None = None
    stage: str
    probability: int = Field(description="Win probability in percent, from the stage")
    status: OpportunityStatus
    stage_history: list[StageEntry] = Field(description=f"Oldest first, the last {STAGE_HISTORY_LIMIT} moves")
    lost_reason: str | None = None
    closed_at: str | None = None
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class StageMove(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: StageKey
    lost_reason: LostReason | None = Field(default=None, description="Required when the stage is of kind lost")
    reopen: bool = Field(default=False, description="Must be true to move a won or lost opportunity")


class OpportunityRepository(Protocol):
    def get(self, ctx: TenantContext, opportunity_id: str) -> Opportunity: ...
    def add(self, ctx: TenantContext, opportunity_id: str, fields: Mapping[str, Any]) -> Opportunity: ...
    def update(
        self, ctx: TenantContext, opportunity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Opportunity: ...
    def delete(self, ctx: TenantContext, opportunity_id: str, expected_version: int) -> Opportunity: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, account_id: str | None) -> Page[Opportunity]: ...


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The opportunity is not valid.", [FieldError(field, message)])


def _account_must_exist(ctx: TenantContext, accounts: AccountRepository, account_id: str) -> None:
    try:
        accounts.get(ctx, account_id)
    except NotFound as error:
        raise _invalid("account_id", f"No account with id {account_id}.") from error


def create_opportunity(
    ctx: TenantContext,
    repository: OpportunityRepository,
    accounts: AccountRepository,
    stages: SalesStagesRepository,
    data: OpportunityInput,
) -> Opportunity:
    ctx.require(Permission.OPPORTUNITIES_WRITE)
    _account_must_exist(ctx, accounts, data.account_id)
    funnel = stages.get_or_create(ctx, DEFAULT_STAGES)
    stage = funnel.stage(data.stage) if data.stage else funnel.first_open()
    if stage is None or stage.kind is not StageKind.OPEN:
        raise _invalid("stage", "An opportunity starts in an open stage of the tenant's sales stages.")
    return repository.add(ctx, str(ULID()), new_opportunity_fields(ctx, data, stage))


def new_opportunity_fields(ctx: TenantContext, data: OpportunityInput, stage: SalesStage) -> dict[str, Any]:
    """What a new opportunity stores, entering the given open stage (create and CSV import alike)."""
    owner = data.owner_user_id or (ctx.principal_id if ctx.kind is PrincipalKind.USER else None)
    fields = {
        **data.model_dump(mode="json", exclude_none=True),
        "owner_user_id": owner,
        "stage": stage.key,
        "probability": stage.probability,
        "status": OpportunityStatus.OPEN.value,
        "stage_history": [{"stage": stage.key, "entered_at": now_iso(), "by": ctx.actor}],
    }
    return {name: value for name, value in fields.items() if value is not None}


def get_opportunity(ctx: TenantContext, repository: OpportunityRepository, opportunity_id: str) -> Opportunity:
    ctx.require(Permission.OPPORTUNITIES_READ)
    return repository.get(ctx, opportunity_id)


def list_opportunities(
    ctx: TenantContext, repository: OpportunityRepository, limit: int, cursor: str | None
) -> Page[Opportunity]:
    ctx.require(Permission.OPPORTUNITIES_READ)
    return repository.list(ctx, limit, cursor, None)


def list_account_opportunities(
    ctx: TenantContext,
    repository: OpportunityRepository,
    accounts: AccountRepository,
    account_id: str,
    limit: int,
    cursor: str | None,
) -> Page[Opportunity]:
    """Oldest first; an account that does not exist (in this tenant) answers 404 rather than an empty page."""
    ctx.require(Permission.OPPORTUNITIES_READ)
    accounts.get(ctx, account_id)
    return repository.list(ctx, limit, cursor, account_id)


def update_opportunity(
    ctx: TenantContext,
    repository: OpportunityRepository,
    opportunity_id: str,
    patch: OpportunityPatch,
    expected_version: int,
) -> Opportunity:
    ctx.require(Permission.OPPORTUNITIES_WRITE)
    return repository.update(ctx, opportunity_id, patch.model_dump(mode="json", exclude_unset=True), expected_version)


def delete_opportunity(
    ctx: TenantContext, repository: OpportunityRepository, opportunity_id: str, expected_version: int
) -> None:
    ctx.require(Permission.OPPORTUNITIES_WRITE)
    repository.delete(ctx, opportunity_id, expected_version)


def stage_changes(current: Opportunity, funnel: SalesStages, move: StageMove, actor: str, at: str) -> dict[str, Any]:
    """The fields a stage move writes, or ValidationFailed naming what forbids it."""
    target = funnel.stage(move.stage)
    if target is None:
        raise _invalid("stage", f"No sales stage {move.stage!r}; see GET /v1/sales-settings/stages.")
    if target.key == current.stage:
        raise _invalid("stage", f"The opportunity is already in stage {target.key!r}.")
    if current.status is not OpportunityStatus.OPEN and not move.reopen:
        raise _invalid("reopen", f"The opportunity is {current.status.value}; set reopen to true to move it.")
    if target.kind is StageKind.LOST and not move.lost_reason:
        raise _invalid("lost_reason", "A lost reason (1 to 500 characters) is required to close as lost.")
    if target.kind is not StageKind.LOST and move.lost_reason:
        raise _invalid("lost_reason", "A lost reason is given only when moving to a lost stage.")
    history = [entry.model_dump() for entry in current.stage_history]
    history.append({"stage": target.key, "entered_at": at, "by": actor})
    closing = target.kind is not StageKind.OPEN
    return {
        "stage": target.key,
        "probability": target.probability,
        "status": target.kind.value,
        "stage_history": history[-STAGE_HISTORY_LIMIT:],
        "lost_reason": move.lost_reason,  # None removes a former lost reason on reopening
        "closed_at": at if closing else None,
    }


def move_stage(
    ctx: TenantContext,
    repository: OpportunityRepository,
    stages: SalesStagesRepository,
    opportunity_id: str,
    move: StageMove,
    expected_version: int,
) -> Opportunity:
    ctx.require(Permission.OPPORTUNITIES_WRITE)
    current = repository.get(ctx, opportunity_id)
    changes = stage_changes(current, stages.get_or_create(ctx, DEFAULT_STAGES), move, ctx.actor, now_iso())
    # The conditional write on expected_version also guards against a move made since the read above.
    return repository.update(ctx, opportunity_id, changes, expected_version)


def closed_as_won(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """Whether a write closed the opportunity as won: it publishes `opportunity.won` as well."""
    was_won = before is not None and before.get("status") == OpportunityStatus.WON.value
    return after is not None and after.get("status") == OpportunityStatus.WON.value and not was_won
