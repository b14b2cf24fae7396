"""Which CSV column feeds which field: the built-in maps for other CRMs' exports, and tenants' own mappings.

Built-in maps list, per import field, the headers each CRM writes: Salesforce's Data Export and Data Loader
files use API names (`BillingStreet`), its report exports use labels (`Billing Street`); HubSpot exports use
property labels (`Company name`, `Phone Number`); SuiteCRM exports use field labels (`Office Phone`). Headers
are matched case-, width- and space-insensitively, so `BILLINGCITY` and `billing city` both match.

Import fields are the entity's input fields plus a few that are composed into them (first and last name into
a contact's name; billing street, city ... into the billing address; an account name resolved to its id).
"""

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import ShortText
from servicejob.errors import FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext


class ImportEntity(StrEnum):
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    LEADS = "leads"
    OPPORTUNITIES = "opportunities"


class BuiltinMap(StrEnum):
    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"
    SUITECRM = "suitecrm"


# What each import needs to write its records, and the permission for it (import and export alike).
WRITE_PERMISSION = {
    ImportEntity.ACCOUNTS: Permission.ACCOUNTS_WRITE,
    ImportEntity.CONTACTS: Permission.CONTACTS_WRITE,
    ImportEntity.LEADS: Permission.LEADS_WRITE,
    ImportEntity.OPPORTUNITIES: Permission.OPPORTUNITIES_WRITE,
}
READ_PERMISSION = {
    ImportEntity.ACCOUNTS: Permission.ACCOUNTS_READ,
    ImportEntity.CONTACTS: Permission.CONTACTS_READ,
    ImportEntity.LEADS: Permission.LEADS_READ,
    ImportEntity.OPPORTUNITIES: Permission.OPPORTUNITIES_READ,
}

IMPORT_FIELDS: dict[ImportEntity, tuple[str, ...]] = {
    ImportEntity.ACCOUNTS: (
        "name",
        "website",
        "phone",
        "email",
        "notes",
        "industry",
        "region",
        "branch",
        "tags",  # separated by ";"
        "business_lines",  # separated by ";"
        "hk_br_number",
        "prc_uscc",
        "status",
        "billing_street",
        "billing_city",
        "billing_region",
        "billing_postal_code",
        "billing_country",
    ),
    ImportEntity.CONTACTS: (
        "account_name",
        "account_id",
        "name_zh",
        "name_en",
        "first_name",
        "last_name",
        "title",
        "email",
        "office_phone",
        "mobile_phone",
        "is_primary",
    ),
    ImportEntity.LEADS: (
        "company_name",
        "contact_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "source",
        "business_line",
        "region",
        "branch",
        "notes",
    ),
    ImportEntity.OPPORTUNITIES: (
        "name",
        "account_name",
        "account_id",
        "amount",
        "currency",
        "expected_close_date",
        "business_line",
        "stage",
    ),
}

