"""The daily reminders run against in-memory repositories: who is told what, in the tenant's day, once."""

from datetime import date
from types import SimpleNamespace

import pytest
from ulid import ULID

from servicejob.dal.pagination import Page
from servicejob.domain.activities import Activity
from servicejob.domain.reminders import (
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderSettingsInput,
    day_bounds,
    run_reminders,
)
from servicejob.notify.mailer import FakeMailer
from servicejob.notify.reminders import NotifyWithDigest, reminder_digest_email
from servicejob.tenancy.context import PrincipalKind, TenantContext

DAY = date(2026, 12, 3)
ZONE = "Asia/Hong_Kong"


def _activity(owner: str, kind: str, due_at: str, subject: str = "致電陳生") -> Activity:
    stamp = "2026-11-01T00:00:00.000Z"
    return Activity(
        id=str(ULID()),
        version=1,
        kind=kind,
        status="planned",
        subject=subject,
        due_at=due_at,
        owner_id=owner,
        account_id=str(ULID()),
        created_at=stamp,
        created_by="user:x",
        updated_at=stamp,
        updated_by="user:x",
    )


class PlannedByDue:
    """Planned activities with the repository's due-range contract, two per page to exercise paging."""

    def __init__(self, activities: list[Activity]) -> None:
        self.activities = sorted(activities, key=lambda activity: activity.due_at)

    def list_planned(self, ctx, limit, cursor, due_from, due_before):
        matching = [activity for activity in self.activities if due_from <= activity.due_at < due_before]
        start = int(cursor or 0)
        return Page(matching[start : start + 2], str(start + 2) if start + 2 < len(matching) else None)


class Accounts:
    def __init__(self, accounts: list[SimpleNamespace]) -> None:
        self.accounts = accounts

    def list(self, ctx, limit, cursor, name_prefix):
        return Page(self.accounts, None)


class Settings:
    def __init__(self, **values) -> None:
        self.settings = ReminderSettings(
            **ReminderSettingsInput(**values).model_dump(), version=1, updated_at="x", updated_by="x"
        )

    def get_or_create(self, ctx, defaults):
        return self.settings


class Ledger:
    def __init__(self) -> None:
        self.claimed: set[tuple[str, str, date]] = set()

    def claim(self, ctx, day, recipient_id):
        key = (ctx.tenant_id, recipient_id, day)
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True


class Recorder:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, list[Reminder]]] = []

    def deliver(self, ctx, recipient_id, reminders, settings):
        self.delivered.append((recipient_id, reminders))


def _account(name: str, responsible: str | None, last_contact_at: str | None, status: str = "active"):
    return SimpleNamespace(
        id=str(ULID()),
        name=name,
        status=status,
        responsible_user_id=responsible,
        last_contact_at=last_contact_at,
        created_at="2026-01-01T00:00:00.000Z",
    )


@pytest.fixture
def ctx() -> TenantContext:
    return TenantContext(tenant_id=str(ULID()), principal_id="reminders", kind=PrincipalKind.SYSTEM)


def test_the_tenants_day_decides_what_is_due():
    # Hong Kong's 3 December runs from 2 December 16:00 UTC to 3 December 16:00 UTC
    assert day_bounds(DAY, ZONE) == ("2026-12-02T16:00:00.000Z", "2026-12-03T16:00:00.000Z")
    assert day_bounds(DAY, "UTC") == ("2026-12-03T00:00:00.000Z", "2026-12-04T00:00:00.000Z")


