"""Money: decimal strings per ISO 4217 minor unit, floats refused, half-up arithmetic."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from servicejob.money import Money


def test_amount_is_returned_as_a_string_with_the_currencys_decimals():
    # Given amounts in HKD, JPY and BHD / When validated and dumped as JSON
    dumped = [
        Money.model_validate(m).model_dump(mode="json")
        for m in (
            {"amount": "100", "currency": "HKD"},
            {"amount": 5000, "currency": "JPY"},
            {"amount": "1.5", "currency": "BHD"},
        )
    ]
    # Then each amount is a string padded to the minor unit
    assert dumped == [
        {"amount": "100.00", "currency": "HKD"},
        {"amount": "5000", "currency": "JPY"},
        {"amount": "1.500", "currency": "BHD"},
    ]


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("1.005", "HKD"), ("1.5", "JPY"), ("0.0001", "BHD"), (12.5, "HKD"), ("1e3", "HKD"), ("", "HKD"), ("1", "XXZ")],
)
def test_invalid_amounts_and_currencies_are_refused(amount, currency):
    # Given an amount with too many decimals, a float, a non-decimal string or an unknown currency
    # When validated / Then it is refused
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": amount, "currency": currency})


def test_a_float_is_refused_with_a_message_asking_for_a_string():
    # Given a JSON number with a fraction / When validated
    with pytest.raises(ValidationError) as raised:
        Money.model_validate({"amount": 0.1, "currency": "HKD"})
    # Then the message says to send a decimal string
    assert "decimal string" in str(raised.value)


@pytest.mark.parametrize(
    ("amount", "currency", "factor", "expected"),
    [
        ("10.00", "HKD", Decimal("0.125"), "1.25"),  # 1.25 exactly
        ("0.05", "HKD", Decimal("0.5"), "0.03"),  # 0.025 → half-up
        ("-0.05", "HKD", Decimal("0.5"), "-0.03"),  # half away from zero
        ("101", "JPY", Decimal("0.5"), "51"),  # 50.5 → 51
        ("1.000", "BHD", Decimal("0.0005"), "0.001"),  # 0.0005 → 0.001
    ],
)
def test_multiplication_rounds_half_up_to_the_minor_unit(amount, currency, factor, expected):
    # Given an amount / When multiplied by a Decimal factor
    result = Money(amount=amount, currency=currency).times(factor)
    # Then it is rounded half-up to the currency's minor unit
    assert result.model_dump(mode="json") == {"amount": expected, "currency": currency}


def test_addition_keeps_the_currency_and_refuses_mixing_currencies():
    # Given two HKD amounts and a JPY amount
    a, b = Money(amount="0.10", currency="HKD"), Money(amount="0.20", currency="HKD")
    # When added / Then the sum is exact (no float drift), and mixing currencies fails
    assert (a + b).amount == Decimal("0.30")
    with pytest.raises(ValueError, match="cannot add JPY to HKD"):
        a + Money(amount="1", currency="JPY")


def test_multiplying_by_a_float_is_refused():
    # Given money / When multiplied by a float / Then it is refused
    with pytest.raises(TypeError):
        Money(amount="1.00", currency="HKD").times(0.5)
