"""Lead assignment rules: first match wins, missing criteria match anything, round robin in order, fallback."""

from collections import Counter

import pytest
from pydantic import ValidationError
from ulid import ULID

from servicejob.auth.permissions import Role
from servicejob.domain.assignment_rules import (
    AssignmentRules,
    AssignmentRulesInput,
    check_assignable,
    matching_rule,
    owner_for,
)
from servicejob.domain.users import User
from servicejob.errors import ValidationFailed


class FakeTurns:
    """An in-memory round-robin counter per rule, as the DynamoDB ADD counter behaves."""

    def __init__(self) -> None:
        self.turns: Counter[str] = Counter()

    def __call__(self, rule_name: str) -> int:
        self.turns[rule_name] += 1
        return self.turns[rule_name]


def rules(*rules: dict, fallback: str = "fallback-user") -> AssignmentRules:
    return AssignmentRules.model_validate(
        AssignmentRulesInput.model_validate({"rules": list(rules), "fallback_user_id": fallback}).model_dump()
    )


def test_first_matching_rule_wins():
    # Given two rules that both match audit leads in Hong Kong
    settings = rules(
        {"name": "hk audit", "business_line": "audit", "region": "Hong Kong", "assign": {"user_id": "alice"}},
        {"name": "audit", "business_line": "audit", "assign": {"user_id": "bob"}},
    )
    # When an audit lead from Hong Kong is assigned / Then the first rule's user gets it
    assert owner_for(settings, "audit", "Hong Kong", FakeTurns()) == "alice"
    # And an audit lead from elsewhere falls through to the second rule
    assert owner_for(settings, "audit", "Shenzhen", FakeTurns()) == "bob"


def test_a_missing_criterion_matches_anything_and_a_set_one_needs_a_value():
    # Given a rule on region only and one on business line only
    settings = rules(
        {"name": "shenzhen", "region": "Shenzhen", "assign": {"user_id": "carol"}},
        {"name": "tax", "business_line": "tax", "assign": {"user_id": "dave"}},
    )
    # Then any business line in Shenzhen goes to carol, case- and width-insensitively
    assert owner_for(settings, "advisory", "shenzhen", FakeTurns()) == "carol"
    assert owner_for(settings, None, "ＳＨＥＮＺＨＥＮ", FakeTurns()) == "carol"
    # And a lead without a region does not match a rule that names one
    assert owner_for(settings, "tax", None, FakeTurns()) == "dave"
    assert matching_rule(settings.rules, None, None) is None


def test_a_rule_without_criteria_matches_every_lead():
    settings = rules({"name": "everyone", "assign": {"user_id": "erin"}})
    assert owner_for(settings, None, None, FakeTurns()) == "erin"
    assert owner_for(settings, "audit", "Macau", FakeTurns()) == "erin"


def test_round_robin_hands_out_turns_in_order_and_wraps():
    # Given a round robin over three users
    settings = rules({"name": "team", "business_line": "audit", "assign": {"round_robin": ["u1", "u2", "u3"]}})
    turns = FakeTurns()
    # When seven matching leads are assigned
    owners = [owner_for(settings, "audit", None, turns) for _ in range(7)]
    # Then they go round in order, and only matching leads take a turn
    assert owners == ["u1", "u2", "u3", "u1", "u2", "u3", "u1"]
    assert owner_for(settings, "tax", None, turns) == "fallback-user"
    assert turns.turns == Counter({"team": 7})


def test_round_robin_counters_are_per_rule():
    settings = rules(
        {"name": "audit team", "business_line": "audit", "assign": {"round_robin": ["a1", "a2"]}},
        {"name": "tax team", "business_line": "tax", "assign": {"round_robin": ["t1", "t2"]}},
    )
    turns = FakeTurns()
    assert [owner_for(settings, line, None, turns) for line in ("audit", "tax", "audit", "tax")] == [
        "a1",
        "t1",
        "a2",
        "t2",
    ]


def test_no_match_goes_to_the_fallback_and_no_rules_at_all_too():
    settings = rules({"name": "audit", "business_line": "audit", "assign": {"user_id": "alice"}})
    assert owner_for(settings, "advisory", None, FakeTurns()) == "fallback-user"
    assert owner_for(rules(), "audit", "Hong Kong", FakeTurns()) == "fallback-user"


def test_a_tenant_that_never_saved_rules_leaves_the_lead_unassigned():
    turns = FakeTurns()
    assert owner_for(AssignmentRules(), "audit", "Hong Kong", turns) is None
    assert not turns.turns


@pytest.mark.parametrize(
    "body",
    [
        {"rules": [{"name": "x", "assign": {}}], "fallback_user_id": "f"},
        {"rules": [{"name": "x", "assign": {"user_id": "a", "round_robin": ["b"]}}], "fallback_user_id": "f"},
        {"rules": [{"name": "x", "assign": {"round_robin": []}}], "fallback_user_id": "f"},
        {"rules": [{"name": "a#b", "assign": {"user_id": "a"}}], "fallback_user_id": "f"},
        {"rules": [{"name": "x", "assign": {"user_id": "a"}}, {"name": "X", "assign": {"user_id": "b"}}]},
        {"rules": [], "fallback_user_id": "f", "tenant_id": "other"},
    ],
)
def test_malformed_rules_are_refused(body):
    with pytest.raises(ValidationError):
        AssignmentRulesInput.model_validate(body)


class Users:
    def __init__(self, *users: User) -> None:
        self._users = {user.id: user for user in users}
        self.lookups = 0

    def find(self, ctx, user_id: str) -> User | None:
        self.lookups += 1
        return self._users.get(user_id)


def user(status: str) -> User:
    now = "2026-01-01T00:00:00Z"
    return User(
        id=str(ULID()),
        email="u@example.com",
        name="U",
        role=Role.SALES,
        status=status,
        locale="en",
        version=1,
        created_at=now,
        updated_at=now,
    )


def test_check_assignable_names_every_bad_field_and_looks_each_user_up_once(user_ctx):
    # Given an active, an invited and a disabled user
    active, invited, disabled = user("active"), user("invited"), user("disabled")
    users = Users(active, invited, disabled)
    # When fields name them, an unknown id, and the active one twice
    with pytest.raises(ValidationFailed) as raised:
        check_assignable(
            user_ctx(Role.OWNER),
            users,
            {
                "fallback_user_id": active.id,
                "rules[0].assign.user_id": invited.id,
                "rules[1].assign.round_robin[0]": disabled.id,
                "rules[1].assign.round_robin[1]": "nobody",
                "rules[2].assign.user_id": active.id,
            },
        )
    # Then the disabled and unknown ones are named, and each id was read once
    assert [error.field for error in raised.value.errors] == [
        "rules[1].assign.round_robin[0]",
        "rules[1].assign.round_robin[1]",
    ]
    assert users.lookups == 4
    # And valid assignees come back by id
    assert check_assignable(user_ctx(Role.OWNER), users, {"owner_user_id": invited.id}) == {invited.id: invited}
