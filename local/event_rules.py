"""EventBridge rules locally: moto matches the patterns and delivers to an SQS queue per rule; a poller
hands each event to the rule's real target. One extra rule captures every servicejob event for
`/_local/events.json`."""

import json
import threading
from collections import deque
from dataclasses import dataclass

from servicejob.deployment_spec import EVENT_RULES, FUNCTIONS, STATE_MACHINES
from servicejob.observability import logger

from .lambda_dispatch import function_arn
from .target_dispatch import TargetDispatcher

EVENT_LOG_QUEUE = "local-event-log"
EVENT_LOG_PATTERN = {"source": [{"prefix": "servicejob"}]}
EVENT_LOG_SIZE = 500
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class _RuleQueue:
    queue_url: str
    target_arn: str | None  # None: the event log


def state_machine_arn(stage: str, region: str, account_id: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account_id}:stateMachine:{STATE_MACHINES[name].physical_name(stage)}"


class EventRules:
    def __init__(
        self,
        clients,
        stage: str,
        bus_name: str,
        region: str,
        account_id: str,
        dispatcher: TargetDispatcher,
        recent_events: list[dict] = (),
    ):
        self._events = clients.events
        self._sqs = clients.sqs
        self._stage = stage
        self._bus_name = bus_name
        self._region = region
        self._account_id = account_id
        self._dispatcher = dispatcher
        self._queues: list[_RuleQueue] = []
        self._log: deque[dict] = deque(reversed(recent_events), maxlen=EVENT_LOG_SIZE)
        self._log_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-rules-poller", daemon=True)

    def provision(self) -> None:
        """The capture rule, then one rule + queue per EVENT_RULES spec."""
        self._queues.append(_RuleQueue(self._rule_to_queue(EVENT_LOG_QUEUE, EVENT_LOG_PATTERN), None))
        for spec in EVENT_RULES.values():
            if spec.target_state_machine:
                target = state_machine_arn(self._stage, self._region, self._account_id, spec.target_state_machine)
            else:
                assert spec.target_function in FUNCTIONS, spec
                target = function_arn(self._stage, spec.target_function)
            rule_name = spec.physical_name(self._stage)
            self._queues.append(_RuleQueue(self._rule_to_queue(rule_name, spec.event_pattern), target))

    def _rule_to_queue(self, rule_name: str, pattern: dict) -> str:
        queue_url = self._sqs.create_queue(QueueName=f"local-rule-{rule_name}"[:80])["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self._events.put_rule(Name=rule_name, EventBusName=self._bus_name, EventPattern=json.dumps(pattern))
        self._events.put_targets(
            Rule=rule_name, EventBusName=self._bus_name, Targets=[{"Id": "local-queue", "Arn": queue_arn}]
        )
        return queue_url

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def recent_events(self) -> list[dict]:
        """Newest first."""
        with self._log_lock:
            return list(reversed(self._log))

    def _run(self) -> None:
        while not self._stop.is_set():
            received = 0
            for rule_queue in self._queues:
                try:
                    received += self._drain(rule_queue)
                except Exception:
                    logger.exception("event rule poll failed")
            if not received:
                self._stop.wait(POLL_SECONDS)

    def _drain(self, rule_queue: _RuleQueue) -> int:
        messages = self._sqs.receive_message(QueueUrl=rule_queue.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            if rule_queue.target_arn is None:
                with self._log_lock:
                    self._log.append(json.loads(message["Body"]))
            else:
                try:
                    self._dispatcher.deliver(rule_queue.target_arn, message["Body"])
                except Exception:
                    logger.exception("event rule target failed", extra={"target_arn": rule_queue.target_arn})
            self._sqs.delete_message(QueueUrl=rule_queue.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)
