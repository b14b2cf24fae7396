"""The local runtime in-process: config, captured mailbox, event log, scheduler and gateway wiring."""

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests
from ulid import ULID

from local.runtime import LocalRuntime


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime().start(port=0)
    try:
        yield local
    finally:
        local.stop()


def client(runtime: LocalRuntime, service: str):
    return boto3.client(service, endpoint_url=runtime.moto_url, region_name="ap-east-1")


def test_config_json_describes_the_local_deployment(runtime):
    # When the console asks for its configuration
    config = requests.get(f"{runtime.base_url}/config.json", timeout=5).json()
    # Then it points at this runtime's pool, client, moto and mailbox
    assert config == {
        "region": "ap-east-1",
        "user_pool_id": runtime.user_pool_id,
        "user_pool_client_id": runtime.client_id,
        "cognito_endpoint": runtime.moto_url,
        "api_base_url": runtime.base_url,
        "mailbox_url": f"{runtime.base_url}/_local/mailbox",
        "stage": "local",
    }
    pool = client(runtime, "cognito-idp").describe_user_pool(UserPoolId=runtime.user_pool_id)["UserPool"]
    tenant_attribute = next(a for a in pool["SchemaAttributes"] if a["Name"] == "custom:tenant_id")
    assert tenant_attribute["Mutable"] is False


def test_sent_email_shows_up_in_the_mailbox(runtime):
    # Given a unique recipient
    recipient = f"{str(ULID()).lower()}@mailbox.example"
    # When a message is sent through SES
    client(runtime, "ses").send_email(
        Source="no-reply@servicejob.example",
        Destination={"ToAddresses": [recipient]},
        Message={"Subject": {"Data": "歡迎 Welcome"}, "Body": {"Text": {"Data": "臨時密碼 inside"}}},
    )

    # Then the mailbox lists it, newest first, and the HTML page shows it
    def message_for_recipient():
        messages = requests.get(f"{runtime.base_url}/_local/mailbox.json", timeout=5).json()
        return next((m for m in messages if recipient in m["to"]), None)

    message = wait_for(message_for_recipient, 10, "the message in the mailbox")
    assert message["subject"] == "歡迎 Welcome"
    assert message["text"] == "臨時密碼 inside"
    assert message["from"] == "no-reply@servicejob.example"
    assert requests.get(f"{runtime.base_url}/_local/mailbox.json", timeout=5).json()[0]["id"] == message["id"]
    assert recipient in requests.get(f"{runtime.base_url}/_local/mailbox", timeout=5).text


def test_raw_sesv2_message_attachment_can_be_downloaded(runtime):
    # Given a raw MIME message with a PDF, sent through SES v2
    recipient = f"{str(ULID()).lower()}@mailbox.example"
    mime = EmailMessage()
    mime["From"], mime["To"], mime["Subject"] = "no-reply@servicejob.example", recipient, "Invoice INV-0001"
    mime.set_content("Please find the invoice attached.")
    mime.add_attachment(b"%PDF-1.7 invoice", maintype="application", subtype="pdf", filename="INV-0001.pdf")
    client(runtime, "sesv2").send_email(
        FromEmailAddress="no-reply@servicejob.example",
        Destination={"ToAddresses": [recipient]},
        Content={"Raw": {"Data": mime.as_bytes()}},
    )

    # When the mailbox lists it
    def message_for_recipient():
        messages = requests.get(f"{runtime.base_url}/_local/mailbox.json", timeout=5).json()
        return next((m for m in messages if recipient in m["to"]), None)

    message = wait_for(message_for_recipient, 10, "the raw message in the mailbox")
    # Then its attachment link serves the PDF
    assert [attachment["name"] for attachment in message["attachments"]] == ["INV-0001.pdf"]
    download = requests.get(runtime.base_url + message["attachments"][0]["url"], timeout=5)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content == b"%PDF-1.7 invoice"


def test_bus_events_show_up_in_the_event_log(runtime):
    # When a servicejob event and an unrelated one are put on the bus
    marker = str(ULID())
    client(runtime, "events").put_events(
        Entries=[
            {
                "EventBusName": "servicejob",
                "Source": "servicejob.accounts",
                "DetailType": "account.created",
                "Detail": json.dumps({"marker": marker}),
            },
            {
                "EventBusName": "servicejob",
                "Source": "other.system",
                "DetailType": "noise",
                "Detail": json.dumps({"marker": marker}),
            },
        ]
    )

    # Then the captured log has the servicejob one only
    def logged():
        events = requests.get(f"{runtime.base_url}/_local/events.json", timeout=5).json()
        return [event for event in events if event["detail"].get("marker") == marker] or None

    events = wait_for(logged, 10, "the event in /_local/events.json")
    assert [(event["source"], event["detail-type"]) for event in events] == [("servicejob.accounts", "account.created")]


def test_a_due_schedule_starts_its_state_machine(runtime):
    # Given a state machine and a one-time schedule two seconds from now targeting it
    stepfunctions = client(runtime, "stepfunctions")
    machine_arn = stepfunctions.create_state_machine(
        name=f"local-test-{ULID()}",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}),
        roleArn="arn:aws:iam::123456789012:role/servicejob-scheduler",
    )["stateMachineArn"]
    at = (datetime.now(UTC) + timedelta(seconds=2)).astimezone(ZoneInfo("Asia/Hong_Kong"))
    client(runtime, "scheduler").create_schedule(
        Name=f"local-test-{ULID()}",
        ScheduleExpression=f"at({at.strftime('%Y-%m-%dT%H:%M:%S')})",
        ScheduleExpressionTimezone="Asia/Hong_Kong",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": machine_arn,
            "RoleArn": "arn:aws:iam::123456789012:role/servicejob-scheduler",
            "Input": json.dumps({"fired": True}),
        },
    )
    # Then one execution starts, with the schedule's input
    executions = wait_for(
        lambda: stepfunctions.list_executions(stateMachineArn=machine_arn)["executions"],
        15,
        "the scheduled execution",
    )
    assert len(executions) == 1
    described = stepfunctions.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {"fired": True}


def test_gateway_applies_the_authorizer_like_api_gateway(runtime):
    # Without credentials a protected route is refused by the gateway itself
    missing = requests.get(f"{runtime.base_url}/v1/accounts", timeout=10)
    assert missing.status_code == 401
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["title"] == "Unauthenticated"
    # A forged token reaches the authorizer function, which refuses it
    forged = requests.get(f"{runtime.base_url}/v1/accounts", headers={"Authorization": "Bearer forged"}, timeout=10)
    assert forged.status_code == 401
    # A public route needs no credentials: the API answers (validation problem for an empty signup)
    signup = requests.post(f"{runtime.base_url}/v1/tenants", json={}, timeout=10)
    assert signup.status_code == 422
    assert signup.headers["Content-Type"].startswith("application/problem+json")
    # Bodies over API Gateway's 10 MB limit are refused before the function
    too_big = requests.post(
        f"{runtime.base_url}/v1/accounts",
        data=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Authorization": "Bearer x"},
        timeout=30,
    )
    assert too_big.status_code == 413
