"""POST /v1/tenants and GET /v1/tenants/{id}/status over the API function: validation, rate limit, 404."""

import boto3
import pytest
from test_onboarding_workflow import OnboardingEnv, onboarding  # noqa: F401 - fixture
from ulid import ULID

from servicejob.config import get_settings


def test_invalid_signup_names_every_bad_field_and_starts_nothing(onboarding: OnboardingEnv):  # noqa: F811
    # Given a signup with a bad time zone, currency, locale and e-mail
    body = {
        "name": "Firm",
        "owner_email": "nope",
        "owner_name": "A",
        "time_zone": "Asia/Atlantis",
        "base_currency": "XYZ",
        "locale": "de",
    }
    # When it is posted
    status, headers, problem = onboarding.call("POST", "/v1/tenants", body, authorizer={})
    # Then a 422 problem names each field, and no workflow was started
    assert status == 422 and headers["Content-Type"].startswith("application/problem+json")
    assert {error["field"] for error in problem["errors"]} == {
        "owner_email",
        "time_zone",
        "base_currency",
        "locale",
    }
    executions = boto3.client("stepfunctions").list_executions(stateMachineArn=onboarding.state_machine_arn)
    assert executions["executions"] == []


def test_signups_from_one_address_are_limited_per_hour(onboarding: OnboardingEnv, monkeypatch):  # noqa: F811
    # Given a limit of 2 signups per hour
    from functions.api import wiring

    monkeypatch.setenv("SJ_SIGNUP_LIMIT_PER_HOUR", "2")
    get_settings.cache_clear()
    wiring.dependencies.cache_clear()
    # When the same address signs up three times
    first, second = onboarding.sign_up(), onboarding.sign_up()
    status, headers, problem = onboarding.call(
        "POST",
        "/v1/tenants",
        {
            "name": "Third",
            "owner_email": f"o-{ULID()}@example.com",
            "owner_name": "A",
            "time_zone": "UTC",
            "base_currency": "USD",
            "locale": "en",
        },
        authorizer={},
    )
    # Then the third is refused with 429 and Retry-After, the first two were accepted
    assert first != second
    assert status == 429 and problem["type"].endswith("/rate-limited")
    assert 0 < int(headers["Retry-After"]) <= 3600


def test_status_of_an_unknown_tenant_is_404(onboarding: OnboardingEnv):  # noqa: F811
    status, _, problem = onboarding.call("GET", f"/v1/tenants/{ULID()}/status", authorizer={})
    assert status == 404 and problem["status"] == 404


@pytest.mark.parametrize("bad_id", ["not-a-ulid", "01ARZ3NDEKTSV4RRFFQ69G5FA"])
def test_status_refuses_malformed_ids(onboarding: OnboardingEnv, bad_id):  # noqa: F811
    status, _, _ = onboarding.call("GET", f"/v1/tenants/{bad_id}/status", authorizer={})
    assert status == 422
