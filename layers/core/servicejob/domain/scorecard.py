"""Customer value scorecard: tenant-defined weighted factors, per-account factor scores, score and tier.

An account's score is Σ weight × factor score / 10 over the tenant's current factors (weights are whole
percentages summing to 100, factor scores 0-10 with at most one decimal; a factor without a score counts
0), so it lies in 0-100; it is a Decimal rounded half-up to one decimal place. The tier is A, B or C for
a score at or above that tier's threshold, else D. An account without any factor score has neither.

Changing the settings re-scores every account of the tenant in the background (the events function,
page by page, with progress on the settings), never in the request.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicejob.auth.permissions import Permission
from servicejob.errors import ErrorList, FieldError, NotFound, ValidationFailed, VersionConflict
from servicejob.tenancy.context import TenantContext

FactorKey = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Threshold = Annotated[Decimal, Field(ge=0, le=100, decimal_places=1)]
FactorScore = Annotated[Decimal, Field(ge=0, le=10, decimal_places=1)]

SCORE_QUANTUM = Decimal("0.1")
MAX_FACTORS = 20


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ScorecardFactor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: FactorKey = Field(description="Stable identifier account scores refer to, e.g. revenue_potential")
    label_en: Label
    label_zh_hant: Label
    label_zh_hans: Label
    weight: int = Field(ge=1, le=100, description="Percent; the factors' weights sum to 100")


class TierThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    A: Threshold = Field(description="Lowest score of tier A")
    B: Threshold = Field(description="Lowest score of tier B (below A)")
    C: Threshold = Field(description="Lowest score of tier C (below B); lower scores are tier D")


class ScorecardSettingsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    factors: list[ScorecardFactor] = Field(min_length=1, max_length=MAX_FACTORS)
    tiers: TierThresholds


class RecalculationStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


class Recalculation(BaseModel):
    """Progress of re-scoring the tenant's accounts after a settings change."""

    settings_version: int
    status: RecalculationStatus
    accounts_processed: int
    accounts_changed: int
    started_at: str
    finished_at: str | None = None


class ScorecardSettings(ScorecardSettingsInput):
    model_config = ConfigDict(extra="ignore")

    version: int
    updated_at: str
    updated_by: str
    recalculation: Recalculation | None = None


class AccountScorecard(BaseModel):
    """An account's factor scores and the score and tier they give under the tenant's current settings."""

    scores: dict[str, Decimal] = Field(description="Factor key -> 0-10, as decimal strings on the wire")
    score: Decimal | None = Field(description="0-100, one decimal place, half-up; null without any score")
    tier: Tier | None


class AccountScoresInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[FactorKey, FactorScore] = Field(max_length=MAX_FACTORS, description="Factor key -> score 0-10")


DEFAULT_SETTINGS = ScorecardSettingsInput(
    factors=[
        ScorecardFactor(
            key="revenue_potential",
            label_en="Revenue potential",
            label_zh_hant="收入潛力",
            label_zh_hans="收入潜力",
            weight=40,
        ),
        ScorecardFactor(
            key="relationship", label_en="Relationship", label_zh_hant="客戶關係", label_zh_hans="客户关系", weight=30
        ),
        ScorecardFactor(
            key="strategic_fit",
            label_en="Strategic fit",
            label_zh_hant="策略契合度",
            label_zh_hans="策略契合度",
            weight=30,
        ),
    ],
    tiers=TierThresholds(A=Decimal(80), B=Decimal(60), C=Decimal(40)),
)


# ---- pure rules ----------------------------------------------------------------------------------
def check_settings(settings: ScorecardSettingsInput) -> None:
    errors = ErrorList()
    seen: set[str] = set()
    for position, factor in enumerate(settings.factors):
        if factor.key in seen:
            errors.add(f"factors[{position}].key", f"Duplicate factor key {factor.key!r}.", "duplicate")
        seen.add(factor.key)
    total = sum(factor.weight for factor in settings.factors)
    if total != 100:
        errors.add("factors", f"The weights must sum to 100; they sum to {total}.", "weights_sum")
    tiers = settings.tiers
    if not tiers.B < tiers.A:
        errors.add("tiers.B", "Must be below the threshold of tier A.")
    if not tiers.C < tiers.B:
        errors.add("tiers.C", "Must be below the threshold of tier B.")
    errors.raise_if_any("The scorecard settings are not valid.")


def weighted_score(factors: list[ScorecardFactor], scores: Mapping[str, Decimal]) -> Decimal:
    """Σ weight × score / 10, half-up to one decimal place (scores of unknown factors are ignored)."""
    total = sum((Decimal(factor.weight) * Decimal(scores.get(factor.key, 0)) for factor in factors), Decimal(0))
    return (total / 10).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def tier_of(score: Decimal, tiers: TierThresholds) -> Tier:
    if score >= tiers.A:
        return Tier.A
    if score >= tiers.B:
        return Tier.B
    if score >= tiers.C:
        return Tier.C
    return Tier.D


def scorecard_for(settings: ScorecardSettingsInput, scores: Mapping[str, Decimal]) -> AccountScorecard:
    if not scores:
        return AccountScorecard(scores={}, score=None, tier=None)
    score = weighted_score(settings.factors, scores)
    return AccountScorecard(scores=dict(scores), score=score, tier=tier_of(score, settings.tiers))


