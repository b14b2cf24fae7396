"""Activities over the whole API function on in-process moto, and the contact dates the events function keeps."""

from datetime import UTC, datetime, timedelta

from servicejob.clock import to_iso
from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture
from tests.integration.test_contacts_api import add_user, create_account, create_contact, field_names


def create_activity(api, **fields):
    status, headers, activity = api.call("POST", "/v1/activities", fields)
    assert status == 201, activity
    return activity, headers


def in_days(days: float) -> str:
    return to_iso(datetime.now(UTC) + timedelta(days=days))


def test_activity_crud_with_etags_and_links(api):
    # Given an account with a contact
    account = create_account(api)
    contact, _ = create_contact(api, account["id"])
    # When a meeting with minutes is logged against the contact only
    activity, headers = create_activity(
        api,
        kind="meeting",
        subject="年度審計啟動會議",
        status="done",
        done_at="2026-11-02T10:00:00+08:00",
        minutes="確認審計時間表",
        contact_id=contact["id"],
    )
    # Then it takes the contact's account, the caller as owner, done_at in UTC, and an ETag
    assert headers["ETag"] == '"1"' and headers["Location"] == f"/v1/activities/{activity['id']}"
    assert activity["account_id"] == account["id"] and activity["owner_id"] == api.principal_id
    assert activity["done_at"] == "2026-11-02T02:00:00.000Z" and activity["minutes"] == "確認審計時間表"
    status, _, fetched = api.call("GET", f"/v1/activities/{activity['id']}")
    assert status == 200 and fetched == activity
    # And it is listed under the account and in the tenant's list
    _, _, under_account = api.call("GET", f"/v1/accounts/{account['id']}/activities")
    assert [item["id"] for item in under_account["items"]] == [activity["id"]]
    _, _, everything = api.call("GET", "/v1/activities")
    assert activity["id"] in [item["id"] for item in everything["items"]]
    # When it is changed with a stale ETag, then 412; with the current one, 200 and the next ETag
    path = f"/v1/activities/{activity['id']}"
    assert api.call("PATCH", path, {"subject": "x"}, headers={"If-Match": '"9"'})[0] == 412
    status, headers, changed = api.call("PATCH", path, {"notes": "跟進報價"}, headers={"If-Match": '"1"'})
    assert status == 200 and changed["notes"] == "跟進報價" and headers["ETag"] == '"2"'
    # And a delete needs If-Match, then the activity is gone
    assert api.call("DELETE", path)[0] == 428
    assert api.call("DELETE", path, headers={"If-Match": '"2"'})[0] == 204
    assert api.call("GET", path)[0] == 404


def test_invalid_activities_are_refused_naming_the_field(api):
    account = create_account(api)
    other_account = create_account(api, {"name": "另一間公司"})
    contact, _ = create_contact(api, other_account["id"])
    cases = [
        ({"kind": "call", "subject": "s", "account_id": account["id"]}, "due_at"),  # planned without due_at
        ({"kind": "call", "subject": "s", "status": "done", "account_id": account["id"], "minutes": "m"}, "minutes"),
        (
            {
                "kind": "call",
                "subject": "s",
                "due_at": in_days(1),
                "account_id": account["id"],
                "contact_id": contact["id"],
            },
            "contact_id",
        ),
        ({"kind": "task", "subject": "s", "due_at": in_days(1)}, "account_id"),
        (
            {"kind": "visit", "subject": "s", "status": "done", "done_at": in_days(2), "account_id": account["id"]},
            "done_at",
        ),
        (
            {
                "kind": "call",
                "subject": "s",
                "due_at": in_days(1),
                "account_id": account["id"],
                "owner_id": "01J00000000000000000000000",
            },
            "owner_id",
        ),
        ({"kind": "fax", "subject": "s", "due_at": in_days(1), "account_id": account["id"]}, "kind"),
    ]
    for body, field in cases:
        status, _, problem = api.call("POST", "/v1/activities", body)
        assert status == 422 and field in " ".join(field_names(problem)), (body, problem)
    # And nothing was stored
    _, _, page = api.call("GET", f"/v1/accounts/{account['id']}/activities")
    assert page["items"] == []


def test_completing_through_patch_stamps_done_at_and_leaves_the_planned_list(api):
    # Given two planned calls, due tomorrow and in a week, and one due in a month
    account = create_account(api)
    tomorrow, _ = create_activity(api, kind="call", subject="致電", due_at=in_days(1), account_id=account["id"])
    week, _ = create_activity(api, kind="visit", subject="拜訪", due_at=in_days(7), account_id=account["id"])
    create_activity(api, kind="task", subject="寄送報價", due_at=in_days(30), account_id=account["id"])
    # Then the planned list is soonest first, and a due range narrows it
    status, _, planned = api.call("GET", "/v1/activities", query={"status": "planned"})
    assert status == 200 and [item["subject"] for item in planned["items"]] == ["致電", "拜訪", "寄送報價"]
    window = {"status": "planned", "due_from": in_days(0), "due_before": in_days(2)}
    _, _, due_soon = api.call("GET", "/v1/activities", query=window)
    assert [item["id"] for item in due_soon["items"]] == [tomorrow["id"]]
    # When the call is completed through PATCH status
    path = f"/v1/activities/{tomorrow['id']}"
    status, _, done = api.call("PATCH", path, {"status": "done"}, headers={"If-Match": '"1"'})
    # Then it has a done_at and is no longer planned
    assert status == 200 and done["status"] == "done" and done["done_at"]
    _, _, planned = api.call("GET", "/v1/activities", query={"status": "planned"})
    assert [item["id"] for item in planned["items"]][0] == week["id"]
    # And reopening it (it keeps its due date) makes it planned again, without done_at
    status, _, reopened = api.call("PATCH", path, {"status": "planned"}, headers={"If-Match": '"2"'})
    assert status == 200 and reopened["done_at"] is None and reopened["status"] == "planned"
    # An empty or inverted due range is refused naming due_before
    inverted = {"status": "planned", "due_from": in_days(2), "due_before": in_days(1)}
    status, _, problem = api.call("GET", "/v1/activities", query=inverted)
    assert status == 422 and field_names(problem) == {"due_before"}
    # Only planned activities can be listed by status
    status, _, problem = api.call("GET", "/v1/activities", query={"status": "done"})
    assert status == 422 and field_names(problem) == {"status"}


