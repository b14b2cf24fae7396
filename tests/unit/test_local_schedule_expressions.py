"""EventBridge Scheduler expressions → next fire time, in the schedule's own time zone (local runtime)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from local.schedule_expressions import InvalidScheduleExpression, aws_cron_to_croniter, next_fire_time

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_daily_cron_fires_at_local_time_in_hong_kong():
    # Given a daily 09:00 schedule in Hong Kong (UTC+8, no DST), checked at 00:30 UTC (08:30 local)
    # When the next fire time is computed
    fire = next_fire_time("cron(0 9 * * ? *)", "Asia/Hong_Kong", utc(2026, 3, 2, 0, 30), ANCHOR)
    # Then it is 09:00 local, 01:00 UTC the same day
    assert fire == utc(2026, 3, 2, 1, 0)


def test_weekday_cron_uses_aws_day_numbers_sunday_is_one():
    # Given MON-FRI written as AWS numbers 2-6, checked on a Saturday
    fire = next_fire_time("cron(0 9 ? * 2-6 *)", "Asia/Hong_Kong", utc(2026, 3, 7, 0, 30), ANCHOR)
    # Then the next fire is Monday 09:00 local
    assert fire == utc(2026, 3, 9, 1, 0)
    assert fire.astimezone(ZoneInfo("Asia/Hong_Kong")).strftime("%a %H:%M") == "Mon 09:00"
    # And the names work too
    assert next_fire_time("cron(0 9 ? * MON-FRI *)", "Asia/Hong_Kong", utc(2026, 3, 7, 0, 30), ANCHOR) == fire


def test_cron_follows_daylight_saving_in_new_york():
    # Given a daily 09:00 New York schedule around the spring change (8 March 2026)
    before = next_fire_time("cron(0 9 * * ? *)", "America/New_York", utc(2026, 3, 7, 15, 0), ANCHOR)
    after = next_fire_time("cron(0 9 * * ? *)", "America/New_York", utc(2026, 3, 8, 15, 0), ANCHOR)
    # Then 09:00 EST is 14:00 UTC only until the change, and 09:00 EDT is 13:00 UTC after it
    assert next_fire_time("cron(0 9 * * ? *)", "America/New_York", utc(2026, 3, 6, 15, 0), ANCHOR) == utc(
        2026, 3, 7, 14, 0
    )
    assert before == utc(2026, 3, 8, 13, 0)
    assert after == utc(2026, 3, 9, 13, 0)


def test_cron_in_london_autumn_change():
    # Given 08:00 London, on the day BST ends (25 October 2026)
    fire = next_fire_time("cron(0 8 * * ? *)", "Europe/London", utc(2026, 10, 24, 12, 0), ANCHOR)
    # Then it fires at 08:00 GMT = 08:00 UTC (the day before it was 07:00 UTC)
    assert fire == utc(2026, 10, 25, 8, 0)


def test_nth_weekday_and_last_day_of_month():
    # Third Friday (AWS 6#3) and last day of month (L)
    assert next_fire_time("cron(0 10 ? * 6#3 *)", "UTC", utc(2026, 1, 1), ANCHOR) == utc(2026, 1, 16, 10, 0)
    assert next_fire_time("cron(0 10 L * ? *)", "UTC", utc(2026, 2, 1), ANCHOR) == utc(2026, 2, 28, 10, 0)


def test_cron_year_field_restricts_and_ends():
    assert next_fire_time("cron(0 9 1 1 ? 2028)", "UTC", utc(2026, 3, 8), ANCHOR) == utc(2028, 1, 1, 9, 0)
    assert next_fire_time("cron(0 9 1 1 ? 2020-2025)", "UTC", utc(2026, 3, 8), ANCHOR) is None


def test_rate_counts_from_the_anchor():
    # Given rate(5 minutes) anchored at midnight, checked at 00:07
    assert next_fire_time("rate(5 minutes)", "UTC", utc(2026, 1, 1, 0, 7), ANCHOR) == utc(2026, 1, 1, 0, 10)
    # Exactly on a fire time → the following one (strictly after)
    assert next_fire_time("rate(1 hour)", "UTC", utc(2026, 1, 1, 1, 0), ANCHOR) == utc(2026, 1, 1, 2, 0)
    assert next_fire_time("rate(2 days)", "UTC", utc(2026, 1, 2), ANCHOR) == utc(2026, 1, 3)


def test_at_fires_once_in_its_time_zone():
    at = "at(2026-05-01T10:00:00)"
    assert next_fire_time(at, "Asia/Hong_Kong", utc(2026, 1, 1), ANCHOR) == utc(2026, 5, 1, 2, 0)
    assert next_fire_time(at, "Asia/Hong_Kong", utc(2026, 5, 1, 2, 0), ANCHOR) is None


def test_conversion_shifts_only_day_numbers():
    cron, years = aws_cron_to_croniter("0/15 8-17 ? * 1,7 *")
    assert cron == "0/15 8-17 * * 0,6"
    assert years is None
    assert aws_cron_to_croniter("0 9 ? * 2/2 2026,2027")[0].endswith("1/2")
    assert aws_cron_to_croniter("0 9 ? * 2/2 2026,2027")[1] == {2026, 2027}


@pytest.mark.parametrize(
    "expression", ["cron(0 9 * *)", "rate(0 minutes)", "rate(5 weeks)", "every day", "cron(99 9 * * ? *)"]
)
def test_unsupported_expressions_are_refused(expression):
    with pytest.raises(InvalidScheduleExpression):
        next_fire_time(expression, "UTC", utc(2026, 1, 1), ANCHOR)
