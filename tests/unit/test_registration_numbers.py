"""HK BR numbers and PRC unified social credit codes (GB 32100-2015 check character)."""

import pytest

from servicejob.domain.registration_numbers import USCC_ALPHABET, is_hk_br_number, is_prc_uscc, uscc_check_character


def construct_uscc(first_17: str) -> str:
    """A valid code built by hand from the published algorithm: weights 3^i mod 31, check = 31 - Σ mod 31."""
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first_17, weights, strict=True))
    return first_17 + USCC_ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015 guidance
        construct_uscc("91440300MA5D00001"),
        construct_uscc("12100000400000001"),
        construct_uscc("Y1110000000000000"),  # check value 0 (31 mod 31)
    ],
)
def test_valid_uscc_codes_pass(code):
    # Given a code with a correct check character / Then it is accepted
    assert is_prc_uscc(code)


def test_the_weights_are_powers_of_three_mod_31():
    # Given the same 17 characters / When checked by the module and by hand / Then the check characters agree
    for first_17 in ("91110000600037341", "5231000050000000X"):
        assert uscc_check_character(first_17) == construct_uscc(first_17)[-1]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100M000I00Y43",  # I is not in the alphabet
        "9135A100M000100Y43",  # the division code must be digits
        "",
    ],
)
def test_invalid_uscc_codes_fail(code):
    assert not is_prc_uscc(code)


@pytest.mark.parametrize("number", ["12345678", "12345678-000", "12345678-001-07-26-A", "12345678-000-01-11-1"])
def test_hk_br_numbers_pass(number):
    assert is_hk_br_number(number)


@pytest.mark.parametrize("number", ["1234567", "123456789", "12345678-00", "12345678-000-1", "ABCDEFGH", "12345678 "])
def test_malformed_hk_br_numbers_fail(number):
    assert not is_hk_br_number(number)
