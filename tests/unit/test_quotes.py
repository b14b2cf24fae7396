"""Quote arithmetic (half-up at each documented step) and the versioning rules, without AWS."""

from decimal import Decimal

import pytest

from servicejob.auth.permissions import Role
from servicejob.dal.pagination import Page
from servicejob.domain.opportunities import Opportunity
from servicejob.domain.quotes import (
    Quote,
    QuoteInput,
    QuoteLineInput,
    QuotePatch,
    QuoteSeries,
    QuoteSettings,
    create_version,
    priced_lines,
    quote_changes,
    quote_number,
    quote_totals,
    reached_accepted,
)
from servicejob.errors import Conflict, Forbidden, ValidationFailed
from tests.unit.conftest import user_context

OPPORTUNITY_ID = "01J00000000000000000000000"


def line(quantity="1", rate="100", discount="0", kind="hours"):
    return QuoteLineInput(description="審計", kind=kind, quantity=quantity, unit_rate=rate, discount_percent=discount)


def totals(lines, tax="0", currency="HKD"):
    return quote_totals(priced_lines(lines, currency), Decimal(tax), currency)


def test_line_amount_and_discount_round_half_up_each_to_the_minor_unit():
    # Given 0.25 h at 0.10 = 0.025 and a 50% discount of 0.03 = 0.015
    priced = priced_lines([line("0.25", "0.10", "50")], "HKD")[0]
    # Then the amount rounds half-up to 0.03 and the discount on the rounded amount to 0.02
    assert (priced.amount, priced.discount, priced.net) == (Decimal("0.03"), Decimal("0.02"), Decimal("0.01"))


def test_tax_is_taken_once_on_the_discounted_subtotal():
    # Given lines whose per-line tax would round differently: 3 x 0.05 at 10%
    result = totals([line("1", "0.05")] * 3, tax="10")
    # Then the tax is 10% of 0.15 = 0.015 → 0.02, not 3 x round(0.005) = 0.03
    assert result.subtotal.amount == Decimal("0.15")
    assert result.tax.amount == Decimal("0.02")
    assert result.total.amount == Decimal("0.17")


def test_prc_vat_on_a_discounted_quote():
    result = totals([line("12.5", "1800", "10"), line("1", "5000.55", kind="quantity")], tax="6", currency="CNY")
    assert (result.subtotal.amount, result.discount.amount) == (Decimal("27500.55"), Decimal("2250.00"))
    assert result.tax.amount == Decimal("1515.03")  # 25250.55 x 6% = 1515.033
    assert result.total.amount == Decimal("26765.58")
    assert result.total.currency == "CNY"


def test_currencies_without_decimals_round_to_whole_units():
    # 2.5 x 333 JPY = 832.5 → 833
    assert priced_lines([line("2.5", "333")], "JPY")[0].amount == Decimal("833")


def test_a_rate_finer_than_the_currency_is_refused_naming_the_line():
    with pytest.raises(ValidationFailed) as raised:
        priced_lines([line(), line(rate="10.5")], "JPY")
    assert [error.field for error in raised.value.errors] == ["lines[1].unit_rate"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "0"), ("quantity", 1.5), ("quantity", "1.234"), ("discount_percent", "100.5"), ("unit_rate", "-1")],
)
def test_invalid_line_values_are_refused(field, value):
    with pytest.raises(ValueError):
        QuoteLineInput.model_validate(
            {"description": "x", "kind": "hours", "quantity": "1", "unit_rate": "1", field: value}
        )


def test_quote_numbers_are_zero_padded_per_year():
    assert quote_number(2026, 7) == "Q-2026-0007"


def quote(**fields):
    lines = priced_lines([line("2", "100")], "HKD")
    return Quote.model_validate(
        {
            "id": "01J00000000000000000000001",
            "version": 2,
            "number": "Q-2026-0001",
            "revision": 1,
            "opportunity_id": OPPORTUNITY_ID,
            "account_id": "01J00000000000000000000002",
            "status": "draft",
            "currency": "HKD",
            "lines": [item.model_dump(mode="json") for item in lines],
            "tax_rate_percent": "0",
            **totals([line("2", "100")]).model_dump(mode="json"),
            "valid_until": "2027-01-31",
            "language": "zh-Hant",
            "created_at": "2026-01-01T00:00:00Z",
            "created_by": "user:a",
            "updated_at": "2026-01-01T00:00:00Z",
            "updated_by": "user:a",
            **fields,
        }
    )


def test_a_superseded_version_is_read_only():
    with pytest.raises(Conflict):
        quote_changes(quote(superseded_by="01J00000000000000000000009"), QuotePatch(status="sent"))


@pytest.mark.parametrize("status", ["accepted", "rejected"])
def test_a_decided_quote_is_read_only(status):
    with pytest.raises(Conflict):
        quote_changes(quote(status=status), QuotePatch(notes="x"))


def test_a_sent_quote_takes_its_decision_but_no_content_change():
    assert quote_changes(quote(status="sent"), QuotePatch(status="accepted")) == {"status": "accepted"}
    with pytest.raises(Conflict):
        quote_changes(quote(status="sent"), QuotePatch(tax_rate_percent="6"))
    with pytest.raises(ValidationFailed):
        quote_changes(quote(status="sent"), QuotePatch(status="draft"))


def test_a_new_tax_rate_on_a_draft_reprices_the_kept_lines():
    changes = quote_changes(quote(), QuotePatch(tax_rate_percent="6"))
    assert changes["tax"] == {"amount": "12.00", "currency": "HKD"}
    assert changes["total"]["amount"] == "212.00"
    assert changes["lines"][0]["amount"] == "200.00"


