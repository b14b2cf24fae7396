"""Customer value scorecard: settings rules, weighted scores with half-up rounding, tiers, re-scoring pages."""

from decimal import Decimal

import pytest

from servicejob.domain.scorecard import (
    DEFAULT_SETTINGS,
    AccountScorecard,
    Recalculation,
    RecalculationStatus,
    ScorecardFactor,
    ScorecardSettings,
    ScorecardSettingsInput,
    Tier,
    TierThresholds,
    check_settings,
    recalculate_page,
    scorecard_for,
    tier_of,
    weighted_score,
)
from servicejob.errors import ValidationFailed, VersionConflict
from servicejob.tenancy.context import system_context


def factor(key: str, weight: int) -> ScorecardFactor:
    return ScorecardFactor(key=key, label_en=key, label_zh_hant=key, label_zh_hans=key, weight=weight)


TIERS = TierThresholds(A=Decimal(80), B=Decimal(60), C=Decimal(40))


def field_errors(error: ValidationFailed) -> dict[str, str]:
    return {item.field: item.message for item in error.errors}


def test_default_settings_are_valid():
    check_settings(DEFAULT_SETTINGS)


@pytest.mark.parametrize(
    ("weights", "message"),
    [((50, 40), "they sum to 90"), ((60, 50), "they sum to 110"), ((100,), None), ((33, 33, 34), None)],
)
def test_weights_must_sum_to_100(weights, message):
    settings = ScorecardSettingsInput(factors=[factor(f"f{i}", w) for i, w in enumerate(weights)], tiers=TIERS)
    if message is None:
        check_settings(settings)
        return
    with pytest.raises(ValidationFailed) as raised:
        check_settings(settings)
    assert message in field_errors(raised.value)["factors"]


def test_duplicate_keys_and_unordered_thresholds_name_their_fields():
    settings = ScorecardSettingsInput(
        factors=[factor("a", 50), factor("a", 50)], tiers=TierThresholds(A=Decimal(60), B=Decimal(60), C=Decimal(70))
    )
    with pytest.raises(ValidationFailed) as raised:
        check_settings(settings)
    assert set(field_errors(raised.value)) == {"factors[1].key", "tiers.B", "tiers.C"}


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"a": "10", "b": "10", "c": "10"}, "100.0"),
        ({}, "0.0"),
        ({"a": "7", "b": "5", "c": "9"}, "70.2"),  # (33×7 + 33×5 + 34×9) / 10
        ({"a": "7.5"}, "24.8"),  # 33 × 7.5 / 10 = 24.75 → half-up 24.8
        ({"a": "0.5"}, "1.7"),  # 1.65 → 1.7
        ({"c": "0.1"}, "0.3"),  # 0.34 → 0.3
        ({"unknown": "10"}, "0.0"),  # scores of factors no longer defined do not count
    ],
)
def test_weighted_score_rounds_half_up_to_one_decimal(scores, expected):
    factors = [factor("a", 33), factor("b", 33), factor("c", 34)]
    as_decimals = {key: Decimal(value) for key, value in scores.items()}
    assert weighted_score(factors, as_decimals) == Decimal(expected)


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        ("100", Tier.A),
        ("80", Tier.A),
        ("79.9", Tier.B),
        ("60", Tier.B),
        ("40", Tier.C),
        ("39.9", Tier.D),
        ("0", Tier.D),
    ],
)
def test_tiers_start_at_their_thresholds(score, tier):
    assert tier_of(Decimal(score), TIERS) == tier


def test_an_account_without_scores_has_no_score_or_tier():
    assert scorecard_for(DEFAULT_SETTINGS, {}) == AccountScorecard(scores={}, score=None, tier=None)


