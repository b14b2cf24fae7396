"""The audit trail and domain events end to end on in-process moto: API writes → table stream → events
function → audit entries (read back with GET /v1/audit) and events on the bus (read from an SQS queue)."""

import json
import time
from dataclasses import dataclass, field
from typing import Any

import boto3
import jsonschema
import pytest
from ulid import ULID

from functions.events import handler as events_function
from servicejob.config import get_settings
from servicejob.events.models import event_schema_path
from servicejob.events.publisher import EventPublisher


@dataclass
class EventsContext:
    function_name: str = "servicejob-test-events"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:ap-east-1:123456789012:function:servicejob-test-events"
    aws_request_id: str = field(default_factory=lambda: str(ULID()))

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class TableStream:
    """Reads the table's stream from where it last stopped, as records in the Lambda event shape."""

    def __init__(self) -> None:
        settings = get_settings()
        self._streams = boto3.client("dynamodbstreams", region_name=settings.region)
        self._arn = boto3.client("dynamodb", region_name=settings.region).describe_table(TableName=settings.table_name)[
            "Table"
        ]["LatestStreamArn"]
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        self._iterators = [
            self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for shard in shards
        ]

    def new_records(self) -> list[dict[str, Any]]:
        records = []
        for position, iterator in enumerate(self._iterators):
            response = self._streams.get_records(ShardIterator=iterator)
            self._iterators[position] = response["NextShardIterator"]
            records.extend(self._as_lambda_record(record) for record in response["Records"])
        return records

    def _as_lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        images = dict(record["dynamodb"])
        created = images.get("ApproximateCreationDateTime")
        if created is not None and not isinstance(created, int | float):
            images["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": images, "eventSourceARN": self._arn}