def test_accepting_publishes_the_milestone_once():
    assert reached_accepted({"status": "sent"}, {"status": "accepted"})
    assert not reached_accepted({"status": "accepted"}, {"status": "accepted"})


class FakeQuotes:
    def __init__(self, latest: Quote | None = None):
        self.latest = latest
        self.added: list[tuple[dict, Quote | None]] = []

    def get(self, ctx, quote_id):
        assert self.latest is not None and quote_id == self.latest.id
        return self.latest

    def series(self, ctx, opportunity_id):
        if self.latest is None:
            return None
        return QuoteSeries(number=self.latest.number, revision=self.latest.revision, latest_quote_id=self.latest.id)

    def next_number(self, ctx, year):
        return 42

    def add_version(self, ctx, quote_id, fields, previous):
        self.added.append((dict(fields), previous))
        return fields

    def update(self, ctx, quote_id, changes, expected_version):  # pragma: no cover - not used here
        raise AssertionError

    def list(self, ctx, opportunity_id, limit, cursor):  # pragma: no cover - not used here
        return Page([], None)


class FakeOpportunities:
    def get(self, ctx, opportunity_id):
        return Opportunity.model_validate(
            {
                "id": opportunity_id,
                "version": 1,
                "name": "審計",
                "account_id": "01J00000000000000000000002",
                "amount": {"amount": "10", "currency": "HKD"},
                "expected_close_date": "2027-01-01",
                "stage": "proposal",
                "probability": 50,
                "status": "open",
                "stage_history": [],
                "created_at": "x",
                "created_by": "x",
                "updated_at": "x",
                "updated_by": "x",
            }
        )


class FakeQuoteSettings:
    def __init__(self, default_tax_rate_percent: str = "0"):
        self.settings = QuoteSettings(
            default_tax_rate_percent=default_tax_rate_percent, version=1, updated_at="x", updated_by="x"
        )

    def get_or_create(self, ctx, defaults):
        return self.settings


def test_the_first_version_takes_a_new_number_and_the_callers_language():
    quotes = FakeQuotes()
    ctx = user_context(Role.SALES)
    fields = create_version(
        ctx, quotes, FakeOpportunities(), FakeQuoteSettings(), OPPORTUNITY_ID, QuoteInput(lines=[line()])
    )
    assert fields["revision"] == 1
    assert fields["number"].endswith("-0042")
    assert fields["language"] == "en"
    assert quotes.added[0][1] is None


def test_the_next_version_copies_lines_and_terms_unless_replaced():
    previous = quote(tax_rate_percent="6", notes="首輪")
    quotes = FakeQuotes(previous)
    ctx = user_context(Role.SALES)
    fields = create_version(
        ctx, quotes, FakeOpportunities(), FakeQuoteSettings(), OPPORTUNITY_ID, QuoteInput(valid_until="2027-02-28")
    )
    assert (fields["revision"], fields["number"]) == (2, "Q-2026-0001")
    assert (fields["tax_rate_percent"], fields["notes"], fields["language"]) == ("6", "首輪", "zh-Hant")
    assert fields["valid_until"] == "2027-02-28"
    assert fields["lines"] == [item.model_dump(mode="json") for item in previous.lines]
    assert quotes.added[0][1] is previous


def test_staff_cannot_create_quotes():
    with pytest.raises(Forbidden):
        create_version(
            user_context(Role.STAFF),
            FakeQuotes(),
            FakeOpportunities(),
            FakeQuoteSettings(),
            OPPORTUNITY_ID,
            QuoteInput(),
        )


def test_the_pdf_font_faces_are_the_regional_noto_sans_cjk_faces():
    from fontTools.ttLib import TTCollection

    from servicejob.documents.quote_pdf import FONT_FACES, font_path

    collection = TTCollection(font_path(), lazy=True)
    names = {language: collection.fonts[face]["name"].getDebugName(4) for language, face in FONT_FACES.items()}
    assert names == {"en": "Noto Sans CJK TC", "zh-Hant": "Noto Sans CJK TC", "zh-Hans": "Noto Sans CJK SC"}
    # And the font is under the SIL Open Font License, so it may be embedded and shipped in the layer
    assert "SIL Open Font License" in collection.fonts[FONT_FACES["en"]]["name"].getDebugName(13)


def test_every_pdf_language_has_every_label():
    from servicejob.documents.quote_pdf import LABELS

    assert set(LABELS) == {"en", "zh-Hant", "zh-Hans"}
    assert LABELS["en"].keys() == LABELS["zh-Hant"].keys() == LABELS["zh-Hans"].keys()


def test_a_first_version_without_a_tax_rate_takes_the_tenants_default_and_a_later_one_its_predecessors():
    ctx = user_context(Role.SALES)
    vat = FakeQuoteSettings("6")
    first = create_version(ctx, FakeQuotes(), FakeOpportunities(), vat, OPPORTUNITY_ID, QuoteInput(lines=[line()]))
    assert first["tax_rate_percent"] == "6"
    given = QuoteInput(lines=[line()], tax_rate_percent="0")
    assert create_version(ctx, FakeQuotes(), FakeOpportunities(), vat, OPPORTUNITY_ID, given)["tax_rate_percent"] == "0"
    later = create_version(
        ctx, FakeQuotes(quote(tax_rate_percent="3")), FakeOpportunities(), vat, OPPORTUNITY_ID, QuoteInput()
    )
    assert later["tax_rate_percent"] == "3"
