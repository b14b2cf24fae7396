"""CSV import, pure parts: encodings (real Big5, Big5-HKSCS, GB18030 bytes), column maps, row validation."""

import codecs

import pytest
from ulid import ULID

from servicejob.domain.column_maps import (
    BUILTIN_MAPS,
    IMPORT_FIELDS,
    BuiltinMap,
    ImportEntity,
    ImportMappingInput,
    apply_columns,
    resolve_columns,
)
from servicejob.domain.import_files import FileEncoding, decode, detect_encoding, read_table
from servicejob.domain.import_rows import PreparedRow, RowLookups, import_fields, person_name, validate_row
from servicejob.domain.imports import record_id
from servicejob.domain.sales_stages import DEFAULT_STAGES, SalesStages
from servicejob.errors import ValidationFailed

pytestmark = pytest.mark.unit

HK_TEXT = "公司名稱,聯絡人\n香港會計師事務所有限公司,陳大文\n九龍貿易有限公司,李小明\n"
# 㗎 and 嘅 are Cantonese characters that plain Big5 lacks and Big5-HKSCS has.
HKSCS_TEXT = "公司名稱,備註\n深水埗茶餐廳有限公司,係咪呢間㗎\n旺角嘅士多,老闆姓陳\n"
PRC_TEXT = "公司名称,联系人\n深圳市腾飞科技有限公司,张伟\n广州贸易有限公司,王芳\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HK_TEXT.encode("utf-8"), FileEncoding.UTF8),
        (codecs.BOM_UTF8 + HK_TEXT.encode("utf-8"), FileEncoding.UTF8),
        (HK_TEXT.encode("big5"), FileEncoding.BIG5_HKSCS),
        (HKSCS_TEXT.encode("big5hkscs"), FileEncoding.BIG5_HKSCS),
        (PRC_TEXT.encode("gb18030"), FileEncoding.GB18030),
    ],
)
def test_encodings_are_detected_and_decoded_to_the_same_text(data: bytes, expected: FileEncoding):
    assert detect_encoding(data) is expected
    text, used = decode(data)
    assert used is expected
    assert text in (HK_TEXT, HKSCS_TEXT, PRC_TEXT)  # and no BOM left


def test_hkscs_characters_need_big5_hkscs_and_get_it():
    data = HKSCS_TEXT.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("big5")
    assert decode(data, FileEncoding.BIG5)[0] == HKSCS_TEXT  # "big5" is read as its HKSCS superset


def test_a_named_encoding_that_does_not_fit_names_the_file():
    with pytest.raises(ValidationFailed) as raised:
        decode(PRC_TEXT.encode("gb18030"), FileEncoding.UTF8)
    assert raised.value.errors[0].field == "file"
    assert raised.value.errors[0].code == "undecodable"


def test_rows_keep_their_file_line_numbers_across_quoted_newlines_and_blank_lines():
    table = read_table('Name,Notes\n甲公司,"two\nlines"\n\n乙公司,\n')
    assert table.headers == ["Name", "Notes"]
    assert [(row.line, row.values["Name"]) for row in table.rows] == [(2, "甲公司"), (5, "乙公司")]
    assert table.rows[0].values["Notes"] == "two\nlines"


def test_row_limit_and_empty_files_are_file_errors():
    with pytest.raises(ValidationFailed) as raised:
        read_table("Name\n" + "x\n" * 4, max_rows=3)
    assert raised.value.errors[0].code == "too_many_rows"
    with pytest.raises(ValidationFailed) as raised:
        read_table("Name\n")
    assert raised.value.errors[0].code == "no_rows"


def test_semicolon_files_from_european_excel_are_read():
    assert read_table("Name;Phone\nACME;+852 1234 5678\n").rows[0].values == {"Name": "ACME", "Phone": "+852 1234 5678"}


def test_builtin_maps_feed_only_known_import_fields():
    for entity_maps in BUILTIN_MAPS.values():
        for entity, fields in entity_maps.items():
            assert set(fields) <= set(IMPORT_FIELDS[entity]), entity


@pytest.mark.parametrize(
    ("crm", "headers", "expected"),
    [
        (BuiltinMap.SALESFORCE, ["Id", "NAME", "BillingCity", "Phone"], {"name", "billing_city", "phone"}),
        (BuiltinMap.SALESFORCE, ["Account Name", "Billing City"], {"name", "billing_city"}),
        (BuiltinMap.HUBSPOT, ["Record ID", "Company name", "Phone Number", "Country/Region"], None),
        (BuiltinMap.SUITECRM, ["ID", "Name", "Office Phone", "Billing Street"], None),
    ],
)
def test_account_headers_of_each_crm_resolve(crm, headers, expected):
    columns = resolve_columns(BUILTIN_MAPS[crm][ImportEntity.ACCOUNTS], headers)
    assert "name" in columns
    if expected:
        assert set(columns) == expected
    assert not set(columns.values()) & {"Id", "Record ID", "ID"}  # their ids are never ours


