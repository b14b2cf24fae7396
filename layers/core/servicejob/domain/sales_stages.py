"""Sales stages: the tenant's ordered funnel, each stage with a win probability and a kind (open, won, lost).

One settings record per tenant. A tenant that never configured its stages gets the default funnel,
stored on first read so that its version is what a later PUT names in If-Match.
"""

from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicejob.auth.permissions import Permission
from servicejob.errors import ErrorList
from servicejob.tenancy.context import TenantContext

StageKey = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9-]{0,39}$")]
StageName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class StageNames(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    en: StageName
    zh_hant: StageName = Field(alias="zh-Hant")
    zh_hans: StageName = Field(alias="zh-Hans")


class SalesStage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: StageKey = Field(description="Stable identifier opportunities refer to, e.g. proposal")
    names: StageNames
    probability: int = Field(ge=0, le=100, description="Win probability in percent")
    kind: StageKind = StageKind.OPEN


class SalesStagesInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stages: list[SalesStage] = Field(min_length=3, max_length=30, description="In funnel order")


class SalesStages(SalesStagesInput):
    model_config = ConfigDict(extra="ignore")

    version: int
    updated_at: str
    updated_by: str

    def stage(self, key: str) -> SalesStage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    def first_open(self) -> SalesStage:
        return next(stage for stage in self.stages if stage.kind is StageKind.OPEN)


def _stage(key: str, en: str, hant: str, hans: str, probability: int, kind: StageKind = StageKind.OPEN) -> SalesStage:
    return SalesStage(key=key, names=StageNames(en=en, zh_hant=hant, zh_hans=hans), probability=probability, kind=kind)


DEFAULT_STAGES = [
    _stage("lead-in", "Lead in", "潛在商機", "潜在商机", 10),
    _stage("qualified", "Qualified", "已確認需求", "已确认需求", 25),
    _stage("proposal", "Proposal", "已提交方案", "已提交方案", 50),
    _stage("negotiation", "Negotiation", "洽談中", "洽谈中", 75),
    _stage("won", "Won", "已成交", "已成交", 100, StageKind.WON),
    _stage("lost", "Lost", "已流失", "已流失", 0, StageKind.LOST),
]


def check_stages(stages: list[SalesStage]) -> None:
    """Unique keys, exactly one won stage, at least one lost and one open stage."""
    errors = ErrorList()
    seen: set[str] = set()
    for position, stage in enumerate(stages):
        if stage.key in seen:
            errors.add(f"stages[{position}].key", f"Duplicate stage key {stage.key!r}.", "duplicate")
        seen.add(stage.key)
    kinds = [stage.kind for stage in stages]
    if kinds.count(StageKind.WON) != 1:
        errors.add("stages", "Exactly one stage must be of kind won.")
    if StageKind.LOST not in kinds:
        errors.add("stages", "At least one stage must be of kind lost.")
    if StageKind.OPEN not in kinds:
        errors.add("stages", "At least one stage must be open.")
    errors.raise_if_any("The sales stages are not valid.")


class SalesStagesRepository(Protocol):
    def get_or_create(self, ctx: TenantContext, defaults: list[SalesStage]) -> SalesStages: ...
    def replace(self, ctx: TenantContext, stages: list[SalesStage], expected_version: int) -> SalesStages: ...


def get_sales_stages(ctx: TenantContext, repository: SalesStagesRepository) -> SalesStages:
    ctx.require(Permission.OPPORTUNITIES_READ)
    return repository.get_or_create(ctx, DEFAULT_STAGES)


def replace_sales_stages(
    ctx: TenantContext, repository: SalesStagesRepository, data: SalesStagesInput, expected_version: int
) -> SalesStages:
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    check_stages(data.stages)
    return repository.replace(ctx, data.stages, expected_version)