# ---- services ------------------------------------------------------------------------------------
class ScorecardSettingsRepository(Protocol):
    def get_or_create(self, ctx: TenantContext, defaults: ScorecardSettingsInput) -> ScorecardSettings: ...
    def replace(self, ctx: TenantContext, data: ScorecardSettingsInput, expected_version: int) -> ScorecardSettings: ...


class ScoredAccounts(Protocol):
    def get_scorecard(self, ctx: TenantContext, account_id: str) -> tuple[AccountScorecard | None, int]:
        """The account's scorecard (None when never scored) and its version."""
        ...

    def set_scorecard(
        self, ctx: TenantContext, account_id: str, scorecard: AccountScorecard, expected_version: int
    ) -> Any: ...


def get_settings(ctx: TenantContext, repository: ScorecardSettingsRepository) -> ScorecardSettings:
    ctx.require(Permission.ACCOUNTS_READ)
    return repository.get_or_create(ctx, DEFAULT_SETTINGS)


def replace_settings(
    ctx: TenantContext, repository: ScorecardSettingsRepository, data: ScorecardSettingsInput, expected_version: int
) -> ScorecardSettings:
    """Stores the settings; the events function then re-scores every account (see `recalculate_page`)."""
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    check_settings(data)
    return repository.replace(ctx, data, expected_version)


def score_account(
    ctx: TenantContext,
    settings_repository: ScorecardSettingsRepository,
    accounts: ScoredAccounts,
    account_id: str,
    data: AccountScoresInput,
    expected_version: int,
) -> Any:
    ctx.require(Permission.ACCOUNTS_WRITE)
    settings = repository_settings = settings_repository.get_or_create(ctx, DEFAULT_SETTINGS)
    known = {factor.key for factor in repository_settings.factors}
    unknown = [
        FieldError(f"scores.{key}", f"No factor {key!r} in the scorecard settings.")
        for key in data.scores
        if key not in known
    ]
    if unknown:
        raise ValidationFailed("The scores are not valid.", unknown)
    return accounts.set_scorecard(ctx, account_id, scorecard_for(settings, data.scores), expected_version)


# ---- re-scoring after a settings change (the events function) --------------------------------------
RECALCULATION_PAGE = 100
_ATTEMPTS = 3


class RescoredAccounts(ScoredAccounts, Protocol):
    def scored_page(
        self, ctx: TenantContext, limit: int, start_key: dict | None
    ) -> tuple[list[tuple[str, int, AccountScorecard | None]], dict | None]:
        """(account id, version, scorecard) of one page of all the tenant's accounts, and the next start key."""
        ...


class RecalculationProgress(Protocol):
    def save_progress(self, ctx: TenantContext, progress: Recalculation, cursor: dict | None) -> bool: ...


def start_recalculation(
    ctx: TenantContext, progress: RecalculationProgress, settings: ScorecardSettings, now: str
) -> None:
    """Marks a re-scoring under these settings as running; its stream record starts the first page."""
    started = Recalculation(
        settings_version=settings.version,
        status=RecalculationStatus.RUNNING,
        accounts_processed=0,
        accounts_changed=0,
        started_at=now,
    )
    progress.save_progress(ctx, started, None)


def recalculate_page(
    ctx: TenantContext,
    progress: RecalculationProgress,
    accounts: RescoredAccounts,
    settings: ScorecardSettings,
    cursor: dict | None,
    now: str,
) -> Recalculation | None:
    """Re-scores one page of accounts and records progress (whose stream record asks for the next page).

    Only accounts whose score or tier changes are written (each conditional on its version; a
    concurrent change is re-read and re-scored). Returns None when newer settings superseded this run.
    """
    running = settings.recalculation
    if running is None or running.status is not RecalculationStatus.RUNNING:
        return None
    rows, next_key = accounts.scored_page(ctx, RECALCULATION_PAGE, cursor)
    changed = 0
    for account_id, version, current in rows:
        changed += _rescore(ctx, accounts, settings, account_id, version, current)
    done = next_key is None
    advanced = running.model_copy(
        update={
            "accounts_processed": running.accounts_processed + len(rows),
            "accounts_changed": running.accounts_changed + changed,
            "status": RecalculationStatus.DONE if done else RecalculationStatus.RUNNING,
            "finished_at": now if done else None,
        }
    )
    return advanced if progress.save_progress(ctx, advanced, next_key) else None


def _rescore(
    ctx: TenantContext,
    accounts: RescoredAccounts,
    settings: ScorecardSettingsInput,
    account_id: str,
    version: int,
    current: AccountScorecard | None,
) -> int:
    for _ in range(_ATTEMPTS):
        if current is None or not current.scores:
            return 0
        rescored = scorecard_for(settings, current.scores)
        if (rescored.score, rescored.tier) == (current.score, current.tier):
            return 0
        try:
            accounts.set_scorecard(ctx, account_id, rescored, version)
            return 1
        except VersionConflict:
            try:
                current, version = accounts.get_scorecard(ctx, account_id)
            except NotFound:
                return 0
        except NotFound:
            return 0
    raise VersionConflict(f"The account {account_id} kept changing while it was re-scored.")
