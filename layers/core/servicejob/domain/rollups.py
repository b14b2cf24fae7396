"""Report rollups: what each opportunity and lead adds to the monthly report counters, kept by the events function.

A rollup is one item per (rollup name, month) holding flat numeric counters, e.g. `count|proposal` or
`amount|proposal|HKD` in `funnel` / `2026-12`. Every counter is also kept per business line, branch,
owner and team (`funnel#owner#{id}`, `funnel#team#{team key}`), so a filtered report reads one partition
too. A record's team is the team of its visibility audience (auth.visibility) at the change; an owner
without a team adds to no team.

Calendar buckets: each counter is added to its month (`2026-05`) and also to the month's quarter
(`Q2026-2`) and year (`Y2026`), so a report over a range reads the fewest buckets covering it (a
calendar year is one item, any 12 months at most 6) with one BatchGetItem: its cost follows neither the
number of records nor, much, the number of months. Quarter and year keys sort after every month key, so
a Query `BETWEEN` two months still finds months only (the lead-conversion report lists them).

Idempotency under redelivery and reordering: each record has a state item holding the exact contribution
it currently makes to the rollups and the entity version it was computed from. A change applies
`new contribution - stored contribution` and replaces the state in one transaction conditioned on the
stored version, and only when the change's version is newer. A redelivered record (same version) or an
older one arriving late (lower version) therefore changes nothing, and the counters always equal the sum
of the latest known version of every record. A deleted record contributes nothing.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import quote, unquote

from servicejob.auth.visibility import audience_team
from servicejob.domain.audit import EntityChange

FUNNEL = "funnel"
LEAD_CONVERSION = "lead-conversion"
SALES_CYCLE = "sales-cycle"
BRANCHES = "branches"
ROLLUP_NAMES = (FUNNEL, LEAD_CONVERSION, SALES_CYCLE, BRANCHES)

# The dimensions every rollup is also kept by (one partition per value), in the order filters name them.
DIMENSIONS = ("business-line", "branch", "owner", "team")

# Lost reasons are free text up to 500 characters; counters keep the first 200 (a DynamoDB attribute name).
LOST_REASON_KEPT = 200

ROLLED_UP_TYPES = ("opportunity", "lead")

Counters = dict[str, Decimal]
# (rollup partition name, calendar bucket: month, quarter or year) -> counters
Contribution = dict[tuple[str, str], Counters]


@lru_cache(maxsize=4096)  # a few hundred distinct names in practice; encoding them is most of the work
def counter(*parts: str | None) -> str:
    """A counter's attribute name: parts joined by `|`, each percent-encoded (so `|` in a value is safe)."""
    return "|".join(quote(part or "", safe="") for part in parts)


def counter_parts(name: str) -> list[str | None]:
    """The parts of a counter name; an empty part (a record without that value) reads as None."""
    return [unquote(part) or None for part in name.split("|")]


# A partition key is at most 2048 bytes; longer encoded values (200 CJK characters encode to 1800) are hashed.
PARTITION_VALUE_KEPT = 512


def partition_name(rollup: str, dimension: str | None = None, value: str | None = None) -> str:
    if dimension is None:
        return rollup
    encoded = quote(value or "", safe="")
    if len(encoded) > PARTITION_VALUE_KEPT:
        encoded = "sha256-" + hashlib.sha256(encoded.encode()).hexdigest()
    return f"{rollup}#{dimension}#{encoded}"


def month_of(instant: str) -> str:
    return instant[:7]


def buckets_of(month: str) -> tuple[str, str, str]:
    """The month's bucket and those of its calendar quarter and year: `2026-05`, `Q2026-2`, `Y2026`."""
    return month, f"Q{month[:4]}-{(int(month[5:7]) + 2) // 3}", f"Y{month[:4]}"


def buckets_covering(first: str, last: str) -> list[str]:
    """The fewest buckets whose months are exactly `first`..`last`: whole years, else whole quarters, else months."""
    index, end = int(first[:4]) * 12 + int(first[5:7]) - 1, int(last[:4]) * 12 + int(last[5:7]) - 1
    buckets = []
    while index <= end:
        year, number = divmod(index, 12)
        if number == 0 and index + 11 <= end:
            buckets.append(f"Y{year:04d}")
            index += 12
        elif number % 3 == 0 and index + 2 <= end:
            buckets.append(f"Q{year:04d}-{number // 3 + 1}")
            index += 3
        else:
            buckets.append(f"{year:04d}-{number + 1:02d}")
            index += 1
    return buckets


@dataclass(frozen=True)
class RollupState:
    version: int
    contribution: Contribution


class RollupStore(Protocol):
    def state(self, tenant_id: str, entity_type: str, entity_id: str) -> RollupState | None: ...
    def replace(
        self,
        tenant_id: str,
        entity_type: str,
        entity_id: str,
        previous: RollupState | None,
        new: RollupState,
        delta: Contribution,
    ) -> bool:
        """Adds `delta` to the rollups and stores `new`, atomically, if the stored state is still `previous`."""
        ...


class RollupConflict(Exception):
    """The record's state kept changing under us; the stream record is retried."""


# The branch of an opportunity is its account's: (tenant id, account id) -> branch or None.
AccountBranch = Callable[[str, str], str | None]


def _cells(cells: Contribution, rollup: str, month: str, dims: Mapping[str, str | None], counters: Counters) -> None:
    partitions = [partition_name(rollup)] + [
        partition_name(rollup, dimension, value) for dimension, value in dims.items() if value
    ]
    for partition in partitions:
        for bucket in buckets_of(month):
            target = cells.setdefault((partition, bucket), {})
            for name, value in counters.items():
                target[name] = target.get(name, Decimal(0)) + value


