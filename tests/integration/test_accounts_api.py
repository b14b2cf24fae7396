"""Accounts over the whole API function (REST proxy events) and the DAL, on in-process moto."""

import re

import boto3
import pytest

from servicejob.config import get_settings
from servicejob.dal import keys

ULID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
PROBLEM_FIELDS = {"type", "title", "status", "detail", "errors"}


def create(api, body, **kwargs):
    status, headers, account = api.call("POST", "/v1/accounts", body, **kwargs)
    assert status == 201, account
    return account, headers


def assert_problem(status, headers, body, expected_status):
    assert status == expected_status, body
    assert headers["Content-Type"].startswith("application/problem+json")
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == expected_status


def field_names(problem):
    return {error["field"] for error in problem["errors"]}


def tenant_items(tenant_id):
    """Every item of one tenant's accounts, read with the list key (no Scan)."""
    client = boto3.client("dynamodb", region_name=get_settings().region)
    response = client.query(
        TableName=get_settings().table_name,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.type_list_pk(tenant_id, "account")}},
    )
    return response["Items"]


# ---- create -----------------------------------------------------------------------------------------
def test_create_returns_201_with_etag_location_ulid_and_version_1(api):
    # Given a tenant owner
    # When they create an account
    status, headers, account = api.call("POST", "/v1/accounts", {"name": "Acme Ltd", "tags": ["vip"]})
    # Then it is created at version 1 with a ULID id, and ETag and Location point at it
    assert status == 201
    assert ULID_PATTERN.match(account["id"])
    assert account["version"] == 1
    assert account["name"] == "Acme Ltd" and account["tags"] == ["vip"]
    assert headers["ETag"] == '"1"'
    assert headers["Location"] == f"/v1/accounts/{account['id']}"
    assert account["created_by"] == f"user:{api.principal_id}"


@pytest.mark.parametrize("name", ["香港會計師事務所有限公司", "深圳市腾讯计算机系统有限公司"])
def test_chinese_text_round_trips(api, name):
    # Given an account named in Traditional or Simplified Chinese
    account, _ = create(api, {"name": name, "notes": f"{name}：年度審計"})
    # When it is read back
    status, _, read = api.call("GET", f"/v1/accounts/{account['id']}")
    # Then the text is unchanged
    assert status == 200
    assert read["name"] == name
    assert read["notes"] == f"{name}：年度審計"


def test_strings_are_trimmed(api):
    # Given fields with surrounding whitespace
    account, _ = create(api, {"name": "  Trimmed Co  ", "tags": ["  a  "], "notes": "\n note \t"})
    # Then they are stored trimmed
    status, _, read = api.call("GET", f"/v1/accounts/{account['id']}")
    assert status == 200
    assert (read["name"], read["tags"], read["notes"]) == ("Trimmed Co", ["a"], "note")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "notes": "n" * 4001}, "notes"),
        ({"name": "ok", "tags": ["t" * 51]}, "tags[0]"),
        ({"name": "ok", "phone": "1" * 41}, "phone"),
    ],
)
def test_over_long_fields_are_refused_naming_the_field(api, body, field):
    # When a field is longer than allowed
    status, headers, problem = api.call("POST", "/v1/accounts", body)
    # Then the problem names that field and nothing is written
    assert_problem(status, headers, problem, 422)
    assert field in field_names(problem)
    assert tenant_items(api.tenant_id) == []


def test_unknown_field_such_as_tenant_id_is_refused_and_nothing_written(api):
    # Given a body that tries to choose another tenant
    other_tenant = api.new_tenant()
    # When it is posted
    status, headers, problem = api.call("POST", "/v1/accounts", {"name": "Sneaky", "tenant_id": other_tenant})
    # Then it is refused naming the field, and neither tenant has an account
    assert_problem(status, headers, problem, 422)
    assert "tenant_id" in field_names(problem)
    assert tenant_items(api.tenant_id) == []
    assert tenant_items(other_tenant) == []


