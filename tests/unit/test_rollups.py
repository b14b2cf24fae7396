"""Rollup arithmetic: what each record adds, idempotency under redelivery and reordering, and the reports on top."""

from dataclasses import replace
from decimal import Decimal

import pytest

from servicejob.auth.permissions import Permission, Role
from servicejob.domain import reports
from servicejob.domain.rollups import (
    RollupConflict,
    buckets_covering,
    buckets_of,
    contribution_delta,
    contribution_from_json,
    contribution_to_json,
    counter,
    counter_parts,
    opportunity_contribution,
    partition_name,
    roll_up,
)
from servicejob.domain.sales_stages import DEFAULT_STAGES, SalesStages
from servicejob.errors import Forbidden, ValidationFailed
from tests.unit.conftest import api_key_context, user_context
from tests.unit.rollup_fakes import InMemoryRollups, change

BRANCHES = {"ACC-CENTRAL": "Central", "ACC-KOWLOON": "Kowloon"}
QUERY = reports.ReportQuery(from_month="2026-01", to_month="2026-12")


def account_branch(_tenant_id: str, account_id: str) -> str | None:
    return BRANCHES.get(account_id)


class Stages:
    def get_or_create(self, ctx, defaults):
        return SalesStages(stages=DEFAULT_STAGES, version=1, updated_at="2026-01-01T00:00:00.000Z", updated_by="x")


def opportunity(version: int, *stages: str, **fields) -> dict:
    """An opportunity (as the API shows it) created 2026-03-01 whose history went through `stages`."""
    status = {"won": "won", "lost": "lost"}.get(stages[-1], "open")
    return {
        "id": fields.pop("id", "01J00000000000000000000001"),
        "version": version,
        "name": "Audit",
        "account_id": fields.pop("account_id", "ACC-CENTRAL"),
        "amount": {"amount": fields.pop("amount", "1000.00"), "currency": fields.pop("currency", "HKD")},
        "expected_close_date": "2026-12-31",
        "owner_user_id": fields.pop("owner_user_id", "OWNER-1"),
        "business_line": fields.pop("business_line", "audit"),
        "stage": stages[-1],
        "probability": 10,
        "status": status,
        "stage_history": [
            {"stage": stage, "entered_at": "2026-03-01T00:00:00.000Z", "by": "user:x"} for stage in stages
        ],
        "closed_at": fields.pop("closed_at", "2026-04-11T00:00:00.000Z") if status != "open" else None,
        "created_at": "2026-03-01T00:00:00.000Z",
        "created_by": "user:x",
        "updated_at": "2026-04-11T00:00:00.000Z",
        "updated_by": "user:x",
        **fields,
    }


def lead(version: int, **fields) -> dict:
    return {
        "id": fields.pop("id", "01J00000000000000000000009"),
        "version": version,
        "company_name": "深圳科技",
        "source": "web",
        "status": "new",
        "region": "Hong Kong",
        "owner_user_id": "OWNER-1",
        "created_at": "2026-03-05T00:00:00.000Z",
        "created_by": "user:x",
        "updated_at": "2026-03-05T00:00:00.000Z",
        "updated_by": "user:x",
        **fields,
    }


@pytest.fixture
def rollups():
    return InMemoryRollups()


@pytest.fixture
def partner():
    return user_context(Role.PARTNER, tenant_id="T1")


def apply(rollups, entity_type, data, deleted=False, audience=None):
    return roll_up(change(entity_type, "T1", data, deleted=deleted, audience=audience), rollups, account_branch)


def test_counter_names_survive_separators_and_empty_values():
    name = counter("lost-reason", "price | terms", None)
    assert counter_parts(name) == ["lost-reason", "price | terms", None]


