"""Sales reports, read from the rollups (domain/rollups.py), never from the records.

Each report reads one rollup partition over a month range: the funnel, sales cycle and branch comparison
(the range and the same range a year earlier) sum the few calendar buckets covering it, the lead
conversion lists the months. Their cost follows neither the number of opportunities nor of leads.

Who may read: `reports:read` (owner, admin, partner, manager, finance, sales; API keys with the scope).
The figures follow record visibility (auth.visibility): owners, admins, partners, finance and API keys
see the whole firm and may filter by one business line, branch, owner or team; managers and sales see
their team's figures (their own when they have no team, or when they ask for owner = themselves), and
asking for another owner or team, or for a business line or branch (firm-wide figures), is refused.
Amounts are summed per currency (no conversion to a base currency: no exchange rates are kept).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from servicejob.auth import visibility
from servicejob.auth.permissions import Permission
from servicejob.domain.rollups import (
    BRANCHES,
    FUNNEL,
    LEAD_CONVERSION,
    SALES_CYCLE,
    Counters,
    buckets_covering,
    counter_parts,
    partition_name,
)
from servicejob.domain.sales_stages import DEFAULT_STAGES, SalesStagesRepository, StageKind, StageNames
from servicejob.errors import ErrorList, Forbidden
from servicejob.money import Money
from servicejob.tenancy.context import TenantContext

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


class RollupReader(Protocol):
    def months(self, ctx: TenantContext, partition: str, first: str, last: str) -> list[tuple[str, Counters]]: ...
    def buckets(self, ctx: TenantContext, partition: str, buckets: Iterable[str]) -> dict[str, Counters]:
        """The counters of the named calendar buckets that exist (one read, whatever their number)."""
        ...


class ReportFilter(BaseModel):
    """At most one of business line, branch, owner or team: each is a rollup partition of its own."""

    business_line: str | None = None
    branch: str | None = None
    owner_user_id: str | None = None
    team: str | None = Field(default=None, description="A team's records (names compare as auth.visibility says)")


class ReportQuery(ReportFilter):
    from_month: str | None = None
    to_month: str | None = None


def _shift(month: str, months: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _span(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def current_month() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m")


class Scope(BaseModel):
    """The resolved range and filter of a report, echoed in its response."""

    model_config = ConfigDict(populate_by_name=True)

    from_month: str = Field(alias="from", description="First month (YYYY-MM), inclusive")
    to_month: str = Field(alias="to", description="Last month (YYYY-MM), inclusive")
    filter: ReportFilter


def _own_filter(ctx: TenantContext, query: ReportQuery) -> ReportQuery:
    """A team-scoped caller's filter (auth.visibility): their team's figures, or their own.

    A caller in a team reads the team partition unless they ask for their own (owner = themselves); one
    without a team reads their own. Asking for anyone else's, or for firm-wide figures (a business line,
    a branch), is refused.
    """
    own_team = visibility.team_key(ctx.team) if ctx.team else None
    asked_team = visibility.team_key(query.team) if query.team else None
    refused = (
        query.business_line
        or query.branch
        or query.owner_user_id not in (None, ctx.principal_id)
        or asked_team not in (None, own_team)
        or (asked_team and query.owner_user_id)
    )
    if refused:
        raise Forbidden(
            "You see the reports of your team's records (team = your team) or of your own"
            " (owner_user_id = yourself) only."
        )
    if query.owner_user_id or own_team is None:
        return query.model_copy(update={"owner_user_id": ctx.principal_id, "team": None})
    return query.model_copy(update={"team": ctx.team})


def resolve_scope(ctx: TenantContext, query: ReportQuery, rollup: str) -> tuple[Scope, str]:
    """The range and filter a report covers, and the rollup partition holding them."""
    ctx.require(Permission.REPORTS_READ)
    if visibility.scope_of(ctx) is visibility.Scope.TEAM:
        query = _own_filter(ctx, query)
    errors = ErrorList()
    last = query.to_month or current_month()
    first = query.from_month or _shift(last, 1 - DEFAULT_MONTHS)
    if first > last:
        errors.add("from", "The first month must not be after the last (to).")
    elif _span(first, last) > MAX_MONTHS:
        errors.add("from", f"A report spans at most {MAX_MONTHS} months.")
    team = visibility.team_key(query.team) if query.team else None
    given = [
        (field, dimension, value)
        for field, dimension, value in (
            ("business_line", "business-line", query.business_line),
            ("branch", "branch", query.branch),
            ("owner_user_id", "owner", query.owner_user_id),
            ("team", "team", team),
        )
        if value
    ]
    if len(given) > 1:
        names = " and ".join(field for field, _, _ in given)
        errors.add(
            given[1][0], f"Filter by one of business_line, branch, owner_user_id or team at a time, not {names}."
        )
    errors.raise_if_any("The report's range or filter is not valid.")
    report_filter = ReportFilter(
        business_line=query.business_line, branch=query.branch, owner_user_id=query.owner_user_id, team=query.team
    )
    _, dimension, value = given[0] if given else (None, None, None)
    return Scope(from_month=first, to_month=last, filter=report_filter), partition_name(rollup, dimension, value)


def _totals(months: Iterable[tuple[str, Counters]]) -> Counters:
    total: Counters = defaultdict(Decimal)
    for _, counters in months:
        for name, value in counters.items():
            total[name] += value
    return total


def _range_totals(
    ctx: TenantContext, rollups: RollupReader, partition: str, *ranges: tuple[str, str]
) -> list[Counters]:
    """Each range's totals, from one read of the calendar buckets covering them all."""
    covers = [buckets_covering(first, last) for first, last in ranges]
    found = rollups.buckets(ctx, partition, {bucket for cover in covers for bucket in cover})
    return [_totals((bucket, found[bucket]) for bucket in cover if bucket in found) for cover in covers]


