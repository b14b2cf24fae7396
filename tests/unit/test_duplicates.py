"""Duplicate detection: normalization tables and the finder over a fake match-key index."""

from collections.abc import Sequence

import pytest

from servicejob.domain.duplicates import (
    DuplicateCandidate,
    FileDuplicateFinder,
    ImportedRow,
    IndexedRecord,
    MatchKey,
    MatchKind,
    email_domain,
    find_likely_duplicates,
    match_keys,
    normalize_company_name,
    normalize_hk_br_number,
    normalize_phone,
    normalize_prc_uscc,
    website_domain,
)
from servicejob.tenancy.context import PrincipalKind, TenantContext


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("香港會計師事務所有限公司", "香港会计师事务所"),
        ("香港会计师事务所有限公司", "香港会计师事务所"),  # simplified and traditional meet
        ("香港會計師事務所", "香港会计师事务所"),  # without the legal form
        ("深圳華為技術股份有限公司", "深圳华为技术"),
        ("北京科技有限責任公司", "北京科技"),
        ("ABC Trading Limited", "abctrading"),
        ("ABC Trading Ltd.", "abctrading"),
        ("abc trading co., ltd", "abctrading"),
        ("ABC Trading Company Limited", "abctrading"),
        ("ABC Trading (HK) Ltd", "abctrading"),
        ("ABC Trading (Hong Kong) Limited", "abctrading"),
        ("ＡＢＣ　Ｔｒａｄｉｎｇ　Ｌｉｍｉｔｅｄ", "abctrading"),  # full-width letters and space
        ("ABC Trading Inc.", "abctrading"),
        ("環球貿易（香港）有限公司", "环球贸易"),  # full-width brackets
        ("Limited", "limited"),  # a legal word alone is the name
        ("有限公司", "有限公司"),
        ("  ", None),
        (None, None),
    ],
)
def test_company_names_normalize_across_width_script_case_and_legal_form(name, expected):
    assert normalize_company_name(name) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+852 2345 6789", "23456789"),
        ("(852) 2345-6789", "23456789"),
        ("00852 2345 6789", "23456789"),
        ("2345 6789", "23456789"),
        ("85223456789", "23456789"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("+86 10 1234 5678", "1012345678"),
        ("010-12345678", "1012345678"),
        ("＋８５２ ２３４５ ６７８９", "23456789"),  # full-width digits
        ("+852 2345 6789 x 123", "23456789"),  # extension ignored
        ("86123456", "86123456"),  # an HK number that starts with 86 keeps it
        ("123", None),
        (None, None),
    ],
)
def test_phones_normalize_to_the_national_number(phone, expected):
    assert normalize_phone(phone) == expected


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("Peter@ABC-Trading.com.hk", "abc-trading.com.hk"),
        ("someone@gmail.com", None),
        ("someone@qq.com", None),
        ("someone@163.com", None),
        ("someone@outlook.com", None),
        ("not-an-address", None),
    ],
)
def test_email_domains_ignore_free_mail(email, expected):
    assert email_domain(email) == expected


def test_website_and_email_domains_meet():
    assert website_domain("https://www.abc-trading.com.hk/about") == email_domain("info@abc-trading.com.hk")
    assert website_domain("https://mail.qq.com") == "mail.qq.com" and website_domain("qq.com") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12345678", "12345678"), ("12345678-000", "12345678"), ("12345678-000-01-11-1", "12345678"), ("1234", None)],
)
def test_hk_br_numbers_compare_on_the_8_digit_number(value, expected):
    assert normalize_hk_br_number(value) == expected


def test_prc_uscc_is_upper_cased_without_spaces():
    assert normalize_prc_uscc("91350100m000100y43") == "91350100M000100Y43"
    assert normalize_prc_uscc("9135 0100 M000 100Y 43") == "91350100M000100Y43"
    assert normalize_prc_uscc("913501") is None


