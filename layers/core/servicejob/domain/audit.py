"""The audit trail: which entity types are audited, what a change to one of them records, and who may read it.

Entries are written from the table stream (functions/events), never by the API itself, so a write and
its audit entry cannot drift apart. Changes are diffed on the entity as the API returns it, so keys,
index attributes and secrets never reach the trail.
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, Field
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.pagination import Page
from servicejob.errors import FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext


@dataclass(frozen=True)
class AuditedType:
    type: str  # singular, as in keys and item discriminators: "account"
    resource: str  # plural, as in API paths and `GET /v1/audit?entity=accounts/{id}`
    event_prefix: str  # domain events are named `{event_prefix}.created|updated|deleted`
    # The entity as the API returns it (`module.Model`): event data and the fields that are diffed. Named, not
    # imported, so that reading a trail (the API function serving /v1/audit) loads no other context's models.
    entity: str
    # Events a write publishes besides `{event_prefix}.{action}`: name -> a function of the entity's module that
    # tells, given the entity's data before and after (None when absent), whether this write reaches that
    # milestone (e.g. `opportunity.won`).
    milestone_checks: Mapping[str, str] = field(default_factory=dict)

    @property
    def model(self) -> type[BaseModel]:
        module, name = self.entity.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    @property
    def milestones(self) -> Mapping[str, Callable[[Mapping[str, Any] | None, Mapping[str, Any] | None], bool]]:
        module = importlib.import_module(self.entity.rsplit(".", 1)[0])
        return {name: getattr(module, check) for name, check in self.milestone_checks.items()}


# One line per audited entity type; everything else on the stream (idempotency records, counters,
# audit entries themselves, rate limits) is ignored.
AUDITED_TYPES: dict[str, AuditedType] = {
    audited.type: audited
    for audited in (
        AuditedType("account", "accounts", "account", "servicejob.domain.accounts.Account"),
        AuditedType("contact", "contacts", "contact", "servicejob.domain.contacts.Contact"),
        AuditedType("activity", "activities", "activity", "servicejob.domain.activities.Activity"),
        AuditedType("lead", "leads", "lead", "servicejob.domain.leads.Lead"),
        AuditedType(
            "opportunity",
            "opportunities",
            "opportunity",
            "servicejob.domain.opportunities.Opportunity",
            {"opportunity.won": "closed_as_won"},
        ),
        AuditedType(
            "quote", "quotes", "quote", "servicejob.domain.quotes.Quote", {"quote.accepted": "reached_accepted"}
        ),
        AuditedType("user", "users", "user", "servicejob.domain.users.User"),
        AuditedType("apikey", "api-keys", "api_key", "servicejob.domain.api_keys.ApiKey"),
        AuditedType(
            "import_mapping", "import-mappings", "import_mapping", "servicejob.domain.column_maps.ImportMapping"
        ),
    )
}
AUDITED_RESOURCES: dict[str, AuditedType] = {audited.resource: audited for audited in AUDITED_TYPES.values()}

# Fields every entity carries for bookkeeping; the entry's own attributes (actor, at, version) say them.
BOOKKEEPING_FIELDS = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by"})


class AuditAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class FieldChange(BaseModel):
    before: Any = Field(description="The value before the write; null when it was not set")
    after: Any = Field(description="The value after the write; null when it is no longer set")


class AuditEntry(BaseModel):
    at: str = Field(description="When the write happened (UTC ISO 8601)")
    actor: str = Field(description="Who wrote: user:{id}, apikey:{id} or system:{name}")
    action: AuditAction
    version: int = Field(description="The entity's version after the write")
    changes: dict[str, FieldChange] = Field(description="Business fields that changed, by name")
    correlation_id: str | None = None


@dataclass(frozen=True)
class EntitySnapshot:
    """One image of a stored entity: its bookkeeping and its public representation (JSON-ready)."""

    version: int
    updated_at: str
    updated_by: str
    correlation_id: str | None
    deleted_at: str | None
    deleted_by: str | None
    data: Mapping[str, Any]
    audience: str | None = None  # who sees an owned record (auth.visibility), e.g. `team:audit hk`


@dataclass(frozen=True)
class EntityChange:
    """One stream record about an audited entity: before is None for an insert, after for a removal."""

    event_id: str  # the stream record's eventID: stable across retries of the same record
    tenant_id: str
    audited: AuditedType
    entity_id: str
    before: EntitySnapshot | None
    after: EntitySnapshot | None


def audit_entry(change: EntityChange) -> AuditEntry | None:
    """What the change records, or None when it is not an audited write.

    Deletion is soft, so the write that sets `deleted_at` is the delete; the later TTL purge (a REMOVE)
    and anything touching an already deleted item record nothing. A write that leaves the version alone
    is housekeeping (not a business change) and records nothing either.
    """
    before, after = change.before, change.after
    if after is None or (before is not None and before.deleted_at is not None):
        return None
    if before is None:
        action, changes = AuditAction.CREATED, field_changes({}, after.data)
    elif after.deleted_at is not None:
        action, changes = AuditAction.DELETED, field_changes(before.data, {})
    elif after.version == before.version:
        return None
    else:
        action, changes = AuditAction.UPDATED, field_changes(before.data, after.data)
    deleting = action is AuditAction.DELETED
    return AuditEntry(
        at=(after.deleted_at if deleting else None) or after.updated_at,
        actor=(after.deleted_by if deleting else None) or after.updated_by,
        action=action,
        version=after.version,
        changes=changes,
        correlation_id=after.correlation_id,
    )


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, FieldChange]:
    """{field: before/after} for business fields whose value differs; an empty value counts as not set."""
    changes: dict[str, FieldChange] = {}
    for name in sorted((before.keys() | after.keys()) - BOOKKEEPING_FIELDS):
        old, new = _value(before.get(name)), _value(after.get(name))
        if old != new:
            changes[name] = FieldChange(before=old, after=new)
    return changes


def _value(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


class AuditRepository(Protocol):
    def record(self, change: EntityChange, entry: AuditEntry) -> None: ...
    def history(
        self, ctx: TenantContext, audited: AuditedType, entity_id: str, limit: int, cursor: str | None
    ) -> Page[AuditEntry]: ...


def entity_history(
    ctx: TenantContext, repository: AuditRepository, entity: str, limit: int, cursor: str | None
) -> Page[AuditEntry]:
    """The audit trail of `entity` (`{resource}/{id}`, e.g. `accounts/01J…`), newest first.

    The trail is read in the caller's tenant only, so another tenant's entity id yields an empty list.
    """
    ctx.require(Permission.AUDIT_READ)
    audited, entity_id = parse_entity_reference(entity)
    return repository.history(ctx, audited, entity_id, limit, cursor)


def parse_entity_reference(entity: str) -> tuple[AuditedType, str]:
    resource, _, entity_id = entity.strip().partition("/")
    audited = AUDITED_RESOURCES.get(resource)
    if audited is None:
        known = ", ".join(sorted(AUDITED_RESOURCES))
        raise _invalid_entity(f"Expected {{resource}}/{{id}} with a resource among: {known}.")
    try:
        ULID.from_str(entity_id)
    except ValueError as error:
        raise _invalid_entity("The id after the resource must be a ULID.") from error
    return audited, entity_id.upper()


def _invalid_entity(message: str) -> ValidationFailed:
    return ValidationFailed("The entity to show the audit trail of is not valid.", [FieldError("entity", message)])
