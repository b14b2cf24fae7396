"""The moto request gate (snapshots see no half-applied call) and the scheduler's saved positions."""

import json
import threading
from datetime import UTC, datetime, timedelta

from local.scheduler_loop import SchedulerLoop
from local.state_keeper import MotoRequestGate


class HeldApp:
    """A WSGI app whose requests finish when the test lets them."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        self.entered.set()
        self.release.wait(10)
        start_response("200 OK", [])
        return [b"ok"]


def request(gate: MotoRequestGate) -> threading.Thread:
    thread = threading.Thread(target=lambda: gate({}, lambda *_: None), daemon=True)
    thread.start()
    return thread


def test_closing_the_gate_waits_for_requests_in_flight_and_holds_new_ones():
    # Given a request in flight
    app = HeldApp()
    gate = MotoRequestGate(app)
    in_flight = request(gate)
    assert app.entered.wait(5)
    # When a snapshot closes the gate
    closed, reopen, drained = threading.Event(), threading.Event(), []

    def snapshot():
        with gate.closed(timeout=10) as result:
            drained.append(result)
            closed.set()
            reopen.wait(10)

    snapshotting = threading.Thread(target=snapshot, daemon=True)
    snapshotting.start()
    # Then it is closed only once that request has finished
    assert not closed.wait(0.3)
    app.release.set()
    in_flight.join(5)
    assert closed.wait(5)
    assert drained == [True]
    # And a new request waits while it is closed, then goes through
    app.entered.clear()
    held = request(gate)
    assert not app.entered.wait(0.3)
    reopen.set()
    assert app.entered.wait(5)
    held.join(5)
    snapshotting.join(5)
    assert app.calls == 2


def test_a_gate_that_cannot_drain_reopens_instead_of_waiting_forever():
    # Given a request that does not finish
    app = HeldApp()
    gate = MotoRequestGate(app)
    stuck = request(gate)
    assert app.entered.wait(5)
    # When a snapshot tries to close the gate, then it gives up
    with gate.closed(timeout=0.2) as drained:
        assert drained is False
    # And new requests still pass
    app.entered.clear()
    passing = request(gate)
    assert app.entered.wait(5)
    app.release.set()
    stuck.join(5)
    passing.join(5)


class OneSchedule:
    """A scheduler client with one at() schedule, created an hour ago, due a minute ago."""

    def __init__(self, now: datetime):
        due = now - timedelta(minutes=1)
        self.schedule = {
            "Arn": "arn:aws:scheduler:ap-east-1:123456789012:schedule/default/reminder",
            "CreationDate": now - timedelta(hours=1),
            "ScheduleExpression": f"at({due.strftime('%Y-%m-%dT%H:%M:%S')})",
            "ScheduleExpressionTimezone": "UTC",
            "State": "ENABLED",
            "Target": {"Arn": "arn:aws:states:ap-east-1:123456789012:stateMachine:x", "Input": json.dumps({})},
        }

    def list_schedule_groups(self):
        return {"ScheduleGroups": [{"Name": "default"}]}

    def list_schedules(self, GroupName):  # noqa: N803 — boto3's parameter name
        return {"Schedules": [{"Name": "reminder"}]}

    def get_schedule(self, GroupName, Name):  # noqa: N803
        return self.schedule


class RecordingDispatcher:
    def __init__(self):
        self.delivered: list[str] = []

    def deliver(self, target_arn: str, input_json: str) -> None:
        self.delivered.append(target_arn)


def test_a_schedule_that_fired_before_a_restart_does_not_fire_again():
    # Given a due one-time schedule that a first loop fires
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    client, first_dispatcher = OneSchedule(now), RecordingDispatcher()
    first = SchedulerLoop(client, first_dispatcher, now=lambda: now)
    first.tick()
    assert len(first_dispatcher.delivered) == 1
    # When a loop restarts from the first loop's saved positions
    restarted_dispatcher = RecordingDispatcher()
    restarted = SchedulerLoop(
        client, restarted_dispatcher, now=lambda: now + timedelta(seconds=5), last_checked=first.last_checked()
    )
    restarted.tick()
    # Then it does not fire it again (while a loop without them would)
    assert restarted_dispatcher.delivered == []
    forgetful_dispatcher = RecordingDispatcher()
    SchedulerLoop(client, forgetful_dispatcher, now=lambda: now + timedelta(seconds=5)).tick()
    assert len(forgetful_dispatcher.delivered) == 1
