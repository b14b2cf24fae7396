"""The activities domain service and the contact dates, against in-memory repositories (no HTTP, no DynamoDB)."""

from typing import Any

import pytest
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.domain import accounts, activities, contacts
from servicejob.domain.accounts import Account, AccountInput
from servicejob.domain.activities import (
    Activity,
    ActivityInput,
    ActivityPatch,
    ContactDates,
    LinkedRecords,
    contact_dates,
    refresh_contact_dates,
)
from servicejob.domain.contacts import Contact, ContactInput
from servicejob.errors import Forbidden, ValidationFailed
from servicejob.tenancy.context import TenantContext
from tests.unit.test_contacts_service import InMemoryRecords, KnownUsers


class InMemoryActivities(InMemoryRecords):
    def __init__(self) -> None:
        super().__init__(Activity)

    def list(self, ctx, limit, cursor, account_id):  # noqa: A003 - the repository's method name
        return super().list(ctx, limit, cursor, None, account_id)


@pytest.fixture
def world(user_ctx, tenant_id):
    owner = user_ctx(Role.OWNER, tenant_id)
    account_records, contact_records = InMemoryRecords(Account), InMemoryRecords(Contact)
    users = KnownUsers(owner.principal_id)
    account = accounts.create_account(owner, account_records, users, AccountInput(name="客戶有限公司"))
    other = accounts.create_account(owner, account_records, users, AccountInput(name="另一間公司"))
    contact = contacts.create_contact(
        owner, contact_records, account_records, users, ContactInput(account_id=account.id, name_zh="陳大文")
    )
    links = LinkedRecords(account_records, contact_records, InMemoryRecords(Activity), InMemoryRecords(Account), users)
    return owner, links, InMemoryActivities(), account, other, contact


def _fields(problem: ValidationFailed) -> set[str]:
    return {error.field for error in problem.errors}


def test_a_contacts_account_becomes_the_activitys_and_must_agree_with_a_given_one(world):
    owner, links, repository, account, other, contact = world
    # When a call is planned with the contact only
    call = activities.create_activity(
        owner,
        repository,
        links,
        ActivityInput(kind="call", subject="致電", due_at="2027-01-05T09:00:00+08:00", contact_id=contact.id),
    )
    # Then it belongs to the contact's account, the caller owns it and due_at is stored in UTC
    assert call.account_id == account.id and call.owner_id == owner.principal_id
    assert call.due_at == "2027-01-05T01:00:00.000Z" and call.status == "planned" and call.done_at is None
    # When another account is named with that contact, then 422 naming contact_id and nothing is written
    writes = repository.writes
    with pytest.raises(ValidationFailed) as refused:
        activities.create_activity(
            owner,
            repository,
            links,
            ActivityInput(
                kind="call", subject="s", due_at="2027-01-05T09:00:00Z", account_id=other.id, contact_id=contact.id
            ),
        )
    assert _fields(refused.value) == {"contact_id"} and repository.writes == writes


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "visit", "subject": "s"}, "due_at"),
        ({"kind": "email", "subject": "s", "status": "done", "minutes": "m"}, "minutes"),
        (
            {"kind": "task", "subject": "s", "due_at": "2027-01-05T09:00:00Z", "done_at": "2026-01-05T09:00:00Z"},
            "done_at",
        ),
        ({"kind": "task", "subject": "s", "status": "done", "owner_id": str(ULID())}, "owner_id"),
    ],
)
def test_inconsistent_activities_are_refused_naming_the_field(world, body, field):
    owner, links, repository, account, *_ = world
    with pytest.raises(ValidationFailed) as refused:
        activities.create_activity(owner, repository, links, ActivityInput(**body, account_id=account.id))
    assert field in _fields(refused.value) and repository.writes == 0


def test_only_roles_that_sell_write_activities_and_every_role_reads_them(world, user_ctx, tenant_id):
    owner, links, repository, account, *_ = world
    call = activities.create_activity(
        owner, repository, links, ActivityInput(kind="call", subject="s", status="done", account_id=account.id)
    )
    for role in (Role.STAFF, Role.FINANCE):
        with pytest.raises(Forbidden):
            activities.create_activity(
                user_ctx(role, tenant_id), repository, links, ActivityInput(kind="task", subject="s", status="done")
            )
        assert activities.get_activity(user_ctx(role, tenant_id), repository, call.id).id == call.id
    assert Permission.ACTIVITIES_WRITE in user_ctx(Role.SALES, tenant_id).permissions


