"""/v1/api-keys over the whole API function and the DAL, on in-process moto."""

import json
import re

import boto3
import pytest
from ulid import ULID

from servicejob.config import get_settings
from servicejob.dal import keys

KEY_PATTERN = re.compile(r"^sjk_[0-9A-HJKMNP-TV-Z]{26}_[0-9A-HJKMNP-TV-Z]{26}_[0-9a-f]{64}$")
LISTED_FIELDS = {"id", "name", "scopes", "created_at", "created_by", "last_used_at", "revoked_at"}


def create_key(api, body=None, **kwargs):
    status, headers, key = api.call(
        "POST", "/v1/api-keys", body or {"name": "Xero sync", "scopes": ["accounts:read"]}, **kwargs
    )
    assert status == 201, key
    return key, headers


def stored_item(tenant_id: str, key_id: str) -> dict:
    client = boto3.client("dynamodb", region_name=get_settings().region)
    return client.get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": keys.entity_pk(tenant_id, "apikey", key_id)}, "SK": {"S": keys.META}},
    )["Item"]


def idempotency_records(tenant_id: str) -> list[dict]:
    client = boto3.client("dynamodb", region_name=get_settings().region)
    return client.query(
        TableName=get_settings().table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.idempotency_pk(tenant_id)}},
    )["Items"]


def field_names(problem):
    return {error["field"] for error in problem["errors"]}


def test_create_returns_the_secret_once_and_stores_only_its_hash(api):
    # Given a tenant owner
    # When they create a key
    key, headers = create_key(api, {"name": " Xero sync ", "scopes": ["accounts:write", "accounts:read"]})
    # Then the response carries the tenant's sjk_ secret, uncacheable, with trimmed name and sorted scopes
    assert KEY_PATTERN.match(key["secret"])
    assert key["secret"].startswith(f"sjk_{api.tenant_id}_{key['id']}_")
    assert headers["Cache-Control"] == "no-store"
    assert (key["name"], key["scopes"]) == ("Xero sync", ["accounts:read", "accounts:write"])
    assert key["created_by"] == f"user:{api.principal_id}"
    assert key["last_used_at"] is None and key["revoked_at"] is None
    # And the table holds a SHA-256 hash, never the secret
    item = stored_item(api.tenant_id, key["id"])
    assert len(item["secret_hash"]["S"]) == 64
    assert key["secret"] not in json.dumps(item)


def test_the_list_shows_keys_newest_first_without_secret_or_hash(api):
    # Given two keys
    first, _ = create_key(api, {"name": "first", "scopes": ["accounts:read"]})
    second, _ = create_key(api, {"name": "second", "scopes": ["audit:read"]})
    # When the owner lists them
    status, _, page = api.call("GET", "/v1/api-keys")
    # Then both are listed, newest first, with only the public fields
    assert status == 200
    assert [item["id"] for item in page["items"]] == [second["id"], first["id"]]
    assert all(set(item) == LISTED_FIELDS for item in page["items"])
    assert "sjk_" not in json.dumps(page)
    assert page["next_cursor"] is None


def test_the_list_pages_with_a_signed_cursor_bound_to_the_tenant(api):
    # Given three keys
    created = [create_key(api, {"name": f"k{n}", "scopes": ["accounts:read"]})[0]["id"] for n in range(3)]
    # When listed two at a time
    status, _, page1 = api.call("GET", "/v1/api-keys", query={"limit": "2"})
    status2, _, page2 = api.call("GET", "/v1/api-keys", query={"limit": "2", "cursor": page1["next_cursor"]})
    # Then the pages cover every key once
    assert (status, status2) == (200, 200)
    assert [i["id"] for i in page1["items"] + page2["items"]] == list(reversed(created))
    # And another tenant replaying the cursor is refused without data
    status, _, problem = api.call("GET", "/v1/api-keys", query={"cursor": page1["next_cursor"]}, tenant=str(ULID()))
    assert status == 422 and "cursor" in field_names(problem)


def test_other_tenants_never_see_or_revoke_the_key(api):
    # Given tenant A's key
    key, _ = create_key(api)
    other = str(ULID())
    # When tenant B lists keys and tries to revoke A's key
    _, _, page = api.call("GET", "/v1/api-keys", tenant=other)
    status, _, problem = api.call("DELETE", f"/v1/api-keys/{key['id']}", tenant=other)
    # Then B sees nothing and gets 404, and A's key is untouched
    assert page["items"] == []
    assert status == 404 and problem["status"] == 404
    assert "revoked_at" not in stored_item(api.tenant_id, key["id"])


