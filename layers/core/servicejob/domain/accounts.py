"""Accounts: the firm's clients. The reference resource every later entity follows."""

from collections.abc import Mapping
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.tenancy.context import TenantContext

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[0-9+()\-.\s/x]+$")
]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://\S+$")]


class AccountInput(BaseModel):
    """Fields a client may set. Unknown fields (a tenant id among them) are refused, never used."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText = Field(description="Display name, e.g. 香港會計師事務所有限公司")
    website: Url | None = None
    phone: Phone | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    notes: LongText | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class AccountPatch(BaseModel):
    """A partial update: only the fields present change; `null` clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText | None = None
    website: Url | None = None
    phone: Phone | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    notes: LongText | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _name_cannot_be_cleared(self) -> "AccountPatch":
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        return self


class Account(AccountInput):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class AccountRepository(Protocol):
    def get(self, ctx: TenantContext, account_id: str) -> Account: ...
    def add(self, ctx: TenantContext, account_id: str, fields: Mapping[str, Any]) -> Account: ...
    def update(
        self, ctx: TenantContext, account_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Account: ...
    def delete(self, ctx: TenantContext, account_id: str, expected_version: int) -> Account: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Account]: ...


def create_account(ctx: TenantContext, repository: AccountRepository, data: AccountInput) -> Account:
    ctx.require(Permission.ACCOUNTS_WRITE)
    return repository.add(ctx, str(ULID()), data.model_dump(exclude_none=True))


def get_account(ctx: TenantContext, repository: AccountRepository, account_id: str) -> Account:
    ctx.require(Permission.ACCOUNTS_READ)
    return repository.get(ctx, account_id)


def list_accounts(
    ctx: TenantContext, repository: AccountRepository, limit: int, cursor: str | None, name_prefix: str | None
) -> Page[Account]:
    ctx.require(Permission.ACCOUNTS_READ)
    return repository.list(ctx, limit, cursor, name_prefix or None)


def update_account(
    ctx: TenantContext, repository: AccountRepository, account_id: str, patch: AccountPatch, expected_version: int
) -> Account:
    ctx.require(Permission.ACCOUNTS_WRITE)
    changes = patch.model_dump(exclude_unset=True)
    return repository.update(ctx, account_id, changes, expected_version)


def delete_account(ctx: TenantContext, repository: AccountRepository, account_id: str, expected_version: int) -> None:
    ctx.require(Permission.ACCOUNTS_WRITE)
    repository.delete(ctx, account_id, expected_version)
