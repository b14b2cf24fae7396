"""Feeds the table's DynamoDB stream to the events function, as Lambda's event source mapping does:
batches of records, partial batch failures redelivered from the first failed record, bounded retries."""

import base64
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from servicejob.observability import logger

BATCH_SIZE = 100
MAX_RETRIES = 3
FIRST_BACKOFF_SECONDS = 0.5
POLL_SECONDS = 0.25


def _wire_value(value: Any) -> Any:
    """boto3 decodes B / BS to bytes; the Lambda event carries them base64-encoded, as on the wire."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _wire_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire_value(item) for item in value]
    return value


def lambda_stream_record(record: dict, stream_arn: str) -> dict:
    """One record of a Lambda DynamoDB stream event, from a dynamodbstreams GetRecords record."""
    change = record["dynamodb"]
    created = change.get("ApproximateCreationDateTime")
    dynamodb: dict[str, Any] = {
        "Keys": _wire_value(change.get("Keys", {})),
        "SequenceNumber": change["SequenceNumber"],
        "SizeBytes": change.get("SizeBytes", 0),
        "StreamViewType": change.get("StreamViewType", "NEW_AND_OLD_IMAGES"),
    }
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    elif created is not None:
        dynamodb["ApproximateCreationDateTime"] = created
    for image in ("NewImage", "OldImage"):
        if image in change:
            dynamodb[image] = _wire_value(change[image])
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", ""),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def lambda_stream_event(records: list[dict], stream_arn: str) -> dict:
    return {"Records": [lambda_stream_record(record, stream_arn) for record in records]}


def first_failed_index(records: list[dict], response: Any) -> int | None:
    """Index of the first record the handler reported as failed (None: the whole batch succeeded).

    An unknown or empty itemIdentifier means the whole batch failed, as Lambda treats it."""
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        return None
    sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
    indexes = []
    for failure in failures:
        identifier = failure.get("itemIdentifier")
        if identifier not in sequence_numbers:
            return 0
        indexes.append(sequence_numbers.index(identifier))
    return min(indexes)


class TableStreamPoller:
    """A thread reading every shard of the table's stream and calling `handle(event)` per batch."""

    def __init__(
        self,
        streams_client,
        dynamodb_client,
        table_name: str,
        handle: Callable[[dict], Any],
        positions: dict[str, str] | None = None,
    ):
        self._streams = streams_client
        self._dynamodb = dynamodb_client
        self._table_name = table_name
        self._handle = handle
        self._stop = threading.Event()
        self._iterators: dict[str, str | None] = {}  # shard id → next iterator (None: shard closed)
        # shard id → sequence number of the last record handed over (delivered or dropped after retries)
        self._positions: dict[str, str] = dict(positions or {})
        self._thread = threading.Thread(target=self._run, name="table-stream-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def positions(self) -> dict[str, str]:
        return dict(self._positions)

    def _run(self) -> None:
        stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"]
        while not self._stop.is_set():
            try:
                delivered = self._poll_once(stream_arn)
            except Exception:
                logger.exception("table stream poll failed")
                delivered = 0
            if not delivered:
                self._stop.wait(POLL_SECONDS)

    def _poll_once(self, stream_arn: str) -> int:
        shards = self._streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
        delivered = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._first_iterator(stream_arn, shard_id)
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            response = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
            records = response.get("Records", [])
            if records:
                if not self._deliver(records, stream_arn):
                    return delivered  # stopping: this batch stays after the saved position
                self._positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                delivered += len(records)
            self._iterators[shard_id] = response.get("NextShardIterator")
        return delivered

    def _first_iterator(self, stream_arn: str, shard_id: str) -> str:
        """After the last record handed over before a restart, else from the oldest record."""
        if shard_id in self._positions:
            request = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self._positions[shard_id]}
        else:
            request = {"ShardIteratorType": "TRIM_HORIZON"}
        return self._streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard_id, **request)["ShardIterator"]

    def _deliver(self, records: list[dict], stream_arn: str) -> bool:
        """False when stopped before the batch was handled."""
        pending = records
        for attempt in range(MAX_RETRIES + 1):
            try:
                failed_at = first_failed_index(pending, self._handle(lambda_stream_event(pending, stream_arn)))
            except Exception:
                logger.exception("events function raised; the batch will be retried")
                failed_at = 0
            if failed_at is None:
                return True
            pending = pending[failed_at:]
            if attempt < MAX_RETRIES and self._stop.wait(FIRST_BACKOFF_SECONDS * 2**attempt):
                return False
        logger.error(
            "stream records dropped after retries",
            extra={"first_sequence_number": pending[0]["dynamodb"]["SequenceNumber"], "count": len(pending)},
        )
        return True
