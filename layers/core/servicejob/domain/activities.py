"""Activities: calls, meetings, visits, e-mails and tasks, planned or done, linked to the records they are about.

An activity is planned (it has a `due_at`), done (`done_at`) or cancelled; the status changes through
PATCH like any other field. It belongs to an account when it has one (listed under it); a contact's or
an opportunity's account is taken as the activity's account, and an activity needs an account or a lead.
The links are fixed once created (delete and re-create to move one).

Done calls and visits set the account's `last_contact_at` and the contact's `last_call_at`; planned ones
their `next_contact_at` / `next_call_at` (the earliest). `contact_dates` computes them from the account's
activities; the events function applies them after each activity change (docs/architecture.md says why).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.clock import now_iso, to_iso
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import EntityId, LongText, ShortText, UserId, UserLookup
from servicejob.errors import ErrorList, FieldError, NotFound, ValidationFailed
from servicejob.tenancy.context import PrincipalKind, TenantContext


class ActivityKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    VISIT = "visit"
    EMAIL = "email"
    TASK = "task"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


# The kinds that count as contact with the client for last/next contact dates.
CONTACT_KINDS = frozenset({ActivityKind.CALL, ActivityKind.VISIT})
# The kinds whose owners are reminded on the day they are due.
REMINDED_KINDS = frozenset({ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING})


class ActivityInput(BaseModel):
    """Fields a client may set on create. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ActivityKind
    subject: ShortText = Field(description="e.g. 年度審計報價跟進")
    status: ActivityStatus = Field(default=ActivityStatus.PLANNED, description="Log a past activity with done")
    due_at: AwareDatetime | None = Field(default=None, description="When it is planned for; required when planned")
    done_at: AwareDatetime | None = Field(default=None, description="When it happened; defaults to now when done")
    notes: LongText | None = None
    minutes: LongText | None = Field(default=None, description="Minutes of a meeting (meetings only)")
    owner_id: UserId | None = Field(default=None, description="The user who does it; defaults to the caller")
    account_id: EntityId | None = Field(default=None, description="The account; taken from the contact if omitted")
    contact_id: EntityId | None = None
    opportunity_id: EntityId | None = None
    lead_id: EntityId | None = None


class ActivityPatch(BaseModel):
    """A partial update: only the fields present change; `null` clears an optional field.

    Setting `status` to done stamps `done_at` (now unless given); leaving done clears it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: ShortText | None = None
    status: ActivityStatus | None = None
    due_at: AwareDatetime | None = None
    done_at: AwareDatetime | None = None
    notes: LongText | None = None
    minutes: LongText | None = None
    owner_id: UserId | None = None

    @model_validator(mode="after")
    def _required_fields_cannot_be_cleared(self) -> "ActivityPatch":
        for name in ("subject", "status", "owner_id"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class Activity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    kind: ActivityKind
    status: ActivityStatus
    subject: str
    notes: str | None = None
    minutes: str | None = None
    due_at: str | None = Field(default=None, description="UTC ISO 8601")
    done_at: str | None = Field(default=None, description="UTC ISO 8601")
    owner_id: str
    account_id: str | None = None
    contact_id: str | None = None
    opportunity_id: str | None = None
    lead_id: str | None = None
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class ActivityRepository(Protocol):
    def get(self, ctx: TenantContext, activity_id: str) -> Activity: ...
    def add(self, ctx: TenantContext, activity_id: str, fields: Mapping[str, Any]) -> Activity: ...
    def update(
        self, ctx: TenantContext, activity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Activity: ...
    def delete(self, ctx: TenantContext, activity_id: str, expected_version: int) -> Activity: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, account_id: str | None) -> Page[Activity]: ...
    def list_planned(
        self, ctx: TenantContext, limit: int, cursor: str | None, due_from: str, due_before: str
    ) -> Page[Activity]: ...


class AccountOwned(Protocol):
    account_id: str


class RecordLookup(Protocol):
    def get(self, ctx: TenantContext, record_id: str) -> Any: ...


@dataclass(frozen=True)
class LinkedRecords:
    """Where an activity's links are checked: each must exist in the caller's tenant."""

    accounts: RecordLookup
    contacts: RecordLookup
    opportunities: RecordLookup
    leads: RecordLookup
    users: UserLookup


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The activity is not valid.", [FieldError(field, message)])


def _instant(value: datetime | None) -> str | None:
    return to_iso(value) if value is not None else None


def _linked(ctx: TenantContext, lookup: RecordLookup, field: str, record_id: str) -> Any:
    try:
        return lookup.get(ctx, record_id)
    except NotFound as error:
        raise _invalid(field, f"No {field.removesuffix('_id')} with id {record_id}.") from error


def _resolve_account(ctx: TenantContext, links: LinkedRecords, data: ActivityInput) -> str | None:
    """The activity's account: the one given, else the contact's or the opportunity's; all must agree."""
    account_id = data.account_id
    for field, lookup, record_id in (
        ("contact_id", links.contacts, data.contact_id),
        ("opportunity_id", links.opportunities, data.opportunity_id),
    ):
        if record_id is None:
            continue
        owner_account = _linked(ctx, lookup, field, record_id).account_id
        if account_id is None:
            account_id = owner_account
        elif owner_account != account_id:
            raise _invalid(field, f"The {field.removesuffix('_id')} belongs to another account.")
    if data.account_id is not None:
        _linked(ctx, links.accounts, "account_id", data.account_id)
    return account_id