def test_long_filter_values_still_make_a_valid_partition_key():
    long_line = "審" * 200
    name = partition_name("funnel", "business-line", long_line)
    assert len(name.encode()) < 100 and name == partition_name("funnel", "business-line", long_line)
    assert partition_name("funnel", "branch", "Central / 中環") == "funnel#branch#Central%20%2F%20%E4%B8%AD%E7%92%B0"


def test_a_won_opportunity_adds_to_the_funnel_branches_and_sales_cycle(rollups, partner):
    assert apply(rollups, "opportunity", opportunity(4, "lead-in", "qualified", "won", amount="2500.50"))
    funnel = reports.funnel_report(partner, rollups, Stages(), QUERY)
    stages = {stage.key: stage for stage in funnel.stages}
    assert stages["won"].count == 1 and str(stages["won"].amounts[0].amount) == "2500.50"
    assert [stages[key].reached for key in ("lead-in", "qualified", "proposal", "won")] == [1, 1, 0, 1]
    assert stages["lead-in"].conversion_to_next == 1.0 and stages["qualified"].conversion_to_next == 0.0
    cycle = reports.sales_cycle_report(partner, rollups, QUERY)
    assert cycle.overall.won == 1 and cycle.overall.average_days == 41.0  # 1 March -> 11 April
    assert [(row.business_line, row.won) for row in cycle.by_business_line] == [("audit", 1)]
    branches = reports.branch_report(partner, rollups, QUERY)
    assert [(row.branch, row.current.won_count) for row in branches.branches] == [("Central", 1)]


def test_the_sales_cycle_starts_at_the_lead_when_the_opportunity_came_from_one(rollups, partner):
    apply(rollups, "opportunity", opportunity(3, "lead-in", "won", lead_created_at="2026-02-09T00:00:00.000Z"))
    assert reports.sales_cycle_report(partner, rollups, QUERY).overall.average_days == 61.0


def test_redelivered_and_out_of_order_changes_leave_the_latest_version_counted_once(rollups, partner):
    v1 = opportunity(1, "lead-in")
    v2 = opportunity(2, "lead-in", "qualified")
    v3 = opportunity(3, "lead-in", "qualified", "lost", lost_reason="Price")
    assert apply(rollups, "opportunity", v1) and apply(rollups, "opportunity", v3)
    # v2 arrives late, v3 and v1 are redelivered: nothing changes
    assert not apply(rollups, "opportunity", v2)
    assert not apply(rollups, "opportunity", v3)
    assert not apply(rollups, "opportunity", v1)
    funnel = reports.funnel_report(partner, rollups, Stages(), QUERY)
    stages = {stage.key: stage for stage in funnel.stages}
    assert funnel.opportunities == 1
    assert (stages["lead-in"].count, stages["lost"].count, stages["qualified"].lost_here) == (0, 1, 1)
    assert [(row.reason, row.count) for row in funnel.lost_reasons] == [("Price", 1)]


def test_reordering_never_double_counts_whatever_the_delivery_order():
    versions = [
        opportunity(1, "lead-in"),
        opportunity(2, "lead-in", "qualified"),
        opportunity(3, "lead-in", "qualified", "won", amount="700.00"),
        opportunity(4, "lead-in", "qualified", "won", amount="900.00"),
    ]
    orders = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [0, 2, 2, 1, 3, 3, 0]]
    results = []
    for order in orders:
        store = InMemoryRollups()
        for index in order:
            apply(store, "opportunity", versions[index])
        # counters a path passed through and undid read 0, as absent ones do
        results.append({key: {name: value for name, value in c.items() if value} for key, c in store.items.items()})
    assert all(result == results[0] for result in results)
    # ...and equal to the last version's contribution alone
    assert results[0][("T1", "branches", "2026-04")][counter("won-amount", "Central", "HKD")] == Decimal("900.00")


