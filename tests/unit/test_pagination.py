"""Signed list cursors: bound to the tenant and the query, refused when altered in any way."""

import base64
import json

import pytest
from ulid import ULID

from servicejob.dal.pagination import CursorCodec
from servicejob.errors import ValidationFailed

LAST_KEY = {"PK": {"S": "t#account#01"}, "SK": {"S": "META"}, "GSI1SK": {"S": "香港"}}


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(b"unit-test-secret")


def assert_refused(codec: CursorCodec, tenant_id: str, query: str, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        codec.decode(tenant_id, query, cursor)
    assert [error.field for error in refused.value.errors] == ["cursor"]


def test_round_trip_returns_the_last_key(codec, tenant_id):
    # Given a cursor issued for a tenant's query
    cursor = codec.encode(tenant_id, "account:all", LAST_KEY)
    # When the same tenant sends it back for the same query
    # Then it decodes to the same key
    assert cursor is not None
    assert codec.decode(tenant_id, "account:all", cursor) == LAST_KEY


def test_no_last_key_means_no_cursor_and_no_cursor_means_start(codec, tenant_id):
    assert codec.encode(tenant_id, "account:all", None) is None
    assert codec.encode(tenant_id, "account:all", {}) is None
    assert codec.decode(tenant_id, "account:all", None) is None
    assert codec.decode(tenant_id, "account:all", "") is None


def test_cursor_is_opaque(codec, tenant_id):
    # The client sees no JSON and no key names in clear
    cursor = codec.encode(tenant_id, "account:all", LAST_KEY)
    assert "PK" not in cursor and "{" not in cursor and tenant_id not in cursor


def test_another_tenant_cannot_replay_it(codec, tenant_id):
    cursor = codec.encode(tenant_id, "account:all", LAST_KEY)
    assert_refused(codec, str(ULID()), "account:all", cursor)


def test_another_query_cannot_use_it(codec, tenant_id):
    cursor = codec.encode(tenant_id, "account:all", LAST_KEY)
    assert_refused(codec, tenant_id, "account:name:abc", cursor)


def test_another_secret_refuses_it(tenant_id):
    cursor = CursorCodec(b"one secret").encode(tenant_id, "q", LAST_KEY)
    assert_refused(CursorCodec(b"another secret"), tenant_id, "q", cursor)


@pytest.mark.parametrize("position", [0, 5, -1, -10])
def test_a_flipped_character_is_refused(codec, tenant_id, position):
    # Given a valid cursor with one character changed (in the body or in the signature)
    cursor = codec.encode(tenant_id, "q", LAST_KEY)
    index = position % len(cursor)
    replacement = "A" if cursor[index] != "A" else "B"
    tampered = cursor[:index] + replacement + cursor[index + 1 :]
    # Then it is refused
    assert_refused(codec, tenant_id, "q", tampered)


def test_a_re_signed_body_with_another_key_is_refused(codec, tenant_id):
    # Given a client that swaps the body for its own key but keeps the signature
    cursor = codec.encode(tenant_id, "q", LAST_KEY)
    _, _, signature = cursor.partition(".")
    forged_key = {"PK": {"S": f"{ULID()}#account#01"}, "SK": {"S": "META"}}
    body = base64.urlsafe_b64encode(json.dumps({"k": forged_key}).encode()).rstrip(b"=").decode()
    assert_refused(codec, tenant_id, "q", f"{body}.{signature}")


@pytest.mark.parametrize("garbage", ["garbage", "a.b", ".", "x" * 500, "🙂.🙂", "eyJ9.", "%00"])
def test_garbage_is_refused(codec, tenant_id, garbage):
    assert_refused(codec, tenant_id, "q", garbage)
