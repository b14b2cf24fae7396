"""Converting a qualified lead: an account (existing or new), optionally a contact, an opportunity, and the
lead marked converted with links to them — all or nothing, in one DynamoDB transaction.

A lead converts once. Converting it again answers 409 naming what it became (the problem's `errors`
carry account_id / contact_id / opportunity_id); a retry of the same request with the same
Idempotency-Key replays the first 201 instead.
"""

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.clock import now_iso
from servicejob.domain.accounts import Account, AccountInput, AccountRepository, EntityId, new_account_fields
from servicejob.domain.contacts import Contact, ContactDetails, ContactRepository, new_contact_fields
from servicejob.domain.leads import Lead, LeadRepository
from servicejob.domain.opportunities import (
    Opportunity,
    OpportunityDetails,
    OpportunityRepository,
    opening_fields,
)
from servicejob.domain.sales_stages import SalesStagesRepository
from servicejob.domain.users import UserLookup
from servicejob.errors import Conflict, FieldError, NotFound, ValidationFailed
from servicejob.tenancy.context import TenantContext


class ExistingAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: EntityId = Field(description="An account of this tenant the lead turns out to be")


class LeadConversionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: ExistingAccount | AccountInput | None = Field(
        default=None,
        description="An existing account ({account_id}) or a new one; by default a new one from the lead's details",
    )
    contact: ContactDetails | None = Field(default=None, description="A new contact of that account, if any")
    opportunity: OpportunityDetails = Field(description="The opportunity the lead becomes")


class LeadConversion(BaseModel):
    lead: Lead
    account: Account
    contact: Contact | None
    opportunity: Opportunity


class ConversionPlan(BaseModel):
    """The writes of one conversion, handed to the store as one transaction."""

    lead_id: str
    lead_version: int
    lead_changes: dict
    account_id: str
    new_account: dict | None
    contact_id: str | None
    new_contact: dict | None
    opportunity_id: str
    new_opportunity: dict


class ConversionStore(Protocol):
    def commit(self, ctx: TenantContext, plan: ConversionPlan) -> None:
        """All writes or none; NotFound / VersionConflict for the lead, Conflict if converted meanwhile."""
        ...


def converted_conflict(lead: Lead) -> Conflict:
    links = [
        FieldError(name, getattr(lead, name), "converted_to")
        for name in ("account_id", "contact_id", "opportunity_id")
        if getattr(lead, name)
    ]
    return Conflict(f"The lead {lead.id} was already converted on {lead.converted_at}.", links)


def _under(prefix: str, error: ValidationFailed) -> ValidationFailed:
    """The same problem with its field paths placed under the request's `prefix` object."""
    return ValidationFailed(
        error.detail, [FieldError(f"{prefix}.{item.field}", item.message, item.code) for item in error.errors]
    )


def _account_from_lead(lead: Lead) -> AccountInput:
    return AccountInput(
        name=lead.company_name,
        phone=lead.phone,
        email=lead.email,
        region=lead.region,
        branch=lead.branch,
        business_lines=[lead.business_line] if lead.business_line else [],
        responsible_user_id=lead.owner_user_id,
    )


def convert_lead(
    ctx: TenantContext,
    leads: LeadRepository,
    accounts: AccountRepository,
    contacts: ContactRepository,
    opportunities: OpportunityRepository,
    stages: SalesStagesRepository,
    users: UserLookup,
    store: ConversionStore,
    lead_id: str,
    data: LeadConversionInput,
    expected_version: int | None = None,
) -> LeadConversion:
    ctx.require(Permission.LEADS_WRITE)
    ctx.require(Permission.OPPORTUNITIES_WRITE)
    lead = leads.get(ctx, lead_id)
    if lead.status == "converted":
        raise converted_conflict(lead)
    if data.contact is not None:
        ctx.require(Permission.CONTACTS_WRITE)

    new_account = None
    if isinstance(data.account, ExistingAccount):
        ctx.require(Permission.ACCOUNTS_READ)
        account_id = data.account.account_id
        try:
            accounts.get(ctx, account_id)
        except NotFound as error:
            raise ValidationFailed(
                "The account is not valid.", [FieldError("account.account_id", f"No account with id {account_id}.")]
            ) from error
    else:
        ctx.require(Permission.ACCOUNTS_WRITE)
        account_id = str(ULID())
        try:
            new_account = new_account_fields(ctx, users, data.account or _account_from_lead(lead))
        except ValidationFailed as error:
            raise _under("account", error) from error

    contact_id, new_contact = None, None
    if data.contact is not None:
        contact_id = str(ULID())
        try:
            new_contact = new_contact_fields(ctx, users, data.contact, account_id)
        except ValidationFailed as error:
            raise _under("contact", error) from error

    opportunity_id = str(ULID())
    details = data.opportunity
    if details.owner_user_id is None and lead.owner_user_id:
        details = details.model_copy(update={"owner_user_id": lead.owner_user_id})
    try:
        new_opportunity = opening_fields(ctx, stages, details, account_id)
    except ValidationFailed as error:
        raise _under("opportunity", error) from error
    new_opportunity |= {"lead_id": lead.id, "lead_created_at": lead.created_at}

    lead_changes = {
        "status": "converted",
        "account_id": account_id,
        "contact_id": contact_id,
        "opportunity_id": opportunity_id,
        "converted_at": now_iso(),
    }
    store.commit(
        ctx,
        ConversionPlan(
            lead_id=lead.id,
            lead_version=expected_version if expected_version is not None else lead.version,
            lead_changes={name: value for name, value in lead_changes.items() if value is not None},
            account_id=account_id,
            new_account=new_account,
            contact_id=contact_id,
            new_contact=new_contact,
            opportunity_id=opportunity_id,
            new_opportunity=new_opportunity,
        ),
    )
    return LeadConversion(
        lead=leads.get(ctx, lead.id),
        account=accounts.get(ctx, account_id),
        contact=contacts.get(ctx, contact_id) if contact_id else None,
        opportunity=opportunities.get(ctx, opportunity_id),
    )
