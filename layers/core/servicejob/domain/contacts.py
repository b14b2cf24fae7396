"""Contacts: the people at a client account. Listed under their account and searched by name.

A contact stays with the account it was created under (PATCH cannot move it; a merge of accounts will).
`display_name` (name_en, else name_zh) orders the name search, so a contact with both names is found by
its English name.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import AccountRepository, EntityId, Phone, ShortText, UserId, UserLookup
from servicejob.errors import FieldError, NotFound, ValidationFailed
from servicejob.tenancy.context import TenantContext

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ContactRole(StrEnum):
    DECISION_MAKER = "decision_maker"
    ACCOUNTS_PAYABLE = "accounts_payable"
    FINANCE = "finance"
    OPERATIONS = "operations"
    OTHER = "other"


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    OFFICE = "office"
    FAX = "fax"


class ContactPhone(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: PhoneKind
    number: Phone


class _ContactFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name_zh: PersonName | None = Field(default=None, description="Chinese name, e.g. 陳大文")
    name_en: PersonName | None = Field(default=None, description="English name, e.g. Peter Chan")
    title: ShortText | None = None
    roles: list[ContactRole] | None = Field(default=None, max_length=5)
    phones: list[ContactPhone] | None = Field(default=None, max_length=10)
    email: EmailStr | None = Field(default=None, max_length=254)
    is_primary: bool | None = None
    responsible_user_id: UserId | None = Field(default=None, description="A user of this tenant")
    last_call_at: AwareDatetime | None = None
    next_call_at: AwareDatetime | None = None


class ContactDetails(_ContactFields):
    """A new contact whose account is given otherwise (lead conversion)."""

    @model_validator(mode="after")
    def _needs_a_name(self) -> "ContactDetails":
        if self.name_zh is None and self.name_en is None:
            raise PydanticCustomError("name_required", "name_zh or name_en is required")
        return self


class ContactInput(ContactDetails):
    account_id: EntityId = Field(description="The account (ULID) the contact works for")


class ContactPatch(_ContactFields):
    """A partial update: only the fields present change; `null` clears an optional field."""


class Contact(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    account_id: str
    name_zh: str | None = None
    name_en: str | None = None
    display_name: str
    title: str | None = None
    roles: list[ContactRole] = []
    phones: list[ContactPhone] = []
    email: str | None = None
    is_primary: bool = False
    responsible_user_id: str | None = None
    last_call_at: str | None = None
    next_call_at: str | None = None
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class ContactRepository(Protocol):
    def get(self, ctx: TenantContext, contact_id: str) -> Contact: ...
    def add(self, ctx: TenantContext, contact_id: str, fields: Mapping[str, Any]) -> Contact: ...
    def update(
        self, ctx: TenantContext, contact_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Contact: ...
    def delete(self, ctx: TenantContext, contact_id: str, expected_version: int) -> Contact: ...
    def list(
        self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None, account_id: str | None
    ) -> Page[Contact]: ...


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The contact is not valid.", [FieldError(field, message)])


def display_name(name_zh: str | None, name_en: str | None) -> str | None:
    return name_en or name_zh


def _check_responsible_user(ctx: TenantContext, users: UserLookup, user_id: str | None) -> None:
    if user_id is not None and users.find(ctx, user_id) is None:
        raise _invalid("responsible_user_id", f"No user with id {user_id}.")


def create_contact(
    ctx: TenantContext,
    repository: ContactRepository,
    accounts: AccountRepository,
    users: UserLookup,
    data: ContactInput,
) -> Contact:
    ctx.require(Permission.CONTACTS_WRITE)
    try:
        accounts.get(ctx, data.account_id)
    except NotFound as error:
        raise _invalid("account_id", f"No account with id {data.account_id}.") from error
    return repository.add(ctx, str(ULID()), new_contact_fields(ctx, users, data, data.account_id))


def new_contact_fields(ctx: TenantContext, users: UserLookup, data: ContactDetails, account_id: str) -> dict[str, Any]:
    """What a new contact of `account_id` stores (checked), created alone or with others (lead conversion)."""
    _check_responsible_user(ctx, users, data.responsible_user_id)
    fields = data.model_dump(mode="json", exclude_none=True) | {"account_id": account_id}
    fields["display_name"] = display_name(data.name_zh, data.name_en)
    return fields


def get_contact(ctx: TenantContext, repository: ContactRepository, contact_id: str) -> Contact:
    ctx.require(Permission.CONTACTS_READ)
    return repository.get(ctx, contact_id)


def list_contacts(
    ctx: TenantContext, repository: ContactRepository, limit: int, cursor: str | None, name_prefix: str | None
) -> Page[Contact]:
    """Newest first, or by name prefix (of display_name)."""
    ctx.require(Permission.CONTACTS_READ)
    return repository.list(ctx, limit, cursor, name_prefix or None, None)


def list_account_contacts(
    ctx: TenantContext,
    repository: ContactRepository,
    accounts: AccountRepository,
    account_id: str,
    limit: int,
    cursor: str | None,
) -> Page[Contact]:
    """Oldest first; an account that does not exist (in this tenant) answers 404 rather than an empty page."""
    ctx.require(Permission.CONTACTS_READ)
    accounts.get(ctx, account_id)
    return repository.list(ctx, limit, cursor, None, account_id)


def update_contact(
    ctx: TenantContext,
    repository: ContactRepository,
    users: UserLookup,
    contact_id: str,
    patch: ContactPatch,
    expected_version: int,
) -> Contact:
    ctx.require(Permission.CONTACTS_WRITE)
    changes = patch.model_dump(mode="json", exclude_unset=True)
    if "name_zh" in changes or "name_en" in changes:
        # The names decide display_name, so read them; the conditional write still guards the version.
        current = repository.get(ctx, contact_id)
        name_zh = changes.get("name_zh", current.name_zh)
        name_en = changes.get("name_en", current.name_en)
        shown = display_name(name_zh, name_en)
        if shown is None:
            raise _invalid("name_zh", "name_zh or name_en is required")
        changes["display_name"] = shown
    if "is_primary" in changes and changes["is_primary"] is None:
        changes["is_primary"] = False
    _check_responsible_user(ctx, users, patch.responsible_user_id)
    return repository.update(ctx, contact_id, changes, expected_version)


def delete_contact(ctx: TenantContext, repository: ContactRepository, contact_id: str, expected_version: int) -> None:
    ctx.require(Permission.CONTACTS_WRITE)
    repository.delete(ctx, contact_id, expected_version)