def test_match_keys_are_unique_and_strongest_first():
    candidate = DuplicateCandidate(
        name="ABC Trading Ltd",
        phones=["+852 2345 6789", "23456789"],
        emails=["a@abc.com.hk"],
        website="https://abc.com.hk",
        hk_br_number="12345678-000",
        prc_uscc="91350100M000100Y43",
    )
    assert match_keys(candidate) == [
        MatchKey(MatchKind.PRC_USCC, "91350100M000100Y43"),
        MatchKey(MatchKind.HK_BR_NUMBER, "12345678"),
        MatchKey(MatchKind.NAME, "abctrading"),
        MatchKey(MatchKind.PHONE, "23456789"),
        MatchKey(MatchKind.DOMAIN, "abc.com.hk"),
    ]


class FakeIndex:
    def __init__(self, records: dict[MatchKey, list[IndexedRecord]]):
        self.records = records
        self.queries: list[MatchKey] = []

    def find(self, ctx, key: MatchKey, entity_types: Sequence[str]) -> list[IndexedRecord]:
        self.queries.append(key)
        return [record for record in self.records.get(key, []) if record.entity_type in entity_types]

    def find_many(self, ctx, keys, entity_types: Sequence[str]) -> dict[MatchKey, list[IndexedRecord]]:
        return {key: self.find(ctx, key, entity_types) for key in keys}


CTX = TenantContext(tenant_id="T1", principal_id="U1", kind=PrincipalKind.USER, role="owner")


def test_finder_ranks_by_number_then_strength_of_matches_and_excludes():
    same_name = IndexedRecord("account", "A1", "ABC Trading Limited")
    same_phone_and_br = IndexedRecord("account", "A2", "ABC Holdings")
    lead = IndexedRecord("lead", "L1", "ABC Trading")
    index = FakeIndex(
        {
            MatchKey(MatchKind.NAME, "abctrading"): [same_name, lead],
            MatchKey(MatchKind.PHONE, "23456789"): [same_phone_and_br],
            MatchKey(MatchKind.HK_BR_NUMBER, "12345678"): [same_phone_and_br],
        }
    )
    candidate = DuplicateCandidate(name="ABC Trading 有限公司", phones=["23456789"], hk_br_number="12345678")

    matches = find_likely_duplicates(CTX, index, candidate)

    assert [(match.entity_id, match.matched_on) for match in matches] == [
        ("A2", [MatchKind.HK_BR_NUMBER, MatchKind.PHONE]),
        ("A1", [MatchKind.NAME]),
    ]
    assert len(index.queries) == 3  # one query per key
    assert [m.entity_id for m in find_likely_duplicates(CTX, index, candidate, exclude=["A2"])] == ["A1"]
    both = find_likely_duplicates(CTX, index, candidate, entity_types=("account", "lead"))
    assert {m.entity_id for m in both} == {"A1", "A2", "L1"}


def test_import_rows_are_compared_with_existing_records_and_earlier_rows_each_key_looked_up_once():
    existing = IndexedRecord("account", "A1", "九龍貿易有限公司")
    index = FakeIndex({MatchKey(MatchKind.NAME, "九龙贸易"): [existing]})
    finder = FileDuplicateFinder(CTX, index, ("account",))

    def row(line: int, name: str, phone: str | None = None) -> ImportedRow:
        return ImportedRow(line, name, DuplicateCandidate(name=name, phones=[phone] if phone else []))

    first = finder.check([row(2, "九龙贸易有限公司"), row(3, "Harbour Audit Ltd", "+852 2345 6789")])
    second = finder.check([row(4, "Harbour Audit Limited", "23456789"), row(5, "Unrelated Co")])

    # Simplified characters in the file find the traditional name on record
    assert [(found.line, [m.entity_id for m in found.matches], found.file_rows) for found in first] == [(2, ["A1"], [])]
    # A later row (in a later batch) matching an earlier one, by name and phone
    assert len(second) == 1 and second[0].line == 4 and second[0].matches == []
    assert [(r.line, r.name, r.matched_on) for r in second[0].file_rows] == [
        (3, "Harbour Audit Ltd", [MatchKind.NAME, MatchKind.PHONE])
    ]
    # Each distinct key was queried once, across batches
    assert len(index.queries) == len(set(index.queries)) == 4
