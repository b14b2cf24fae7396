"""Money: a Decimal amount in an ISO 4217 currency, never a float.

On the wire the amount is a decimal string ("12500.50"); integers are accepted on input, JSON numbers with a
fraction are refused because a float may already have lost cents. Amounts carry exactly the currency's minor
unit (HKD 2, JPY 0, BHD 3): more decimals are refused, fewer are padded. Arithmetic rounds half-up to it.

Stored in DynamoDB as one map attribute {amount: S, currency: S} (`model_dump(mode="json")`), so a stored
amount is the exact string the API returned and never goes through a DynamoDB Number.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from iso4217 import Currency
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,4})?$"


def _decimal_amount(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError('give the amount as a decimal string, e.g. "1250.50", not a JSON number with a fraction')
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(AMOUNT_PATTERN, text):
            raise ValueError('must be a decimal string such as "1250.50" (at most 15 digits before the point)')
        try:
            return Decimal(text)
        except InvalidOperation as error:
            raise ValueError("is not a decimal number") from error
    raise ValueError("must be a decimal string")


Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal_amount),
    PlainSerializer(lambda amount: str(amount), return_type=str),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["1250.50"]}),
]


def minor_unit(currency: str) -> int:
    """Decimals of the currency's minor unit; currencies without one (gold, SDR) are refused."""
    try:
        exponent = Currency(currency).exponent
    except ValueError as error:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code") from error
    if exponent is None:
        raise ValueError(f"{currency} has no minor unit and cannot be used for amounts")
    return exponent


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Amount = Field(description="Decimal string with at most the currency's minor-unit decimals")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. HKD")

    @model_validator(mode="after")
    def _fits_the_currency(self) -> "Money":
        decimals = minor_unit(self.currency)
        exponent = self.amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > decimals:
            raise ValueError(f"{self.currency} amounts have at most {decimals} decimals")
        # Canonical form: exactly the minor unit's decimals ("100" HKD → "100.00").
        object.__setattr__(self, "amount", self.amount.quantize(Decimal(1).scaleb(-decimals)))
        return self

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> "Money":
        """Rounds half-up to the currency's minor unit (for computed amounts; inputs are validated instead)."""
        decimals = minor_unit(currency)
        rounded = Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return cls(amount=rounded, currency=currency)

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money.of(self.amount + other.amount, self.currency)

    def times(self, factor: Decimal | int) -> "Money":
        """This amount multiplied (hours x rate, a discount), rounded half-up to the minor unit."""
        if isinstance(factor, float):
            raise TypeError("multiply Money by a Decimal, not a float")
        return Money.of(self.amount * Decimal(factor), self.currency)
