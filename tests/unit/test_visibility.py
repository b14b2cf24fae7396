"""Record visibility for every role on the four owned record types: the policy table, and the store
applying it (fake DynamoDB): a team-scoped caller gets, lists and updates only their audience's records;
anything else is 404, exactly like another tenant's record."""

import pytest
from ulid import ULID

from servicejob.auth import visibility
from servicejob.auth.permissions import Permission, Role
from servicejob.auth.visibility import Scope
from servicejob.dal.accounts import ACCOUNT_KIND
from servicejob.dal.contacts import CONTACT_KIND
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.leads import LEAD_KIND
from servicejob.dal.opportunities import OPPORTUNITY_KIND
from servicejob.dal.pagination import CursorCodec
from servicejob.errors import NotFound, ValidationFailed, VersionConflict
from servicejob.tenancy.context import PrincipalKind, TenantContext, system_context
from tests.unit.test_entity_store import FakeTenantClients, conditional_failure

KINDS = [ACCOUNT_KIND, CONTACT_KIND, LEAD_KIND, OPPORTUNITY_KIND]
ALL_ROLES = [Role.OWNER, Role.ADMIN, Role.PARTNER, Role.FINANCE]
TEAM_ROLES = [Role.MANAGER, Role.SALES, Role.STAFF]

REQUIRED_FIELDS = {
    "account": {"name": {"S": "Acme"}},
    "contact": {"account_id": {"S": "A1"}, "display_name": {"S": "Chan"}},
    "lead": {"company_name": {"S": "Acme"}, "source": {"S": "web"}, "status": {"S": "new"}},
    "opportunity": {
        "name": {"S": "Audit 2027"},
        "account_id": {"S": "A1"},
        "amount": {"M": {"amount": {"S": "1000.00"}, "currency": {"S": "HKD"}}},
        "expected_close_date": {"S": "2027-01-31"},
        "stage": {"S": "qualify"},
        "probability": {"N": "10"},
        "status": {"S": "open"},
        "stage_history": {"L": []},
    },
}

CREATE_FIELDS = {
    "account": {"name": "Acme"},
    "contact": {"account_id": "A1", "display_name": "Chan"},
    "lead": {"company_name": "Acme", "source": "web", "status": "new"},
    "opportunity": {
        "name": "Audit 2027",
        "account_id": "A1",
        "amount": {"amount": "1000.00", "currency": "HKD"},
        "expected_close_date": "2027-01-31",
        "stage": "qualify",
        "probability": 10,
        "status": "open",
        "stage_history": [],
    },
}


def caller(role: Role, team: str | None = "Audit HK", tenant_id: str | None = None) -> TenantContext:
    return TenantContext(
        tenant_id=tenant_id or str(ULID()), principal_id=str(ULID()), kind=PrincipalKind.USER, role=role, team=team
    )


def stored(kind: EntityKind, tenant: str, record_id: str, audience: str | None, version: int = 1) -> dict:
    item = {
        "PK": {"S": f"{tenant}#{kind.name}#{record_id}"},
        "SK": {"S": "META"},
        "type": {"S": kind.name},
        "id": {"S": record_id},
        "version": {"N": str(version)},
        "created_at": {"S": "2026-01-01T00:00:00.000Z"},
        "created_by": {"S": "user:x"},
        "updated_at": {"S": "2026-01-01T00:00:00.000Z"},
        "updated_by": {"S": "user:x"},
        **REQUIRED_FIELDS[kind.name],
    }
    if audience is not None:
        item["GSI4PK"] = {"S": f"{tenant}#{kind.name}#seen-by#{audience}"}
        item["GSI4SK"] = {"S": record_id}
    return item


@pytest.fixture
def clients() -> FakeTenantClients:
    return FakeTenantClients()


def store_for(kind: EntityKind, clients: FakeTenantClients) -> EntityStore:
    return EntityStore(clients, kind, "servicejob", CursorCodec(b"unit"))


