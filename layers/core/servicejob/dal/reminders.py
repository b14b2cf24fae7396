"""Reminder settings (`{t}#settings#reminders` / META, versioned like an entity) and the daily ledger of
who was reminded (`{t}#reminders#{day}` / recipient id, expiring after two weeks)."""

from datetime import date, timedelta

from botocore.exceptions import ClientError

from servicejob.clock import now_iso, utc_now
from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import ReminderSettingsItem
from servicejob.dal.settings_document import SettingsDocument
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.reminders import ReminderSettings
from servicejob.tenancy.context import TenantContext

REMINDER_SETTINGS_KIND = EntityKind("settings", ReminderSettingsItem)
REMINDER_SETTINGS_ID = "reminders"
LEDGER_RETENTION = timedelta(days=14)


class DynamoReminderSettingsRepository(SettingsDocument[ReminderSettingsItem, ReminderSettings]):
    def __init__(self, store: EntityStore[ReminderSettingsItem]):
        super().__init__(store, REMINDER_SETTINGS_ID, ReminderSettings)


class DynamoReminderLedger:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def claim(self, ctx: TenantContext, day: date, recipient_id: str) -> bool:
        expires = int((utc_now() + LEDGER_RETENTION).timestamp())
        try:
            self._clients.dynamodb(ctx.tenant_id).put_item(
                TableName=self._table,
                Item={
                    table_spec.PK: {"S": keys.reminder_ledger_pk(ctx.tenant_id, day.isoformat())},
                    table_spec.SK: {"S": recipient_id},
                    "type": {"S": "reminder-claim"},
                    "claimed_at": {"S": now_iso()},
                    table_spec.TTL_ATTRIBUTE: {"N": str(expires)},
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True
