"""Stage rules: the stages a tenant may configure and what a stage move writes."""

import pytest

from servicejob.domain.opportunities import Opportunity, StageMove, closed_as_won, stage_changes
from servicejob.domain.sales_stages import DEFAULT_STAGES, SalesStages, StageKind, check_stages
from servicejob.errors import ValidationFailed

FUNNEL = SalesStages(stages=DEFAULT_STAGES, version=1, updated_at="2026-01-01T00:00:00Z", updated_by="system:x")


def opportunity(**fields):
    return Opportunity.model_validate(
        {
            "id": "01J00000000000000000000000",
            "version": 3,
            "name": "審計",
            "account_id": "01J00000000000000000000001",
            "amount": {"amount": "10", "currency": "HKD"},
            "expected_close_date": "2027-01-01",
            "stage": "proposal",
            "probability": 50,
            "status": "open",
            "stage_history": [{"stage": "proposal", "entered_at": "2026-01-01T00:00:00Z", "by": "user:a"}],
            "created_at": "2026-01-01T00:00:00Z",
            "created_by": "user:a",
            "updated_at": "2026-01-01T00:00:00Z",
            "updated_by": "user:a",
            **fields,
        }
    )


def invalid_fields(call):
    with pytest.raises(ValidationFailed) as raised:
        call()
    return {error.field for error in raised.value.errors}


def test_the_default_stages_are_valid():
    # Given the default funnel / When checked / Then nothing is raised
    check_stages(DEFAULT_STAGES)


@pytest.mark.parametrize(
    ("kinds", "expected_message"),
    [
        ([StageKind.OPEN, StageKind.WON, StageKind.WON, StageKind.LOST], "Exactly one stage must be of kind won."),
        ([StageKind.OPEN, StageKind.WON, StageKind.OPEN], "At least one stage must be of kind lost."),
        ([StageKind.LOST, StageKind.WON, StageKind.LOST], "At least one stage must be open."),
    ],
)
def test_stage_sets_without_one_won_a_lost_and_an_open_stage_are_refused(kinds, expected_message):
    # Given stages of the given kinds
    stages = [DEFAULT_STAGES[0].model_copy(update={"key": f"s{i}", "kind": kind}) for i, kind in enumerate(kinds)]
    # When checked / Then the problem is named
    with pytest.raises(ValidationFailed) as raised:
        check_stages(stages)
    assert expected_message in [error.message for error in raised.value.errors]


def test_a_move_appends_history_and_takes_the_stage_probability():
    # Given an open opportunity in proposal / When moved to negotiation
    changes = stage_changes(opportunity(), FUNNEL, StageMove(stage="negotiation"), "user:b", "2026-02-01T00:00:00Z")
    # Then stage, probability and history follow and it stays open
    assert (changes["stage"], changes["probability"], changes["status"], changes["closed_at"]) == (
        "negotiation",
        75,
        "open",
        None,
    )
    assert changes["stage_history"][-1] == {
        "stage": "negotiation",
        "entered_at": "2026-02-01T00:00:00Z",
        "by": "user:b",
    }


def test_closing_as_lost_needs_a_reason_and_sets_closed_at():
    # Given an open opportunity
    current = opportunity()
    # When closed as lost without a reason / Then lost_reason is named
    assert invalid_fields(lambda: stage_changes(current, FUNNEL, StageMove(stage="lost"), "user:b", "t")) == {
        "lost_reason"
    }
    # When closed as lost with a reason / Then it is closed, probability 0
    changes = stage_changes(current, FUNNEL, StageMove(stage="lost", lost_reason="預算不足"), "user:b", "t1")
    assert (changes["status"], changes["probability"], changes["closed_at"], changes["lost_reason"]) == (
        "lost",
        0,
        "t1",
        "預算不足",
    )


def test_a_closed_opportunity_moves_only_when_reopened_and_unknown_or_same_stages_are_refused():
    # Given a won opportunity
    won = opportunity(stage="won", status="won", probability=100, closed_at="t0")
    # When moved without reopen / Then reopen is named; with reopen it is open again
    assert invalid_fields(lambda: stage_changes(won, FUNNEL, StageMove(stage="proposal"), "user:b", "t")) == {"reopen"}
    reopened = stage_changes(won, FUNNEL, StageMove(stage="proposal", reopen=True), "user:b", "t")
    assert (reopened["status"], reopened["closed_at"]) == ("open", None)
    # And an unknown stage or the current stage is refused naming stage
    assert invalid_fields(lambda: stage_changes(opportunity(), FUNNEL, StageMove(stage="nope"), "u", "t")) == {"stage"}
    assert invalid_fields(lambda: stage_changes(opportunity(), FUNNEL, StageMove(stage="proposal"), "u", "t")) == {
        "stage"
    }


def test_history_is_capped_to_the_newest_entries():
    # Given an opportunity with 100 history entries
    history = [{"stage": "proposal", "entered_at": f"t{i}", "by": "u"} for i in range(100)]
    # When moved once more
    changes = stage_changes(opportunity(stage_history=history), FUNNEL, StageMove(stage="qualified"), "u", "new")
    # Then the oldest entry is dropped and the newest kept
    assert len(changes["stage_history"]) == 100
    assert (changes["stage_history"][0]["entered_at"], changes["stage_history"][-1]["entered_at"]) == ("t1", "new")


def test_won_is_reached_once():
    # Given before/after data of writes / Then only the write that makes it won reaches the milestone
    assert closed_as_won({"status": "open"}, {"status": "won"})
    assert closed_as_won(None, {"status": "won"})
    assert not closed_as_won({"status": "won"}, {"status": "won"})
    assert not closed_as_won({"status": "open"}, {"status": "lost"})
    assert not closed_as_won({"status": "won"}, None)
