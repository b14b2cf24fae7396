"""Comments, mentions and followers on records, over the whole API function on in-process moto."""

import pytest
from ulid import ULID

from servicejob.tenancy.context import system_context
from tests.integration.conftest import ApiClient
from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture


def add_user(api, status: str = "active") -> dict:
    from functions.api.wiring import dependencies

    user_id = str(ULID())
    fields = {"email": f"u-{user_id}@example.com".lower(), "name": "李小明", "role": "sales", "status": status}
    return (
        dependencies().users.add(system_context(api.tenant_id, "test"), user_id, fields | {"locale": "en"}).model_dump()
    )


def as_user(api, user: dict) -> ApiClient:
    return ApiClient(tenant_id=api.tenant_id, principal_id=user["id"])


def inbox(api, user: dict) -> list[dict]:
    status, _, page = as_user(api, user).call("GET", "/v1/notifications")
    assert status == 200
    return page["items"]


def make_record(api, kind: str) -> str:
    _, _, account = api.call("POST", "/v1/accounts", {"name": "甲公司"})
    bodies = {
        "accounts": None,
        "leads": {"company_name": "乙公司"},
        "contacts": {"account_id": account["id"], "name_zh": "陳大文"},
        "opportunities": {
            "name": "年度審計",
            "account_id": account["id"],
            "amount": {"amount": "1000", "currency": "HKD"},
            "expected_close_date": "2027-01-31",
        },
    }
    if bodies[kind] is None:
        return account["id"]
    status, _, made = api.call("POST", f"/v1/{kind}", bodies[kind])
    assert status == 201, made
    return made["id"]


@pytest.mark.parametrize("kind", ["accounts", "contacts", "leads", "opportunities"])
def test_comments_are_added_and_listed_oldest_first_on_every_record_type(api, kind):
    record_id = make_record(api, kind)
    path = f"/v1/{kind}/{record_id}/comments"
    first = api.call("POST", path, {"body": "已致電，下週再跟進。"})
    second = api.call("POST", path, {"body": "Sent the engagement letter."})
    assert (first[0], second[0]) == (201, 201), first
    singular = {"accounts": "account", "contacts": "contact", "leads": "lead", "opportunities": "opportunity"}[kind]
    assert first[2]["author"] == f"user:{api.principal_id}" and first[2]["entity"] == f"{singular}/{record_id}"
    status, _, page = api.call("GET", path, query={"limit": "1"})
    assert status == 200 and [c["id"] for c in page["items"]] == [first[2]["id"]]
    _, _, rest = api.call("GET", path, query={"limit": "1", "cursor": page["next_cursor"]})
    assert [c["body"] for c in rest["items"]] == ["Sent the engagement letter."]


def test_a_mention_notifies_the_mentioned_and_followers_hear_of_new_comments(api):
    lead_id = make_record(api, "leads")
    mentioned, follower, bystander = add_user(api), add_user(api), add_user(api)
    # Given a follower (and the mentioned user following too)
    for user in (follower, mentioned):
        assert as_user(api, user).call("PUT", f"/v1/leads/{lead_id}/followers/me")[0] == 204
    assert as_user(api, follower).call("PUT", f"/v1/leads/{lead_id}/followers/me")[0] == 204  # idempotent
    # When the owner comments, mentioning one user
    status, _, comment = api.call(
        "POST", f"/v1/leads/{lead_id}/comments", {"body": "請 @李小明 跟進報價", "mentions": [mentioned["id"]]}
    )
    assert status == 201 and comment["mentions"] == [mentioned["id"]]
    # Then the mentioned user has one mention (not also a "new comment"), the follower a new-comment notice
    assert [(n["kind"], n["entity"]) for n in inbox(api, mentioned)] == [("comment.mentioned", f"lead/{lead_id}")]
    [notice] = inbox(api, follower)
    assert notice["kind"] == "comment.added" and notice["params"]["record"] == "乙公司"
    assert "跟進報價" in notice["params"]["excerpt"]
    # And the bystander and the author get nothing
    assert inbox(api, bystander) == [] and api.call("GET", "/v1/notifications")[2]["items"] == []
    # When the follower unfollows and another comment comes / Then they hear nothing more
    assert as_user(api, follower).call("DELETE", f"/v1/leads/{lead_id}/followers/me")[0] == 204
    assert api.call("POST", f"/v1/leads/{lead_id}/comments", {"body": "Done."})[0] == 201
    assert len(inbox(api, follower)) == 1


def test_bad_comments_are_refused_naming_the_field_and_nothing_is_stored(api):
    account_id = make_record(api, "accounts")
    path = f"/v1/accounts/{account_id}/comments"
    disabled = add_user(api, status="disabled")
    assert api.call("POST", path, {"body": "x" * 5001})[0] == 422
    assert api.call("POST", path, {"body": ""})[0] == 422
    status, _, problem = api.call("POST", path, {"body": "hi", "mentions": [disabled["id"], str(ULID())]})
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["mentions[0]", "mentions[1]"]
    assert api.call("GET", path)[2]["items"] == []
    assert api.call("POST", path, {"body": "x" * 5000})[0] == 201