def _days_between(start: str, end: str) -> Decimal:
    elapsed = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
    return max(Decimal(0), (Decimal(elapsed.total_seconds()) / 86400).quantize(Decimal("0.001")))


def _dimensions(data: Mapping[str, Any], branch: str | None, team: str | None) -> dict[str, str | None]:
    return {
        "business-line": data.get("business_line"),
        "branch": branch,
        "owner": data.get("owner_user_id"),
        "team": team,
    }


def opportunity_contribution(data: Mapping[str, Any] | None, branch: str | None, team: str | None) -> Contribution:
    """What one opportunity (as the API shows it) adds: funnel in its creation month; when won, the won
    amount per branch and its sales cycle (lead created, else opportunity created -> closed) in the
    month it closed."""
    cells: Contribution = {}
    if data is None:
        return cells
    dims = _dimensions(data, branch, team)
    stage, status = data["stage"], data["status"]
    amount = Decimal(str(data["amount"]["amount"]))
    currency = data["amount"]["currency"]
    funnel: Counters = {counter("count", stage): Decimal(1), counter("amount", stage, currency): amount}
    history = [entry["stage"] for entry in data.get("stage_history") or []]
    for visited in dict.fromkeys(history):
        funnel[counter("reached", visited)] = Decimal(1)
    if status == "lost":
        lost_at = history[-2] if len(history) >= 2 else stage
        funnel[counter("lost-at", lost_at)] = Decimal(1)
        reason = (data.get("lost_reason") or "").strip()[:LOST_REASON_KEPT]
        funnel[counter("lost-reason", reason)] = Decimal(1)
    _cells(cells, FUNNEL, month_of(data["created_at"]), dims, funnel)
    closed_at = data.get("closed_at")
    if status == "won" and closed_at:
        closed_month = month_of(closed_at)
        won = {counter("won-count", branch): Decimal(1), counter("won-amount", branch, currency): amount}
        _cells(cells, BRANCHES, closed_month, dims, won)
        days = _days_between(data.get("lead_created_at") or data["created_at"], closed_at)
        cycle: Counters = {counter("won", "all"): Decimal(1), counter("days", "all"): days}
        for grouping, value in (("business-line", dims["business-line"]), ("owner", dims["owner"])):
            cycle[counter("won", grouping, value)] = Decimal(1)
            cycle[counter("days", grouping, value)] = days
        _cells(cells, SALES_CYCLE, closed_month, dims, cycle)
    return cells


def lead_contribution(data: Mapping[str, Any] | None, team: str | None) -> Contribution:
    """What one lead adds, in its creation month: one lead (converted or not) per region, one new lead per branch."""
    cells: Contribution = {}
    if data is None:
        return cells
    branch = data.get("branch")
    dims = _dimensions(data, branch, team)
    month = month_of(data["created_at"])
    region = data.get("region")
    conversion: Counters = {counter("leads", region): Decimal(1)}
    if data.get("status") == "converted":
        conversion[counter("converted", region)] = Decimal(1)
    _cells(cells, LEAD_CONVERSION, month, dims, conversion)
    _cells(cells, BRANCHES, month, dims, {counter("new-leads", branch): Decimal(1)})
    return cells


def contribution_delta(old: Contribution, new: Contribution) -> Contribution:
    """new - old, per cell and counter, without the counters that do not move."""
    delta: Contribution = {}
    for cell in old.keys() | new.keys():
        before, after = old.get(cell, {}), new.get(cell, {})
        moves = {
            name: after.get(name, Decimal(0)) - before.get(name, Decimal(0)) for name in before.keys() | after.keys()
        }
        moves = {name: value for name, value in moves.items() if value != 0}
        if moves:
            delta[cell] = moves
    return delta


# A transaction writes the state item plus the cells a change leaves and enters: a contribution has at most
# 3 (rollup, month) pairs x 5 partitions x 3 calendar buckets = 45 cells, so at most 91 items (an owner,
# team, business line, branch and closing month all changed at once), within the 100 allowed.
def roll_up(change: EntityChange, store: RollupStore, account_branch: AccountBranch) -> bool:
    """Brings the rollups up to this change of an opportunity or lead; False when there was nothing to do
    (another type, a redelivered or an out-of-date change)."""
    after = change.after
    if change.audited.type not in ROLLED_UP_TYPES or after is None:
        return False
    entity_type = change.audited.type
    live = after.data if after.deleted_at is None else None
    team = audience_team(after.audience) if after.audience else None
    for _ in range(3):
        previous = store.state(change.tenant_id, entity_type, change.entity_id)
        if previous is not None and previous.version >= after.version:
            return False
        if entity_type == "opportunity":
            branch = account_branch(change.tenant_id, live["account_id"]) if live else None
            contribution = opportunity_contribution(live, branch, team)
        else:
            contribution = lead_contribution(live, team)
        delta = contribution_delta(previous.contribution if previous else {}, contribution)
        new = RollupState(after.version, contribution)
        if store.replace(change.tenant_id, entity_type, change.entity_id, previous, new, delta):
            return True
    raise RollupConflict(f"The rollup state of {entity_type} {change.entity_id} kept changing.")


def contribution_to_json(contribution: Contribution) -> list[list[Any]]:
    return [
        [partition, month, {name: str(value) for name, value in counters.items()}]
        for (partition, month), counters in sorted(contribution.items())
    ]


def contribution_from_json(rows: Iterable[list[Any]]) -> Contribution:
    return {
        (partition, month): {name: Decimal(value) for name, value in counters.items()}
        for partition, month, counters in rows
    }