def _check_state(kind: str, status: str, due_at: str | None, done_at: str | None, minutes: str | None) -> None:
    errors = ErrorList()
    if status == ActivityStatus.PLANNED and due_at is None:
        errors.add("due_at", "A planned activity needs due_at.", "missing")
    if done_at is not None and done_at > now_iso():
        errors.add("done_at", "done_at cannot be in the future.")
    if minutes is not None and kind != ActivityKind.MEETING:
        errors.add("minutes", "Only meetings have minutes; use notes.")
    errors.raise_if_any("The activity is not valid.")


def _check_owner(ctx: TenantContext, users: UserLookup, owner_id: str | None) -> str:
    if owner_id is None:
        if ctx.kind is not PrincipalKind.USER:
            raise _invalid("owner_id", "An API key must name the owner (a user of this tenant).")
        return ctx.principal_id
    if users.find(ctx, owner_id) is None:
        raise _invalid("owner_id", f"No user with id {owner_id}.")
    return owner_id


def create_activity(
    ctx: TenantContext, repository: ActivityRepository, links: LinkedRecords, data: ActivityInput
) -> Activity:
    ctx.require(Permission.ACTIVITIES_WRITE)
    account_id = _resolve_account(ctx, links, data)
    if data.lead_id is not None:
        _linked(ctx, links.leads, "lead_id", data.lead_id)
    if account_id is None and data.lead_id is None:
        raise _invalid("account_id", "An activity needs an account (or a contact or opportunity of one) or a lead.")
    done = data.status is ActivityStatus.DONE
    due_at = _instant(data.due_at)
    done_at = (_instant(data.done_at) or now_iso()) if done else None
    if data.done_at is not None and not done:
        raise _invalid("done_at", "Only a done activity has done_at.")
    _check_state(data.kind, data.status, due_at, done_at, data.minutes)
    fields = {
        **data.model_dump(mode="json", exclude_none=True),
        "owner_id": _check_owner(ctx, links.users, data.owner_id),
        "account_id": account_id,
        "due_at": due_at,
        "done_at": done_at,
    }
    return repository.add(ctx, str(ULID()), {name: value for name, value in fields.items() if value is not None})


def get_activity(ctx: TenantContext, repository: ActivityRepository, activity_id: str) -> Activity:
    ctx.require(Permission.ACTIVITIES_READ)
    return repository.get(ctx, activity_id)


def list_activities(
    ctx: TenantContext,
    repository: ActivityRepository,
    limit: int,
    cursor: str | None,
    status: ActivityStatus | None = None,
    due_from: datetime | None = None,
    due_before: datetime | None = None,
) -> Page[Activity]:
    """Newest first; or, with status=planned, the planned ones soonest due first (optionally in a due range)."""
    ctx.require(Permission.ACTIVITIES_READ)
    if status is None and due_from is None and due_before is None:
        return repository.list(ctx, limit, cursor, None)
    if status is not ActivityStatus.PLANNED:
        raise _invalid("status", "Only planned activities are listed by status (soonest due first).")
    if due_from is not None and due_before is not None and due_from >= due_before:
        raise _invalid("due_before", "due_before must be later than due_from.")
    # "0" sorts before and "9" after every ISO instant, so an open end takes the whole index.
    return repository.list_planned(ctx, limit, cursor, _instant(due_from) or "0", _instant(due_before) or "9")