def test_commenting_needs_read_permission_on_the_record(api):
    lead_id, account_id = make_record(api, "leads"), make_record(api, "accounts")
    key = {"tenant_id": api.tenant_id, "principal_id": str(ULID()), "kind": "apikey", "scopes": "leads:read"}
    # A key that reads leads comments on a lead, but not on an account it cannot read
    status, _, comment = api.call("POST", f"/v1/leads/{lead_id}/comments", {"body": "synced"}, authorizer=key)
    assert status == 201 and comment["author"].startswith("apikey:")
    assert api.call("POST", f"/v1/accounts/{account_id}/comments", {"body": "x"}, authorizer=key)[0] == 403
    assert api.call("GET", f"/v1/accounts/{account_id}/comments", authorizer=key)[0] == 403
    # And a key cannot follow (only users have an inbox)
    assert api.call("PUT", f"/v1/leads/{lead_id}/followers/me", authorizer=key)[0] == 403


def test_a_record_that_does_not_exist_answers_404(api):
    missing = str(ULID())
    assert api.call("POST", f"/v1/opportunities/{missing}/comments", {"body": "x"})[0] == 404
    assert api.call("GET", f"/v1/contacts/{missing}/comments")[0] == 404
    assert api.call("PUT", f"/v1/accounts/{missing}/followers/me")[0] == 404


def test_followers_hear_of_stage_and_owner_changes_and_a_new_owner_that_it_is_theirs(api, pipeline):  # noqa: F811
    stream, _ = pipeline
    opportunity_id = make_record(api, "opportunities")
    account_id = make_record(api, "accounts")
    follower, new_owner = add_user(api), add_user(api)
    for path in (f"/v1/opportunities/{opportunity_id}", f"/v1/accounts/{account_id}"):
        assert as_user(api, follower).call("PUT", f"{path}/followers/me")[0] == 204
    # When the owner moves the opportunity on and gives the account to another user
    moved = api.call(
        "POST", f"/v1/opportunities/{opportunity_id}/stage", {"stage": "proposal"}, headers={"If-Match": '"1"'}
    )
    assert moved[0] == 200, moved
    status, _, _ = api.call(
        "PATCH", f"/v1/accounts/{account_id}", {"responsible_user_id": new_owner["id"]}, headers={"If-Match": '"1"'}
    )
    assert status == 200
    # And the events function processes the stream
    assert run_events_function(stream.new_records()) == {"batchItemFailures": []}
    # Then the follower heard of both, the new owner that the account is theirs, and the writer nothing
    told = sorted((n["kind"], n["entity"]) for n in inbox(api, follower))
    assert told == [
        ("record.owner_changed", f"account/{account_id}"),
        ("record.stage_changed", f"opportunity/{opportunity_id}"),
    ]
    stage_notice = next(n for n in inbox(api, follower) if n["kind"] == "record.stage_changed")
    assert stage_notice["params"]["stage"] == "proposal" and stage_notice["actor"] == f"user:{api.principal_id}"
    assert [(n["kind"], n["entity"]) for n in inbox(api, new_owner)] == [("record.assigned", f"account/{account_id}")]
    assert api.call("GET", "/v1/notifications")[2]["items"] == []


def test_a_user_reads_whether_they_follow_a_record(api):
    opportunity_id = make_record(api, "opportunities")
    follower = as_user(api, add_user(api))
    path = f"/v1/opportunities/{opportunity_id}/followers/me"
    assert follower.call("GET", path)[2] == {"following": False}
    assert follower.call("PUT", path)[0] == 204
    assert follower.call("GET", path)[2] == {"following": True}
    # Each user answers for themselves: the owner does not follow it
    assert api.call("GET", path)[2] == {"following": False}
    assert follower.call("DELETE", path)[0] == 204
    assert follower.call("GET", path)[2] == {"following": False}
    assert api.call("GET", f"/v1/opportunities/{ULID()}/followers/me")[0] == 404


def test_a_retried_comment_with_the_same_idempotency_key_is_posted_once(api):
    lead_id, account_id = make_record(api, "leads"), make_record(api, "accounts")
    mentioned = add_user(api)
    body, key = {"body": "請 @李小明 回電", "mentions": [mentioned["id"]]}, {"Idempotency-Key": str(ULID())}
    first = api.call("POST", f"/v1/leads/{lead_id}/comments", body, headers=key)
    again = api.call("POST", f"/v1/leads/{lead_id}/comments", body, headers=key)
    assert (first[0], again[0]) == (201, 201) and again[2] == first[2]
    assert [c["id"] for c in api.call("GET", f"/v1/leads/{lead_id}/comments")[2]["items"]] == [first[2]["id"]]
    assert len(inbox(api, mentioned)) == 1
    # The same key on another record is another request: refused, naming the header
    status, _, problem = api.call("POST", f"/v1/accounts/{account_id}/comments", body, headers=key)
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["Idempotency-Key"]
    assert api.call("GET", f"/v1/accounts/{account_id}/comments")[2]["items"] == []