def test_deleting_removes_the_record_from_every_rollup(rollups, partner):
    apply(rollups, "opportunity", opportunity(2, "lead-in", "won"))
    apply(rollups, "lead", lead(1))
    apply(rollups, "opportunity", opportunity(3, "lead-in", "won"), deleted=True)
    apply(rollups, "lead", lead(2), deleted=True)
    assert all(value == 0 for counters in rollups.items.values() for value in counters.values())
    # ...and a late redelivery of the live version does not bring it back
    assert not apply(rollups, "opportunity", opportunity(2, "lead-in", "won"))


def test_moving_an_opportunity_between_owners_moves_its_figures(rollups, partner):
    apply(rollups, "opportunity", opportunity(1, "lead-in", owner_user_id="ALICE"))
    apply(rollups, "opportunity", opportunity(2, "lead-in", owner_user_id="BOB"))
    alice = reports.ReportQuery(from_month="2026-01", to_month="2026-12", owner_user_id="ALICE")
    bob = alice.model_copy(update={"owner_user_id": "BOB"})
    assert reports.funnel_report(partner, rollups, Stages(), alice).opportunities == 0
    assert reports.funnel_report(partner, rollups, Stages(), bob).opportunities == 1


def test_lead_conversion_and_new_leads_per_branch(rollups, partner):
    apply(rollups, "lead", lead(1, id="L1", region="Hong Kong", branch="Central"))
    apply(rollups, "lead", lead(1, id="L2", region="Hong Kong"))
    apply(rollups, "lead", lead(1, id="L3", region=None))
    apply(rollups, "lead", lead(2, id="L1", region="Hong Kong", branch="Central", status="converted"))
    report = reports.lead_conversion_report(partner, rollups, QUERY)
    assert [(row.region, row.leads, row.converted, row.conversion_rate) for row in report.by_region] == [
        ("Hong Kong", 2, 1, 0.5),
        (None, 1, 0, 0.0),
    ]
    branches = {row.branch: row for row in reports.branch_report(partner, rollups, QUERY).branches}
    assert branches["Central"].current.new_leads == 1 and branches[None].current.new_leads == 2


def test_branch_comparison_sets_the_period_beside_the_same_months_a_year_earlier(rollups, partner):
    apply(rollups, "opportunity", opportunity(2, "lead-in", "won", id="O1", closed_at="2025-04-02T00:00:00.000Z"))
    apply(rollups, "opportunity", opportunity(2, "lead-in", "won", id="O2", account_id="ACC-KOWLOON"))
    report = reports.branch_report(partner, rollups, reports.ReportQuery(from_month="2026-04", to_month="2026-04"))
    assert (report.previous_from, report.previous_to) == ("2025-04", "2025-04")
    rows = {row.branch: row for row in report.branches}
    assert rows["Central"].current.won_count == 0 and rows["Central"].previous_year.won_count == 1
    assert rows["Kowloon"].current.won_count == 1 and rows["Kowloon"].previous_year.won_count == 0


def test_amounts_are_summed_per_currency(rollups, partner):
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O1", amount="10.10"))
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O2", amount="0.20"))
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O3", amount="5", currency="JPY"))
    stage = reports.funnel_report(partner, rollups, Stages(), QUERY).stages[0]
    assert [(str(money.amount), money.currency) for money in stage.amounts] == [("10.30", "HKD"), ("5", "JPY")]


def test_a_lost_race_is_retried_and_a_persistent_one_raises(rollups):
    rollups.lose_next_race = True
    assert apply(rollups, "opportunity", opportunity(1, "lead-in"))

    class AlwaysRaced(InMemoryRollups):
        def replace(self, *args, **kwargs):
            return False

    with pytest.raises(RollupConflict):
        apply(AlwaysRaced(), "opportunity", opportunity(1, "lead-in"))


