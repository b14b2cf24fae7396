"""The notification inbox over the whole API function, on in-process moto: only ever the caller's own."""

import pytest
from ulid import ULID

from servicejob.domain import notifications
from servicejob.notify.mailer import FakeMailer
from servicejob.tenancy.context import system_context
from tests.integration.conftest import ApiClient


def add_user(api, locale: str = "en", status: str = "active") -> dict:
    from functions.api.wiring import dependencies

    user_id = str(ULID())
    fields = {"email": f"u-{user_id}@example.com".lower(), "name": "陳大文", "role": "sales", "status": status}
    return (
        dependencies()
        .users.add(system_context(api.tenant_id, "test"), user_id, fields | {"locale": locale})
        .model_dump()
    )


def as_user(api, user: dict) -> ApiClient:
    return ApiClient(tenant_id=api.tenant_id, principal_id=user["id"])


def notify(api, recipients: list[str], record: str = "甲公司") -> list[notifications.Notification]:
    from functions.api.wiring import dependencies

    deps = dependencies()
    return notifications.notify(
        system_context(api.tenant_id, "test"),
        deps.notifications,
        FakeMailer(),
        deps.users,
        recipients,
        "record.assigned",
        f"account/{ULID()}",
        {"record": record},
    )


def test_a_reassigned_lead_lands_in_the_new_owners_inbox_only(api):
    # Given a lead and two users
    first, second = add_user(api), add_user(api, locale="zh-Hant")
    status, _, lead = api.call("POST", "/v1/leads", {"company_name": "九龍貿易有限公司"})
    assert status == 201
    # When it is assigned to the second
    status, _, _ = api.call(
        "PATCH", f"/v1/leads/{lead['id']}", {"owner_user_id": second["id"]}, headers={"If-Match": '"1"'}
    )
    assert status == 200
    # Then the second user's inbox has one unread lead.assigned notification about it
    status, _, inbox = as_user(api, second).call("GET", "/v1/notifications", query={"unread": "true"})
    assert status == 200
    [notice] = inbox["items"]
    assert (notice["kind"], notice["entity"], notice["read_at"]) == ("lead.assigned", f"lead/{lead['id']}", None)
    assert notice["params"]["company_name"] == "九龍貿易有限公司"
    assert notice["actor"] == f"user:{api.principal_id}"
    # And nobody else's inbox has it
    assert as_user(api, first).call("GET", "/v1/notifications")[2]["items"] == []
    assert api.call("GET", "/v1/notifications")[2]["items"] == []


def test_inbox_is_newest_first_paged_and_filtered_by_unread(api):
    user = add_user(api)
    me = as_user(api, user)
    made = [notify(api, [user["id"]], record=f"公司{n}")[0] for n in range(3)]
    # When the first page of two is read, then the rest with its cursor
    status, _, page = me.call("GET", "/v1/notifications", query={"limit": "2"})
    assert status == 200 and [n["id"] for n in page["items"]] == [made[2].id, made[1].id]
    _, _, rest = me.call("GET", "/v1/notifications", query={"limit": "2", "cursor": page["next_cursor"]})
    assert [n["id"] for n in rest["items"]] == [made[0].id] and rest["next_cursor"] is None
    # When the middle one is read / Then it leaves the unread list but stays in the inbox, with read_at
    status, _, read = me.call("POST", f"/v1/notifications/{made[1].id}/read")
    assert status == 200 and read["read_at"]
    _, _, unread = me.call("GET", "/v1/notifications", query={"unread": "true"})
    assert [n["id"] for n in unread["items"]] == [made[2].id, made[0].id]
    _, _, everything = me.call("GET", "/v1/notifications")
    assert [n["read_at"] is not None for n in everything["items"]] == [False, True, False]
    # And reading it again keeps the first read_at
    assert me.call("POST", f"/v1/notifications/{made[1].id}/read")[2]["read_at"] == read["read_at"]
    # And a cursor of the full list is refused on the unread list
    assert me.call("GET", "/v1/notifications", query={"unread": "true", "cursor": page["next_cursor"]})[0] == 422


def test_another_users_notification_answers_404_and_stays_unread(api):
    owner, other = add_user(api), add_user(api)
    [notice] = notify(api, [owner["id"]])
    # When another user of the same firm, or of another firm, marks it read
    assert as_user(api, other).call("POST", f"/v1/notifications/{notice.id}/read")[0] == 404
    stranger = ApiClient(tenant_id=api.new_tenant(), principal_id=owner["id"])
    assert stranger.call("POST", f"/v1/notifications/{notice.id}/read")[0] == 404
    # Then the owner still has it unread
    _, _, unread = as_user(api, owner).call("GET", "/v1/notifications", query={"unread": "true"})
    assert [n["id"] for n in unread["items"]] == [notice.id]


def test_read_all_marks_in_batches_until_none_remain(api, monkeypatch):
    # Given five unread notifications and batches of two
    monkeypatch.setattr(notifications, "READ_ALL_BATCH", 2)
    user = add_user(api)
    me = as_user(api, user)
    for _ in range(5):
        notify(api, [user["id"]])
    # When read-all is called until it says no more remain
    answers = [me.call("POST", "/v1/notifications/read-all")[2] for _ in range(3)]
    # Then it marked 2, 2, 1 and the inbox has nothing unread
    assert answers == [
        {"marked_read": 2, "more": True},
        {"marked_read": 2, "more": True},
        {"marked_read": 1, "more": False},
    ]
    assert me.call("GET", "/v1/notifications", query={"unread": "true"})[2]["items"] == []
    assert all(n["read_at"] for n in me.call("GET", "/v1/notifications")[2]["items"])


def test_an_api_key_has_no_inbox(api):
    key = {"tenant_id": api.tenant_id, "principal_id": str(ULID()), "kind": "apikey", "scopes": "leads:read"}
    assert api.call("GET", "/v1/notifications", authorizer=key)[0] == 403


@pytest.mark.parametrize("bad", ["not-a-ulid", "01J" + "U" * 23])
def test_malformed_ids_are_refused(api, bad):
    assert api.call("POST", f"/v1/notifications/{bad}/read")[0] in {404, 422}
