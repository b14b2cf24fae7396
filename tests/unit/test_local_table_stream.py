"""DynamoDB stream records → Lambda stream events, and partial-batch redelivery (local runtime)."""

import base64
from datetime import UTC, datetime

from local import table_stream
from local.table_stream import TableStreamPoller, first_failed_index, lambda_stream_event

STREAM_ARN = "arn:aws:dynamodb:ap-east-1:123456789012:table/servicejob/stream/2026-01-01T00:00:00.000"


def stream_record(sequence_number: str, event_name: str = "MODIFY") -> dict:
    """A record as boto3's dynamodbstreams GetRecords returns it (binary decoded to bytes, dates parsed)."""
    return {
        "eventID": f"event-{sequence_number}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "ap-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            "Keys": {"PK": {"S": "T1#account#A1"}, "SK": {"S": "META"}},
            "NewImage": {"PK": {"S": "T1#account#A1"}, "blob": {"B": b"\x00\xff"}, "tags": {"BS": [b"a"]}},
            "OldImage": {"PK": {"S": "T1#account#A1"}, "name": {"S": "陳氏"}},
            "SequenceNumber": sequence_number,
            "SizeBytes": 42,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def test_event_has_lambda_shape_with_wire_encoded_binaries():
    # Given one stream record as boto3 returns it
    # When the Lambda event is built
    event = lambda_stream_event([stream_record("100")], STREAM_ARN)
    # Then it carries the Lambda DynamoDB event fields, with binaries base64-encoded and an epoch time
    record = event["Records"][0]
    assert record["eventSourceARN"] == STREAM_ARN
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "MODIFY"
    assert record["eventVersion"] == "1.1"
    change = record["dynamodb"]
    assert change["Keys"] == {"PK": {"S": "T1#account#A1"}, "SK": {"S": "META"}}
    assert change["NewImage"]["blob"] == {"B": base64.b64encode(b"\x00\xff").decode()}
    assert change["NewImage"]["tags"] == {"BS": [base64.b64encode(b"a").decode()]}
    assert change["OldImage"]["name"] == {"S": "陳氏"}
    assert change["ApproximateCreationDateTime"] == int(datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp())
    assert change["SequenceNumber"] == "100"


def test_insert_without_old_image_has_no_old_image():
    record = stream_record("1", "INSERT")
    del record["dynamodb"]["OldImage"]
    change = lambda_stream_event([record], STREAM_ARN)["Records"][0]["dynamodb"]
    assert "OldImage" not in change and "NewImage" in change


def test_first_failed_index_follows_batch_item_failures():
    records = [stream_record(str(number)) for number in (1, 2, 3)]
    assert first_failed_index(records, {"batchItemFailures": []}) is None
    assert first_failed_index(records, None) is None
    assert first_failed_index(records, {"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}) == 1
    # An identifier that is not in the batch fails the whole batch, as Lambda does
    assert first_failed_index(records, {"batchItemFailures": [{"itemIdentifier": "nope"}]}) == 0


class FlakyEventsFunction:
    """Fails the record with sequence number `failing` the first `failures` times it sees it."""

    def __init__(self, failing: str, failures: int):
        self.failing = failing
        self.failures_left = failures
        self.batches: list[list[str]] = []

    def __call__(self, event: dict) -> dict:
        numbers = [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
        self.batches.append(numbers)
        if self.failing in numbers and self.failures_left > 0:
            self.failures_left -= 1
            return {"batchItemFailures": [{"itemIdentifier": self.failing}]}
        return {"batchItemFailures": []}


def poller_with(handler) -> TableStreamPoller:
    return TableStreamPoller(streams_client=None, dynamodb_client=None, table_name="t", handle=handler)


def test_partial_failure_is_redelivered_from_the_first_failed_record(monkeypatch):
    monkeypatch.setattr(table_stream, "FIRST_BACKOFF_SECONDS", 0.001)
    # Given a handler that fails record 2 once
    handler = FlakyEventsFunction("2", failures=1)
    # When a batch of 1, 2, 3 is delivered
    poller_with(handler)._deliver([stream_record(n) for n in ("1", "2", "3")], STREAM_ARN)
    # Then the retry starts at record 2 (record 1 is not redelivered)
    assert handler.batches == [["1", "2", "3"], ["2", "3"]]


def test_retries_are_bounded_then_the_batch_is_dropped(monkeypatch):
    monkeypatch.setattr(table_stream, "FIRST_BACKOFF_SECONDS", 0.001)
    # Given a handler that always fails record 3
    handler = FlakyEventsFunction("3", failures=1000)
    # When delivered
    poller_with(handler)._deliver([stream_record(n) for n in ("1", "2", "3")], STREAM_ARN)
    # Then it was tried once plus MAX_RETRIES times, and the poller moved on
    assert len(handler.batches) == 1 + table_stream.MAX_RETRIES
    assert handler.batches[1:] == [["3"]] * table_stream.MAX_RETRIES


def test_a_raising_handler_retries_the_whole_batch(monkeypatch):
    monkeypatch.setattr(table_stream, "FIRST_BACKOFF_SECONDS", 0.001)
    calls: list[int] = []

    def raising_once(event: dict) -> dict:
        calls.append(len(event["Records"]))
        if len(calls) == 1:
            raise RuntimeError("boom")
        return {"batchItemFailures": []}

    poller_with(raising_once)._deliver([stream_record(n) for n in ("1", "2")], STREAM_ARN)
    assert calls == [2, 2]