def _grouped(counters: Counters, kind: str) -> dict[tuple[str | None, ...], Decimal]:
    """{remaining parts: value} of the counters named `kind|...`."""
    found: dict[tuple[str | None, ...], Decimal] = {}
    for name, value in counters.items():
        parts = counter_parts(name)
        if parts[0] == kind and value:
            found[tuple(parts[1:])] = value
    return found


def _amounts(by_currency: dict[str, Decimal]) -> list[Money]:
    return [Money.of(amount, currency) for currency, amount in sorted(by_currency.items())]


def _ratio(part: Decimal, whole: Decimal) -> float | None:
    return round(float(part / whole), 4) if whole else None


# ---- funnel --------------------------------------------------------------------------------------
class FunnelStage(BaseModel):
    key: str
    names: StageNames | None = Field(description="None for a stage no longer in the tenant's funnel")
    kind: StageKind | None
    count: int = Field(description="Opportunities now in this stage")
    amounts: list[Money] = Field(description="Their amounts, summed per currency")
    reached: int = Field(description="Opportunities whose stage history shows they entered this stage")
    conversion_to_next: float | None = Field(
        description="reached(next stage in funnel order, the won stage after the last open one) / reached(this); "
        "null for won and lost stages or when none reached this stage"
    )
    lost_here: int = Field(description="Opportunities closed as lost from this stage")


class LostReason(BaseModel):
    reason: str | None
    count: int


class FunnelReport(Scope):
    opportunities: int = Field(description="Opportunities created in the range (the cohort the funnel follows)")
    stages: list[FunnelStage] = Field(description="In the tenant's funnel order")
    lost_reasons: list[LostReason] = Field(description="Most frequent first")


def funnel_report(
    ctx: TenantContext, rollups: RollupReader, stages: SalesStagesRepository, query: ReportQuery
) -> FunnelReport:
    scope, partition = resolve_scope(ctx, query, FUNNEL)
    (total,) = _range_totals(ctx, rollups, partition, (scope.from_month, scope.to_month))
    counts, reached, lost_at = _grouped(total, "count"), _grouped(total, "reached"), _grouped(total, "lost-at")
    amounts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (stage, currency), amount in _grouped(total, "amount").items():
        amounts[stage or ""][currency or ""] = amount
    funnel = stages.get_or_create(ctx, DEFAULT_STAGES).stages
    known = [stage.key for stage in funnel]
    seen = {key[0] for key in (*counts, *reached, *lost_at) if key[0]}
    open_keys = [stage.key for stage in funnel if stage.kind is StageKind.OPEN]
    won_key = next((stage.key for stage in funnel if stage.kind is StageKind.WON), None)
    following = dict(zip(open_keys, [*open_keys[1:], won_key], strict=True))
    rows = []
    for key in [*known, *sorted(seen - set(known))]:
        stage = next((stage for stage in funnel if stage.key == key), None)
        here = reached.get((key,), Decimal(0))
        after = following.get(key)
        rows.append(
            FunnelStage(
                key=key,
                names=stage.names if stage else None,
                kind=stage.kind if stage else None,
                count=int(counts.get((key,), 0)),
                amounts=_amounts(amounts.get(key, {})),
                reached=int(here),
                conversion_to_next=_ratio(reached.get((after,), Decimal(0)), here) if after else None,
                lost_here=int(lost_at.get((key,), 0)),
            )
        )
    reasons = sorted(
        (LostReason(reason=reason, count=int(count)) for (reason,), count in _grouped(total, "lost-reason").items()),
        key=lambda row: (-row.count, row.reason or ""),
    )
    return FunnelReport(
        **scope.model_dump(by_alias=True),
        opportunities=sum(int(count) for count in counts.values()),
        stages=rows,
        lost_reasons=reasons,
    )


# ---- lead conversion -----------------------------------------------------------------------------
class RegionConversion(BaseModel):
    period: str | None = Field(description="The month (YYYY-MM); null in the totals over the range")
    region: str | None = Field(description="null for leads without a region")
    leads: int = Field(description="Leads created in the period")
    converted: int = Field(description="Of those, converted to an opportunity")
    conversion_rate: float | None


class LeadConversionReport(Scope):
    by_region: list[RegionConversion] = Field(description="Totals over the range, most leads first")
    by_month: list[RegionConversion] = Field(description="Per month and region, oldest first")


