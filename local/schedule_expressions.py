"""EventBridge Scheduler expressions → next fire time, in the schedule's own time zone.

cron(min hour day-of-month month day-of-week year) is translated to croniter's five fields: `?` → `*`,
AWS day-of-week 1-7 (SUN-SAT) → 0-6, the year field checked separately. rate(N unit) counts from the
schedule's anchor (start date or creation), at(yyyy-mm-ddThh:mm:ss) fires once.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_EXPRESSION = re.compile(r"^\s*(cron|rate|at)\((.*)\)\s*$")
_DAY_NUMBER = re.compile(r"\d+")


class InvalidScheduleExpression(ValueError):
    pass


def _aws_day_of_week_to_cron(field: str) -> str:
    def shift_item(item: str) -> str:
        base, hash_sign, nth = item.partition("#")  # 6#3 = third Friday: only the day shifts
        day_part, slash, step = base.partition("/")  # */2: the step does not shift
        shifted = _DAY_NUMBER.sub(lambda m: str(int(m.group()) - 1), day_part)
        return shifted + slash + step + hash_sign + nth

    return ",".join(shift_item(item) for item in field.split(","))


def _years(field: str) -> set[int] | None:
    """None when every year matches."""
    if field in ("*", "?"):
        return None
    years: set[int] = set()
    for item in field.split(","):
        span, _, step = item.partition("/")
        first, _, last = span.partition("-")
        years.update(range(int(first), int(last or first) + 1, int(step or 1)))
    return years


def aws_cron_to_croniter(fields: str) -> tuple[str, set[int] | None]:
    """The croniter expression and the allowed years (None: any)."""
    parts = fields.split()
    if len(parts) != 6:
        raise InvalidScheduleExpression(f"cron needs 6 fields, got {len(parts)}: {fields!r}")
    minute, hour, day_of_month, month, day_of_week, year = parts
    day_of_month = "*" if day_of_month == "?" else day_of_month
    day_of_week = "*" if day_of_week == "?" else _aws_day_of_week_to_cron(day_of_week)
    return " ".join((minute, hour, day_of_month, month, day_of_week)), _years(year)


def next_fire_time(expression: str, time_zone: str, after: datetime, anchor: datetime) -> datetime | None:
    """The first fire time strictly after `after` (aware, UTC), or None when the schedule never fires again.

    `anchor` is when a rate schedule starts counting (its start date, else its creation)."""
    match = _EXPRESSION.match(expression)
    if not match:
        raise InvalidScheduleExpression(f"unsupported schedule expression: {expression!r}")
    kind, body = match.groups()
    zone = ZoneInfo(time_zone or "UTC")
    utc = ZoneInfo("UTC")
    if kind == "at":
        fire = datetime.fromisoformat(body.strip()).replace(tzinfo=zone).astimezone(utc)
        return fire if fire > after else None
    if kind == "rate":
        amount, _, unit = body.strip().partition(" ")
        if unit.strip() not in _RATE_UNITS or not amount.isdigit() or int(amount) < 1:
            raise InvalidScheduleExpression(f"unsupported rate: {expression!r}")
        interval = timedelta(seconds=int(amount) * _RATE_UNITS[unit.strip()])
        if after < anchor:
            return anchor
        periods = (after - anchor) // interval + 1
        return anchor + periods * interval
    cron, years = aws_cron_to_croniter(body)
    if not croniter.is_valid(cron):
        raise InvalidScheduleExpression(f"invalid cron: {expression!r}")
    start = after.astimezone(zone)
    while True:
        fire = croniter(cron, start).get_next(datetime)
        if years is None or fire.year in years:
            return fire.astimezone(utc)
        later_years = sorted(year for year in years if year > fire.year)
        if not later_years:
            return None
        start = datetime(later_years[0], 1, 1, tzinfo=zone) - timedelta(seconds=1)
