"""Accounts: the firm's clients. The reference resource every later entity follows."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Protocol

import iso3166
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.domain.duplicates import DuplicateMatch, MatchKeyIndex, account_candidate, find_likely_duplicates
from servicejob.domain.registration_numbers import is_hk_br_number, is_prc_uscc
from servicejob.domain.scorecard import AccountScorecard, Tier
from servicejob.errors import FieldError, NotFound, ValidationFailed
from servicejob.tenancy.context import TenantContext

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[0-9+()\-.\s/x]+$")
]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://\S+$")]
EntityId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
# A user's id is their Cognito sub (a UUID), not a ULID.
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w-]+$")]
AddressLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _country_code(value: str) -> str:
    if value not in iso3166.countries_by_alpha2:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, e.g. HK")
    return value


def _hk_br_number(value: str) -> str:
    if not is_hk_br_number(value):
        raise ValueError(
            "must be the 8-digit BR number, optionally with -branch (12345678-000) or the certificate suffix"
        )
    return value


def _prc_uscc(value: str) -> str:
    if not is_prc_uscc(value):
        raise ValueError(
            "must be an 18-character unified social credit code with a valid GB 32100-2015 check character"
        )
    return value


CountryCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=2),
    AfterValidator(_country_code),
]
HkBrNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=20), AfterValidator(_hk_br_number)
]
PrcUscc = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=18), AfterValidator(_prc_uscc)
]


class AccountStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    INACTIVE = "inactive"


class BillingAddress(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lines: list[AddressLine] = Field(min_length=1, max_length=4, description="Street address, one to four lines")
    city: ShortText | None = None
    region: ShortText | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None = None
    country: CountryCode = Field(description="ISO 3166-1 alpha-2, e.g. HK")


class AccountInput(BaseModel):
    """Fields a client may set. Unknown fields (a tenant id among them) are refused, never used."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText = Field(description="Display name, e.g. 香港會計師事務所有限公司")
    website: Url | None = None
    phone: Phone | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    notes: LongText | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    industry: ShortText | None = None
    region: ShortText | None = None
    branch: ShortText | None = Field(default=None, description="Our office that serves the client")
    business_lines: list[Tag] = Field(default_factory=list, max_length=20, description="e.g. audit, tax, advisory")
    responsible_user_id: UserId | None = Field(default=None, description="A user of this tenant")
    billing_address: BillingAddress | None = None
    hk_br_number: HkBrNumber | None = Field(default=None, description="HK Business Registration number")
    prc_uscc: PrcUscc | None = Field(default=None, description="PRC unified social credit code (18 characters)")
    status: AccountStatus | None = Field(default=None, description="Defaults to prospect")