def test_delta_and_state_serialization():
    old = opportunity_contribution(opportunity(1, "lead-in"), "Central", None)
    new = opportunity_contribution(opportunity(2, "lead-in", "qualified"), "Central", None)
    delta = contribution_delta(old, new)
    assert delta[("funnel", "2026-03")] == {
        counter("count", "lead-in"): -1,
        counter("count", "qualified"): 1,
        counter("amount", "lead-in", "HKD"): Decimal("-1000.00"),
        counter("amount", "qualified", "HKD"): Decimal("1000.00"),
        counter("reached", "qualified"): 1,
    }
    assert contribution_delta(new, new) == {}
    assert contribution_from_json(contribution_to_json(new)) == new


def test_report_scope_defaults_limits_and_permissions(partner):
    rollups = InMemoryRollups()
    scope, partition = reports.resolve_scope(partner, reports.ReportQuery(to_month="2026-03"), "funnel")
    assert (scope.from_month, scope.to_month, partition) == ("2025-04", "2026-03", "funnel")
    with pytest.raises(ValidationFailed) as error:
        reports.resolve_scope(partner, reports.ReportQuery(from_month="2020-01", to_month="2026-01"), "funnel")
    assert error.value.errors[0].field == "from"
    with pytest.raises(ValidationFailed):
        reports.resolve_scope(partner, reports.ReportQuery(from_month="2026-02", to_month="2026-01"), "funnel")
    with pytest.raises(Forbidden):
        reports.funnel_report(user_context(Role.STAFF), rollups, Stages(), QUERY)
    with pytest.raises(Forbidden):
        reports.funnel_report(api_key_context({Permission.OPPORTUNITIES_READ}), rollups, Stages(), QUERY)
    key = api_key_context({Permission.REPORTS_READ})
    assert reports.funnel_report(key, rollups, Stages(), QUERY).opportunities == 0


def test_team_figures_come_from_the_team_partition_kept_from_the_record_audience(rollups, partner):
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O1", owner_user_id="ALICE"), audience="team:audit hk")
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O2", owner_user_id="BOB"), audience="team:audit hk")
    apply(rollups, "opportunity", opportunity(1, "lead-in", id="O3", owner_user_id="CAROL"), audience="user:CAROL")
    apply(rollups, "lead", lead(1, id="L1", branch="Central"), audience="team:audit hk")
    team = QUERY.model_copy(update={"team": "Ａｕｄｉｔ  HK"})  # full-width and spacing: the same team
    assert reports.funnel_report(partner, rollups, Stages(), team).opportunities == 2
    assert reports.funnel_report(partner, rollups, Stages(), QUERY).opportunities == 3
    assert reports.branch_report(partner, rollups, team).branches[0].current.new_leads == 1
    # An owner without a team adds to no team partition: only to the firm's and their own.
    assert not any(partition.startswith("funnel#team#") for (_, partition, _) in rollups.items if "CAROL" in partition)
    assert {partition for (_, partition, _) in rollups.items if partition.startswith("funnel#team#")} == {
        "funnel#team#audit%20hk"
    }


def test_a_record_changing_team_moves_its_figures_with_its_next_version(rollups, partner):
    apply(rollups, "opportunity", opportunity(1, "lead-in"), audience="team:audit hk")
    apply(rollups, "opportunity", opportunity(2, "lead-in", "qualified"), audience="team:tax")
    audit, tax = (QUERY.model_copy(update={"team": name}) for name in ("audit hk", "tax"))
    assert reports.funnel_report(partner, rollups, Stages(), audit).opportunities == 0
    assert reports.funnel_report(partner, rollups, Stages(), tax).opportunities == 1