def test_revoking_keeps_the_record_listed_and_is_idempotent(api):
    # Given a key
    key, _ = create_key(api)
    # When it is revoked twice
    first, _, _ = api.call("DELETE", f"/v1/api-keys/{key['id']}")
    _, _, listed = api.call("GET", "/v1/api-keys")
    revoked_at = listed["items"][0]["revoked_at"]
    second, _, _ = api.call("DELETE", f"/v1/api-keys/{key['id']}")
    # Then both answers are 204, the key stays listed with its first revocation time
    assert (first, second) == (204, 204)
    assert revoked_at is not None
    _, _, listed_again = api.call("GET", "/v1/api-keys")
    assert listed_again["items"][0]["revoked_at"] == revoked_at


def test_revoking_an_unknown_key_is_404(api):
    status, _, problem = api.call("DELETE", f"/v1/api-keys/{ULID()}")
    assert status == 404 and problem["status"] == 404


@pytest.mark.parametrize(
    ("scopes", "field"),
    [
        (["accounts:read", "users:manage"], "scopes[1]"),
        (["api-keys:manage"], "scopes[0]"),
        (["accounts:delete-everything"], "scopes[0]"),
        ([], "scopes"),
    ],
)
def test_scopes_outside_what_keys_may_carry_are_422_naming_the_field(api, scopes, field):
    # Given an owner asking for a scope keys cannot carry (or none, or one that does not exist)
    status, headers, problem = api.call("POST", "/v1/api-keys", {"name": "x", "scopes": scopes})
    # Then the answer is a 422 problem naming the field
    assert status == 422, problem
    assert headers["Content-Type"].startswith("application/problem+json")
    assert field in field_names(problem)


@pytest.mark.parametrize("role", ["manager", "sales", "staff", "finance", "partner"])
def test_roles_without_api_keys_manage_are_403(api, role):
    for method, path, body in (
        ("POST", "/v1/api-keys", {"name": "x", "scopes": ["accounts:read"]}),
        ("GET", "/v1/api-keys", None),
        ("DELETE", f"/v1/api-keys/{ULID()}", None),
    ):
        status, _, problem = api.call(method, path, body, role=role)
        assert status == 403, (method, problem)


def test_an_api_key_cannot_create_api_keys(api):
    # Given a caller authenticated by an API key with every grantable scope
    authorizer = {
        "tenant_id": api.tenant_id,
        "principal_id": str(ULID()),
        "kind": "apikey",
        "scopes": "accounts:read,accounts:write,audit:read",
    }
    # When it tries to create a key, Then it is forbidden
    status, _, _ = api.call("POST", "/v1/api-keys", {"name": "x", "scopes": ["accounts:read"]}, authorizer=authorizer)
    assert status == 403


def test_a_tenant_id_in_the_body_is_refused(api):
    status, _, problem = api.call(
        "POST", "/v1/api-keys", {"name": "x", "scopes": ["accounts:read"], "tenant_id": str(ULID())}
    )
    assert status == 422 and "tenant_id" in field_names(problem)


def test_idempotency_key_creates_once_never_stores_the_secret_and_never_replays_it(api):
    # Given a create with an Idempotency-Key
    body = {"name": "retry-safe", "scopes": ["accounts:read"]}
    headers = {"Idempotency-Key": "create-key-1"}
    key, _ = create_key(api, body, headers=headers)
    # When the same request is retried
    status, _, problem = api.call("POST", "/v1/api-keys", body, headers=headers)
    # Then no second key exists and the retry says which key was created, without the secret
    assert status == 409
    assert key["id"] in problem["detail"] and "sjk_" not in json.dumps(problem)
    _, _, page = api.call("GET", "/v1/api-keys")
    assert [item["id"] for item in page["items"]] == [key["id"]]
    # And the idempotency record holds no secret
    records = idempotency_records(api.tenant_id)
    assert records and "sjk_" not in json.dumps(records)
    # And the same key with another body is refused
    status, _, problem = api.call("POST", "/v1/api-keys", {**body, "name": "other"}, headers=headers)
    assert status == 422 and "Idempotency-Key" in field_names(problem)
