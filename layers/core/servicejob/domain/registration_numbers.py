"""Company registration numbers a client account may carry: the HK BR number and the PRC USCC."""

import re

# HK Business Registration: the 8-digit BR number, optionally followed by the 3-digit branch number, or
# the whole certificate number (branch, expiry month and year, check character), e.g. 12345678-000-01-11-1.
_HK_BR_NUMBER = re.compile(r"^\d{8}(-\d{3}(-\d{2}-\d{2}-[0-9A-Z])?)?$")

# GB 32100-2015 unified social credit code: 18 characters from this alphabet (no I, O, S, V, Z), the last
# being a check character over the first 17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, position, 31) for position in range(17)]  # 1, 3, 9, 27, 19, 26, ...
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")


def is_hk_br_number(value: str) -> bool:
    return bool(_HK_BR_NUMBER.fullmatch(value))


def uscc_check_character(first_17: str) -> str:
    """The GB 32100-2015 check character: 31 - (Σ value × weight mod 31), 31 counting as 0."""
    total = sum(
        USCC_ALPHABET.index(character) * weight for character, weight in zip(first_17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_prc_uscc(value: str) -> bool:
    return bool(_USCC_SHAPE.fullmatch(value)) and uscc_check_character(value[:17]) == value[17]
