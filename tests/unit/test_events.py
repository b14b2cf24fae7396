"""Domain events: what a recorded change publishes, the committed JSON Schemas, and the publisher."""

import json

import jsonschema
import pytest

from servicejob.domain.audit import AUDITED_TYPES, EntityChange, EntitySnapshot, audit_entry
from servicejob.events.models import (
    EVENT_MODELS,
    EVENT_SCHEMAS_DIR,
    domain_event,
    event_schema_path,
    event_schema_text,
)
from servicejob.events.publisher import EventNotAccepted, EventPublisher

ACCOUNT_DATA = {
    "id": "01J00000000000000000000000",
    "version": 2,
    "created_at": "2026-01-01T00:00:00.000Z",
    "created_by": "user:alice",
    "updated_at": "2026-01-02T00:00:00.000Z",
    "updated_by": "user:bob",
    "name": "香港會計師事務所有限公司",
    "website": None,
    "phone": None,
    "email": "office@example.com",
    "notes": None,
    "tags": ["vip"],
}


def snapshot(version, data, deleted=False):
    return EntitySnapshot(
        version=version,
        updated_at=data["updated_at"],
        updated_by=data["updated_by"],
        correlation_id="corr-7",
        deleted_at=data["updated_at"] if deleted else None,
        deleted_by=data["updated_by"] if deleted else None,
        data=data,
    )


def account_change(deleted=False):
    before = snapshot(1, {**ACCOUNT_DATA, "version": 1, "name": "Old name", "updated_by": "user:alice"})
    after = snapshot(2, ACCOUNT_DATA, deleted=deleted)
    return EntityChange("evt-42", "tenant-1", AUDITED_TYPES["account"], ACCOUNT_DATA["id"], before, after)


class RecordingEventsClient:
    """A fake EventBridge client: records PutEvents requests and answers with the failures it is told to."""

    def __init__(self, failed_entry_count=0):
        self.requests = []
        self._failed = failed_entry_count

    def put_events(self, Entries):  # noqa: N803 - boto3's parameter name
        self.requests.append(Entries)
        entries = (
            [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}] if self._failed else [{"EventId": "e1"}]
        )
        return {"FailedEntryCount": self._failed, "Entries": entries}


def test_update_publishes_account_updated_with_the_entity_and_its_changes():
    # Given a recorded update of an account
    change = account_change()
    entry = audit_entry(change)
    assert entry is not None
    # When its event is built
    event = domain_event(change, entry)
    # Then the detail names the event, carries the stream event id, the entity after the change and the diff
    detail = json.loads(event.model_dump_json())
    assert detail["type"] == "account.updated"
    assert detail["event_id"] == "evt-42"
    assert (detail["tenant_id"], detail["entity_id"], detail["version"]) == (
        "tenant-1",
        ACCOUNT_DATA["id"],
        2,
    )
    assert (detail["actor"], detail["occurred_at"], detail["correlation_id"]) == (
        "user:bob",
        "2026-01-02T00:00:00.000Z",
        "corr-7",
    )
    assert detail["data"]["name"] == "香港會計師事務所有限公司" and detail["data"]["tags"] == ["vip"]
    assert detail["changes"] == {"name": {"before": "Old name", "after": "香港會計師事務所有限公司"}}


def test_delete_publishes_account_deleted_with_the_last_state():
    # Given a recorded soft delete
    change = account_change(deleted=True)
    entry = audit_entry(change)
    assert entry is not None
    # When its event is built
    event = domain_event(change, entry)
    # Then it is account.deleted and data is the entity's last state
    assert event.type == "account.deleted"
    assert event.model_dump(mode="json")["data"]["email"] == "office@example.com"


@pytest.mark.parametrize("deleted", [False, True])
def test_built_events_validate_against_the_committed_schema(deleted):
    # Given an event built from a recorded change
    change = account_change(deleted=deleted)
    entry = audit_entry(change)
    assert entry is not None
    event = domain_event(change, entry)
    # When validated against its committed JSON Schema
    schema = json.loads(event_schema_path(event.type).read_text(encoding="utf-8"))
    # Then it conforms, and a detail missing event_id does not
    jsonschema.validate(json.loads(event.model_dump_json()), schema)
    broken = json.loads(event.model_dump_json())
    del broken["event_id"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_committed_event_schemas_match_the_models():
    # Given the event models and the files in schemas/events/
    committed = {path.name for path in EVENT_SCHEMAS_DIR.glob("*.schema.json")}
    # Then there is exactly one file per event, each identical to what the models generate
    assert committed == {event_schema_path(name).name for name in EVENT_MODELS}, "run scripts/generate-schemas"
    for name in EVENT_MODELS:
        assert event_schema_path(name).read_text(encoding="utf-8") == event_schema_text(name), (
            f"{name} drifted from its model: run scripts/generate-schemas"
        )


def test_publisher_sends_one_entry_to_the_bus_with_source_and_detail_type():
    # Given a publisher on a fake EventBridge client
    client = RecordingEventsClient()
    change = account_change()
    entry = audit_entry(change)
    assert entry is not None
    # When an event is published
    EventPublisher(client, "servicejob-test").publish(domain_event(change, entry))
    # Then one entry went to the bus with the event's name as DetailType
    [[sent]] = client.requests
    assert (sent["Source"], sent["DetailType"], sent["EventBusName"]) == (
        "servicejob",
        "account.updated",
        "servicejob-test",
    )
    assert json.loads(sent["Detail"])["event_id"] == "evt-42"


def test_publisher_raises_when_eventbridge_did_not_accept_the_entry():
    # Given EventBridge answering 200 with a failed entry
    client = RecordingEventsClient(failed_entry_count=1)
    change = account_change()
    entry = audit_entry(change)
    assert entry is not None
    # When publishing
    # Then the publisher raises, so the stream record is failed and retried
    with pytest.raises(EventNotAccepted, match="InternalFailure"):
        EventPublisher(client, "servicejob-test").publish(domain_event(change, entry))
