"""Daily reminders end to end on moto: onboarding creates the tenant's schedule, the schedule's target runs
the reminders for a fixed day, the owner gets one digest in their language, and a re-fire tells nobody twice."""

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from local.lambda_dispatch import function_arn, invoke_function
from local.mailbox import MailMessage, parse_raw_message
from local.scheduler_loop import SchedulerLoop
from local.target_dispatch import TargetDispatcher
from servicejob.config import get_settings
from tests.integration.test_onboarding_workflow import onboarding  # noqa: F401 - pytest fixture

ZONE = "Asia/Hong_Kong"


def _digests(onboarding, address: str) -> list[MailMessage]:  # noqa: F811
    """The reminder digests sent to `address`, parsed as the local mailbox parses them."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID][onboarding.region]
    messages = [parse_raw_message(sent.id, sent.raw_data, sent.destinations) for sent in backend.sent_messages]
    return [message for message in messages if address in message.to and message.subject == "今日提醒"]


def _signed_up_owner(onboarding, owner_email: str):  # noqa: F811
    tenant_id = onboarding.sign_up(owner_email=owner_email, locale="zh-Hant", time_zone=ZONE)
    onboarding.wait_for_status(tenant_id, "active")
    cognito = boto3.client("cognito-idp", region_name=onboarding.region)
    owner = cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=owner_email)
    owner_id = next(item["Value"] for item in owner["UserAttributes"] if item["Name"] == "sub")

    def call(method, path, body=None, **kwargs):
        authorizer = {"tenant_id": tenant_id, "principal_id": owner_id, "kind": "user", "role": "owner"}
        return onboarding.call(method, path, body, authorizer=authorizer, **kwargs)

    return tenant_id, owner_id, call


def _reminder_schedule(onboarding, tenant_id: str) -> dict:  # noqa: F811
    scheduler = boto3.client("scheduler", region_name=onboarding.region)
    return scheduler.get_schedule(GroupName=f"tenant-{tenant_id}", Name="daily-reminders")


def test_the_tenants_schedule_runs_reminders_in_its_time_zone_once_a_day(onboarding):  # noqa: F811
    # Given a firm onboarded in Hong Kong time, whose owner reads Traditional Chinese
    owner_email = "owner-reminders@example.com"
    tenant_id, owner_id, call = _signed_up_owner(onboarding, owner_email)
    # Then onboarding gave it a daily 08:00 schedule in its time zone that invokes the workflows function
    schedule = _reminder_schedule(onboarding, tenant_id)
    assert schedule["ScheduleExpression"] == "cron(0 8 * * ? *)" and schedule["ScheduleExpressionTimezone"] == ZONE
    stage = get_settings().stage
    assert schedule["Target"]["Arn"] == function_arn(stage, "workflows")

    # Given, 40 days from now (a fixed day for the run), a call due at 10:00 and a task, and a client the
    # owner is responsible for and has never contacted
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=40)
    due_at = datetime.combine(day, time(10, 0), tzinfo=ZoneInfo(ZONE)).isoformat()
    status, _, account = call("POST", "/v1/accounts", {"name": "久未聯絡有限公司", "responsible_user_id": owner_id})
    assert status == 201, account
    body = {"kind": "call", "subject": "致電陳生跟進報價", "due_at": due_at, "account_id": account["id"]}
    assert call("POST", "/v1/activities", body)[0] == 201
    assert call("POST", "/v1/activities", body | {"kind": "task", "subject": "寄送文件"})[0] == 201

    # When the schedule's target is invoked with its own input, for that day
    event = json.loads(schedule["Target"]["Input"])
    event["input"]["day"] = day.isoformat()
    summary = invoke_function(stage, "workflows", event)

    # Then the owner is told of the call (not the task) and the inactive client, in one digest in zh-Hant
    assert summary == {"day": day.isoformat(), "due": 1, "inactive": 1, "recipients_told": 1, "recipients_skipped": 0}
    [digest] = _digests(onboarding, owner_email)
    text = digest.text
    assert "10:00 致電: 致電陳生跟進報價" in text and "久未聯絡有限公司" in text
    assert "寄送文件" not in text
    # And both reminders are in the owner's in-app inbox, unread
    status, _, inbox = call("GET", "/v1/notifications", query={"unread": "true"})
    assert status == 200, inbox
    assert sorted(item["kind"] for item in inbox["items"]) == ["account.inactive", "activity.due"]
    assert f"account/{account['id']}" in {item["entity"] for item in inbox["items"]}

    # When the schedule fires again the same day (a retry), then nobody is told twice
    again = invoke_function(stage, "workflows", event)
    assert again["recipients_told"] == 0 and again["recipients_skipped"] == 1
    assert len(_digests(onboarding, owner_email)) == 1
    assert len(call("GET", "/v1/notifications")[2]["items"]) == 2


def test_the_local_scheduler_loop_fires_the_schedule_at_eight_in_the_tenants_morning(onboarding):  # noqa: F811
    # Given an onboarded firm with a visit due today (Hong Kong) and the local scheduler loop at 08:01 tomorrow
    owner_email = "owner-loop@example.com"
    tenant_id, owner_id, call = _signed_up_owner(onboarding, owner_email)
    today = datetime.now(ZoneInfo(ZONE)).date()
    due_at = datetime.combine(today, time(23, 0), tzinfo=ZoneInfo(ZONE)).isoformat()
    status, _, account = call("POST", "/v1/accounts", {"name": "拜訪客戶有限公司"})
    body = {"kind": "visit", "subject": "上門拜訪", "due_at": due_at, "account_id": account["id"]}
    assert call("POST", "/v1/activities", body)[0] == 201
    settings = get_settings()
    clock = datetime.combine(today + timedelta(days=1), time(8, 1), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    stepfunctions = boto3.client("stepfunctions", region_name=onboarding.region)
    loop = SchedulerLoop(
        boto3.client("scheduler", region_name=onboarding.region),
        TargetDispatcher(settings.stage, stepfunctions),
        now=lambda: clock,
    )
    # When it ticks (its run takes today from the real clock, so the visit is due "today" for it)
    loop.tick()
    # Then the owner got the digest with the visit
    digests = _digests(onboarding, owner_email)
    assert len(digests) == 1 and "上門拜訪" in digests[0].text
    # And a second tick at the same time fires nothing more
    loop.tick()
    assert len(_digests(onboarding, owner_email)) == 1


def test_reminder_settings_are_read_and_replaced_with_if_match(api):
    status, headers, settings = api.call("GET", "/v1/sales-settings/reminders")
    assert status == 200 and settings["inactive_after_days"] == 30 and settings["digest_email"] is True
    assert headers["ETag"] == '"1"'
    body = {"inactive_after_days": 14, "digest_email": False}
    assert api.call("PUT", "/v1/sales-settings/reminders", body)[0] == 428
    assert api.call("PUT", "/v1/sales-settings/reminders", body, headers={"If-Match": '"9"'})[0] == 412
    status, headers, replaced = api.call("PUT", "/v1/sales-settings/reminders", body, headers={"If-Match": '"1"'})
    assert status == 200 and replaced["inactive_after_days"] == 14 and headers["ETag"] == '"2"'
    status, _, problem = api.call(
        "PUT", "/v1/sales-settings/reminders", {"inactive_after_days": 0}, headers={"If-Match": '"2"'}
    )
    assert status == 422 and problem["errors"][0]["field"].endswith("inactive_after_days")
    assert api.call("PUT", "/v1/sales-settings/reminders", body, role="sales", headers={"If-Match": '"2"'})[0] == 403