# import field -> the headers that CRM's exports use for it, in order of preference.
BUILTIN_MAPS: dict[BuiltinMap, dict[ImportEntity, dict[str, tuple[str, ...]]]] = {
    BuiltinMap.SALESFORCE: {
        ImportEntity.ACCOUNTS: {
            "name": ("Name", "Account Name"),
            "website": ("Website",),
            "phone": ("Phone", "Account Phone"),
            "notes": ("Description", "Account Description"),
            "industry": ("Industry",),
            "billing_street": ("BillingStreet", "Billing Street"),
            "billing_city": ("BillingCity", "Billing City"),
            "billing_region": ("BillingState", "Billing State/Province"),
            "billing_postal_code": ("BillingPostalCode", "Billing Zip/Postal Code"),
            "billing_country": ("BillingCountry", "Billing Country"),
        },
        ImportEntity.CONTACTS: {
            "account_name": ("Account Name", "Account.Name"),
            "first_name": ("FirstName", "First Name"),
            "last_name": ("LastName", "Last Name"),
            "title": ("Title",),
            "email": ("Email",),
            "office_phone": ("Phone", "Business Phone"),
            "mobile_phone": ("MobilePhone", "Mobile Phone", "Mobile"),
        },
        ImportEntity.LEADS: {
            "company_name": ("Company", "Company / Account"),
            "first_name": ("FirstName", "First Name"),
            "last_name": ("LastName", "Last Name"),
            "email": ("Email",),
            "phone": ("Phone", "MobilePhone", "Mobile Phone"),
            "source": ("LeadSource", "Lead Source"),
            "region": ("City",),
            "notes": ("Description",),
        },
        ImportEntity.OPPORTUNITIES: {
            "name": ("Name", "Opportunity Name"),
            "account_name": ("Account Name", "Account.Name"),
            "amount": ("Amount",),
            "currency": ("CurrencyIsoCode", "Opportunity Currency", "Amount Currency"),
            "expected_close_date": ("CloseDate", "Close Date"),
            "stage": ("StageName", "Stage"),
        },
    },
    BuiltinMap.HUBSPOT: {
        ImportEntity.ACCOUNTS: {
            "name": ("Company name", "Name"),
            "website": ("Website URL", "Company Domain Name"),
            "phone": ("Phone Number",),
            "industry": ("Industry",),
            "notes": ("Description", "About Us"),
            "billing_street": ("Street Address",),
            "billing_city": ("City",),
            "billing_region": ("State/Region",),
            "billing_postal_code": ("Postal Code",),
            "billing_country": ("Country/Region",),
        },
        ImportEntity.CONTACTS: {
            "account_name": ("Company Name", "Associated Company", "Associated Company (Primary)"),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "title": ("Job Title",),
            "email": ("Email",),
            "office_phone": ("Phone Number",),
            "mobile_phone": ("Mobile Phone Number",),
        },
        ImportEntity.LEADS: {
            "company_name": ("Company Name", "Associated Company", "Associated Company (Primary)"),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email",),
            "phone": ("Phone Number", "Mobile Phone Number"),
            "source": ("Original Source", "Original Traffic Source"),
            "region": ("City", "State/Region"),
        },
        ImportEntity.OPPORTUNITIES: {
            "name": ("Deal Name",),
            "account_name": ("Associated Company", "Associated Company (Primary)", "Company name"),
            "amount": ("Amount",),
            "currency": ("Currency", "Deal Currency Code"),
            "expected_close_date": ("Close Date",),
            "stage": ("Deal Stage",),
        },
    },
    BuiltinMap.SUITECRM: {
        ImportEntity.ACCOUNTS: {
            "name": ("Name",),
            "website": ("Website",),
            "phone": ("Office Phone",),
            "email": ("Email Address", "Email"),
            "industry": ("Industry",),
            "notes": ("Description",),
            "billing_street": ("Billing Street",),
            "billing_city": ("Billing City",),
            "billing_region": ("Billing State",),
            "billing_postal_code": ("Billing Postal Code",),
            "billing_country": ("Billing Country",),
        },
        ImportEntity.CONTACTS: {
            "account_name": ("Account Name",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "title": ("Title",),
            "email": ("Email Address", "Email"),
            "office_phone": ("Office Phone",),
            "mobile_phone": ("Mobile Phone", "Mobile"),
        },
        ImportEntity.LEADS: {
            "company_name": ("Account Name",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email Address", "Email"),
            "phone": ("Office Phone", "Mobile Phone", "Mobile"),
            "source": ("Lead Source",),
            "region": ("Primary Address City",),
            "notes": ("Description",),
        },
        ImportEntity.OPPORTUNITIES: {
            "name": ("Opportunity Name", "Name"),
            "account_name": ("Account Name",),
            "amount": ("Opportunity Amount", "Amount"),
            "currency": ("Currency",),
            "expected_close_date": ("Expected Close Date",),
            "stage": ("Sales Stage",),
        },
    },
}


def header_key(header: str) -> str:
    """How headers are compared: NFKC (full-width to half-width), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", header).casefold().split())


def resolve_columns(fields: Mapping[str, tuple[str, ...]], headers: list[str]) -> dict[str, str]:
    """import field -> the file's header that feeds it (the first candidate the file has)."""
    present = {header_key(header): header for header in headers}
    resolved: dict[str, str] = {}
    for field, candidates in fields.items():
        for candidate in candidates:
            if header_key(candidate) in present:
                resolved[field] = present[header_key(candidate)]
                break
    return resolved


def apply_columns(columns: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """The row as import fields: each mapped, non-empty cell."""
    return {field: values[header] for field, header in columns.items() if values.get(header, "")}


# ---- custom mappings ----------------------------------------------------------------------------------
Header = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ColumnAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    column: Header = Field(description="The CSV header, e.g. 公司名稱")
    field: str = Field(description="The import field it feeds, e.g. name; see the entity's import fields")


class ImportMappingInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText
    entity: ImportEntity
    columns: list[ColumnAssignment] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _known_unique_fields(self) -> "ImportMappingInput":
        allowed = IMPORT_FIELDS[self.entity]
        fields = [assignment.field for assignment in self.columns]
        unknown = sorted(set(fields) - set(allowed))
        if unknown:
            raise ValueError(f"unknown import fields for {self.entity.value}: {', '.join(unknown)}")
        if len(fields) != len(set(fields)):
            raise ValueError("each import field may be fed by one column only")
        return self


class ImportMappingPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText | None = None
    columns: list[ColumnAssignment] | None = Field(default=None, min_length=1, max_length=60)

    @field_validator("name", "columns")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class ImportMapping(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    name: str
    entity: ImportEntity
    columns: list[ColumnAssignment]
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str

    def fields(self) -> dict[str, tuple[str, ...]]:
        return {assignment.field: (assignment.column,) for assignment in self.columns}


class ImportMappingRepository(Protocol):
    def get(self, ctx: TenantContext, mapping_id: str) -> ImportMapping: ...
    def add(self, ctx: TenantContext, mapping_id: str, fields: Mapping[str, Any]) -> ImportMapping: ...
    def update(
        self, ctx: TenantContext, mapping_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> ImportMapping: ...
    def delete(self, ctx: TenantContext, mapping_id: str, expected_version: int) -> ImportMapping: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[ImportMapping]: ...


def create_mapping(ctx: TenantContext, repository: ImportMappingRepository, data: ImportMappingInput) -> ImportMapping:
    ctx.require(WRITE_PERMISSION[data.entity])
    return repository.add(ctx, str(ULID()), data.model_dump(mode="json"))


def get_mapping(ctx: TenantContext, repository: ImportMappingRepository, mapping_id: str) -> ImportMapping:
    mapping = repository.get(ctx, mapping_id)
    ctx.require(WRITE_PERMISSION[mapping.entity])
    return mapping


def list_mappings(
    ctx: TenantContext, repository: ImportMappingRepository, limit: int, cursor: str | None
) -> Page[ImportMapping]:
    if not any(ctx.can(permission) for permission in WRITE_PERMISSION.values()):
        ctx.require(Permission.ACCOUNTS_WRITE)  # raises, naming one of them
    return repository.list(ctx, limit, cursor)


def update_mapping(
    ctx: TenantContext,
    repository: ImportMappingRepository,
    mapping_id: str,
    patch: ImportMappingPatch,
    expected_version: int,
) -> ImportMapping:
    current = get_mapping(ctx, repository, mapping_id)
    if patch.columns is not None:
        try:
            ImportMappingInput(name=current.name, entity=current.entity, columns=patch.columns)
        except ValueError as error:
            raise ValidationFailed(
                "The mapping is not valid.", [FieldError("columns", str(error).splitlines()[-1])]
            ) from error
    return repository.update(ctx, mapping_id, patch.model_dump(mode="json", exclude_unset=True), expected_version)


def delete_mapping(
    ctx: TenantContext, repository: ImportMappingRepository, mapping_id: str, expected_version: int
) -> None:
    get_mapping(ctx, repository, mapping_id)
    repository.delete(ctx, mapping_id, expected_version)