def list_account_activities(
    ctx: TenantContext,
    repository: ActivityRepository,
    accounts: RecordLookup,
    account_id: str,
    limit: int,
    cursor: str | None,
) -> Page[Activity]:
    """Oldest first; an account that does not exist (in this tenant) answers 404 rather than an empty page."""
    ctx.require(Permission.ACTIVITIES_READ)
    accounts.get(ctx, account_id)
    return repository.list(ctx, limit, cursor, account_id)


def update_activity(
    ctx: TenantContext,
    repository: ActivityRepository,
    users: UserLookup,
    activity_id: str,
    patch: ActivityPatch,
    expected_version: int,
) -> Activity:
    ctx.require(Permission.ACTIVITIES_WRITE)
    # The current state decides done_at and the due index; the conditional write still guards the version.
    current = repository.get(ctx, activity_id)
    changes = patch.model_dump(mode="json", exclude_unset=True)
    for name in ("due_at", "done_at"):
        if name in changes:
            changes[name] = _instant(getattr(patch, name))
    status = changes.get("status", current.status)
    if status == ActivityStatus.DONE:
        changes["done_at"] = changes.get("done_at") or current.done_at or now_iso()
    elif changes.get("done_at") is not None:
        raise _invalid("done_at", "Only a done activity has done_at.")
    else:
        changes["done_at"] = None
    due_at = changes.get("due_at", current.due_at)
    minutes = changes.get("minutes", current.minutes)
    _check_state(current.kind, status, due_at, changes["done_at"], minutes)
    if "owner_id" in changes:
        _check_owner(ctx, users, patch.owner_id)
    # The due index needs both fields whenever either changes.
    changes.update(status=status, due_at=due_at)
    return repository.update(ctx, activity_id, changes, expected_version)


def delete_activity(
    ctx: TenantContext, repository: ActivityRepository, activity_id: str, expected_version: int
) -> None:
    ctx.require(Permission.ACTIVITIES_WRITE)
    repository.delete(ctx, activity_id, expected_version)


# ---- last and next contact dates ------------------------------------------------------------------
@dataclass(frozen=True)
class ContactDates:
    last: str | None  # the latest done_at of a done call or visit
    next: str | None  # the earliest due_at of a planned call or visit


def contact_dates(activities: Iterable[Mapping[str, Any]], contact_id: str | None = None) -> ContactDates:
    """The dates the account's activities give it (or, with contact_id, that contact); order-independent."""
    last: str | None = None
    upcoming: str | None = None
    for activity in activities:
        if activity.get("kind") not in CONTACT_KINDS or (contact_id and activity.get("contact_id") != contact_id):
            continue
        status = activity.get("status")
        if status == ActivityStatus.DONE and activity.get("done_at"):
            last = max(last or "", activity["done_at"])
        elif status == ActivityStatus.PLANNED and activity.get("due_at"):
            upcoming = min(upcoming or "~", activity["due_at"])
    return ContactDates(last, upcoming)


class AccountActivities(Protocol):
    def of_account(self, ctx: TenantContext, account_id: str) -> list[dict[str, Any]]:
        """Every live activity of the account (kind, status, due_at, done_at, contact_id, id)."""
        ...


class ContactDatesWriter(Protocol):
    def set_account_dates(self, ctx: TenantContext, account_id: str, dates: ContactDates) -> None: ...
    def set_contact_dates(self, ctx: TenantContext, contact_id: str, dates: ContactDates) -> None: ...


def refresh_contact_dates(
    ctx: TenantContext,
    activities: AccountActivities,
    writer: ContactDatesWriter,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Recompute the dates of the account and contacts an activity change touched.

    `after` (None when the activity is gone) replaces the stored copy of the activity, so an index that
    has not caught up with the write yet cannot make the result stale.
    """
    changed = after or before
    if changed is None or not changed.get("account_id"):
        return
    account_id = changed["account_id"]
    activity_id = changed["id"]
    current = [activity for activity in activities.of_account(ctx, account_id) if activity.get("id") != activity_id]
    if after is not None:
        current.append(dict(after))
    writer.set_account_dates(ctx, account_id, contact_dates(current))
    contact_ids = {record.get("contact_id") for record in (before, after) if record is not None} - {None}
    for contact_id in contact_ids:
        writer.set_contact_dates(ctx, contact_id, contact_dates(current, contact_id))
