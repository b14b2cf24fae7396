"""Daily reminders: each owner hears of their calls, visits and meetings due today (the tenant's day), and
the responsible user of an account with no contact in N days gets an inactive-customer alert.

The run is fired once a day per tenant by its EventBridge Scheduler schedule (created at onboarding).
It is idempotent per tenant, day and recipient: a recipient is claimed in the ledger before being told,
so a re-fired schedule or a retried run tells nobody twice (at most once: a crash between the claim and
the delivery loses that recipient's reminder for the day rather than repeating it).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from servicejob.auth.permissions import Permission
from servicejob.clock import to_iso
from servicejob.domain.activities import REMINDED_KINDS, Activity, ActivityRepository
from servicejob.tenancy.context import TenantContext

PAGE_SIZE = 200


class ReminderSettingsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inactive_after_days: int = Field(default=30, ge=1, le=365, description="Alert when an account had no contact")
    digest_email: bool = Field(default=True, description="Also e-mail each recipient a daily digest")


class ReminderSettings(ReminderSettingsInput):
    model_config = ConfigDict(extra="ignore")

    version: int
    updated_at: str
    updated_by: str


class ReminderSettingsRepository(Protocol):
    def get_or_create(self, ctx: TenantContext, defaults: ReminderSettingsInput) -> ReminderSettings: ...
    def replace(
        self, ctx: TenantContext, settings: ReminderSettingsInput, expected_version: int
    ) -> ReminderSettings: ...


def get_reminder_settings(ctx: TenantContext, repository: ReminderSettingsRepository) -> ReminderSettings:
    ctx.require(Permission.ACTIVITIES_READ)
    return repository.get_or_create(ctx, ReminderSettingsInput())


def replace_reminder_settings(
    ctx: TenantContext, repository: ReminderSettingsRepository, data: ReminderSettingsInput, expected_version: int
) -> ReminderSettings:
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    return repository.replace(ctx, data, expected_version)


class ReminderKind(StrEnum):
    """Also the notification kind in the recipient's inbox."""

    ACTIVITY_DUE = "activity.due"
    INACTIVE_CUSTOMER = "account.inactive"


@dataclass(frozen=True)
class Reminder:
    recipient_id: str
    kind: ReminderKind
    entity: str  # "activity/{id}" or "account/{id}", as notifications name entities
    params: dict[str, str] = field(default_factory=dict)


class AccountForAlerts(Protocol):
    id: str
    name: str
    status: str
    responsible_user_id: str | None
    last_contact_at: str | None
    created_at: str


class AccountPages(Protocol):
    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Any: ...


class ReminderLedger(Protocol):
    def claim(self, ctx: TenantContext, day: date, recipient_id: str) -> bool:
        """True the first time (recipient, day) is claimed in the tenant; False ever after."""
        ...


class ReminderDelivery(Protocol):
    def deliver(
        self, ctx: TenantContext, recipient_id: str, reminders: list[Reminder], settings: ReminderSettings
    ) -> None: ...


def day_bounds(day: date, time_zone: str) -> tuple[str, str]:
    """The UTC instants (ISO) where `day` starts and the next day starts in `time_zone`."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return to_iso(start), to_iso(datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone))


def _local_time(instant: str, time_zone: str) -> str:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZoneInfo(time_zone)).strftime("%H:%M")


def due_reminders(planned: Iterable[Activity], time_zone: str) -> list[Reminder]:
    return [
        Reminder(
            activity.owner_id,
            ReminderKind.ACTIVITY_DUE,
            f"activity/{activity.id}",
            {
                "subject": activity.subject,
                "kind": activity.kind.value,
                "due_at": activity.due_at or "",
                "local_time": _local_time(activity.due_at or "", time_zone),
            },
        )
        for activity in planned
        if activity.kind in REMINDED_KINDS
    ]


def inactive_alerts(accounts: Iterable[AccountForAlerts], cutoff: str) -> list[Reminder]:
    """Accounts not marked inactive, with a responsible user, whose last contact (or creation) is before cutoff."""
    return [
        Reminder(
            account.responsible_user_id,
            ReminderKind.INACTIVE_CUSTOMER,
            f"account/{account.id}",
            {"name": account.name, "last_contact_at": account.last_contact_at or ""},
        )
        for account in accounts
        if account.responsible_user_id
        and account.status != "inactive"
        and (account.last_contact_at or account.created_at) < cutoff
    ]


@dataclass(frozen=True)
class RunSummary:
    day: str
    due: int
    inactive: int
    recipients_told: int
    recipients_skipped: int  # already told today


def run_reminders(
    ctx: TenantContext,
    day: date,
    time_zone: str,
    activities: ActivityRepository,
    accounts: AccountPages,
    settings_repository: ReminderSettingsRepository,
    ledger: ReminderLedger,
    delivery: ReminderDelivery,
) -> RunSummary:
    settings = settings_repository.get_or_create(ctx, ReminderSettingsInput())
    start, end = day_bounds(day, time_zone)
    due: list[Reminder] = []
    cursor: str | None = None
    while True:
        page = activities.list_planned(ctx, PAGE_SIZE, cursor, start, end)
        due.extend(due_reminders(page.items, time_zone))
        cursor = page.next_cursor
        if not cursor:
            break
    cutoff = to_iso(datetime.fromisoformat(start.replace("Z", "+00:00")) - timedelta(days=settings.inactive_after_days))
    inactive: list[Reminder] = []
    cursor = None
    while True:
        page = accounts.list(ctx, PAGE_SIZE, cursor, None)
        inactive.extend(inactive_alerts(page.items, cutoff))
        cursor = page.next_cursor
        if not cursor:
            break
    by_recipient: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in (*due, *inactive):
        by_recipient[reminder.recipient_id].append(reminder)
    told = skipped = 0
    for recipient_id, reminders in sorted(by_recipient.items()):
        if not ledger.claim(ctx, day, recipient_id):
            skipped += 1
            continue
        delivery.deliver(ctx, recipient_id, reminders, settings)
        told += 1
    return RunSummary(day.isoformat(), len(due), len(inactive), told, skipped)