def test_status_drives_done_at_and_the_due_index_fields(world):
    owner, links, repository, account, *_ = world
    visit = activities.create_activity(
        owner,
        repository,
        links,
        ActivityInput(kind="visit", subject="拜訪", due_at="2027-02-01T02:00:00Z", account_id=account.id),
    )
    # When it is completed, then done_at is stamped and both index fields are passed to the repository
    done = activities.update_activity(owner, repository, links.users, visit.id, ActivityPatch(status="done"), 1)
    assert done.status == "done" and done.done_at is not None and done.due_at == "2027-02-01T02:00:00.000Z"
    # When it is cancelled, then done_at is cleared
    cancelled = activities.update_activity(
        owner, repository, links.users, visit.id, ActivityPatch(status="cancelled"), 2
    )
    assert cancelled.status == "cancelled" and cancelled.done_at is None
    # A planned activity cannot lose its due date, and done_at is only for done ones
    activities.update_activity(owner, repository, links.users, visit.id, ActivityPatch(status="planned"), 3)
    with pytest.raises(ValidationFailed) as refused:
        activities.update_activity(owner, repository, links.users, visit.id, ActivityPatch(due_at=None), 4)
    assert _fields(refused.value) == {"due_at"}
    with pytest.raises(ValidationFailed) as refused:
        activities.update_activity(
            owner, repository, links.users, visit.id, ActivityPatch(done_at="2026-01-01T00:00:00Z"), 4
        )
    assert _fields(refused.value) == {"done_at"}


def _activity(kind: str, status: str, when: str, contact_id: str | None = None, **extra: Any) -> dict[str, Any]:
    moment = {"done_at": when} if status == "done" else {"due_at": when}
    return {"id": str(ULID()), "kind": kind, "status": status, "contact_id": contact_id, **moment, **extra}


def test_contact_dates_take_done_calls_and_visits_and_the_earliest_planned_in_any_order():
    timeline = [
        _activity("call", "done", "2026-11-01T00:00:00.000Z", "C1"),
        _activity("visit", "done", "2026-11-20T00:00:00.000Z"),
        _activity("email", "done", "2026-11-30T00:00:00.000Z", "C1"),  # not a contact kind
        _activity("meeting", "planned", "2026-12-02T00:00:00.000Z", "C1"),  # not a contact kind
        _activity("call", "planned", "2027-01-10T00:00:00.000Z", "C1"),
        _activity("visit", "planned", "2026-12-05T00:00:00.000Z"),
        _activity("call", "cancelled", "2026-12-01T00:00:00.000Z", "C1"),
    ]
    expected = ContactDates("2026-11-20T00:00:00.000Z", "2026-12-05T00:00:00.000Z")
    assert contact_dates(timeline) == expected == contact_dates(reversed(timeline))
    assert contact_dates(timeline, "C1") == ContactDates("2026-11-01T00:00:00.000Z", "2027-01-10T00:00:00.000Z")
    assert contact_dates([], "C1") == ContactDates(None, None)


class RecordingDates:
    """An account's stored activities (possibly behind the latest write) and the dates written."""

    def __init__(self, stored: list[dict[str, Any]]) -> None:
        self.stored = stored
        self.accounts: dict[str, ContactDates] = {}
        self.contacts: dict[str, ContactDates] = {}

    def of_account(self, ctx, account_id):
        return [dict(activity) for activity in self.stored]

    def set_account_dates(self, ctx, account_id, dates):
        self.accounts[account_id] = dates

    def set_contact_dates(self, ctx, contact_id, dates):
        self.contacts[contact_id] = dates


def test_refresh_uses_the_changed_activity_over_a_lagging_index_and_updates_old_and_new_contacts(tenant_id):
    ctx = TenantContext(tenant_id=tenant_id, principal_id="activities", kind="system")
    planned = _activity("visit", "planned", "2027-02-01T00:00:00.000Z", "C1", account_id="A")
    store = RecordingDates([planned])  # the index still shows the visit as planned
    done = planned | {"status": "done", "done_at": "2026-12-01T00:00:00.000Z", "due_at": None, "contact_id": "C2"}
    # When the change (planned visit -> done, moved to contact C2) is refreshed
    refresh_contact_dates(ctx, store, store, planned, done)
    # Then the account and both contacts reflect the activity after the change
    assert store.accounts == {"A": ContactDates("2026-12-01T00:00:00.000Z", None)}
    assert store.contacts == {"C1": ContactDates(None, None), "C2": ContactDates("2026-12-01T00:00:00.000Z", None)}
    # When the activity is deleted (after is None), it no longer counts even if the index still lists it
    refresh_contact_dates(ctx, store, store, done, None)
    assert store.accounts["A"] == ContactDates(None, None)
    # And an activity of a lead only (no account) touches nothing
    lonely = RecordingDates([])
    refresh_contact_dates(ctx, lonely, lonely, None, _activity("call", "done", "2026-12-01T00:00:00.000Z", lead_id="L"))
    assert lonely.accounts == {} and lonely.contacts == {}
