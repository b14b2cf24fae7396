"""Publishes domain events to the EventBridge bus, one PutEvents entry per event."""

from botocore.client import BaseClient

from servicejob.events.models import EVENT_SOURCE, DomainEvent


class EventNotAccepted(Exception):
    """EventBridge refused the entry; the stream record is then failed and redelivered."""


class EventPublisher:
    def __init__(self, events_client: BaseClient, bus_name: str):
        self._events = events_client
        self._bus = bus_name

    def publish(self, event: DomainEvent) -> None:
        response = self._events.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": event.type,
                    "Detail": event.model_dump_json(),
                    "EventBusName": self._bus,
                }
            ]
        )
        # PutEvents answers 200 even when it rejects entries; only FailedEntryCount says so.
        if response.get("FailedEntryCount", 0):
            entry = response["Entries"][0]
            raise EventNotAccepted(
                f"{event.type} {event.event_id} was not accepted: {entry.get('ErrorCode')} {entry.get('ErrorMessage')}"
            )