def test_headers_match_whatever_their_case_width_and_spacing():
    columns = resolve_columns({"name": ("Company name",)}, ["ＣＯＭＰＡＮＹ  NAME"])
    assert columns == {"name": "ＣＯＭＰＡＮＹ  NAME"}
    assert apply_columns(columns, {"ＣＯＭＰＡＮＹ  NAME": "甲公司"}) == {"name": "甲公司"}


def test_a_custom_mapping_names_known_fields_once():
    with pytest.raises(ValueError, match="unknown import fields"):
        ImportMappingInput(name="ERP", entity="accounts", columns=[{"column": "公司", "field": "company"}])
    with pytest.raises(ValueError, match="one column only"):
        ImportMappingInput(
            name="ERP",
            entity="accounts",
            columns=[{"column": "公司", "field": "name"}, {"column": "名稱", "field": "name"}],
        )


def test_chinese_names_join_family_name_first_and_latin_names_given_name_first():
    assert person_name("大文", "陳") == ("陳大文", None)
    assert person_name("Mary", "Wong") == (None, "Mary Wong")
    assert person_name(None, None) == (None, None)


def _lookups(accounts: dict[str, list[str]] | None = None) -> RowLookups:
    accounts = accounts or {}
    return RowLookups(
        account_ids_named=lambda name: accounts.get(name, []),
        account_exists=lambda account_id: any(account_id in ids for ids in accounts.values()),
        stages=SalesStages(stages=DEFAULT_STAGES, version=1, updated_at="2026-01-01", updated_by="user:x"),
        base_currency="HKD",
    )


def test_an_account_row_is_validated_by_the_api_model_with_address_and_country_names():
    record = {
        "name": "香港會計師事務所有限公司",
        "website": "example.hk",
        "billing_street": "中環皇后大道中1號\n10樓",
        "billing_city": "香港",
        "billing_country": "Hong Kong",
    }
    row = validate_row(ImportEntity.ACCOUNTS, 2, record, {}, _lookups())
    assert isinstance(row, PreparedRow)
    assert row.data.website == "https://example.hk"
    assert row.data.billing_address.lines == ["中環皇后大道中1號", "10樓"]
    assert row.data.billing_address.country == "HK"


def test_row_errors_name_the_field_and_the_column_it_came_from():
    columns = {"name": "Company name", "email": "Email", "billing_country": "Country/Region", "billing_street": "St"}
    record = {"name": "甲公司", "email": "nope", "billing_street": "1 Road", "billing_country": "Atlantis"}
    errors = validate_row(ImportEntity.ACCOUNTS, 7, record, columns, _lookups())
    assert isinstance(errors, list)
    found = {(error.line, error.field, error.column, error.code) for error in errors}
    assert found == {
        (7, "email", "Email", "invalid_email"),
        (7, "billing_address.country", "Country/Region", "invalid_country"),
    }


def test_each_row_error_has_a_stable_code_beside_its_english_message():
    lookups = _lookups({"甲公司": [str(ULID())]})

    def codes(entity: ImportEntity, record: dict) -> dict[str, str]:
        return {error.field: error.code.value for error in validate_row(entity, 2, record, {}, lookups)}

    account = {"name": "x" * 201, "phone": "call me", "website": "http://a b", "status": "vip", "tags": "a;" * 21}
    assert codes(ImportEntity.ACCOUNTS, account) == {
        "name": "too_long",
        "phone": "invalid_phone",
        "website": "invalid_url",
        "status": "unknown_value",
        "tags": "too_many",
    }
    assert codes(ImportEntity.LEADS, {"contact_name": "陳大文"}) == {"company_name": "missing"}
    assert codes(ImportEntity.CONTACTS, {"account_name": "甲公司", "title": "CFO"}) == {"row": "name_required"}
    assert codes(ImportEntity.CONTACTS, {"account_name": "乙公司", "name_en": "X"}) == {
        "account_name": "unknown_account"
    }
    opportunity = {"name": "審計", "account_name": "甲公司", "amount": "lots", "currency": "dollars"}
    assert codes(ImportEntity.OPPORTUNITIES, opportunity) == {
        "amount.amount": "invalid_amount",
        "amount.currency": "invalid_currency",
        "expected_close_date": "missing",
    }
    assert codes(
        ImportEntity.OPPORTUNITIES, opportunity | {"amount": "1", "currency": "HKD", "expected_close_date": "31/3"}
    ) == {"expected_close_date": "invalid_date"}
    assert codes(ImportEntity.OPPORTUNITIES, opportunity | {"amount": "1", "currency": "HKD", "stage": "Won"}) == {
        "stage": "closed_stage"
    }


