"""Leads: prospective clients, owned by the user the tenant's assignment rules pick on create."""

from collections.abc import Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import LongText, Phone, ShortText
from servicejob.domain.assignment_rules import (
    AssignmentRulesRepository,
    UserId,
    check_assignable,
    owner_for,
)
from servicejob.domain.duplicates import DuplicateMatch, MatchKeyIndex, find_likely_duplicates, lead_candidate
from servicejob.domain.notifications import NotificationRepository, notify
from servicejob.domain.users import UserLookup
from servicejob.notify.mailer import Mailer
from servicejob.tenancy.context import TenantContext

LeadSource = Literal["web", "referral", "event", "cold_call", "import", "other"]
WorkingLeadStatus = Literal["new", "contacted", "qualified", "disqualified"]
# "converted" is set only by POST /v1/leads/{id}/convert, with the links to what it became.
LeadStatus = Literal["new", "contacted", "qualified", "disqualified", "converted"]


class LeadInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_name: ShortText = Field(description="The prospective client, e.g. 九龍貿易有限公司")
    contact_name: ShortText | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    source: LeadSource = "other"
    business_line: ShortText | None = Field(default=None, description="e.g. audit, tax; drives assignment")
    region: ShortText | None = Field(default=None, description="e.g. Hong Kong, Shenzhen; drives assignment")
    branch: ShortText | None = Field(default=None, description="Our office that follows the lead up (as accounts)")
    notes: LongText | None = None


class LeadPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_name: ShortText | None = None
    contact_name: ShortText | None = None
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    source: LeadSource | None = None
    business_line: ShortText | None = None
    region: ShortText | None = None
    branch: ShortText | None = None
    notes: LongText | None = None
    status: WorkingLeadStatus | None = None
    owner_user_id: UserId | None = Field(default=None, description="Reassigns the lead; the new owner is e-mailed")

    @model_validator(mode="after")
    def _required_fields_cannot_be_cleared(self) -> "LeadPatch":
        for name in ("company_name", "source", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class Lead(LeadInput):
    model_config = ConfigDict(extra="ignore")

    status: LeadStatus
    owner_user_id: str | None = None
    # Checked on input; a stored record is read as it is (e-mail syntax checks cost ~0.1 ms per read).
    email: str | None = None
    account_id: str | None = Field(default=None, description="Set on conversion")
    contact_id: str | None = Field(default=None, description="Set on conversion when a contact was made")
    opportunity_id: str | None = Field(default=None, description="Set on conversion")
    converted_at: str | None = None
    id: str
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class LeadCreated(Lead):
    """A created lead, with the accounts and leads it likely duplicates (the create is not refused)."""

    possible_duplicates: list[DuplicateMatch] = Field(
        default_factory=list,
        description="Accounts and leads sharing its normalized company name, phone or company e-mail domain",
    )


class LeadRepository(Protocol):
    def get(self, ctx: TenantContext, lead_id: str) -> Lead: ...
    def add(self, ctx: TenantContext, lead_id: str, fields: Mapping[str, Any]) -> Lead: ...
    def update(self, ctx: TenantContext, lead_id: str, changes: Mapping[str, Any], expected_version: int) -> Lead: ...
    def delete(self, ctx: TenantContext, lead_id: str, expected_version: int) -> Lead: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Lead]: ...


def create_lead(
    ctx: TenantContext,
    repository: LeadRepository,
    assignment: AssignmentRulesRepository,
    data: LeadInput,
    match_index: MatchKeyIndex | None = None,
) -> LeadCreated:
    """The rules, the rule's round-robin counter when one matches, one Query per match key, the put."""
    ctx.require(Permission.LEADS_WRITE)
    owner = owner_for(
        assignment.get(ctx), data.business_line, data.region, lambda rule: assignment.next_turn(ctx, rule)
    )
    fields = data.model_dump(exclude_none=True) | {"status": "new"}
    if owner is not None:
        fields["owner_user_id"] = owner
    # Looked up before the write, so the new lead does not find itself.
    duplicates = (
        find_likely_duplicates(ctx, match_index, lead_candidate(fields), ("account", "lead")) if match_index else []
    )
    lead = repository.add(ctx, str(ULID()), fields)
    return LeadCreated(**lead.model_dump(), possible_duplicates=duplicates)


def get_lead(ctx: TenantContext, repository: LeadRepository, lead_id: str) -> Lead:
    ctx.require(Permission.LEADS_READ)
    return repository.get(ctx, lead_id)


def list_leads(
    ctx: TenantContext, repository: LeadRepository, limit: int, cursor: str | None, name_prefix: str | None
) -> Page[Lead]:
    ctx.require(Permission.LEADS_READ)
    return repository.list(ctx, limit, cursor, name_prefix or None)


def update_lead(
    ctx: TenantContext,
    repository: LeadRepository,
    users: UserLookup,
    notifications: NotificationRepository,
    mailer: Mailer,
    lead_id: str,
    patch: LeadPatch,
    expected_version: int,
) -> Lead:
    ctx.require(Permission.LEADS_WRITE)
    changes = patch.model_dump(exclude_unset=True)
    new_owner_id = changes.get("owner_user_id")
    # Only a change of owner is checked and notified; re-sending the current owner is a no-op.
    reassigned = False
    if new_owner_id is not None and repository.get(ctx, lead_id).owner_user_id != new_owner_id:
        check_assignable(ctx, users, {"owner_user_id": new_owner_id})
        reassigned = True
    updated = repository.update(ctx, lead_id, changes, expected_version)
    if reassigned:
        notify(
            ctx,
            notifications,
            mailer,
            users,
            [new_owner_id],
            "lead.assigned",
            f"lead/{lead_id}",
            {"company_name": updated.company_name, "record": updated.company_name},
        )
    return updated


def delete_lead(ctx: TenantContext, repository: LeadRepository, lead_id: str, expected_version: int) -> None:
    ctx.require(Permission.LEADS_WRITE)
    repository.delete(ctx, lead_id, expected_version)