def test_each_owner_is_told_of_todays_calls_visits_and_meetings_and_inactive_clients_once(ctx):
    # Given Ann's call and meeting today (HK time), Ben's visit today, a task today and a call tomorrow
    ann, ben, cat = "ANN", "BEN", "CAT"
    planned = PlannedByDue(
        [
            _activity(ann, "call", "2026-12-02T16:30:00.000Z", "致電陳生"),  # 00:30 HK on the 3rd
            _activity(ann, "meeting", "2026-12-03T06:00:00.000Z", "季度會議"),
            _activity(ben, "visit", "2026-12-03T15:59:00.000Z", "拜訪"),  # 23:59 HK
            _activity(ben, "task", "2026-12-03T02:00:00.000Z", "寄報價"),  # tasks are not reminded
            _activity(cat, "call", "2026-12-03T16:00:00.000Z", "明天"),  # the 4th in HK
        ]
    )
    # And accounts: one not contacted for 40 days, one contacted 10 days ago, one marked inactive, one unowned
    accounts = Accounts(
        [
            _account("舊客戶", cat, "2026-10-20T00:00:00.000Z"),
            _account("新客戶", cat, "2026-11-23T00:00:00.000Z"),
            _account("停用客戶", cat, None, status="inactive"),
            _account("無人跟進", None, None),
        ]
    )
    ledger, recorder = Ledger(), Recorder()
    # When the run for 3 December fires with a 30-day threshold
    summary = run_reminders(ctx, DAY, ZONE, planned, accounts, Settings(inactive_after_days=30), ledger, recorder)
    # Then Ann hears of two activities, Ben of one, and Cat of the one inactive client
    told = {
        recipient: [reminder.params.get("subject") or reminder.params["name"] for reminder in reminders]
        for recipient, reminders in recorder.delivered
    }
    assert told == {ann: ["致電陳生", "季度會議"], ben: ["拜訪"], cat: ["舊客戶"]}
    assert summary.due == 3 and summary.inactive == 1 and summary.recipients_told == 3
    inactive = recorder.delivered[-1][1][0]
    assert inactive.kind is ReminderKind.INACTIVE_CUSTOMER and inactive.entity.startswith("account/")
    assert recorder.delivered[0][1][0].params["local_time"] == "00:30"
    # When the schedule fires again the same day, then nobody is told twice
    again = run_reminders(ctx, DAY, ZONE, planned, accounts, Settings(), ledger, recorder)
    assert again.recipients_told == 0 and again.recipients_skipped == 3 and len(recorder.delivered) == 3
    # And the next day is a new day
    run_reminders(ctx, date(2026, 12, 4), ZONE, planned, accounts, Settings(), ledger, recorder)
    assert [recipient for recipient, _ in recorder.delivered[3:]] == [cat]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["Due today", "09:30 Call: 致電陳生", "last contact 2026-10-20"]),
        ("zh-Hant", ["今日到期", "09:30 致電"]),
        ("zh-Hans", ["今日到期", "一段时间未联系"]),
    ],
)
def test_the_digest_is_written_in_the_recipients_language(locale, words):
    reminders = [
        Reminder(
            "U",
            ReminderKind.ACTIVITY_DUE,
            "activity/A",
            {"subject": "致電陳生", "kind": "call", "local_time": "09:30"},
        ),
        Reminder(
            "U",
            ReminderKind.INACTIVE_CUSTOMER,
            "account/B",
            {"name": "舊客戶", "last_contact_at": "2026-10-20T00:00:00.000Z"},
        ),
    ]
    content = reminder_digest_email(
        locale=locale, recipient_name="陳大文", reminders=reminders, console_url="https://c.example"
    )
    for word in words:
        assert word in content.text
    assert "舊客戶" in content.html and "<script" not in content.html


class Inbox:
    def __init__(self) -> None:
        self.stored = []

    def add(self, ctx, notifications):
        self.stored.extend(notifications)


def test_each_reminder_is_an_in_app_notification_and_active_users_get_the_digest_if_the_tenant_wants_it(ctx):
    users = {
        "U1": SimpleNamespace(id="U1", email="u1@firm.example", name="甲", locale="zh-Hans", status="active"),
        "U2": SimpleNamespace(id="U2", email="u2@firm.example", name="乙", locale="en", status="disabled"),
    }
    lookup = SimpleNamespace(find=lambda ctx, user_id: users.get(user_id))
    mailer, inbox = FakeMailer(), Inbox()
    delivery = NotifyWithDigest(inbox, lookup, mailer, "https://c.example")
    reminder = [
        Reminder(
            "U1", ReminderKind.ACTIVITY_DUE, "activity/A", {"subject": "s", "kind": "visit", "local_time": "10:00"}
        )
    ]
    delivery.deliver(ctx, "U1", reminder, Settings().settings)
    delivery.deliver(ctx, "U2", reminder, Settings().settings)
    delivery.deliver(ctx, "U1", reminder, Settings(digest_email=False).settings)
    # Then only the active user got the digest, once (the tenant turned digests off for the third run)
    assert [to for to, _ in mailer.sent] == ["u1@firm.example"]
    # And each delivery to the active user stored an in-app notification of kind activity.due
    assert [(n.recipient_user_id, n.kind, n.entity) for n in inbox.stored] == [("U1", "activity.due", "activity/A")] * 2