def test_body_over_1_mb_is_refused_with_413(api):
    # When a body is larger than 1 MB
    status, headers, problem = api.call("POST", "/v1/accounts", {"name": "Big", "notes": "x" * (1024 * 1024)})
    # Then it is refused before validation
    assert_problem(status, headers, problem, 413)
    assert tenant_items(api.tenant_id) == []


def test_staff_cannot_create(api):
    # Given a user with the staff role (read only)
    # When they try to create an account
    status, headers, problem = api.call("POST", "/v1/accounts", {"name": "Nope"}, role="staff")
    # Then it is forbidden and nothing is written
    assert_problem(status, headers, problem, 403)
    assert tenant_items(api.tenant_id) == []


def test_missing_authorizer_output_is_401(api):
    # When the event carries no verified tenant (authorizer output missing)
    status, headers, problem = api.call("GET", "/v1/accounts", authorizer={})
    # Then the call is unauthenticated
    assert_problem(status, headers, problem, 401)


# ---- get / list -------------------------------------------------------------------------------------
def test_unknown_id_is_404_problem(api):
    status, headers, problem = api.call("GET", "/v1/accounts/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert_problem(status, headers, problem, 404)


def test_list_default_limit_is_50_and_max_is_200(api):
    # Given 60 accounts
    for number in range(60):
        create(api, {"name": f"Account {number:03}"})
    # When listing without a limit
    status, _, page = api.call("GET", "/v1/accounts")
    # Then 50 come back with a cursor
    assert status == 200
    assert len(page["items"]) == 50
    assert page["next_cursor"]
    # And a limit of 200 is accepted while 201 is refused naming `limit`
    status, _, page = api.call("GET", "/v1/accounts", query={"limit": "200"})
    assert status == 200 and len(page["items"]) == 60 and page["next_cursor"] is None
    status, headers, problem = api.call("GET", "/v1/accounts", query={"limit": "201"})
    assert_problem(status, headers, problem, 422)
    assert "limit" in field_names(problem)


def test_cursor_pages_through_120_accounts_without_duplicates_or_gaps(api):
    # Given 120 accounts
    created = {create(api, {"name": f"Paged {number:03}"})[0]["id"] for number in range(120)}
    # When paging 25 at a time
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "25", **({"cursor": cursor} if cursor else {})}
        status, _, page = api.call("GET", "/v1/accounts", query=query)
        assert status == 200
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    # Then every account appears exactly once, newest first
    assert len(seen) == len(set(seen)) == 120
    assert set(seen) == created
    assert seen == sorted(seen, reverse=True)
    assert pages in (5, 6)


def test_cursor_replayed_by_another_tenant_or_query_is_refused_without_data(api):
    # Given a cursor issued to tenant A for the unfiltered list
    for number in range(3):
        create(api, {"name": f"Alpha {number}"})
    _, _, page = api.call("GET", "/v1/accounts", query={"limit": "1"})
    cursor = page["next_cursor"]
    assert cursor
    # When tenant B replays it
    status, headers, problem = api.call("GET", "/v1/accounts", query={"cursor": cursor}, tenant=api.new_tenant())
    # Then it is refused, naming the cursor, with no items
    assert_problem(status, headers, problem, 422)
    assert "cursor" in field_names(problem) and "items" not in problem
    # And tenant A cannot use it for another query either
    status, headers, problem = api.call("GET", "/v1/accounts", query={"cursor": cursor, "q": "alpha"})
    assert_problem(status, headers, problem, 422)
    assert "items" not in problem


def test_name_prefix_search_is_case_and_width_insensitive(api):
    # Given accounts with similar and different names
    wanted = {create(api, {"name": name})[0]["id"] for name in ("ABC Trading", "abc consulting", "Ａｂｃ Holdings")}
    create(api, {"name": "XYZ ABC"})
    create(api, {"name": "香港會計師事務所有限公司"})
    # When searching with a full-width, mixed-case prefix
    status, _, page = api.call("GET", "/v1/accounts", query={"q": "ａBc"})
    # Then exactly the accounts whose names start with it come back
    assert status == 200
    assert {item["id"] for item in page["items"]} == wanted
    # And a Chinese prefix works too
    status, _, page = api.call("GET", "/v1/accounts", query={"q": "香港"})
    assert [item["name"] for item in page["items"]] == ["香港會計師事務所有限公司"]


