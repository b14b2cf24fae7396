"""One CSV row → the entity's API input model, or the errors naming each field and column.

Rows are validated with the very models the API validates request bodies with (AccountInput, ContactInput,
LeadInput, OpportunityInput), after the import fields are shaped into their form: names joined, phones and
the billing address assembled, amounts and dates read from their usual export formats, an account named by
name resolved to its id, a stage named by key or name resolved to the tenant's stage key. A billing address
needs a street; without one, the city becomes the account's region and the rest is left out.

Each row error carries a stable `code` (RowErrorCode) beside its English message, so a client can say it in
the user's language. `import_fields` describes what each import field takes, from the same models.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import iso3166
from pydantic import BaseModel, Field, ValidationError

from servicejob.dal.entity_store import search_key
from servicejob.domain.accounts import AccountInput
from servicejob.domain.column_maps import IMPORT_FIELDS, ImportEntity
from servicejob.domain.contacts import ContactInput
from servicejob.domain.leads import LeadInput
from servicejob.domain.opportunities import OpportunityInput
from servicejob.domain.sales_stages import SalesStage, SalesStages, StageKind

INPUT_MODELS: dict[ImportEntity, type[BaseModel]] = {
    ImportEntity.ACCOUNTS: AccountInput,
    ImportEntity.CONTACTS: ContactInput,
    ImportEntity.LEADS: LeadInput,
    ImportEntity.OPPORTUNITIES: OpportunityInput,
}

# Country names other CRMs store in Chinese; English names and ISO codes are iso3166's.
_CHINESE_COUNTRY_NAMES = {
    "香港": "HK",
    "中國": "CN",
    "中国": "CN",
    "澳門": "MO",
    "澳门": "MO",
    "台灣": "TW",
    "台湾": "TW",
}
# Lead sources as other CRMs name them (Salesforce, HubSpot, SuiteCRM picklists) → ours; anything else: other.
_LEAD_SOURCES = {
    "web": "web",
    "web site": "web",
    "website": "web",
    "organic search": "web",
    "direct traffic": "web",
    "referral": "referral",
    "referrals": "referral",
    "partner": "referral",
    "partner referral": "referral",
    "employee referral": "referral",
    "external referral": "referral",
    "word of mouth": "referral",
    "event": "event",
    "conference": "event",
    "trade show": "event",
    "seminar - partner": "event",
    "seminar - internal": "event",
    "offline sources": "event",
    "cold call": "cold_call",
    "cold_call": "cold_call",
    "phone inquiry": "cold_call",
}
_TRUE = {"1", "true", "yes", "y", "x", "是", "primary"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


class RowErrorCode(StrEnum):
    """What is wrong with a value, stable for clients to translate; the message says it in English."""

    MISSING = "missing"
    NAME_REQUIRED = "name_required"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    TOO_MANY = "too_many"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_URL = "invalid_url"
    INVALID_DATE = "invalid_date"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_COUNTRY = "invalid_country"
    INVALID_FORMAT = "invalid_format"
    UNKNOWN_VALUE = "unknown_value"
    UNKNOWN_ACCOUNT = "unknown_account"
    AMBIGUOUS_ACCOUNT = "ambiguous_account"
    UNKNOWN_STAGE = "unknown_stage"
    CLOSED_STAGE = "closed_stage"
    INVALID = "invalid"


# pydantic's error types → ours; a field's own format (its last path part) names the code more precisely.
_CODES_BY_TYPE = {
    "missing": RowErrorCode.MISSING,
    "name_required": RowErrorCode.NAME_REQUIRED,  # ContactDetails' own
    "string_too_long": RowErrorCode.TOO_LONG,
    "string_too_short": RowErrorCode.TOO_SHORT,
    "too_long": RowErrorCode.TOO_MANY,
    "enum": RowErrorCode.UNKNOWN_VALUE,
    "literal_error": RowErrorCode.UNKNOWN_VALUE,
    "string_pattern_mismatch": RowErrorCode.INVALID_FORMAT,
    "date_from_datetime_parsing": RowErrorCode.INVALID_DATE,
    "date_parsing": RowErrorCode.INVALID_DATE,
    "decimal_parsing": RowErrorCode.INVALID_AMOUNT,
}
_CODES_BY_FIELD = {
    "email": RowErrorCode.INVALID_EMAIL,
    "phone": RowErrorCode.INVALID_PHONE,
    "number": RowErrorCode.INVALID_PHONE,  # phones[i].number
    "website": RowErrorCode.INVALID_URL,
    "country": RowErrorCode.INVALID_COUNTRY,
    "currency": RowErrorCode.INVALID_CURRENCY,
    "amount": RowErrorCode.INVALID_AMOUNT,
    "expected_close_date": RowErrorCode.INVALID_DATE,
}


def error_code(field_path: str, error_type: str) -> RowErrorCode:
    leaf = next((part for part in reversed(field_path.split(".")) if not part.isdigit()), field_path)
    # A country name that was not recognised reaches the model as too long for a code: still a bad country.
    if leaf in _CODES_BY_FIELD and (error_type not in ("missing", "string_too_long") or leaf == "country"):
        return _CODES_BY_FIELD[leaf]
    return _CODES_BY_TYPE.get(error_type, RowErrorCode.INVALID)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str  # the input field (dotted for nested ones), or "row" for the row as a whole
    column: str | None  # the CSV header the value came from, when one did
    message: str
    code: RowErrorCode = RowErrorCode.INVALID


@dataclass(frozen=True)
class PreparedRow:
    line: int
    data: BaseModel  # the validated input model
    stage: SalesStage | None = None  # opportunities: the resolved open stage


@dataclass
class RowLookups:
    """What validation reads besides the row: accounts by name or id, the funnel, the base currency."""

    account_ids_named: Callable[[str], list[str]]
    account_exists: Callable[[str], bool]
    stages: SalesStages | None
    base_currency: str
    _names: dict[str, list[str]] = field(default_factory=dict)
    _ids: dict[str, bool] = field(default_factory=dict)

    def accounts_named(self, name: str) -> list[str]:
        key = search_key(name)
        if key not in self._names:
            self._names[key] = self.account_ids_named(name)
        return self._names[key]

    def exists(self, account_id: str) -> bool:
        if account_id not in self._ids:
            self._ids[account_id] = self.account_exists(account_id)
        return self._ids[account_id]


class _RowInvalid(Exception):
    def __init__(self, field_name: str, code: RowErrorCode, message: str):
        super().__init__(message)
        self.field = field_name
        self.code = code
        self.message = message


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(char, "").startswith("CJK") for char in text)


def person_name(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """(name_zh, name_en) from split name columns: Chinese names are family name first with no space."""
    parts = [part for part in (first, last) if part]
    if not parts:
        return None, None
    if any(_is_cjk(part) for part in parts):
        return "".join(part for part in (last, first) if part), None
    return None, " ".join(parts)


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,、]", value) if item.strip()]


def _website(value: str) -> str:
    return value if re.match(r"^https?://", value, re.IGNORECASE) else f"https://{value}"


def _country(value: str) -> str:
    if value in _CHINESE_COUNTRY_NAMES:
        return _CHINESE_COUNTRY_NAMES[value]
    try:
        return iso3166.countries.get(value).alpha2
    except KeyError:
        return value  # the model refuses it, naming the field


def _amount(value: str) -> str:
    # "HK$12,500.00", "12 500", "12,500.00" → "12500.00"; what remains must be a decimal string
    return re.sub(r"[,\s]|^[A-Z]{0,3}\$|^[¥￥€£]", "", value.strip())


def _date(value: str) -> str:
    text = value.strip()
    candidate = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text) else text
    for date_format in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(candidate, date_format).date().isoformat()  # noqa: DTZ007 — a date
        except ValueError:
            continue
    raise _RowInvalid("expected_close_date", RowErrorCode.INVALID_DATE, "must be a date as YYYY-MM-DD (or YYYY/MM/DD)")


def _stage(stages: SalesStages | None, value: str) -> SalesStage | None:
    if stages is None:
        return None
    key = search_key(value)
    for stage in stages.stages:
        names = (stage.key, stage.names.en, stage.names.zh_hant, stage.names.zh_hans)
        if key in {search_key(name) for name in names}:
            if stage.kind is not StageKind.OPEN:
                raise _RowInvalid(
                    "stage", RowErrorCode.CLOSED_STAGE, "imports create open opportunities; this stage closes them"
                )
            return stage
    open_keys = ", ".join(stage.key for stage in stages.stages if stage.kind is StageKind.OPEN)
    raise _RowInvalid("stage", RowErrorCode.UNKNOWN_STAGE, f"no open sales stage {value!r}; use one of {open_keys}")


def _account_id(record: Mapping[str, str], lookups: RowLookups) -> str:
    if account_id := record.get("account_id"):
        if not lookups.exists(account_id):
            raise _RowInvalid("account_id", RowErrorCode.UNKNOWN_ACCOUNT, f"no account with id {account_id}")
        return account_id
    name = record.get("account_name")
    if not name:
        raise _RowInvalid("account_name", RowErrorCode.MISSING, "an account name (or account_id) is required")
    found = lookups.accounts_named(name)
    if not found:
        raise _RowInvalid(
            "account_name", RowErrorCode.UNKNOWN_ACCOUNT, f"no account named {name!r}; import the accounts first"
        )
    if len(found) > 1:
        raise _RowInvalid(
            "account_name",
            RowErrorCode.AMBIGUOUS_ACCOUNT,
            f"{len(found)} accounts are named {name!r}; give account_id instead",
        )
    return found[0]


def _copy(record: Mapping[str, str], *names: str) -> dict[str, Any]:
    return {name: record[name] for name in names if name in record}


def shape(entity: ImportEntity, record: Mapping[str, str], lookups: RowLookups) -> dict[str, Any]:
    """The input model's fields from the row's import fields (raises _RowInvalid for what cannot be shaped)."""
    if entity is ImportEntity.ACCOUNTS:
        data = _copy(record, "name", "phone", "email", "notes", "industry", "region", "branch")
        data |= _copy(record, "hk_br_number", "prc_uscc")
        if "website" in record:
            data["website"] = _website(record["website"])
        for name in ("tags", "business_lines"):
            if name in record:
                data[name] = _split_list(record[name])
        if "status" in record:
            data["status"] = record["status"].casefold()
        address = {
            "lines": [line.strip() for line in record.get("billing_street", "").splitlines() if line.strip()],
            "city": record.get("billing_city"),
            "region": record.get("billing_region"),
            "postal_code": record.get("billing_postal_code"),
            "country": _country(record["billing_country"]) if "billing_country" in record else None,
        }
        if address["lines"]:
            data["billing_address"] = {key: value for key, value in address.items() if value}
        elif address["city"] and "region" not in data:
            # Exports often give a city without a street: not an address, but where the client is.
            data["region"] = address["city"]
        return data
    if entity is ImportEntity.CONTACTS:
        data = _copy(record, "name_zh", "name_en", "title", "email")
        if "name_zh" not in data and "name_en" not in data:
            name_zh, name_en = person_name(record.get("first_name"), record.get("last_name"))
            data |= {"name_zh": name_zh} if name_zh else {"name_en": name_en} if name_en else {}
        phones = [
            {"kind": kind, "number": record[column]}
            for kind, column in (("office", "office_phone"), ("mobile", "mobile_phone"))
            if column in record
        ]
        if phones:
            data["phones"] = phones
        if "is_primary" in record:
            data["is_primary"] = record["is_primary"].casefold() in _TRUE
        data["account_id"] = _account_id(record, lookups)
        return data
    if entity is ImportEntity.LEADS:
        data = _copy(
            record, "company_name", "contact_name", "email", "phone", "business_line", "region", "branch", "notes"
        )
        if "contact_name" not in data:
            name_zh, name_en = person_name(record.get("first_name"), record.get("last_name"))
            if name_zh or name_en:
                data["contact_name"] = name_zh or name_en
        if "source" in record:
            data["source"] = _LEAD_SOURCES.get(" ".join(record["source"].casefold().split()), "other")
        else:
            data["source"] = "import"
        return data
    data = _copy(record, "name", "business_line")
    data["account_id"] = _account_id(record, lookups)
    if "amount" in record:
        data["amount"] = {
            "amount": _amount(record["amount"]),
            "currency": record.get("currency", lookups.base_currency).upper(),
        }
    if "expected_close_date" in record:
        data["expected_close_date"] = _date(record["expected_close_date"])
    return data


# Where an input field's value came from, when not from the import field of the same name.
_SOURCES: dict[str, tuple[str, ...]] = {
    "name_zh": ("name_zh", "last_name", "first_name"),
    "name_en": ("name_en", "first_name", "last_name"),
    "contact_name": ("contact_name", "first_name", "last_name"),
    "billing_address.lines": ("billing_street",),
    "billing_address.city": ("billing_city",),
    "billing_address.region": ("billing_region",),
    "billing_address.postal_code": ("billing_postal_code",),
    "billing_address.country": ("billing_country",),
    "billing_address": ("billing_street",),
    "amount.amount": ("amount",),
    "amount.currency": ("currency",),
    "phones": ("office_phone", "mobile_phone"),
    "account_id": ("account_id", "account_name"),
}


def _column(field_path: str, columns: Mapping[str, str]) -> str | None:
    head = ".".join(part for part in field_path.split(".") if not part.isdigit())
    for source in _SOURCES.get(head, _SOURCES.get(field_path.split(".")[0], (field_path.split(".")[0],))):
        if source in columns:
            return columns[source]
    return None


def validate_row(
    entity: ImportEntity, line: int, record: Mapping[str, str], columns: Mapping[str, str], lookups: RowLookups
) -> PreparedRow | list[RowError]:
    """The validated row, or its errors (all of the model's at once, like a 422 lists every field)."""
    try:
        data = shape(entity, record, lookups)
        stage = (
            _stage(lookups.stages, record["stage"])
            if entity is ImportEntity.OPPORTUNITIES and "stage" in record
            else None
        )
    except _RowInvalid as invalid:
        return [RowError(line, invalid.field, _column(invalid.field, columns), invalid.message, invalid.code)]
    try:
        model = INPUT_MODELS[entity].model_validate(data)
    except ValidationError as error:
        errors = []
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"]) or "row"
            message = item["msg"].removeprefix("Value error, ")
            errors.append(RowError(line, path, _column(path, columns), message, error_code(path, item["type"])))
        return errors
    if entity is ImportEntity.OPPORTUNITIES and stage is None and lookups.stages is not None:
        stage = lookups.stages.first_open()
    return PreparedRow(line, model, stage)


# ---- what each import field takes ---------------------------------------------------------------------
class ImportFieldKind(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    DATE = "date"
    AMOUNT = "amount"
    CURRENCY = "currency"
    COUNTRY = "country"
    LIST = "list"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    ID = "id"


class ImportField(BaseModel):
    name: str = Field(description="The import field a column can feed, e.g. company_name")
    kind: ImportFieldKind = Field(description="What the cells hold; lists are separated by ; , or 、")
    required: bool = Field(description="A row without this field is refused")
    one_of: str | None = Field(
        default=None, description="A row needs at least one field of this group, e.g. account: account_name or id"
    )
    max_length: int | None = Field(default=None, description="At most this many characters")
    choices: list[str] | None = Field(default=None, description="The accepted values of a choice")


class ImportFields(BaseModel):
    entity: ImportEntity
    fields: list[ImportField]


# Import fields of which a row needs one (the model wants one of them, or the field they resolve to).
_GROUPS: dict[ImportEntity, dict[str, str]] = {
    ImportEntity.CONTACTS: {
        "account_name": "account",
        "account_id": "account",
        "name_zh": "name",
        "name_en": "name",
        "first_name": "name",
        "last_name": "name",
    },
    ImportEntity.OPPORTUNITIES: {"account_name": "account", "account_id": "account"},
}
# Import fields that are not the model's own (shape() composes them), or that the import reads more freely.
_KINDS: dict[str, ImportFieldKind] = {
    "phone": ImportFieldKind.PHONE,
    "office_phone": ImportFieldKind.PHONE,
    "mobile_phone": ImportFieldKind.PHONE,
    "website": ImportFieldKind.URL,  # "example.hk" gets its https://
    "source": ImportFieldKind.TEXT,  # other CRMs' sources are mapped to ours, anything else to other
    "stage": ImportFieldKind.TEXT,  # a stage's key or name in any language
    "account_id": ImportFieldKind.ID,
    "account_name": ImportFieldKind.TEXT,
    "first_name": ImportFieldKind.TEXT,
    "last_name": ImportFieldKind.TEXT,
    "billing_street": ImportFieldKind.TEXT,
    "billing_city": ImportFieldKind.TEXT,
    "billing_region": ImportFieldKind.TEXT,
    "billing_postal_code": ImportFieldKind.TEXT,
    "billing_country": ImportFieldKind.COUNTRY,
    "amount": ImportFieldKind.AMOUNT,
    "currency": ImportFieldKind.CURRENCY,
}
_KINDS_BY_FORMAT = {"email": ImportFieldKind.EMAIL, "date": ImportFieldKind.DATE}
_KINDS_BY_TYPE = {"array": ImportFieldKind.LIST, "boolean": ImportFieldKind.BOOLEAN}


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """The model's JSON schema of one field, without its null alternative and with its $ref resolved."""
    prop = schema["properties"][name]
    prop = next((option for option in prop.get("anyOf", [prop]) if option.get("type") != "null"), prop)
    if "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
    return prop


def import_fields(entity: ImportEntity) -> ImportFields:
    """What each import field of the entity takes, read from the input model the rows are validated with."""
    schema = INPUT_MODELS[entity].model_json_schema()
    model_required = set(schema.get("required", []))
    groups = _GROUPS.get(entity, {})
    described = []
    for name in IMPORT_FIELDS[entity]:
        # A field the model has describes itself, but for amount: the model's is money, the import's a number.
        prop = _property(schema, name) if name in schema["properties"] and name != "amount" else {}
        kind = (
            _KINDS.get(name) or _KINDS_BY_FORMAT.get(prop.get("format", "")) or _KINDS_BY_TYPE.get(prop.get("type", ""))
        )
        if kind is None:
            kind = ImportFieldKind.CHOICE if "enum" in prop else ImportFieldKind.TEXT
        described.append(
            ImportField(
                name=name,
                kind=kind,
                required=name in model_required and name not in groups,
                one_of=groups.get(name),
                max_length=prop.get("maxLength"),
                choices=prop.get("enum") if kind is ImportFieldKind.CHOICE else None,
            )
        )
    return ImportFields(entity=entity, fields=described)
