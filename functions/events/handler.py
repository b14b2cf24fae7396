"""The events function, fed by the table stream (NEW_AND_OLD_IMAGES): the stream is the outbox.

For each write to an audited entity it records the audit entry, then publishes the domain event. A
record that fails is reported in `batchItemFailures` and redelivered on its own (bisect on error, then
the on-failure destination); redelivery rewrites the same audit entry and republishes the same event_id.
"""

from dataclasses import dataclass
from functools import lru_cache

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from servicejob.config import get_settings
from servicejob.dal.accounts import ACCOUNT_KIND
from servicejob.dal.audit import DynamoAuditRepository, entity_change
from servicejob.dal.contacts import CONTACT_KIND
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.leads import LEAD_KIND
from servicejob.dal.opportunities import OPPORTUNITY_KIND
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.audit import AuditRepository, EntityChange, audit_entry
from servicejob.events.models import domain_event, milestone_events
from servicejob.events.publisher import EventPublisher
from servicejob.observability import logger
from servicejob.tenancy.context import system_context

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@dataclass
class Dependencies:
    audit: AuditRepository
    publisher: EventPublisher
    owned_records: list[EntityStore]  # every type whose visibility follows its owner (auth.visibility)


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    clients = TenantClients(settings)
    return Dependencies(
        audit=DynamoAuditRepository(clients, settings.table_name, cursors),
        publisher=EventPublisher(boto3.client("events", region_name=settings.region), settings.event_bus_name),
        owned_records=[
            EntityStore(clients, kind, settings.table_name, cursors)
            for kind in (ACCOUNT_KIND, CONTACT_KIND, LEAD_KIND, OPPORTUNITY_KIND)
        ],
    )


def record_handler(record: DynamoDBRecord) -> None:
    change = entity_change(record.raw_event)
    if change is None:
        return
    entry = audit_entry(change)
    if entry is None:
        return
    deps = dependencies()
    deps.audit.record(change, entry)
    for event in (domain_event(change, entry), *milestone_events(change, entry)):
        deps.publisher.publish(event)
    _follow_team_change(deps, change)
    logger.info(
        "change recorded",
        tenant_id=change.tenant_id,
        entity=f"{change.audited.type}/{change.entity_id}",
        action=entry.action.value,
        correlation_id=entry.correlation_id,
    )


def _follow_team_change(deps: Dependencies, change: EntityChange) -> None:
    """A user who changed team takes their records along, so their new teammates see them."""
    if change.audited.type != "user" or change.before is None or change.after is None:
        return
    old_team, new_team = change.before.data.get("team"), change.after.data.get("team")
    if old_team == new_team:
        return
    ctx = system_context(change.tenant_id, "events", change.after.correlation_id or "")
    moved = sum(store.move_owner_audience(ctx, change.entity_id, old_team, new_team) for store in deps.owned_records)
    logger.info("records followed their owner's team", tenant_id=change.tenant_id, user=change.entity_id, moved=moved)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