def test_import_fields_are_described_from_the_models_rows_are_validated_with():
    for entity in ImportEntity:
        assert [field.name for field in import_fields(entity).fields] == list(IMPORT_FIELDS[entity])
    contacts = {field.name: field for field in import_fields(ImportEntity.CONTACTS).fields}
    assert not any(field.required for field in contacts.values())  # each need is a group: an account, a name
    assert {name for name, field in contacts.items() if field.one_of == "name"} == {
        "name_zh",
        "name_en",
        "first_name",
        "last_name",
    }
    assert contacts["name_zh"].max_length == 100 and contacts["email"].kind == "email"
    assert contacts["is_primary"].kind == "boolean" and contacts["office_phone"].kind == "phone"
    accounts = {field.name: field for field in import_fields(ImportEntity.ACCOUNTS).fields}
    assert (
        accounts["name"].required and accounts["tags"].kind == "list" and accounts["billing_country"].kind == "country"
    )


def test_contacts_and_opportunities_resolve_their_account_by_name_and_say_when_they_cannot():
    kowloon = str(ULID())
    lookups = _lookups({"九龍貿易有限公司": [kowloon], "同名公司": [str(ULID()), str(ULID())]})
    row = validate_row(
        ImportEntity.CONTACTS,
        2,
        {"account_name": "九龍貿易有限公司", "first_name": "大文", "last_name": "陳"},
        {},
        lookups,
    )
    assert isinstance(row, PreparedRow) and row.data.account_id == kowloon and row.data.name_zh == "陳大文"
    missing = validate_row(ImportEntity.CONTACTS, 3, {"account_name": "無此公司", "name_en": "X"}, {}, lookups)
    twice = validate_row(ImportEntity.CONTACTS, 4, {"account_name": "同名公司", "name_en": "X"}, {}, lookups)
    assert missing[0].field == "account_name" and "import the accounts first" in missing[0].message
    assert twice[0].field == "account_name" and "account_id" in twice[0].message


def test_an_opportunity_row_reads_export_amounts_dates_and_stage_names():
    account = str(ULID())
    record = {
        "name": "年度審計",
        "account_name": "甲公司",
        "amount": "HK$12,500.50",
        "expected_close_date": "2027/03/31",
        "stage": "已提交方案",
    }
    row = validate_row(ImportEntity.OPPORTUNITIES, 2, record, {}, _lookups({"甲公司": [account]}))
    assert isinstance(row, PreparedRow)
    assert str(row.data.amount.amount) == "12500.50" and row.data.amount.currency == "HKD"
    assert row.data.expected_close_date.isoformat() == "2027-03-31"
    assert row.stage.key == "proposal"
    closed = validate_row(ImportEntity.OPPORTUNITIES, 3, record | {"stage": "Won"}, {}, _lookups({"甲公司": [account]}))
    assert closed[0].field == "stage"


def test_lead_sources_of_other_crms_map_to_ours_and_a_missing_one_is_import():
    rows = [
        validate_row(ImportEntity.LEADS, 2, {"company_name": "甲", "source": source}, {}, _lookups())
        for source in ("Web Site", "Partner Referral", "Trade Show", "Cold Call", "Purchased List")
    ]
    assert [row.data.source for row in rows] == ["web", "referral", "event", "cold_call", "other"]
    assert validate_row(ImportEntity.LEADS, 3, {"company_name": "乙"}, {}, _lookups()).data.source == "import"


def test_record_ids_are_stable_per_job_and_line_and_distinct_across_lines():
    job = str(ULID())
    assert record_id(job, 2) == record_id(job, 2)
    assert record_id(job, 2) != record_id(job, 3)
    assert ULID.from_str(record_id(job, 2)).milliseconds == ULID.from_str(job).milliseconds


def test_a_city_without_a_street_becomes_the_region_instead_of_failing_the_row():
    record = {"name": "甲公司", "billing_city": "深圳", "billing_country": "China"}
    row = validate_row(ImportEntity.ACCOUNTS, 2, record, {}, _lookups())
    assert isinstance(row, PreparedRow)
    assert row.data.region == "深圳" and row.data.billing_address is None