class AccountPatch(BaseModel):
    """A partial update: only the fields present change; `null` clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText | None = None
    website: Url | None = None
    phone: Phone | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    notes: LongText | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    industry: ShortText | None = None
    region: ShortText | None = None
    branch: ShortText | None = None
    business_lines: list[Tag] | None = Field(default=None, max_length=20)
    responsible_user_id: UserId | None = None
    # Settable only here: the contact must already exist under this account.
    ap_contact_id: EntityId | None = Field(default=None, description="The client's accounts-payable contact")
    billing_address: BillingAddress | None = None
    hk_br_number: HkBrNumber | None = None
    prc_uscc: PrcUscc | None = None
    status: AccountStatus | None = None

    @model_validator(mode="after")
    def _required_fields_cannot_be_cleared(self) -> "AccountPatch":
        for name in ("name", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class MergedAccount(BaseModel):
    id: str
    name: str = Field(description="Its name when it was merged")


class Account(AccountInput):
    model_config = ConfigDict(extra="ignore")

    status: AccountStatus = AccountStatus.PROSPECT  # accounts stored before statuses existed are prospects
    # Checked on input; a stored record is read as it is (e-mail syntax checks cost ~0.1 ms per read).
    email: str | None = None
    ap_contact_id: str | None = None
    # Kept by activities (read-only in the API).
    last_contact_at: str | None = None
    next_contact_at: str | None = None
    # Kept by merges (read-only): accounts merged into this one, and the survivor while a merge runs.
    merged_accounts: list[MergedAccount] = Field(
        default_factory=list, description="Accounts merged into this one, with their names (they are deleted)"
    )
    merging_into: str | None = None
    merged_into: str | None = Field(default=None, description="Set on a deleted account merged into another")
    scorecard: AccountScorecard | None = Field(default=None, description="Set by PUT /v1/accounts/{id}/scorecard")
    id: str
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class AccountCreated(Account):
    """A created account, with the existing records it likely duplicates (the create is not refused)."""

    possible_duplicates: list[DuplicateMatch] = Field(
        default_factory=list, description="Accounts sharing a name, phone, domain or registration number"
    )


class AccountRepository(Protocol):
    def get(self, ctx: TenantContext, account_id: str) -> Account: ...
    def add(self, ctx: TenantContext, account_id: str, fields: Mapping[str, Any]) -> Account: ...
    def update(
        self, ctx: TenantContext, account_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Account: ...
    def delete(self, ctx: TenantContext, account_id: str, expected_version: int) -> Account: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Account]: ...
    def list_by_score(
        self, ctx: TenantContext, limit: int, cursor: str | None, tier: Tier | None, descending: bool
    ) -> Page[Account]: ...


class UserLookup(Protocol):
    def find(self, ctx: TenantContext, user_id: str) -> Any | None: ...


class AccountContact(Protocol):
    account_id: str


class ContactLookup(Protocol):
    def get(self, ctx: TenantContext, contact_id: str) -> AccountContact: ...


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The account is not valid.", [FieldError(field, message)])


def _responsible_user_must_exist(ctx: TenantContext, users: UserLookup, user_id: str | None) -> None:
    if user_id is not None and users.find(ctx, user_id) is None:
        raise _invalid("responsible_user_id", f"No user with id {user_id}.")


def _ap_contact_must_belong(ctx: TenantContext, contacts: ContactLookup, account_id: str, contact_id: str) -> None:
    try:
        contact = contacts.get(ctx, contact_id)
    except NotFound as error:
        raise _invalid("ap_contact_id", f"No contact with id {contact_id}.") from error
    if contact.account_id != account_id:
        raise _invalid("ap_contact_id", "The contact belongs to another account.")


def create_account(
    ctx: TenantContext,
    repository: AccountRepository,
    users: UserLookup,
    data: AccountInput,
    match_index: MatchKeyIndex | None = None,
) -> AccountCreated:
    """Creates the account; with a match index, also names the accounts it likely duplicates."""
    ctx.require(Permission.ACCOUNTS_WRITE)
    fields = new_account_fields(ctx, users, data)
    # Looked up before the write, so the new account does not find itself.
    duplicates = find_likely_duplicates(ctx, match_index, account_candidate(fields)) if match_index else []
    account = repository.add(ctx, str(ULID()), fields)
    return AccountCreated(**account.model_dump(), possible_duplicates=duplicates)


def list_account_duplicates(
    ctx: TenantContext, repository: AccountRepository, match_index: MatchKeyIndex, account_id: str
) -> list[DuplicateMatch]:
    ctx.require(Permission.ACCOUNTS_READ)
    account = repository.get(ctx, account_id)
    candidate = account_candidate(account.model_dump(mode="json"))
    return find_likely_duplicates(ctx, match_index, candidate, exclude=[account_id])


def new_account_fields(ctx: TenantContext, users: UserLookup, data: AccountInput) -> dict[str, Any]:
    """What a new account stores (checked), whether created alone or with others (lead conversion)."""
    _responsible_user_must_exist(ctx, users, data.responsible_user_id)
    fields = data.model_dump(mode="json", exclude_none=True)
    fields.setdefault("status", AccountStatus.PROSPECT.value)
    return fields


def get_account(ctx: TenantContext, repository: AccountRepository, account_id: str) -> Account:
    ctx.require(Permission.ACCOUNTS_READ)
    return repository.get(ctx, account_id)


class AccountSort(StrEnum):
    SCORE_DESCENDING = "-score"
    SCORE_ASCENDING = "score"


def list_accounts(
    ctx: TenantContext,
    repository: AccountRepository,
    limit: int,
    cursor: str | None,
    name_prefix: str | None,
    sort: AccountSort | None = None,
    tier: Tier | None = None,
) -> Page[Account]:
    """Newest first, by name prefix, or (with `sort` or `tier`) scored accounts by score; unscored ones are
    not on the score ordering."""
    ctx.require(Permission.ACCOUNTS_READ)
    if sort is None and tier is None:
        return repository.list(ctx, limit, cursor, name_prefix or None)
    if name_prefix:
        raise _invalid("q", "A name search cannot be combined with sort or tier.")
    descending = sort is not AccountSort.SCORE_ASCENDING
    return repository.list_by_score(ctx, limit, cursor, tier, descending)


def update_account(
    ctx: TenantContext,
    repository: AccountRepository,
    users: UserLookup,
    contacts: ContactLookup,
    account_id: str,
    patch: AccountPatch,
    expected_version: int,
) -> Account:
    ctx.require(Permission.ACCOUNTS_WRITE)
    _responsible_user_must_exist(ctx, users, patch.responsible_user_id)
    if patch.ap_contact_id is not None:
        _ap_contact_must_belong(ctx, contacts, account_id, patch.ap_contact_id)
    changes = patch.model_dump(mode="json", exclude_unset=True)
    return repository.update(ctx, account_id, changes, expected_version)


def delete_account(ctx: TenantContext, repository: AccountRepository, account_id: str, expected_version: int) -> None:
    ctx.require(Permission.ACCOUNTS_WRITE)
    repository.delete(ctx, account_id, expected_version)