def test_managers_and_sales_read_their_team_figures_or_their_own_and_nothing_else():
    for role in (Role.MANAGER, Role.SALES):
        member = replace(user_context(role, tenant_id="T1"), team="Audit HK")
        scope, partition = reports.resolve_scope(member, reports.ReportQuery(), "funnel")
        assert partition == "funnel#team#audit%20hk" and scope.filter.team == "Audit HK"
        _, partition = reports.resolve_scope(member, reports.ReportQuery(team="audit hk"), "funnel")
        assert partition == "funnel#team#audit%20hk"
        _, partition = reports.resolve_scope(member, reports.ReportQuery(owner_user_id=member.principal_id), "funnel")
        assert partition == f"funnel#owner#{member.principal_id}"
        for refused in (
            reports.ReportQuery(team="Tax"),
            reports.ReportQuery(owner_user_id="SOMEONE-ELSE"),
            reports.ReportQuery(business_line="audit"),
            reports.ReportQuery(branch="Central"),
        ):
            with pytest.raises(Forbidden):
                reports.resolve_scope(member, refused, "funnel")
        loner = user_context(role, tenant_id="T1")
        _, partition = reports.resolve_scope(loner, reports.ReportQuery(), "funnel")
        assert partition == f"funnel#owner#{loner.principal_id}"
        with pytest.raises(Forbidden):
            reports.resolve_scope(loner, reports.ReportQuery(team="Audit HK"), "funnel")


def test_firm_wide_readers_filter_by_any_one_team():
    for ctx in (user_context(Role.FINANCE, tenant_id="T1"), api_key_context({Permission.REPORTS_READ})):
        _, partition = reports.resolve_scope(ctx, reports.ReportQuery(team="Tax"), "branches")
        assert partition == "branches#team#tax"
    with pytest.raises(ValidationFailed) as error:
        reports.resolve_scope(
            user_context(Role.OWNER), reports.ReportQuery(team="Tax", owner_user_id="ALICE"), "funnel"
        )
    assert error.value.errors[0].field == "team"


def test_the_fewest_calendar_buckets_cover_a_range_exactly():
    assert buckets_covering("2026-01", "2026-12") == ["Y2026"]
    assert buckets_covering("2025-02", "2026-01") == ["2025-02", "2025-03", "Q2025-2", "Q2025-3", "Q2025-4", "2026-01"]
    assert buckets_covering("2021-01", "2025-12") == ["Y2021", "Y2022", "Y2023", "Y2024", "Y2025"]
    assert buckets_covering("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert buckets_of("2026-12") == ("2026-12", "Q2026-4", "Y2026")
    # Quarter and year keys sort after every month, so a Query BETWEEN two months finds months only.
    assert not any("2025-01" <= bucket <= "2026-12" for bucket in ("Q2025-3", "Y2026", "Q2026-1"))


def test_a_report_over_any_range_sums_the_same_as_its_months(rollups, partner):
    for number, (created, closed) in enumerate(
        [("2025-11-03", "2026-02-10"), ("2026-01-15", "2026-06-30"), ("2026-05-01", "2026-12-01"), ("2026-12-31", None)]
    ):
        stages = ("lead-in", "won") if closed else ("lead-in",)
        data = opportunity(2, *stages, id=f"O{number}", closed_at=f"{closed}T00:00:00.000Z" if closed else None)
        apply(rollups, "opportunity", data | {"created_at": f"{created}T00:00:00.000Z"})
    for first, last in [("2025-01", "2026-12"), ("2025-11", "2026-10"), ("2026-02", "2026-02"), ("2025-12", "2027-01")]:
        query = reports.ReportQuery(from_month=first, to_month=last)
        by_months = reports._totals(rollups.months(partner, "funnel", first, last))
        assert reports.funnel_report(partner, rollups, Stages(), query).opportunities == sum(
            int(value) for name, value in by_months.items() if name.startswith("count|")
        ), (first, last)
        won = reports._totals(rollups.months(partner, "sales-cycle", first, last)).get(counter("won", "all"), 0)
        assert reports.sales_cycle_report(partner, rollups, query).overall.won == won, (first, last)
    everything = reports.ReportQuery(from_month="2025-01", to_month="2026-12")
    assert reports.funnel_report(partner, rollups, Stages(), everything).opportunities == 4
    assert reports.sales_cycle_report(partner, rollups, everything).overall.won == 3