@pytest.mark.parametrize("blank", [" ", "\x1f", "\u3000"])
def test_a_prefix_that_normalizes_to_nothing_lists_everything(api, blank):
    # Given an account / When searching with only spaces or control characters (found by schemathesis)
    created, _ = create(api, {"name": "甲公司"})
    status, _, page = api.call("GET", "/v1/accounts", query={"q": blank})
    # Then the list is answered, not a server error
    assert status == 200, page
    assert created["id"] in {item["id"] for item in page["items"]}


# ---- update / delete --------------------------------------------------------------------------------
def test_patch_with_if_match_bumps_version_and_etag(api):
    # Given an account at version 1
    account, headers = create(api, {"name": "Before", "phone": "+852 1234 5678"})
    # When it is patched with its ETag
    status, headers, updated = api.call(
        "PATCH",
        f"/v1/accounts/{account['id']}",
        {"name": "After", "phone": None},
        headers={"If-Match": headers["ETag"]},
    )
    # Then it is at version 2, renamed, the phone cleared
    assert status == 200, updated
    assert updated["version"] == 2
    assert headers["ETag"] == '"2"'
    assert updated["name"] == "After" and updated["phone"] is None
    _, _, read = api.call("GET", f"/v1/accounts/{account['id']}")
    assert (read["version"], read["name"]) == (2, "After")


def test_stale_if_match_is_412_with_current_version(api):
    # Given an account already changed once (version 2)
    account, _ = create(api, {"name": "Contended"})
    status, _, _ = api.call("PATCH", f"/v1/accounts/{account['id']}", {"name": "First"}, headers={"If-Match": '"1"'})
    assert status == 200
    # When another client writes with the version it read earlier
    status, headers, problem = api.call(
        "PATCH", f"/v1/accounts/{account['id']}", {"name": "Second"}, headers={"If-Match": '"1"'}
    )
    # Then it is refused with the current version, and the first change stays
    assert_problem(status, headers, problem, 412)
    assert problem["current_version"] == 2
    _, _, read = api.call("GET", f"/v1/accounts/{account['id']}")
    assert read["name"] == "First"


def test_missing_if_match_is_428(api):
    account, _ = create(api, {"name": "Guarded"})
    status, headers, problem = api.call("PATCH", f"/v1/accounts/{account['id']}", {"name": "Unguarded"})
    assert_problem(status, headers, problem, 428)
    assert "If-Match" in field_names(problem)
    status, headers, problem = api.call("DELETE", f"/v1/accounts/{account['id']}")
    assert_problem(status, headers, problem, 428)


def test_delete_then_get_is_404_and_not_listed(api):
    # Given two accounts
    doomed, _ = create(api, {"name": "Doomed"})
    kept, _ = create(api, {"name": "Kept"})
    # When one is deleted
    status, _, body = api.call("DELETE", f"/v1/accounts/{doomed['id']}", headers={"If-Match": '"1"'})
    assert status == 204 and body is None
    # Then it is gone from get, list and search
    status, headers, problem = api.call("GET", f"/v1/accounts/{doomed['id']}")
    assert_problem(status, headers, problem, 404)
    _, _, page = api.call("GET", "/v1/accounts")
    assert [item["id"] for item in page["items"]] == [kept["id"]]
    _, _, page = api.call("GET", "/v1/accounts", query={"q": "doomed"})
    assert page["items"] == []
    # And deleting it again is 404
    status, headers, problem = api.call("DELETE", f"/v1/accounts/{doomed['id']}", headers={"If-Match": '"2"'})
    assert_problem(status, headers, problem, 404)


