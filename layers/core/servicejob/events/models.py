"""Domain events: `{type}.created|updated|deleted` on the EventBridge bus, one model per event name.

The detail carries the stream record's eventID as `event_id` so consumers can drop the duplicates that
at-least-once delivery (a retried stream batch) produces. Each model's JSON Schema is committed under
schemas/events/ (scripts/generate-schemas) and drift-checked by a test.
"""

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from servicejob.deployment_spec import SCHEMAS_DIR
from servicejob.domain.audit import AUDITED_TYPES, AuditAction, AuditEntry, EntityChange, FieldChange

EVENT_SOURCE = "servicejob"
EVENT_SCHEMAS_DIR = SCHEMAS_DIR / "events"
_SCHEMA_ID_BASE = "https://servicejob.example/schemas/events/"


class DomainEvent(BaseModel):
    """The `detail` of a domain event; the bus's DetailType is `type`."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="Unique per change and stable across redeliveries: de-duplicate on it")
    type: str = Field(description="The event name, also the EventBridge DetailType")
    tenant_id: str
    entity_id: str
    version: int = Field(description="The entity's version after the change")
    actor: str = Field(description="Who made the change: user:{id}, apikey:{id} or system:{name}")
    occurred_at: str = Field(description="When the change was written (UTC ISO 8601)")
    correlation_id: str | None = Field(description="The correlation id of the request that made the change")
    data: Any = Field(description="The entity after the change, as the API returns it (when deleted: its last state)")
    changes: dict[str, FieldChange] = Field(description="Business fields that changed, with before and after")


def event_name(prefix: str, action: AuditAction) -> str:
    return f"{prefix}.{action.value}"


def _model_name(name: str) -> str:
    return "".join(part.title() for part in name.replace("-", ".").split(".")) + "Event"


EVENT_MODELS: dict[str, type[DomainEvent]] = {
    event_name(audited.event_prefix, action): create_model(
        _model_name(event_name(audited.event_prefix, action)),
        __base__=DomainEvent,
        __doc__=f"Detail of `{audited.event_prefix}.{action.value}` events ({audited.type} {action.value}).",
        type=(Literal[event_name(audited.event_prefix, action)], Field(description="The event name")),
        data=(audited.model, Field(description=DomainEvent.model_fields["data"].description)),
    )
    for audited in AUDITED_TYPES.values()
    for action in AuditAction
} | {
    name: create_model(
        _model_name(name),
        __base__=DomainEvent,
        __doc__=f"Detail of `{name}` events, published besides `{audited.event_prefix}.updated` by the same write.",
        type=(Literal[name], Field(description="The event name")),
        data=(audited.model, Field(description="The entity after the change, as the API returns it")),
    )
    for audited in AUDITED_TYPES.values()
    for name in audited.milestones
}


def domain_event(change: EntityChange, entry: AuditEntry) -> DomainEvent:
    """The event a recorded change publishes; `change.after` is set for every audited write."""
    if change.after is None:
        raise ValueError("A removal publishes no event.")
    name = event_name(change.audited.event_prefix, entry.action)
    return EVENT_MODELS[name](
        event_id=change.event_id,
        type=name,
        tenant_id=change.tenant_id,
        entity_id=change.entity_id,
        version=entry.version,
        actor=entry.actor,
        occurred_at=entry.at,
        correlation_id=entry.correlation_id,
        data=change.after.data,
        changes=entry.changes,
    )


def milestone_events(change: EntityChange, entry: AuditEntry) -> list[DomainEvent]:
    """The further events (the entity type's milestones) the same change publishes, each with its own event_id."""
    if change.after is None:
        return []
    before = change.before.data if change.before is not None else None
    return [
        EVENT_MODELS[name](
            event_id=f"{change.event_id}:{name}",
            type=name,
            tenant_id=change.tenant_id,
            entity_id=change.entity_id,
            version=entry.version,
            actor=entry.actor,
            occurred_at=entry.at,
            correlation_id=entry.correlation_id,
            data=change.after.data,
            changes=entry.changes,
        )
        for name, reached in change.audited.milestones.items()
        if reached(before, change.after.data)
    ]


def event_schema(name: str) -> dict[str, Any]:
    schema = EVENT_MODELS[name].model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_SCHEMA_ID_BASE}{name}.schema.json",
        **schema,
    }


def event_schema_text(name: str) -> str:
    """The committed file's exact content, so the drift test compares text."""
    return json.dumps(event_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def event_schema_path(name: str) -> Path:
    return EVENT_SCHEMAS_DIR / f"{name}.schema.json"