def test_an_api_key_must_name_an_existing_owner(api):
    account = create_account(api)
    owner_id = add_user(api, api.tenant_id)
    authorizer = {
        "tenant_id": api.tenant_id,
        "principal_id": "01J00000000000000000000KEY",
        "kind": "apikey",
        "scopes": "activities:write,activities:read",
    }
    body = {"kind": "call", "subject": "s", "due_at": in_days(1), "account_id": account["id"]}
    status, _, problem = api.call("POST", "/v1/activities", body, authorizer=authorizer)
    assert status == 422 and field_names(problem) == {"owner_id"}
    status, _, created = api.call("POST", "/v1/activities", body | {"owner_id": owner_id}, authorizer=authorizer)
    assert status == 201 and created["owner_id"] == owner_id


def test_a_retried_create_with_the_same_idempotency_key_creates_one_activity(api):
    account = create_account(api)
    body = {"kind": "call", "subject": "s", "due_at": "2027-01-05T09:00:00+08:00", "account_id": account["id"]}
    first = api.call("POST", "/v1/activities", body, headers={"Idempotency-Key": "k-1"})
    second = api.call("POST", "/v1/activities", body, headers={"Idempotency-Key": "k-1"})
    assert first[0] == second[0] == 201 and first[2]["id"] == second[2]["id"]
    _, _, page = api.call("GET", f"/v1/accounts/{account['id']}/activities")
    assert len(page["items"]) == 1


def test_done_calls_and_planned_visits_set_the_contact_dates_without_bumping_versions(api, pipeline):  # noqa: F811
    stream, _ = pipeline
    # Given an account (version 1) with a contact, opened in someone's edit form
    account = create_account(api)
    contact, _ = create_contact(api, account["id"])
    # When a call with the contact is logged, a visit is planned and an e-mail is logged
    call, _ = create_activity(
        api, kind="call", subject="致電", status="done", done_at="2026-11-20T03:00:00Z", contact_id=contact["id"]
    )
    visit, _ = create_activity(
        api, kind="visit", subject="拜訪", due_at="2027-02-01T02:00:00Z", contact_id=contact["id"]
    )
    create_activity(api, kind="visit", subject="再拜訪", due_at="2027-03-01T02:00:00Z", account_id=account["id"])
    create_activity(
        api, kind="email", subject="電郵", status="done", done_at="2026-11-25T03:00:00Z", account_id=account["id"]
    )
    assert run_events_function(stream.new_records()) == {"batchItemFailures": []}
    # Then the account and the contact carry the last call and the earliest planned visit
    _, headers, account_now = api.call("GET", f"/v1/accounts/{account['id']}")
    assert account_now["last_contact_at"] == "2026-11-20T03:00:00.000Z"
    assert account_now["next_contact_at"] == "2027-02-01T02:00:00.000Z"
    _, _, contact_now = api.call("GET", f"/v1/contacts/{contact['id']}")
    assert contact_now["last_call_at"] == "2026-11-20T03:00:00.000Z"
    assert contact_now["next_call_at"] == "2027-02-01T02:00:00.000Z"
    # And the account's version did not move, so the open edit form still saves
    assert headers["ETag"] == '"1"'
    status, _, _ = api.call("PATCH", f"/v1/accounts/{account['id']}", {"industry": "物流"}, headers={"If-Match": '"1"'})
    assert status == 200
    # When the planned visit is done and the call deleted
    path = f"/v1/activities/{visit['id']}"
    done_at = "2026-12-01T01:00:00Z"
    body = {"status": "done", "done_at": done_at}
    assert api.call("PATCH", path, body, headers={"If-Match": '"1"'})[0] == 200
    assert api.call("DELETE", f"/v1/activities/{call['id']}", headers={"If-Match": '"1"'})[0] == 204
    assert run_events_function(stream.new_records()) == {"batchItemFailures": []}
    # Then the visit is the last contact, the next is the remaining visit, and the contact has no next call
    _, _, account_now = api.call("GET", f"/v1/accounts/{account['id']}")
    assert account_now["last_contact_at"] == "2026-12-01T01:00:00.000Z"
    assert account_now["next_contact_at"] == "2027-03-01T02:00:00.000Z"
    _, _, contact_now = api.call("GET", f"/v1/contacts/{contact['id']}")
    assert contact_now["last_call_at"] == "2026-12-01T01:00:00.000Z" and contact_now.get("next_call_at") is None
    # And the audit trail of the account records only the industry change, not the derived dates
    _, _, trail = api.call("GET", "/v1/audit", query={"entity": f"accounts/{account['id']}"})
    assert [entry["action"] for entry in trail["items"]] == ["updated", "created"]
    assert set(trail["items"][0]["changes"]) == {"industry"}