def test_another_tenants_id_is_404_on_get_patch_delete(api):
    # Given tenant A's account
    account, _ = create(api, {"name": "Tenant A only"})
    other = api.new_tenant()
    path = f"/v1/accounts/{account['id']}"
    # When tenant B uses its id
    for method, body, headers in (
        ("GET", None, None),
        ("PATCH", {"name": "Hijacked"}, {"If-Match": '"1"'}),
        ("DELETE", None, {"If-Match": '"1"'}),
    ):
        status, response_headers, problem = api.call(method, path, body, headers=headers, tenant=other)
        # Then it is not found (no existence oracle) and leaks nothing
        assert_problem(status, response_headers, problem, 404)
        assert "Tenant A only" not in str(problem)
    # And tenant A's account is untouched
    _, _, read = api.call("GET", path)
    assert (read["name"], read["version"]) == ("Tenant A only", 1)


def test_x_tenant_id_header_is_ignored(api):
    # Given a header naming another tenant
    other = api.new_tenant()
    account, _ = create(api, {"name": "Header games"}, headers={"X-Tenant-Id": other})
    # Then the account belongs to the authorizer's tenant only
    assert [item["id"]["S"] for item in tenant_items(api.tenant_id)] == [account["id"]]
    assert tenant_items(other) == []


# ---- idempotency ------------------------------------------------------------------------------------
def test_same_idempotency_key_and_body_returns_the_same_account_once(api):
    # Given a create sent with an Idempotency-Key
    body = {"name": "Retry Ltd"}
    first, _ = create(api, body, headers={"Idempotency-Key": "create-retry-1"})
    # When the client retries it
    second, headers = create(api, body, headers={"Idempotency-Key": "create-retry-1"})
    # Then the same account comes back and only one exists
    assert second["id"] == first["id"]
    assert headers["ETag"] == '"1"'
    assert len(tenant_items(api.tenant_id)) == 1


def test_same_idempotency_key_with_another_body_is_refused(api):
    create(api, {"name": "Original"}, headers={"Idempotency-Key": "key-reuse"})
    status, headers, problem = api.call(
        "POST", "/v1/accounts", {"name": "Different"}, headers={"Idempotency-Key": "key-reuse"}
    )
    assert_problem(status, headers, problem, 422)
    assert "Idempotency-Key" in field_names(problem)
    assert [item["name"]["S"] for item in tenant_items(api.tenant_id)] == ["Original"]


def test_idempotency_key_reused_by_another_tenant_creates_its_own_account(api):
    # Given tenant A created an account with a key
    first, _ = create(api, {"name": "Same body"}, headers={"Idempotency-Key": "shared-key"})
    other = api.new_tenant()
    # When tenant B sends the same key and body
    second, _ = create(api, {"name": "Same body"}, headers={"Idempotency-Key": "shared-key"}, tenant=other)
    # Then B gets its own, new account and nothing of A's
    assert second["id"] != first["id"]
    assert second["created_by"] == first["created_by"]  # same principal id in this fixture; tenant differs
    assert [item["id"]["S"] for item in tenant_items(other)] == [second["id"]]
    assert [item["id"]["S"] for item in tenant_items(api.tenant_id)] == [first["id"]]


# ---- DynamoDB cost per request ----------------------------------------------------------------------
def test_each_request_is_one_dynamodb_call_per_key_and_never_a_scan(api, dynamodb_calls):
    # Given a warm tenant (its credentials are cached) with an account
    account, _ = create(api, {"name": "Counted"})
    # When creating, getting and listing, counting the DynamoDB operations sent
    dynamodb_calls.reset()
    create(api, {"name": "Counted 2"})
    created = dict(dynamodb_calls.calls)
    dynamodb_calls.reset()
    api.call("GET", f"/v1/accounts/{account['id']}")
    got = dict(dynamodb_calls.calls)
    dynamodb_calls.reset()
    api.call("GET", "/v1/accounts", query={"limit": "1"})
    listed = dict(dynamodb_calls.calls)
    dynamodb_calls.reset()
    api.call("GET", "/v1/accounts", query={"q": "count"})
    searched = dict(dynamodb_calls.calls)
    # Then each is one call of the expected kind; a create also queries each duplicate-match key (here only
    # the name) and writes the account with its keys in one transaction
    assert created == {"Query": 1, "TransactWriteItems": 1}
    assert got == {"GetItem": 1}
    assert listed == {"Query": 1}
    assert searched == {"Query": 1}