# ---- the policy table ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, scope",
    [
        (Role.OWNER, Scope.ALL),
        (Role.ADMIN, Scope.ALL),
        (Role.PARTNER, Scope.ALL),
        (Role.FINANCE, Scope.ALL),
        (Role.MANAGER, Scope.TEAM),
        (Role.SALES, Scope.TEAM),
        (Role.STAFF, Scope.TEAM),
    ],
)
def test_each_role_has_its_scope(role, scope):
    assert visibility.scope_of(caller(role)) is scope
    assert (visibility.caller_audience(caller(role, team="Tax")) is None) is (scope is Scope.ALL)


def test_every_role_has_a_scope():
    assert set(visibility.ROLE_SCOPES) == set(Role)


def test_api_keys_and_platform_processes_see_every_record():
    key = TenantContext(
        tenant_id="t", principal_id="k", kind=PrincipalKind.API_KEY, scopes=frozenset({Permission.LEADS_READ})
    )
    assert visibility.scope_of(key) is Scope.ALL
    assert visibility.scope_of(system_context("t", "events")) is Scope.ALL


def test_a_team_scoped_caller_sees_their_team_or_only_themselves_without_one():
    with_team = caller(Role.SALES, team="  Audit  HK ")
    assert visibility.caller_audience(with_team) == "team:audit hk"
    alone = caller(Role.SALES, team=None)
    assert visibility.caller_audience(alone) == f"user:{alone.principal_id}"


def test_team_names_are_one_team_whatever_their_case_and_width():
    assert visibility.team_key("Ａｕｄｉｔ ＨＫ") == visibility.team_key("audit hk") == "audit hk"