class BusQueue:
    """An SQS queue behind a rule that matches every servicejob event on the bus."""

    def __init__(self) -> None:
        settings = get_settings()
        events = boto3.client("events", region_name=settings.region)
        self._sqs = boto3.client("sqs", region_name=settings.region)
        events.create_event_bus(Name=settings.event_bus_name)
        self._url = self._sqs.create_queue(QueueName=f"bus-{ULID()}")["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(
            Name="all-domain-events",
            EventBusName=settings.event_bus_name,
            EventPattern=json.dumps({"source": ["servicejob"]}),
        )
        events.put_targets(
            Rule="all-domain-events",
            EventBusName=settings.event_bus_name,
            Targets=[{"Id": "queue", "Arn": queue_arn}],
        )

    def receive(self, count: int, deadline_seconds: float = 10) -> list[dict[str, Any]]:
        """Polls until `count` events arrived (or the deadline passes) and returns them."""
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + deadline_seconds
        while len(received) < count and time.monotonic() < deadline:
            response = self._sqs.receive_message(QueueUrl=self._url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in response.get("Messages", []):
                received.append(json.loads(message["Body"]))
                self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
        return received


class RefusingEventsClient:
    """EventBridge that refuses (FailedEntryCount 1) the events of one entity and passes the rest on."""

    def __init__(self, real_client: Any, refused_entity_id: str):
        self._real = real_client
        self._refused = refused_entity_id

    def put_events(self, Entries):  # noqa: N803 - boto3's parameter name
        if any(json.loads(entry["Detail"])["entity_id"] == self._refused for entry in Entries):
            return {
                "FailedEntryCount": 1,
                "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "refused"}],
            }
        return self._real.put_events(Entries=Entries)


@pytest.fixture
def pipeline(aws: None):
    """The stream and the bus of a fresh moto, and the events function's dependencies rebuilt in it."""
    events_function.dependencies.cache_clear()
    bus = BusQueue()
    stream = TableStream()
    yield stream, bus
    events_function.dependencies.cache_clear()


def run_events_function(records: list[dict[str, Any]]) -> dict[str, Any]:
    return events_function.lambda_handler({"Records": records}, EventsContext())


def history(api, account_id: str, **query: str) -> tuple[int, Any]:
    status, _, body = api.call("GET", "/v1/audit", query={"entity": f"accounts/{account_id}", **query})
    return status, body


def create_update_delete(api) -> tuple[dict, dict]:
    """Creates, renames and deletes an account; returns the created and the updated account."""
    status, _, created = api.call(
        "POST",
        "/v1/accounts",
        {"name": "Acme", "phone": "+852 2345 6789", "tags": ["vip"]},
        headers={"X-Correlation-Id": "corr-create"},
    )
    assert status == 201, created
    status, _, updated = api.call(
        "PATCH",
        f"/v1/accounts/{created['id']}",
        {"name": "香港會計師事務所有限公司", "phone": None},
        headers={"If-Match": '"1"', "X-Correlation-Id": "corr-update"},
    )
    assert status == 200, updated
    status, _, body = api.call(
        "DELETE",
        f"/v1/accounts/{created['id']}",
        headers={"If-Match": '"2"', "X-Correlation-Id": "corr-delete"},
    )
    assert status == 204, body
    return created, updated


def test_create_update_delete_are_audited_newest_first_and_published(api, pipeline):
    # Given an account created, renamed and deleted through the API
    stream, bus = pipeline
    created, updated = create_update_delete(api)
    # When the events function processes the table stream
    result = run_events_function(stream.new_records())
    # Then no record failed
    assert result == {"batchItemFailures": []}
    # And the audit trail shows three entries, newest first, with who, when, and before/after
    status, body = history(api, created["id"])
    assert status == 200, body
    actor = f"user:{api.principal_id}"
    assert [entry["action"] for entry in body["items"]] == ["deleted", "updated", "created"]
    assert [entry["version"] for entry in body["items"]] == [3, 2, 1]
    assert {entry["actor"] for entry in body["items"]} == {actor}
    assert [entry["correlation_id"] for entry in body["items"]] == [
        "corr-delete",
        "corr-update",
        "corr-create",
    ]
    deleted, renamed, first = body["items"]
    assert first["at"] == created["updated_at"] and renamed["at"] == updated["updated_at"]
    assert deleted["at"] >= renamed["at"] >= first["at"]
    assert first["changes"] == {
        "name": {"before": None, "after": "Acme"},
        "phone": {"before": None, "after": "+852 2345 6789"},
        "tags": {"before": None, "after": ["vip"]},
        "status": {"before": None, "after": "prospect"},
    }
    assert renamed["changes"] == {
        "name": {"before": "Acme", "after": "香港會計師事務所有限公司"},
        "phone": {"before": "+852 2345 6789", "after": None},
    }
    assert deleted["changes"] == {
        "name": {"before": "香港會計師事務所有限公司", "after": None},
        "tags": {"before": ["vip"], "after": None},
        "status": {"before": "prospect", "after": None},
    }
    assert body["next_cursor"] is None
    # And the three domain events reached the bus, each matching its committed JSON Schema
    events = bus.receive(3)
    assert sorted(event["detail-type"] for event in events) == [
        "account.created",
        "account.deleted",
        "account.updated",
    ]
    for event in events:
        assert event["source"] == "servicejob"
        detail = event["detail"]
        jsonschema.validate(detail, json.loads(event_schema_path(event["detail-type"]).read_text(encoding="utf-8")))
        assert (detail["tenant_id"], detail["entity_id"], detail["actor"]) == (
            api.tenant_id,
            created["id"],
            actor,
        )
    by_type = {event["detail-type"]: event["detail"] for event in events}
    assert by_type["account.updated"]["data"]["name"] == "香港會計師事務所有限公司"
    assert by_type["account.deleted"]["data"]["name"] == "香港會計師事務所有限公司"
    assert len({event["detail"]["event_id"] for event in events}) == 3


def test_a_retried_batch_does_not_duplicate_audit_entries(api, pipeline):
    # Given an account created and renamed, and the stream batch processed once
    stream, _ = pipeline
    status, _, created = api.call("POST", "/v1/accounts", {"name": "Retry Co"})
    assert status == 201
    status, _, _ = api.call(
        "PATCH", f"/v1/accounts/{created['id']}", {"name": "Retry Co Ltd"}, headers={"If-Match": '"1"'}
    )
    assert status == 200
    records = stream.new_records()
    assert run_events_function(records) == {"batchItemFailures": []}
    # When the same batch is delivered again (Lambda retries a batch after a timeout or a crash)
    assert run_events_function(records) == {"batchItemFailures": []}
    # Then the trail still holds one entry per write
    status, body = history(api, created["id"])
    assert status == 200
    assert [entry["action"] for entry in body["items"]] == ["updated", "created"]


def test_a_failing_record_is_reported_while_the_others_succeed(api, pipeline):
    # Given two accounts created, and EventBridge refusing the events of the second
    stream, bus = pipeline
    status, _, kept = api.call("POST", "/v1/accounts", {"name": "Kept Co"})
    assert status == 201
    status, _, refused = api.call("POST", "/v1/accounts", {"name": "Refused Co"})
    assert status == 201
    records = stream.new_records()
    sequence_of = {
        record["dynamodb"]["Keys"]["PK"]["S"].rsplit("#", 1)[1]: record["dynamodb"]["SequenceNumber"]
        for record in records
    }
    real_client = boto3.client("events", region_name=get_settings().region)
    events_function.dependencies().publisher = EventPublisher(
        RefusingEventsClient(real_client, refused["id"]), get_settings().event_bus_name
    )
    # When the batch is processed
    result = run_events_function(records)
    # Then only the refused record is reported, by its sequence number
    assert result == {"batchItemFailures": [{"itemIdentifier": sequence_of[refused["id"]]}]}
    # And the other record's event was published
    [event] = bus.receive(1)
    assert event["detail"]["entity_id"] == kept["id"]
    # When the failed record is redelivered and EventBridge accepts it again
    events_function.dependencies().publisher = EventPublisher(real_client, get_settings().event_bus_name)
    failed = [record for record in records if record["dynamodb"]["SequenceNumber"] == sequence_of[refused["id"]]]
    assert run_events_function(failed) == {"batchItemFailures": []}
    # Then its event arrives and its audit trail has exactly one entry
    [event] = bus.receive(1)
    assert event["detail"]["entity_id"] == refused["id"]
    status, body = history(api, refused["id"])
    assert status == 200
    assert [entry["action"] for entry in body["items"]] == ["created"]


def test_pages_of_the_trail_follow_a_signed_cursor_bound_to_tenant_and_entity(api, pipeline):
    # Given an account with three writes processed
    stream, _ = pipeline
    created, _ = create_update_delete(api)
    run_events_function(stream.new_records())
    # When read one entry per page
    status, first = history(api, created["id"], limit="1")
    assert status == 200 and first["next_cursor"]
    status, second = history(api, created["id"], limit="1", cursor=first["next_cursor"])
    # Then the pages continue newest first
    assert status == 200
    assert [first["items"][0]["action"], second["items"][0]["action"]] == ["deleted", "updated"]
    # And the cursor is refused for another entity and for another tenant
    status, other_entity = history(api, str(ULID()), limit="1", cursor=first["next_cursor"])
    assert status == 422 and [error["field"] for error in other_entity["errors"]] == ["cursor"]
    status, _, other_tenant = api.call(
        "GET",
        "/v1/audit",
        query={"entity": f"accounts/{created['id']}", "limit": "1", "cursor": first["next_cursor"]},
        tenant=api.new_tenant(),
    )
    assert status == 422 and "items" not in other_tenant


def test_another_tenants_entity_has_an_empty_trail(api, pipeline):
    # Given an audited account of one tenant
    stream, _ = pipeline
    created, _ = create_update_delete(api)
    run_events_function(stream.new_records())
    # When another tenant asks for its trail
    status, _, body = api.call(
        "GET", "/v1/audit", query={"entity": f"accounts/{created['id']}"}, tenant=api.new_tenant()
    )
    # Then it sees nothing of it
    assert status == 200
    assert body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "entity", ["contracts/01J00000000000000000000000", "accounts/123", "accounts", "../accounts/x"]
)
def test_an_invalid_entity_is_refused_naming_the_field(api, pipeline, entity):
    # Given an entity reference with an unknown resource or a malformed id
    # When the trail is requested
    status, headers, body = api.call("GET", "/v1/audit", query={"entity": entity})
    # Then it is a 422 problem naming `entity`
    assert status == 422
    assert headers["Content-Type"].startswith("application/problem+json")
    assert [error["field"] for error in body["errors"]] == ["entity"]


