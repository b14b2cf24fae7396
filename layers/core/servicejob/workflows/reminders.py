"""Each tenant's daily reminders schedule: EventBridge Scheduler, in the tenant's schedule group and time zone,
invoking the workflows function's `send_reminders` task (no rule or bus in between: one target, one tenant)."""

import json

from botocore.exceptions import ClientError

from servicejob.workflows.onboarding import schedule_group_name

REMINDERS_SCHEDULE = "daily-reminders"
# 08:00 in the tenant's time zone, every day.
REMINDERS_EXPRESSION = "cron(0 8 * * ? *)"


def unqualified_function_arn(arn: str) -> str:
    """arn:aws:lambda:region:account:function:name, without a version or alias suffix."""
    return ":".join(arn.split(":")[:7])


class ReminderSchedules:
    def __init__(self, scheduler_client, scheduler_role_arn: str):
        self._scheduler = scheduler_client
        self._role_arn = scheduler_role_arn

    def ensure(self, tenant_id: str, time_zone: str, target_function_arn: str) -> str:
        """Creates the schedule, or brings an existing one to the tenant's time zone and target. Safe to repeat."""
        request = {
            "Name": REMINDERS_SCHEDULE,
            "GroupName": schedule_group_name(tenant_id),
            "ScheduleExpression": REMINDERS_EXPRESSION,
            "ScheduleExpressionTimezone": time_zone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Description": "Daily reminders: activities due today and inactive customers",
            "Target": {
                "Arn": unqualified_function_arn(target_function_arn),
                "RoleArn": self._role_arn,
                "Input": json.dumps({"task": "send_reminders", "input": {"tenant_id": tenant_id}}),
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
            },
        }
        try:
            self._scheduler.create_schedule(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConflictException":
                raise
            self._scheduler.update_schedule(**request)
        return REMINDERS_SCHEDULE
