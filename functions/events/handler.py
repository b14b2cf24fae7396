"""The events function, fed by the table stream (NEW_AND_OLD_IMAGES): the stream is the outbox.

For each write to an audited entity it records the audit entry, brings the report rollups up to date
(opportunities and leads; idempotent, see domain/rollups.py), keeps what the write implies on other
records (an activity's account and contact dates), publishes the domain event, then tells the
record's followers (and a new owner) when its owner or stage changed. A change of the
tenant's scorecard settings re-scores its accounts, one page per stream record (see
`servicejob.domain.scorecard`). A
record that fails is reported in `batchItemFailures` and redelivered on its own (bisect on error, then
the on-failure destination); redelivery rewrites the same audit entry and republishes the same event_id.
"""

from dataclasses import dataclass
from functools import lru_cache

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from servicejob.clock import now_iso
from servicejob.config import get_settings
from servicejob.dal import keys
from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository
from servicejob.dal.activities import ACTIVITY_KIND, ContactDatesOnRecords
from servicejob.dal.audit import DynamoAuditRepository, entity_change
from servicejob.dal.collaboration import DynamoFollowerRepository
from servicejob.dal.contacts import CONTACT_KIND
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.leads import LEAD_KIND
from servicejob.dal.models import ScorecardSettingsItem
from servicejob.dal.notifications import DynamoNotificationRepository
from servicejob.dal.opportunities import OPPORTUNITY_KIND
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.rollups import DynamoRollupRepository
from servicejob.dal.scorecard import (
    SCORECARD_SETTINGS_KIND,
    DynamoScorecardSettingsRepository,
    is_scorecard_settings_key,
)
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.users import USER_KIND, DynamoUserRepository
from servicejob.domain import scorecard
from servicejob.domain.activities import refresh_contact_dates
from servicejob.domain.assignment_rules import UserLookup
from servicejob.domain.audit import AuditAction, AuditEntry, AuditRepository, EntityChange, EntitySnapshot, audit_entry
from servicejob.domain.collaboration import FollowerRepository, RecordType, notify_of_change
from servicejob.domain.notifications import NotificationRepository
from servicejob.domain.rollups import RollupStore, roll_up
from servicejob.errors import NotFound
from servicejob.events.models import domain_event, milestone_events
from servicejob.events.publisher import EventPublisher
from servicejob.notify.mailer import Mailer, SesMailer
from servicejob.observability import logger
from servicejob.tenancy.context import PrincipalKind, TenantContext, system_context

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@dataclass
class Dependencies:
    audit: AuditRepository
    publisher: EventPublisher
    rollups: RollupStore
    accounts: DynamoAccountRepository

    def account_branch(self, tenant_id: str, account_id: str) -> str | None:
        """An opportunity's branch is its account's, read when the opportunity changes."""
        try:
            return self.accounts.get(system_context(tenant_id, "rollups"), account_id).branch
        except NotFound:
            return None

    contact_dates: ContactDatesOnRecords
    scorecard_settings: DynamoScorecardSettingsRepository
    followers: FollowerRepository
    notifications: NotificationRepository
    users: UserLookup
    mailer: Mailer
    owned_records: list[EntityStore]  # every type whose visibility follows its owner (auth.visibility)


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    clients = TenantClients(settings)
    return Dependencies(
        audit=DynamoAuditRepository(clients, settings.table_name, cursors),
        publisher=EventPublisher(boto3.client("events", region_name=settings.region), settings.event_bus_name),
        rollups=DynamoRollupRepository(clients, settings.table_name),
        accounts=DynamoAccountRepository(EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors)),
        contact_dates=ContactDatesOnRecords(clients, settings.table_name),
        scorecard_settings=DynamoScorecardSettingsRepository(
            EntityStore(clients, SCORECARD_SETTINGS_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        followers=DynamoFollowerRepository(clients, settings.table_name),
        notifications=DynamoNotificationRepository(clients, settings.table_name, cursors),
        users=DynamoUserRepository(
            EntityStore(clients, USER_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        mailer=SesMailer(boto3.client("ses", region_name=settings.mail_region or settings.region), settings.mail_from),
        owned_records=[
            EntityStore(clients, kind, settings.table_name, cursors)
            for kind in (ACCOUNT_KIND, CONTACT_KIND, LEAD_KIND, OPPORTUNITY_KIND, ACTIVITY_KIND)
        ],
    )


def writer_context(change: EntityChange, entry: AuditEntry) -> TenantContext:
    """The writer of the change, so that notifications name them and skip them."""
    kind, _, principal_id = entry.actor.partition(":")
    if kind in {PrincipalKind.USER.value, PrincipalKind.API_KEY.value} and principal_id:
        return TenantContext(
            tenant_id=change.tenant_id,
            principal_id=principal_id,
            kind=PrincipalKind(kind),
            correlation_id=entry.correlation_id or "",
        )
    return system_context(change.tenant_id, principal_id or "events", entry.correlation_id or "")


def notify_followers(deps: Dependencies, change: EntityChange, entry: AuditEntry) -> None:
    if entry.action is not AuditAction.UPDATED or change.after is None:
        return
    try:
        record_type = RecordType(change.audited.type)
    except ValueError:
        return
    notify_of_change(
        writer_context(change, entry),
        deps.followers,
        deps.notifications,
        deps.mailer,
        deps.users,
        record_type,
        change.entity_id,
        change.after.data,
        {name: (field.before, field.after) for name, field in entry.changes.items()},
    )


def _live(snapshot: EntitySnapshot | None):
    return snapshot.data if snapshot is not None and snapshot.deleted_at is None else None


def rescore_on_settings_change(raw: dict) -> None:
    """A settings change (new version) starts re-scoring; each progress write asks for the next page."""
    images = raw.get("dynamodb") or {}
    new_image, old_image = images.get("NewImage"), images.get("OldImage")
    if not new_image or not old_image:
        return  # created with the defaults (nothing scored yet) or purged
    item = ScorecardSettingsItem.from_raw_data(dict(new_image))
    settings = scorecard.ScorecardSettings.model_validate(item.attribute_values)
    tenant_id = keys.parse_entity_pk(item.PK)[0]
    ctx = system_context(tenant_id, "scorecard-rescoring")
    deps = dependencies()
    if settings.version != int(old_image["version"]["N"]):
        scorecard.start_recalculation(ctx, deps.scorecard_settings, settings, now_iso())
    elif new_image.get("recalculation") != old_image.get("recalculation"):
        progress = scorecard.recalculate_page(
            ctx, deps.scorecard_settings, deps.accounts, settings, item.recalculation_cursor, now_iso()
        )
        if progress is not None:
            logger.info(
                "accounts re-scored",
                tenant_id=tenant_id,
                settings_version=progress.settings_version,
                processed=progress.accounts_processed,
                status=progress.status.value,
            )


def record_handler(record: DynamoDBRecord) -> None:
    stream_keys = (record.raw_event.get("dynamodb") or {}).get("Keys") or {}
    if is_scorecard_settings_key(stream_keys.get("PK", {}).get("S", "")):
        rescore_on_settings_change(record.raw_event)
        return
    change = entity_change(record.raw_event)
    if change is None:
        return
    entry = audit_entry(change)
    if entry is None:
        return
    deps = dependencies()
    deps.audit.record(change, entry)
    roll_up(change, deps.rollups, deps.account_branch)
    if change.audited.type == "activity":
        ctx = system_context(change.tenant_id, "activities", entry.correlation_id or "")
        refresh_contact_dates(ctx, deps.contact_dates, deps.contact_dates, _live(change.before), _live(change.after))
    for event in (domain_event(change, entry), *milestone_events(change, entry)):
        deps.publisher.publish(event)
    notify_followers(deps, change, entry)
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
