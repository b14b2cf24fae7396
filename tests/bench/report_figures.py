"""The report figures `scripts/bench` prints: funnel report latency with 100,000 opportunities vs 1,000.

Seeding: each tenant's opportunities are synthetic stream changes (created, then moved to a final stage:
open, won or lost with a reason; 12 months, 4 business lines, 5 branches, 20 owners) driven through the
real rollup code (`servicejob.domain.rollups.roll_up`, state and deltas) into an in-memory store with
the DynamoDB repository's semantics; the resulting rollup items are then written to the table. The
opportunity records themselves are not written (a report never reads them) and no API call creates them:
100,000 API calls plus stream processing would take hours on in-process moto and measure the seeding,
not the report. Each account's branch comes from a fixed map instead of an account read.

Measured: GET /v1/reports/funnel over 12 months through the data API function's lambda_handler (REST proxy
event) on in-process moto, unfiltered and filtered by owner, the two tenants alternated call by call;
median latency, and the DynamoDB operations one report costs (one BatchGetItem of the calendar buckets
covering the range: here the year item; see docs/architecture.md, Reports and rollups). Timings are
reported, never asserted.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SIZES = (1_000, 100_000)
WARMUP = 30
ITERATIONS = 300
STAGES = ["lead-in", "qualified", "proposal", "negotiation"]
BUSINESS_LINES = ["audit", "tax", "advisory", "company-secretarial"]
BRANCHES = ["Central", "Kowloon", "Shenzhen", "Guangzhou", "Macau"]
OWNERS = [f"01KAB3M4Y7Q5V8W9X0Z1C2D{index:03d}" for index in range(20)]
LOST_REASONS = ["價格", "Chose a competitor", "No budget", "Timing", "No response"]


def synthetic_opportunity(rng: random.Random, number: int) -> tuple[dict, dict]:
    """(version 1 as created, the final version) of one synthetic opportunity."""
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
    stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    depth = rng.randrange(len(STAGES))
    path = STAGES[: depth + 1]
    outcome = rng.choice(["open", "won", "lost"])
    if outcome != "open":
        path = [*path, outcome]
    closed = created + dt.timedelta(days=rng.randrange(1, 120))
    closed_stamp = closed.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    base = {
        "id": f"OPP{number:023d}",
        "name": "年度審計",
        "account_id": f"ACC{number % len(BRANCHES)}",
        "amount": {"amount": f"{rng.randrange(1_000, 500_000)}.00", "currency": rng.choice(["HKD", "HKD", "CNY"])},
        "expected_close_date": "2026-12-31",
        "owner_user_id": rng.choice(OWNERS),
        "business_line": rng.choice(BUSINESS_LINES),
        "probability": 10,
        "created_at": stamp,
        "created_by": "user:bench",
        "updated_by": "user:bench",
    }
    first = base | {
        "version": 1,
        "stage": "lead-in",
        "status": "open",
        "stage_history": [{"stage": "lead-in", "entered_at": stamp, "by": "user:bench"}],
        "updated_at": stamp,
    }
    final = base | {
        "version": len(path),
        "stage": path[-1],
        "status": outcome,
        "stage_history": [{"stage": stage, "entered_at": stamp, "by": "user:bench"} for stage in path],
        "lost_reason": rng.choice(LOST_REASONS) if outcome == "lost" else None,
        "closed_at": closed_stamp if outcome != "open" else None,
        "updated_at": closed_stamp,
    }
    return first, final


def seed(tenant_id: str, count: int) -> dict[str, Any]:
    """Rolls `count` synthetic opportunities up with the real rollup code, then stores the rollup items."""
    import boto3

    from servicejob.config import get_settings
    from servicejob.dal import keys
    from servicejob.dal.rollups import ROLLUP_TYPE
    from servicejob.domain.rollups import roll_up
    from tests.unit.rollup_fakes import InMemoryRollups, change

    def account_branch(_tenant_id: str, account_id: str) -> str:
        return BRANCHES[int(account_id[3:])]

    rng = random.Random(count)  # noqa: S311 - reproducible synthetic data, not security
    store = InMemoryRollups()
    started = time.perf_counter()
    for number in range(count):
        for version in synthetic_opportunity(rng, number):
            roll_up(change("opportunity", tenant_id, version), store, account_branch)
        del store.states[(tenant_id, "opportunity", f"OPP{number:023d}")]  # done with it: bounds the memory
    rolled_up_s = time.perf_counter() - started
    client = boto3.client("dynamodb", region_name=get_settings().region)
    items = [
        {
            "PK": {"S": keys.rollup_pk(tenant, partition)},
            "SK": {"S": month},
            "type": {"S": ROLLUP_TYPE},
            **{name: {"N": format(value, "f")} for name, value in counters.items() if value != Decimal(0)},
        }
        for (tenant, partition, month), counters in store.items.items()
    ]
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={get_settings().table_name: batch})
    return {"opportunities": count, "rollup_items": len(items), "rollup_seconds": round(rolled_up_s, 1)}


def main() -> None:
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]
    from tests.bench.api_figures import ENVIRONMENT, _integration_conftest

    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import boto3
    from moto import mock_aws

    from functions.api import wiring
    from functions.api.contexts.data import lambda_handler
    from servicejob.config import get_settings
    from servicejob.dal.table_spec import create_table_request

    integration = _integration_conftest()
    get_settings.cache_clear()
    with mock_aws():
        boto3.client("dynamodb", region_name="ap-east-1").create_table(
            **create_table_request(get_settings().table_name)
        )
        wiring.dependencies.cache_clear()
        tenants = {count: integration.ApiClient() for count in SIZES}
        seeded = {count: seed(tenants[count].tenant_id, count) for count in SIZES}
        query = {"from": "2026-01", "to": "2026-12"}

        def report_call(count: int, extra: dict[str, str]):
            api = tenants[count]
            authorizer = {"tenant_id": api.tenant_id, "principal_id": api.principal_id, "kind": "user", "role": "owner"}
            event = integration.rest_event("GET", "/v1/reports/funnel", query=query | extra, authorizer=authorizer)
            context = integration.LambdaContextStub()
            return lambda: lambda_handler(event, context)

        figures: dict[str, Any] = {}
        for label, extra in (("unfiltered", {}), ("by_owner", {"owner_user_id": OWNERS[3]})):
            small, large = report_call(SIZES[0], extra), report_call(SIZES[1], extra)
            for count, call in ((SIZES[0], small), (SIZES[1], large)):
                body = json.loads(call()["body"])
                assert body["opportunities"] > 0, body
                seeded[count][f"opportunities_in_{label}_report"] = body["opportunities"]
            small_us, large_us = _interleaved_medians_us(small, large)
            figures[label] = {
                f"median_ms_{SIZES[0]}": round(small_us / 1000, 2),
                f"median_ms_{SIZES[1]}": round(large_us / 1000, 2),
                "ratio": round(large_us / small_us, 3),
            }
        counter = integration.DYNAMODB_CALLS
        counter.reset()
        counter.active = True
        report_call(SIZES[1], {})()
        counter.active = False
        calls = dict(counter.calls)
        wiring.dependencies.cache_clear()
    print(
        json.dumps(
            {
                "funnel_report_latency_ratio": figures["unfiltered"]["ratio"],
                "funnel_report_by_owner_latency_ratio": figures["by_owner"]["ratio"],
                "funnel_report_latency_target": 1.2,
                "funnel_report": figures | {"iterations": ITERATIONS, "months": 12},
                "funnel_report_dynamodb_operations": calls,
                "seeded": seeded,
                "seeding": "synthetic opportunity stream changes (created + final stage) driven through the real "
                "rollup code into an in-memory store, rollup items then written to moto; no API calls, the "
                "opportunity records themselves not stored (reports never read them)",
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def _interleaved_medians_us(first, second) -> tuple[float, float]:
    for _ in range(WARMUP):
        first()
        second()
    first_samples, second_samples = [], []
    for _ in range(ITERATIONS):
        started = time.perf_counter_ns()
        first()
        middle = time.perf_counter_ns()
        second()
        second_samples.append(time.perf_counter_ns() - middle)
        first_samples.append(middle - started)
    return statistics.median(first_samples) / 1000, statistics.median(second_samples) / 1000


if __name__ == "__main__":
    main()