def _conversions(period: str | None, counters: Counters) -> list[RegionConversion]:
    leads, converted = _grouped(counters, "leads"), _grouped(counters, "converted")
    return [
        RegionConversion(
            period=period,
            region=region,
            leads=int(count),
            converted=int(converted.get((region,), 0)),
            conversion_rate=_ratio(converted.get((region,), Decimal(0)), count),
        )
        for (region,), count in leads.items()
    ]


def lead_conversion_report(ctx: TenantContext, rollups: RollupReader, query: ReportQuery) -> LeadConversionReport:
    scope, partition = resolve_scope(ctx, query, LEAD_CONVERSION)
    months = rollups.months(ctx, partition, scope.from_month, scope.to_month)
    by_month = [row for period, counters in months for row in sorted(_conversions(period, counters), key=_by_region)]
    by_region = sorted(_conversions(None, _totals(months)), key=lambda row: (-row.leads, row.region or ""))
    return LeadConversionReport(**scope.model_dump(by_alias=True), by_region=by_region, by_month=by_month)


def _by_region(row: RegionConversion) -> str:
    return row.region or ""


# ---- sales cycle ---------------------------------------------------------------------------------
class CycleFigure(BaseModel):
    won: int = Field(description="Opportunities won in the range")
    average_days: float | None = Field(description="Mean days from lead created (else opportunity created) to won")


class BusinessLineCycle(CycleFigure):
    business_line: str | None


class OwnerCycle(CycleFigure):
    owner_user_id: str | None


class SalesCycleReport(Scope):
    overall: CycleFigure
    by_business_line: list[BusinessLineCycle]
    by_owner: list[OwnerCycle]


def _cycle(won: Decimal, days: Decimal) -> dict:
    return {"won": int(won), "average_days": round(float(days / won), 1) if won else None}


def sales_cycle_report(ctx: TenantContext, rollups: RollupReader, query: ReportQuery) -> SalesCycleReport:
    scope, partition = resolve_scope(ctx, query, SALES_CYCLE)
    (total,) = _range_totals(ctx, rollups, partition, (scope.from_month, scope.to_month))
    won, days = _grouped(total, "won"), _grouped(total, "days")

    def rows(grouping: str) -> list[tuple[str | None, dict]]:
        figures = [
            (key[1], _cycle(count, days.get(key, Decimal(0))))
            for key, count in won.items()
            if len(key) == 2 and key[0] == grouping
        ]
        return sorted(figures, key=lambda row: (-row[1]["won"], row[0] or ""))

    return SalesCycleReport(
        **scope.model_dump(by_alias=True),
        overall=CycleFigure(**_cycle(won.get(("all",), Decimal(0)), days.get(("all",), Decimal(0)))),
        by_business_line=[BusinessLineCycle(business_line=value, **figure) for value, figure in rows("business-line")],
        by_owner=[OwnerCycle(owner_user_id=value, **figure) for value, figure in rows("owner")],
    )


# ---- branch comparison ---------------------------------------------------------------------------
class BranchFigures(BaseModel):
    won_count: int
    won_amounts: list[Money] = Field(description="Won amounts summed per currency")
    new_leads: int


class BranchComparison(BaseModel):
    branch: str | None = Field(description="null for records without a branch")
    current: BranchFigures = Field(description="The requested months")
    previous_year: BranchFigures = Field(description="The same months a year earlier")


class BranchReport(Scope):
    previous_from: str
    previous_to: str
    branches: list[BranchComparison] = Field(description="Most won first")


def _branch_figures(counters: Counters) -> dict[str | None, BranchFigures]:
    won, leads = _grouped(counters, "won-count"), _grouped(counters, "new-leads")
    amounts: dict[str | None, dict[str, Decimal]] = defaultdict(dict)
    for (branch, currency), amount in _grouped(counters, "won-amount").items():
        amounts[branch][currency or ""] = amount
    branches = {key[0] for key in (*won, *leads)} | set(amounts)
    return {
        branch: BranchFigures(
            won_count=int(won.get((branch,), 0)),
            won_amounts=_amounts(amounts.get(branch, {})),
            new_leads=int(leads.get((branch,), 0)),
        )
        for branch in branches
    }


def branch_report(ctx: TenantContext, rollups: RollupReader, query: ReportQuery) -> BranchReport:
    scope, partition = resolve_scope(ctx, query, BRANCHES)
    previous_from, previous_to = _shift(scope.from_month, -12), _shift(scope.to_month, -12)
    current_totals, previous_totals = _range_totals(
        ctx, rollups, partition, (scope.from_month, scope.to_month), (previous_from, previous_to)
    )
    current, previous = _branch_figures(current_totals), _branch_figures(previous_totals)
    empty = BranchFigures(won_count=0, won_amounts=[], new_leads=0)
    rows = [
        BranchComparison(branch=branch, current=current.get(branch, empty), previous_year=previous.get(branch, empty))
        for branch in current.keys() | previous.keys()
    ]
    rows.sort(key=lambda row: (-row.current.won_count, -row.current.new_leads, row.branch or ""))
    return BranchReport(
        **scope.model_dump(by_alias=True),
        previous_from=previous_from,
        previous_to=previous_to,
        branches=rows,
    )
