"""The audit trail's pure logic: which stream records count, what they record, and entity references."""

import pytest
from ulid import ULID

from servicejob.dal import keys
from servicejob.dal.audit import entity_change
from servicejob.dal.models import AccountItem, AuditItem
from servicejob.domain.audit import (
    AUDITED_TYPES,
    AuditAction,
    EntityChange,
    EntitySnapshot,
    FieldChange,
    audit_entry,
    field_changes,
    parse_entity_reference,
)
from servicejob.errors import ValidationFailed

ACCOUNT = AUDITED_TYPES["account"]


def snapshot(version=1, data=None, deleted=False, actor="user:alice", at="2026-01-01T00:00:00.000Z"):
    return EntitySnapshot(
        version=version,
        updated_at=at,
        updated_by=actor,
        correlation_id="corr-1",
        deleted_at=at if deleted else None,
        deleted_by=actor if deleted else None,
        data=data or {"id": "X", "version": version, "name": "Acme", "tags": []},
    )


def change(before, after):
    return EntityChange("evt-1", "tenant-1", ACCOUNT, "X", before, after)


def account_image(tenant_id, account_id, **fields):
    """A stored account item as the stream carries it (DynamoDB JSON)."""
    values = {
        "id": account_id,
        "version": 1,
        "created_at": "2026-01-01T00:00:00.000Z",
        "created_by": "user:alice",
        "updated_at": "2026-01-01T00:00:00.000Z",
        "updated_by": "user:alice",
        "name": "Acme",
        "GSI1PK": keys.type_list_pk(tenant_id, "account"),
        "GSI1SK": account_id,
        **fields,
    }
    return AccountItem(keys.entity_pk(tenant_id, "account", account_id), keys.META, **values).serialize()