# ---- get -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", ALL_ROLES + TEAM_ROLES)
def test_get_of_another_teams_record_is_not_found_for_team_scoped_roles(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append({"Item": stored(kind, ctx.tenant_id, record_id, "team:tax")})
    if role in TEAM_ROLES:
        with pytest.raises(NotFound):
            store_for(kind, clients).get(ctx, record_id)
    else:
        assert store_for(kind, clients).get(ctx, record_id).id == record_id


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", ALL_ROLES + TEAM_ROLES)
def test_every_role_gets_a_record_of_its_own_team(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append({"Item": stored(kind, ctx.tenant_id, record_id, "team:audit hk")})
    assert store_for(kind, clients).get(ctx, record_id).id == record_id


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_without_a_team_only_ones_own_records_are_visible(clients, role):
    ctx = caller(role, team=None)
    mine, teammates = str(ULID()), str(ULID())
    database = clients.dynamodb(ctx.tenant_id)
    database.answers.append({"Item": stored(LEAD_KIND, ctx.tenant_id, mine, f"user:{ctx.principal_id}")})
    database.answers.append({"Item": stored(LEAD_KIND, ctx.tenant_id, teammates, "team:audit hk")})
    store = store_for(LEAD_KIND, clients)
    assert store.get(ctx, mine).id == mine
    with pytest.raises(NotFound):
        store.get(ctx, teammates)


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_an_untagged_record_is_visible_only_to_roles_that_see_all(clients, role):
    ctx = caller(role)
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append({"Item": stored(ACCOUNT_KIND, ctx.tenant_id, record_id, None)})
    with pytest.raises(NotFound):
        store_for(ACCOUNT_KIND, clients).get(ctx, record_id)


# ---- list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", ALL_ROLES + TEAM_ROLES)
def test_a_list_is_one_query_on_the_callers_audience_or_on_the_whole_type(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    store_for(kind, clients).list(ctx, 50, None)
    [(operation, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert operation == "Query" and request["Limit"] == 50 and request["ScanIndexForward"] is False
    if role in TEAM_ROLES:
        assert request["IndexName"] == "GSI4"
        assert request["ExpressionAttributeValues"][":pk"] == {
            "S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:audit hk"
        }
    else:
        assert request["IndexName"] == "GSI1"
        assert request["ExpressionAttributeValues"][":pk"] == {"S": f"{ctx.tenant_id}#{kind.name}"}
        assert "FilterExpression" not in request


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", ALL_ROLES + TEAM_ROLES)
def test_a_name_search_keeps_only_the_callers_audience(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    store_for(kind, clients).list(ctx, 20, None, name_prefix="ac")
    [(_, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert request["IndexName"] == "GSI2"
    if role in TEAM_ROLES:
        assert request["FilterExpression"] == "GSI4PK = :audience"
        assert request["ExpressionAttributeValues"][":audience"] == {
            "S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:audit hk"
        }
    else:
        assert "FilterExpression" not in request


@pytest.mark.parametrize("kind", [CONTACT_KIND, OPPORTUNITY_KIND], ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_children_of_an_account_keep_only_the_callers_audience(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    store_for(kind, clients).list(ctx, 20, None, parent_id="A1")
    [(_, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert request["IndexName"] == "GSI3" and request["FilterExpression"] == "GSI4PK = :audience"


def test_a_cursor_of_one_team_does_not_continue_another_teams_list(clients):
    tenant = str(ULID())
    audit, tax = caller(Role.SALES, "Audit HK", tenant), caller(Role.SALES, "Tax", tenant)
    clients.dynamodb(tenant).answers.append(
        {"Items": [], "LastEvaluatedKey": {"PK": {"S": "x"}, "SK": {"S": "META"}, "GSI4PK": {"S": "y"}}}
    )
    store = store_for(LEAD_KIND, clients)
    page = store.list(audit, 1, None)
    assert page.next_cursor
    with pytest.raises(ValidationFailed):
        store.list(tax, 1, page.next_cursor)


# ---- update and delete -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", ALL_ROLES + TEAM_ROLES)
def test_an_update_is_conditional_on_the_callers_audience(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append(
        {"Attributes": stored(kind, ctx.tenant_id, record_id, "team:audit hk", version=2)}
    )
    store_for(kind, clients).update(ctx, record_id, {}, expected_version=1)
    [(operation, request)] = clients.dynamodb(ctx.tenant_id).requests
    assert operation == "UpdateItem"
    if role in TEAM_ROLES:
        assert request["ConditionExpression"].endswith(" AND GSI4PK = :audience")
        assert request["ExpressionAttributeValues"][":audience"] == {
            "S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:audit hk"
        }
    else:
        assert "GSI4PK" not in request["ConditionExpression"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_writing_another_teams_record_is_not_found_not_a_version_conflict(clients, kind, role):
    ctx = caller(role, team="Audit HK")
    record_id = str(ULID())
    other_teams = stored(kind, ctx.tenant_id, record_id, "team:tax", version=7)
    store = store_for(kind, clients)
    clients.dynamodb(ctx.tenant_id).answers += [conditional_failure(other_teams), conditional_failure(other_teams)]
    with pytest.raises(NotFound):
        store.update(ctx, record_id, {}, expected_version=1)
    with pytest.raises(NotFound):
        store.soft_delete(ctx, record_id, expected_version=1)


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_a_stale_version_of_a_visible_record_is_still_a_conflict(clients, role):
    ctx = caller(role, team="Audit HK")
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append(
        conditional_failure(stored(LEAD_KIND, ctx.tenant_id, record_id, "team:audit hk", version=3))
    )
    with pytest.raises(VersionConflict):
        store_for(LEAD_KIND, clients).update(ctx, record_id, {}, expected_version=1)


# ---- tagging on write ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_an_unowned_record_belongs_to_its_creators_audience(clients, kind):
    ctx = caller(Role.SALES, team="Audit HK")
    record_id = str(ULID())
    store_for(kind, clients).create(ctx, record_id, CREATE_FIELDS[kind.name])
    [(operation, request)] = clients.dynamodb(ctx.tenant_id).requests  # the caller's team is in the context
    assert operation == "PutItem"
    assert request["Item"]["GSI4PK"] == {"S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:audit hk"}
    assert request["Item"]["GSI4SK"] == {"S": record_id}
    assert request["Item"]["visibility_owner"] == {"S": ctx.principal_id}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_an_owned_record_belongs_to_its_owners_team(clients, kind):
    ctx = caller(Role.ADMIN, team=None)
    owner, record_id = str(ULID()), str(ULID())
    database = clients.dynamodb(ctx.tenant_id)
    database.answers.append({"Item": {"team": {"S": "Tax"}}})
    store_for(kind, clients).create(ctx, record_id, CREATE_FIELDS[kind.name] | {kind.owner_field: owner})
    [(read, lookup), (write, put)] = database.requests
    assert read == "GetItem" and lookup["Key"]["PK"] == {"S": f"{ctx.tenant_id}#user#{owner}"}
    assert write == "PutItem" and put["Item"]["GSI4PK"] == {"S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:tax"}


def test_an_owner_without_a_team_keeps_the_record_to_themselves(clients):
    ctx = caller(Role.ADMIN)
    owner = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append({})  # no team on the owner's record
    store_for(LEAD_KIND, clients).create(ctx, str(ULID()), CREATE_FIELDS["lead"] | {"owner_user_id": owner})
    put = clients.dynamodb(ctx.tenant_id).requests[-1][1]
    assert put["Item"]["GSI4PK"] == {"S": f"{ctx.tenant_id}#lead#seen-by#user:{owner}"}


def test_a_record_made_by_an_integration_without_an_owner_is_seen_only_by_roles_that_see_all(clients):
    key = TenantContext(tenant_id=str(ULID()), principal_id="k", kind=PrincipalKind.API_KEY)
    store_for(LEAD_KIND, clients).create(key, str(ULID()), CREATE_FIELDS["lead"])
    [(_, put)] = clients.dynamodb(key.tenant_id).requests
    assert "GSI4PK" not in put["Item"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_new_owner_moves_the_record_to_their_audience(clients, kind):
    ctx = caller(Role.MANAGER, team="Audit HK")
    new_owner, record_id = str(ULID()), str(ULID())
    database = clients.dynamodb(ctx.tenant_id)
    database.answers += [
        {"Item": {"team": {"S": "Tax"}}},
        {"Attributes": stored(kind, ctx.tenant_id, record_id, "team:tax", version=2)},
    ]
    store_for(kind, clients).update(ctx, record_id, {kind.owner_field: new_owner}, expected_version=1)
    update = database.requests[-1][1]
    written = {
        update["ExpressionAttributeNames"][name.replace(":", "#")]: value
        for name, value in update["ExpressionAttributeValues"].items()
        if name.startswith(":s")
    }
    assert written["GSI4PK"] == {"S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:tax"}
    assert written["visibility_owner"] == {"S": new_owner}
    # ...and only if the caller could see it before (its current audience is the caller's)
    assert update["ExpressionAttributeValues"][":audience"] == {
        "S": f"{ctx.tenant_id}#{kind.name}#seen-by#team:audit hk"
    }


def test_deleting_takes_the_record_out_of_its_audiences_list(clients):
    ctx = caller(Role.OWNER)
    record_id = str(ULID())
    clients.dynamodb(ctx.tenant_id).answers.append(
        {"Attributes": stored(LEAD_KIND, ctx.tenant_id, record_id, None, version=2)}
    )
    store_for(LEAD_KIND, clients).soft_delete(ctx, record_id, expected_version=1)
    [(_, request)] = clients.dynamodb(ctx.tenant_id).requests
    removed = [
        request["ExpressionAttributeNames"][name]
        for name in request["UpdateExpression"].split("REMOVE ")[1].split(", ")
    ]
    assert {"GSI4PK", "GSI4SK"} <= set(removed)
