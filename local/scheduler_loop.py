"""Fires the EventBridge Scheduler schedules stored in moto at their times, in their own time zones."""

import threading
from datetime import UTC, datetime

from servicejob.observability import logger

from .schedule_expressions import InvalidScheduleExpression, next_fire_time
from .target_dispatch import TargetDispatcher

TICK_SECONDS = 1.0


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SchedulerLoop:
    def __init__(
        self,
        scheduler_client,
        dispatcher: TargetDispatcher,
        now=lambda: datetime.now(UTC),
        last_checked: dict[str, datetime] | None = None,
    ):
        self._scheduler = scheduler_client
        self._dispatcher = dispatcher
        self._now = now
        # schedule ARN → fire times up to here are handled (saved across restarts, so nothing fires twice)
        self._last_checked: dict[str, datetime] = dict(last_checked or {})
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler-loop", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def last_checked(self) -> dict[str, datetime]:
        return dict(self._last_checked)

    def _run(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception:
                logger.exception("scheduler tick failed")

    def _schedules(self):
        groups = [group["Name"] for group in self._scheduler.list_schedule_groups().get("ScheduleGroups", [])]
        for group in groups or ["default"]:
            for summary in self._scheduler.list_schedules(GroupName=group).get("Schedules", []):
                yield self._scheduler.get_schedule(GroupName=group, Name=summary["Name"])

    def tick(self) -> None:
        """Fires each enabled schedule whose next time since its last check has come (once, no catch-up)."""
        now = self._now()
        for schedule in self._schedules():
            arn = schedule["Arn"]
            created = _aware(schedule.get("CreationDate")) or now
            anchor = _aware(schedule.get("StartDate")) or created
            since = self._last_checked.get(arn, created)
            if schedule.get("State", "ENABLED") != "ENABLED":
                self._last_checked[arn] = now
                continue
            end = _aware(schedule.get("EndDate"))
            try:
                due = next_fire_time(
                    schedule["ScheduleExpression"],
                    schedule.get("ScheduleExpressionTimezone") or "UTC",
                    since,
                    anchor,
                )
            except InvalidScheduleExpression:
                logger.warning("schedule expression not supported locally", extra={"schedule": arn})
                self._last_checked[arn] = now
                continue
            if due is None or due > now or (end and due > end):
                continue
            self._last_checked[arn] = now
            target = schedule["Target"]
            logger.info("firing schedule", extra={"schedule": arn, "due": due.isoformat()})
            try:
                self._dispatcher.deliver(target["Arn"], target.get("Input", "{}"))
            except Exception:
                logger.exception("schedule target failed", extra={"schedule": arn})