def stream_record(event_name, new=None, old=None, event_id="evt-1"):
    images = {"SequenceNumber": "100", "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if new is not None:
        images["NewImage"] = new
    if old is not None:
        images["OldImage"] = old
    return {"eventID": event_id, "eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": images}


# ---- field_changes ---------------------------------------------------------------------------------
def test_created_lists_every_set_business_field_with_before_null():
    # Given a new account's data, bookkeeping and empty fields included
    data = {
        "id": "X",
        "version": 1,
        "created_by": "user:a",
        "name": "Acme",
        "phone": None,
        "tags": ["vip"],
        "notes": "",
    }
    # When it is diffed against nothing
    changes = field_changes({}, data)
    # Then only the set business fields appear, each with before null
    assert changes == {
        "name": FieldChange(before=None, after="Acme"),
        "tags": FieldChange(before=None, after=["vip"]),
    }


def test_update_lists_only_changed_fields_and_a_cleared_field_becomes_null():
    # Given an account whose name changed, phone was cleared and tags were left alone
    before = {"name": "Acme", "phone": "+852 1234 5678", "tags": ["vip"], "version": 1, "updated_at": "a"}
    after = {"name": "Acme Ltd", "tags": ["vip"], "version": 2, "updated_at": "b"}
    # When diffed
    changes = field_changes(before, after)
    # Then name and phone are listed with before/after; bookkeeping and unchanged fields are not
    assert changes == {
        "name": FieldChange(before="Acme", after="Acme Ltd"),
        "phone": FieldChange(before="+852 1234 5678", after=None),
    }


# ---- audit_entry: classification -------------------------------------------------------------------
def test_insert_is_created_with_actor_time_version_and_correlation():
    # Given an insert
    entry = audit_entry(change(None, snapshot(actor="user:bob", at="2026-02-02T02:02:02.000Z")))
    # Then it records a creation by the writer at the write's time
    assert entry is not None
    assert (entry.action, entry.actor, entry.at, entry.version) == (
        AuditAction.CREATED,
        "user:bob",
        "2026-02-02T02:02:02.000Z",
        1,
    )
    assert entry.correlation_id == "corr-1"
    assert entry.changes["name"] == FieldChange(before=None, after="Acme")


def test_modify_with_a_new_version_is_updated():
    # Given a modify that bumps the version and renames
    before = snapshot(1)
    after = snapshot(2, data={"id": "X", "version": 2, "name": "Acme Ltd", "tags": []})
    # When classified
    entry = audit_entry(change(before, after))
    # Then it is an update listing the rename
    assert entry is not None and entry.action is AuditAction.UPDATED
    assert entry.changes == {"name": FieldChange(before="Acme", after="Acme Ltd")}


def test_soft_delete_is_deleted_with_the_last_state_as_before():
    # Given the modify that sets deleted_at
    entry = audit_entry(change(snapshot(2), snapshot(3, deleted=True, actor="apikey:k1")))
    # Then it is a deletion by the deleter, whose changes show what the entity held
    assert entry is not None and entry.action is AuditAction.DELETED
    assert entry.actor == "apikey:k1" and entry.version == 3
    assert entry.changes == {"name": FieldChange(before="Acme", after=None)}


@pytest.mark.parametrize(
    "before, after",
    [
        (snapshot(3, deleted=True), None),  # the TTL purge (REMOVE)
        (snapshot(3, deleted=True), snapshot(3, deleted=True)),  # a touch after deletion
        (snapshot(2), snapshot(2)),  # housekeeping that keeps the version
    ],
    ids=["ttl-purge", "after-deletion", "same-version"],
)
def test_non_business_writes_record_nothing(before, after):
    # Given a stream record that is not an audited write
    # When classified
    # Then it records nothing
    assert audit_entry(change(before, after)) is None


# ---- entity_change: reading stream records -----------------------------------------------------------
def test_stream_record_of_an_account_becomes_a_change_with_tenant_from_the_key():
    # Given an account's MODIFY record in some tenant
    tenant_id, account_id = str(ULID()), str(ULID())
    old = account_image(tenant_id, account_id)
    new = account_image(tenant_id, account_id, version=2, name="Acme Ltd", updated_by="user:bob")
    # When read
    parsed = entity_change(stream_record("MODIFY", new=new, old=old, event_id="evt-9"))
    # Then the tenant and id come from the key, and the images carry public data only (no keys or indexes)
    assert parsed is not None
    assert (parsed.tenant_id, parsed.entity_id, parsed.audited, parsed.event_id) == (
        tenant_id,
        account_id,
        ACCOUNT,
        "evt-9",
    )
    assert parsed.before is not None and parsed.after is not None
    assert parsed.after.data["name"] == "Acme Ltd" and parsed.after.updated_by == "user:bob"
    assert not {"PK", "SK", "GSI1PK", "GSI1SK", "type"} & set(parsed.after.data)


def test_records_of_other_item_kinds_are_skipped():
    # Given stream records of an idempotency record, an audit entry and a rate-limit counter
    tenant_id = str(ULID())
    idempotency = {
        "PK": {"S": keys.idempotency_pk(tenant_id)},
        "SK": {"S": "accounts.create#abc"},
        "status": {"S": "COMPLETED"},
    }
    audit = AuditItem(
        keys.audit_pk(tenant_id, "account", str(ULID())),
        "2026-01-01T00:00:00.000Z#evt",
        entity_type="account",
        entity_id="X",
        action="created",
        actor="user:a",
        at="2026-01-01T00:00:00.000Z",
        changes={},
    ).serialize()
    rate_limit = {
        "PK": {"S": keys.rate_limit_pk("signup", "127.0.0.1")},
        "SK": {"S": "2026010100"},
        "count": {"N": "1"},
    }
    # When read
    # Then none of them is an entity change
    for image in (idempotency, audit, rate_limit):
        assert entity_change(stream_record("INSERT", new=image)) is None


def test_removal_keeps_the_old_image_only():
    # Given the TTL purge of a deleted account
    tenant_id, account_id = str(ULID()), str(ULID())
    old = account_image(tenant_id, account_id, version=3, deleted_at="2026-01-02T00:00:00.000Z", deleted_by="user:a")
    # When read
    parsed = entity_change(stream_record("REMOVE", old=old))
    # Then it is a change with no after image, which records nothing
    assert parsed is not None and parsed.after is None and parsed.before is not None
    assert audit_entry(parsed) is None


def test_entity_pk_parses_back_and_other_keys_do_not():
    # Given keys of several shapes
    # Then only an entity key parses, into its three parts
    assert keys.parse_entity_pk(keys.entity_pk("T1", "account", "A1")) == ("T1", "account", "A1")
    assert keys.parse_entity_pk(keys.audit_pk("T1", "account", "A1")) is None
    assert keys.parse_entity_pk(keys.idempotency_pk("T1")) is None


# ---- entity references (GET /v1/audit?entity=) ---------------------------------------------------------
def test_entity_reference_names_a_known_resource_and_a_ulid():
    # Given a reference with a lower-case ULID
    account_id = str(ULID())
    # When parsed
    audited, parsed_id = parse_entity_reference(f"accounts/{account_id.lower()}")
    # Then it names the account type and the canonical id
    assert audited is ACCOUNT and parsed_id == account_id


@pytest.mark.parametrize(
    "reference",
    [
        "contracts/01J00000000000000000000000",
        "accounts/not-a-ulid",
        "accounts",
        "",
        "accounts/01J00000000000000000000000/x",
    ],
)
def test_invalid_entity_reference_names_the_entity_field(reference):
    # Given an unknown resource, a malformed id or no id
    # When parsed
    with pytest.raises(ValidationFailed) as raised:
        parse_entity_reference(reference)
    # Then the error names the `entity` field
    assert [error.field for error in raised.value.errors] == ["entity"]
