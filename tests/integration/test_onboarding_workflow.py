"""Signup → the whole TenantOnboarding state machine (moto's ASL interpreter, tasks dispatched in-process)
→ tenant active, owner in Cognito, one localized invitation in SES; and the failure path."""

import email
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from ulid import ULID

from local.lambda_dispatch import install_lambda_dispatch
from servicejob.config import get_settings
from servicejob.dal.table_spec import create_table_request
from servicejob.deployment_spec import TIERS
from tests.integration.state_machines import create_state_machine, wait_until_no_execution_runs

PASSWORD_LINE = re.compile(r"^(?:Temporary password|臨時密碼|临时密码): (\S+)$", re.MULTILINE)


@dataclass
class OnboardingEnv:
    region: str
    user_pool_id: str
    client_id: str
    state_machine_arn: str
    call: Callable  # ApiClient.call

    def sent_messages(self) -> list[email.message.Message]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID][self.region]
        return [email.message_from_string(message.raw_data) for message in backend.sent_messages]

    def messages_to(self, address: str) -> list[email.message.Message]:
        return [message for message in self.sent_messages() if message["To"] == address]

    def tenant_status(self, tenant_id: str) -> str:
        status, _, body = self.call("GET", f"/v1/tenants/{tenant_id}/status", authorizer={})
        assert status == 200, body
        return body["status"]

    def wait_for_status(self, tenant_id: str, wanted: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while (status := self.tenant_status(tenant_id)) != wanted:
            assert status == "provisioning", f"tenant went {status}, expected {wanted}"
            assert time.monotonic() < deadline, f"tenant still {status} after {timeout}s"
            time.sleep(0.05)

    def sign_up(self, **overrides) -> str:
        body = {
            "name": "香港會計師事務所有限公司",
            "owner_email": f"owner-{ULID()}@example.com".lower(),
            "owner_name": "陳大文",
            "time_zone": "Asia/Hong_Kong",
            "base_currency": "HKD",
            "locale": "zh-Hant",
        } | overrides
        status, headers, accepted = self.call("POST", "/v1/tenants", body, authorizer={})
        assert status == 202, accepted
        assert accepted["status_url"] == f"/v1/tenants/{accepted['tenant_id']}/status"
        return accepted["tenant_id"]

    def password_in(self, message: email.message.Message) -> str:
        text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
        match = PASSWORD_LINE.search(text.get_payload(decode=True).decode("utf-8"))
        assert match, "no temporary password in the invitation"
        return match.group(1)


@pytest.fixture
def onboarding(monkeypatch: pytest.MonkeyPatch) -> Iterator[OnboardingEnv]:
    from functions.api import wiring as api_wiring
    from functions.workflows import wiring as workflow_wiring
    from tests.integration.conftest import ApiClient

    monkeypatch.setenv("SJ_SIGNUP_LIMIT_PER_HOUR", "1000")
    monkeypatch.setenv("MOTO_ALLOW_NONEXISTENT_REGION", "true")  # moto lists no SES in ap-east-1
    get_settings.cache_clear()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        settings = get_settings()
        region = settings.region
        boto3.client("dynamodb", region_name=region).create_table(**create_table_request(settings.table_name))
        cognito = boto3.client("cognito-idp", region_name=region)
        pool_id = cognito.create_user_pool(
            PoolName=f"pool-{ULID()}",
            Schema=[{"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False}],
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
        )["UserPool"]["Id"]
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="console", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        ses = boto3.client("ses", region_name=region)
        ses.verify_email_identity(EmailAddress=email.utils.parseaddr(settings.mail_from)[1])
        state_machine_arn = create_state_machine(settings, "TenantOnboarding")
        monkeypatch.setenv("SJ_USER_POOL_ID", pool_id)
        monkeypatch.setenv("SJ_ONBOARDING_STATE_MACHINE_ARN", state_machine_arn)
        get_settings.cache_clear()
        api_wiring.dependencies.cache_clear()
        workflow_wiring.dependencies.cache_clear()
        uninstall = install_lambda_dispatch(settings.stage)
        try:
            yield OnboardingEnv(region, pool_id, client_id, state_machine_arn, ApiClient().call)
            wait_until_no_execution_runs(region, state_machine_arn)
        finally:
            uninstall()
            api_wiring.dependencies.cache_clear()
            workflow_wiring.dependencies.cache_clear()
    get_settings.cache_clear()


def execution_history(env: OnboardingEnv, tenant_id: str) -> str:
    sfn = boto3.client("stepfunctions", region_name=env.region)
    execution_arn = env.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{tenant_id}"
    return json.dumps(sfn.get_execution_history(executionArn=execution_arn), default=str)


def test_signup_onboards_the_tenant_and_invites_the_owner_in_their_language(onboarding: OnboardingEnv):
    # Given a new firm signing up in Traditional Chinese
    owner_email = f"owner-{ULID()}@example.com".lower()

    # When it signs up
    tenant_id = onboarding.sign_up(owner_email=owner_email, locale="zh-Hant")

    # Then the tenant is readable at once, and becomes active
    assert onboarding.tenant_status(tenant_id) in {"provisioning", "active"}
    onboarding.wait_for_status(tenant_id, "active")

    # And the owner exists in Cognito, bound to the tenant
    cognito = boto3.client("cognito-idp", region_name=onboarding.region)
    owner = cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=owner_email)
    attributes = {item["Name"]: item["Value"] for item in owner["UserAttributes"]}
    assert attributes["custom:tenant_id"] == tenant_id
    assert attributes["locale"] == "zh-Hant"

    # And exactly one invitation went out, in Traditional Chinese, with the temporary password
    messages = onboarding.messages_to(owner_email)
    assert len(messages) == 1
    subject = str(email.header.make_header(email.header.decode_header(messages[0]["Subject"])))
    assert "邀請您加入" in subject and "香港會計師事務所有限公司" in subject
    password = onboarding.password_in(messages[0])

    # And the password works once, forcing a new one (NEW_PASSWORD_REQUIRED)
    challenge = cognito.admin_initiate_auth(
        UserPoolId=onboarding.user_pool_id,
        ClientId=onboarding.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": owner_email, "PASSWORD": password},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    # And the password never appears in the execution history
    history = execution_history(onboarding, tenant_id)
    assert "invite_owner" in history
    assert password not in history

    # And the schedule group for the tenant's schedules exists
    scheduler = boto3.client("scheduler", region_name=onboarding.region)
    assert scheduler.get_schedule_group(Name=f"tenant-{tenant_id}")["Name"] == f"tenant-{tenant_id}"


def test_signup_with_an_owner_email_already_in_use_fails_without_telling_the_caller(
    onboarding: OnboardingEnv,
):
    # Given a firm whose owner already signed up
    owner_email = f"owner-{ULID()}@example.com".lower()
    first = onboarding.sign_up(owner_email=owner_email, locale="en")
    onboarding.wait_for_status(first, "active")

    # When another signup names the same owner e-mail (in other letter case)
    status, _, accepted = onboarding.call(
        "POST",
        "/v1/tenants",
        {
            "name": "Copycat Ltd",
            "owner_email": owner_email.upper(),
            "owner_name": "X",
            "time_zone": "Europe/London",
            "base_currency": "gbp",
            "locale": "en",
        },
        authorizer={},
    )

    # Then the caller gets the same 202 answer as any signup
    assert status == 202 and accepted["status"] == "provisioning"
    # And the new tenant ends failed, with no second invitation and the first owner untouched
    onboarding.wait_for_status(accepted["tenant_id"], "failed")
    assert len(onboarding.messages_to(owner_email)) == 1
    cognito = boto3.client("cognito-idp", region_name=onboarding.region)
    owner = cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=owner_email)
    assert {item["Name"]: item["Value"] for item in owner["UserAttributes"]}["custom:tenant_id"] == first
    # And the operator can see why
    from functions.api.wiring import dependencies

    assert dependencies().tenants.get(accepted["tenant_id"]).failure_reason == "OwnerEmailUnavailable"


# ---- usage keys: the tenant's API Gateway key on its tier's usage plan --------------------------------
@pytest.fixture
def usage_plans(onboarding: OnboardingEnv, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One usage plan per tier on a REST API in moto, named to the workflows function as in AWS."""
    from functions.workflows import wiring as workflow_wiring

    apigateway = boto3.client("apigateway", region_name=onboarding.region)
    api_id = apigateway.create_rest_api(name=f"api-{ULID()}")["id"]
    plan_ids = {
        tier: apigateway.create_usage_plan(name=f"{tier}-{ULID()}", apiStages=[{"apiId": api_id, "stage": "v1"}])["id"]
        for tier in TIERS
    }
    monkeypatch.setenv("SJ_USAGE_PLAN_IDS", json.dumps(plan_ids))
    get_settings.cache_clear()
    workflow_wiring.dependencies.cache_clear()
    return plan_ids


def keys_named(region: str, name: str) -> list[dict]:
    apigateway = boto3.client("apigateway", region_name=region)
    return [key for key in apigateway.get_api_keys(includeValues=True)["items"] if key["name"] == name]


def plan_key_ids(region: str, plan_id: str) -> list[str]:
    return [
        key["id"]
        for key in boto3.client("apigateway", region_name=region).get_usage_plan_keys(usagePlanId=plan_id)["items"]
    ]


def stored_tenant(tenant_id: str) -> dict:
    settings = get_settings()
    item = boto3.client("dynamodb", region_name=settings.region).get_item(
        TableName=settings.table_name, Key={"PK": {"S": f"{tenant_id}#tenant"}, "SK": {"S": "META"}}
    )["Item"]
    return {name: next(iter(value.values())) for name, value in item.items()}  # {"S": x} / {"N": x} → x


def test_onboarding_puts_the_tenant_on_the_basic_plan_with_its_own_usage_key(
    onboarding: OnboardingEnv, usage_plans: dict[str, str]
):
    # Given usage plans per tier
    # When a firm signs up and is onboarded
    tenant_id = onboarding.sign_up(locale="en")
    onboarding.wait_for_status(tenant_id, "active")

    # Then one API Gateway key named after the tenant exists, with a gateway-generated value (no sjk_ key)
    [key] = keys_named(onboarding.region, f"tenant-{tenant_id}")
    assert key["enabled"] is True and key["value"] and not key["value"].startswith("sjk_")
    # And it is on the basic plan only
    assert plan_key_ids(onboarding.region, usage_plans["basic"]) == [key["id"]]
    assert key["id"] not in plan_key_ids(onboarding.region, usage_plans["premium"])
    # And the tenant record holds its id and value
    record = stored_tenant(tenant_id)
    assert (record["usage_key_id"], record["usage_key_value"]) == (key["id"], key["value"])
    # And the value is neither in the execution history nor in the status answer
    assert key["value"] not in execution_history(onboarding, tenant_id)
    _, _, status = onboarding.call("GET", f"/v1/tenants/{tenant_id}/status", authorizer={})
    assert key["value"] not in json.dumps(status)


def test_a_retried_usage_key_step_reuses_the_key_and_attaches_it_once(
    onboarding: OnboardingEnv, usage_plans: dict[str, str]
):
    from functions.workflows.handler import create_usage_key

    # Given an onboarded tenant
    tenant_id = onboarding.sign_up(locale="en")
    onboarding.wait_for_status(tenant_id, "active")
    [key] = keys_named(onboarding.region, f"tenant-{tenant_id}")
    version = stored_tenant(tenant_id)["version"]

    # When Step Functions retries the step (twice)
    first = create_usage_key({"tenant_id": tenant_id})
    second = create_usage_key({"tenant_id": tenant_id})

    # Then the same key is reported, no second key exists, it is on the plan once, and the record is unchanged
    assert first == second == {"usage_key_id": key["id"]}
    assert len(keys_named(onboarding.region, f"tenant-{tenant_id}")) == 1
    assert plan_key_ids(onboarding.region, usage_plans["basic"]).count(key["id"]) == 1
    assert stored_tenant(tenant_id)["version"] == version


def test_a_step_retried_after_the_key_was_created_but_not_recorded_records_that_key(
    onboarding: OnboardingEnv, usage_plans: dict[str, str]
):
    from functions.workflows.handler import create_usage_key

    # Given a tenant whose earlier attempt created its key, then failed before recording it
    tenant_id = onboarding.sign_up(locale="en")
    onboarding.wait_for_status(tenant_id, "active")
    apigateway = boto3.client("apigateway", region_name=onboarding.region)
    for key in keys_named(onboarding.region, f"tenant-{tenant_id}"):
        apigateway.delete_api_key(apiKey=key["id"])
    orphan = apigateway.create_api_key(name=f"tenant-{tenant_id}", enabled=True)

    # When the step runs again
    result = create_usage_key({"tenant_id": tenant_id})

    # Then it adopts that key rather than creating another, and records it
    assert result == {"usage_key_id": orphan["id"]}
    assert [key["id"] for key in keys_named(onboarding.region, f"tenant-{tenant_id}")] == [orphan["id"]]
    assert stored_tenant(tenant_id)["usage_key_value"] == orphan["value"]
    assert orphan["id"] in plan_key_ids(onboarding.region, usage_plans["basic"])


def test_without_usage_plans_onboarding_skips_the_usage_key(onboarding: OnboardingEnv):
    # Given no usage plans configured (the local runtime)
    # When a firm signs up
    tenant_id = onboarding.sign_up(locale="en")
    # Then it is onboarded all the same, with no API Gateway key and none recorded
    onboarding.wait_for_status(tenant_id, "active")
    assert keys_named(onboarding.region, f"tenant-{tenant_id}") == []
    assert "usage_key_id" not in stored_tenant(tenant_id)
    assert '"usage_key_id": null' in execution_history(onboarding, tenant_id).replace('\\"', '"')
