"""EntityStore's DynamoDB requests, against a fake client: one request per operation, every key in the
caller's tenant, conditional writes on `version`, and conflicts reported with the current version."""

from typing import Any

import pytest
from botocore.exceptions import ClientError
from ulid import ULID

from servicejob.auth.permissions import Role
from servicejob.dal.accounts import ACCOUNT_KIND
from servicejob.dal.entity_store import EntityStore, search_key
from servicejob.dal.pagination import CursorCodec
from servicejob.errors import NotFound, ValidationFailed, VersionConflict


class FakeDynamoDB:
    """Records requests; answers with what a test queued."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[Any] = []

    def _answer(self, operation: str, request: dict[str, Any]) -> dict:
        self.requests.append((operation, request))
        answer = self.answers.pop(0) if self.answers else {}
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_item(self, **request: Any) -> dict:
        return self._answer("GetItem", request)

    def put_item(self, **request: Any) -> dict:
        return self._answer("PutItem", request)

    def update_item(self, **request: Any) -> dict:
        return self._answer("UpdateItem", request)

    def query(self, **request: Any) -> dict:
        return self._answer("Query", request)


class FakeTenantClients:
    def __init__(self) -> None:
        self.by_tenant: dict[str, FakeDynamoDB] = {}

    def dynamodb(self, tenant_id: str) -> FakeDynamoDB:
        return self.by_tenant.setdefault(tenant_id, FakeDynamoDB())


@pytest.fixture
def clients() -> FakeTenantClients:
    return FakeTenantClients()


@pytest.fixture
def store(clients) -> EntityStore:
    return EntityStore(clients, ACCOUNT_KIND, "servicejob", CursorCodec(b"unit"))


def stored_item(tenant: str, account_id: str, version: int = 1, **extra: dict) -> dict:
    return {
        "PK": {"S": f"{tenant}#account#{account_id}"},
        "SK": {"S": "META"},
        "type": {"S": "account"},
        "id": {"S": account_id},
        "version": {"N": str(version)},
        "name": {"S": "Acme"},
        "created_at": {"S": "2026-01-01T00:00:00.000Z"},
        "created_by": {"S": "user:x"},
        "updated_at": {"S": "2026-01-01T00:00:00.000Z"},
        "updated_by": {"S": "user:x"},
        **extra,
    }


def conditional_failure(item: dict | None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "failed"}}
    if item is not None:
        response["Item"] = item
    return ClientError(response, "UpdateItem")


def all_key_values(request: dict) -> list[str]:
    """Every partition-key value a request names (table key, item keys, index keys)."""
    values = []
    for container in (request.get("Key", {}), request.get("Item", {})):
        for name in ("PK", "GSI1PK", "GSI2PK", "GSI3PK", "GSI4PK"):
            if name in container:
                values.append(container[name]["S"])
    values += [v["S"] for k, v in request.get("ExpressionAttributeValues", {}).items() if k == ":pk"]
    return values


def test_get_is_one_consistent_getitem_on_the_tenants_key(store, clients, user_ctx):
    ctx = user_ctx(Role.FINANCE)
    account_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append({"Item": stored_item(ctx.tenant_id, account_id)})
    item = store.get(ctx, account_id)
    [(operation, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert operation == "GetItem" and request["ConsistentRead"] is True
    assert request["Key"] == {"PK": {"S": f"{ctx.tenant_id}#account#{account_id}"}, "SK": {"S": "META"}}
    assert (item.id, item.version, item.name) == (account_id, 1, "Acme")


@pytest.mark.parametrize("answer", [{}, {"Item": None}])
def test_get_of_a_missing_item_is_not_found(store, clients, user_ctx, answer):
    ctx = user_ctx(Role.FINANCE)
    clients.dynamodb(ctx.tenant_id).answers.append(answer)
    with pytest.raises(NotFound):
        store.get(ctx, str(ULID()))


def test_get_of_a_soft_deleted_item_is_not_found(store, clients, user_ctx):
    ctx = user_ctx(Role.FINANCE)
    account_id = str(ULID())
    deleted = stored_item(ctx.tenant_id, account_id, deleted_at={"S": "2026-01-02T00:00:00.000Z"})
    clients.dynamodb(ctx.tenant_id).answers.append({"Item": deleted})
    with pytest.raises(NotFound):
        store.get(ctx, account_id)


def test_create_is_one_conditional_put_with_every_key_in_the_tenant(store, clients, user_ctx):
    ctx = user_ctx(Role.OWNER)
    account_id = str(ULID())
    created = store.create(ctx, account_id, {"name": "  Ａｃｍｅ Trading", "tags": ["a"]})
    [(operation, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert operation == "PutItem"
    assert request["ConditionExpression"] == "attribute_not_exists(PK)"
    item = request["Item"]
    assert all(value.startswith(f"{ctx.tenant_id}#") for value in all_key_values(request))
    assert item["GSI1SK"] == {"S": account_id}
    assert item["GSI2SK"] == {"S": f"acme trading#{account_id}"}
    assert item["version"] == {"N": "1"} and item["created_by"] == {"S": ctx.actor}
    assert created.version == 1


def test_list_is_one_query_on_the_tenants_list_key_newest_first(store, clients, user_ctx):
    ctx = user_ctx(Role.FINANCE)
    fake = clients.dynamodb(ctx.tenant_id)
    last_key = {"PK": {"S": "k"}, "SK": {"S": "META"}, "GSI1PK": {"S": "p"}, "GSI1SK": {"S": "s"}}
    fake.answers.append({"Items": [stored_item(ctx.tenant_id, str(ULID()))], "LastEvaluatedKey": last_key})
    page = store.list(ctx, 1, None)
    [(operation, request)] = fake.requests
    assert operation == "Query" and request["IndexName"] == "GSI1"
    assert request["Limit"] == 1 and request["ScanIndexForward"] is False
    assert all_key_values(request) == [f"{ctx.tenant_id}#account"]
    assert len(page.items) == 1 and page.next_cursor
    # The cursor brings the last key back as ExclusiveStartKey, for the same tenant and query only
    fake.answers.append({"Items": []})
    store.list(ctx, 1, page.next_cursor)
    assert fake.requests[-1][1]["ExclusiveStartKey"] == last_key
    with pytest.raises(ValidationFailed):
        store.list(ctx, 1, page.next_cursor, name_prefix="a")
    with pytest.raises(ValidationFailed):
        store.list(user_ctx(Role.FINANCE), 1, page.next_cursor)


def test_name_search_queries_the_by_name_index_with_a_normalized_prefix(store, clients, user_ctx):
    ctx = user_ctx(Role.FINANCE)
    store.list(ctx, 10, None, name_prefix=" ＡBc ")
    [(_, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert request["IndexName"] == "GSI2" and request["ScanIndexForward"] is True
    assert request["ExpressionAttributeValues"][":pk"] == {"S": f"{ctx.tenant_id}#account#by-name"}
    assert request["ExpressionAttributeValues"][":prefix"] == {"S": "abc"}


def test_update_is_conditional_on_the_expected_version(store, clients, user_ctx):
    ctx = user_ctx(Role.OWNER)
    account_id = str(ULID())
    fake = clients.dynamodb(ctx.tenant_id)
    fake.answers.append({"Attributes": stored_item(ctx.tenant_id, account_id, version=4, name={"S": "New"})})
    updated = store.update(ctx, account_id, {"name": "New", "phone": None}, expected_version=3)
    [(operation, request)] = fake.requests
    assert operation == "UpdateItem"
    assert "#version = :expected" in request["ConditionExpression"]
    assert "attribute_not_exists(#deleted_at)" in request["ConditionExpression"]
    assert request["ExpressionAttributeValues"][":expected"] == {"N": "3"}
    assert " REMOVE " in request["UpdateExpression"]
    assert "phone" in request["ExpressionAttributeNames"].values()
    assert (updated.version, updated.name) == (4, "New")
    # The by-name index follows a rename
    assert {"S": f"new#{account_id}"} in request["ExpressionAttributeValues"].values()


def test_stale_version_is_a_conflict_naming_the_current_version(store, clients, user_ctx):
    ctx = user_ctx(Role.OWNER)
    account_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append(conditional_failure(stored_item(ctx.tenant_id, account_id, 5)))
    with pytest.raises(VersionConflict) as conflict:
        store.update(ctx, account_id, {"name": "x"}, expected_version=4)
    assert conflict.value.current_version == 5


@pytest.mark.parametrize("deleted", [True, False])
def test_write_to_a_missing_or_deleted_item_is_not_found(store, clients, user_ctx, deleted):
    ctx = user_ctx(Role.OWNER)
    account_id = str(ULID())
    current = (
        stored_item(ctx.tenant_id, account_id, 2, deleted_at={"S": "2026-01-02T00:00:00.000Z"}) if deleted else None
    )
    clients.dynamodb(ctx.tenant_id).answers.append(conditional_failure(current))
    with pytest.raises(NotFound):
        store.soft_delete(ctx, account_id, expected_version=1)


def test_other_client_errors_propagate(store, clients, user_ctx):
    ctx = user_ctx(Role.OWNER)
    error = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, "UpdateItem")
    clients.dynamodb(ctx.tenant_id).answers.append(error)
    with pytest.raises(ClientError):
        store.update(ctx, str(ULID()), {"name": "x"}, expected_version=1)


def test_soft_delete_removes_list_keys_and_sets_expiry(store, clients, user_ctx):
    ctx = user_ctx(Role.OWNER)
    account_id = str(ULID())
    fake = clients.dynamodb(ctx.tenant_id)
    fake.answers.append({"Attributes": stored_item(ctx.tenant_id, account_id, 2)})
    store.soft_delete(ctx, account_id, expected_version=1)
    [(_, request)] = fake.requests
    names = set(request["ExpressionAttributeNames"].values())
    assert {"GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "deleted_at", "expiration"} <= names


def test_each_tenant_uses_its_own_client(store, clients, user_ctx):
    first, second = user_ctx(Role.OWNER), user_ctx(Role.OWNER)
    store.create(first, str(ULID()), {"name": "A"})
    store.create(second, str(ULID()), {"name": "B"})
    assert len(clients.dynamodb(first.tenant_id).requests) == 1
    assert len(clients.dynamodb(second.tenant_id).requests) == 1


@pytest.mark.parametrize(("text", "key"), [("ＡＢＣ", "abc"), ("  Straße ", "strasse"), ("香港", "香港")])
def test_search_key_is_case_and_width_insensitive(text, key):
    assert search_key(text) == key