def test_reading_the_trail_needs_audit_read(api, pipeline):
    # Given a staff member (no audit:read)
    # When they ask for an account's trail
    status, _, body = api.call("GET", "/v1/audit", query={"entity": f"accounts/{ULID()}"}, role="staff")
    # Then it is forbidden
    assert status == 403, body


def test_api_key_create_and_revoke_are_audited_without_the_secret(api, pipeline):
    # Given an API key created and then revoked through the API
    stream, bus = pipeline
    status, _, key = api.call("POST", "/v1/api-keys", {"name": "ERP", "scopes": ["accounts:read"]})
    assert status == 201, key
    status, _, _ = api.call("DELETE", f"/v1/api-keys/{key['id']}")
    assert status == 204
    # When the events function processes the table stream
    assert run_events_function(stream.new_records()) == {"batchItemFailures": []}
    # Then the key's trail shows who created and who revoked it
    status, _, body = api.call("GET", "/v1/audit", query={"entity": f"api-keys/{key['id']}"})
    assert status == 200, body
    assert [entry["action"] for entry in body["items"]] == ["updated", "created"]
    assert set(body["items"][0]["changes"]) == {"revoked_at"}
    assert body["items"][1]["changes"]["scopes"] == {"before": None, "after": ["accounts:read"]}
    # And neither the secret nor its hash reaches the trail or the bus
    published = json.dumps(bus.receive(2), ensure_ascii=False)
    assert key["secret"] not in json.dumps(body) and key["secret"] not in published
    assert "secret_hash" not in json.dumps(body) and "secret_hash" not in published