# ---- re-scoring -------------------------------------------------------------------------------------
def settings(version: int, weights: tuple[int, int], running: Recalculation | None) -> ScorecardSettings:
    return ScorecardSettings(
        factors=[factor("a", weights[0]), factor("b", weights[1])],
        tiers=TIERS,
        version=version,
        updated_at="2026-12-03T00:00:00Z",
        updated_by="user:U1",
        recalculation=running,
    )


class FakeAccounts:
    def __init__(self, cards: dict[str, AccountScorecard | None], page_size: int):
        self.cards = cards
        self.versions = dict.fromkeys(cards, 1)
        self.page_size = page_size
        self.conflict_once: set[str] = set()
        self.writes: list[str] = []

    def scored_page(self, ctx, limit, start_key):
        ids = sorted(self.cards)
        start = ids.index(start_key["id"]) + 1 if start_key else 0
        chunk = ids[start : start + min(limit, self.page_size)]
        rows = [(account_id, self.versions[account_id], self.cards[account_id]) for account_id in chunk]
        more = start + len(chunk) < len(ids)
        return rows, ({"id": chunk[-1]} if more else None)

    def get_scorecard(self, ctx, account_id):
        return self.cards[account_id], self.versions[account_id]

    def set_scorecard(self, ctx, account_id, card, expected_version):
        if account_id in self.conflict_once:  # someone changed it after the page was read
            self.conflict_once.discard(account_id)
            self.versions[account_id] += 1
            raise VersionConflict("changed", current_version=self.versions[account_id])
        assert expected_version == self.versions[account_id]
        self.cards[account_id], self.versions[account_id] = card, expected_version + 1
        self.writes.append(account_id)


class FakeProgress:
    def __init__(self, current_version: int):
        self.current_version = current_version
        self.saved: list[tuple[Recalculation, dict | None]] = []

    def save_progress(self, ctx, progress, cursor):
        if progress.settings_version != self.current_version:
            return False
        self.saved.append((progress, cursor))
        return True


def test_rescoring_pages_through_accounts_writing_only_changed_ones():
    old = settings(1, (50, 50), None)
    cards = {
        "A1": scorecard_for(old, {"a": Decimal(10), "b": Decimal(0)}),  # 50 → C; with 90/10 → 90 A
        "A2": scorecard_for(old, {"a": Decimal(5), "b": Decimal(5)}),  # 50 → 50: unchanged
        "A3": None,  # never scored
    }
    accounts = FakeAccounts(cards, page_size=2)
    accounts.conflict_once.add("A1")
    running = Recalculation(
        settings_version=2,
        status=RecalculationStatus.RUNNING,
        accounts_processed=0,
        accounts_changed=0,
        started_at="t0",
    )
    new = settings(2, (90, 10), running)
    progress = FakeProgress(current_version=2)
    ctx = system_context("T1", "scorecard-rescoring")

    first = recalculate_page(ctx, progress, accounts, new, None, "t1")
    assert first.status is RecalculationStatus.RUNNING and first.accounts_processed == 2
    second = recalculate_page(
        ctx, progress, accounts, new.model_copy(update={"recalculation": first}), {"id": "A2"}, "t2"
    )

    assert second.status is RecalculationStatus.DONE and second.finished_at == "t2"
    assert (second.accounts_processed, second.accounts_changed) == (3, 1)
    assert accounts.writes == ["A1"]  # re-read after the conflict, then written once
    assert (accounts.cards["A1"].score, accounts.cards["A1"].tier) == (Decimal("90.0"), Tier.A)
    assert [cursor for _, cursor in progress.saved] == [{"id": "A2"}, None]


def test_rescoring_stops_when_newer_settings_superseded_it():
    running = Recalculation(
        settings_version=2, status=RecalculationStatus.RUNNING, accounts_processed=0, accounts_changed=0, started_at="t"
    )
    accounts = FakeAccounts({"A1": None}, page_size=10)
    assert (
        recalculate_page(
            system_context("T1", "x"), FakeProgress(3), accounts, settings(2, (50, 50), running), None, "t"
        )
        is None
    )
