"""Signup: validation of every field, the per-address rate limit, and what sign_up writes and starts."""

import pytest
from pydantic import ValidationError

from servicejob.dal.rate_limits import WINDOW_SECONDS, DynamoRateLimiter
from servicejob.domain.tenants import SignupRequest, TenantStatus, sign_up
from servicejob.errors import RateLimited

VALID = {
    "name": "  香港會計師事務所有限公司 ",
    "owner_email": "Owner@Example.COM",
    "owner_name": "陳大文",
    "time_zone": "Asia/Hong_Kong",
    "base_currency": "hkd",
    "locale": "zh-Hant",
}


def invalid_fields(**changes) -> set[str]:
    with pytest.raises(ValidationError) as raised:
        SignupRequest.model_validate(VALID | changes)
    return {".".join(str(part) for part in error["loc"]) for error in raised.value.errors()}


def test_a_valid_signup_is_normalized():
    # Given / When a signup with padding, mixed-case e-mail and lower-case currency
    signup = SignupRequest.model_validate(VALID)
    # Then it is trimmed and normalized
    assert signup.name == "香港會計師事務所有限公司"
    assert signup.owner_email == "owner@example.com"
    assert signup.base_currency == "HKD"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Hong Kong"),
        ("time_zone", "../../etc/passwd"),
        ("base_currency", "ZZZ"),
        ("base_currency", "HKDX"),
        ("locale", "zh-TW"),
        ("owner_email", "not-an-email"),
        ("name", "   "),
        ("name", "x" * 201),
        ("owner_name", ""),
    ],
)
def test_each_bad_field_is_named(field, value):
    # Given / When a signup with one bad field / Then that field is named
    assert invalid_fields(**{field: value}) == {field}


def test_unknown_fields_such_as_a_tenant_id_are_refused():
    assert invalid_fields(tenant_id="01HZZZZZZZZZZZZZZZZZZZZZZZ") == {"tenant_id"}


def test_all_bad_fields_are_reported_together():
    assert invalid_fields(time_zone="Mars/Olympus", base_currency="ABC", locale="fr") == {
        "time_zone",
        "base_currency",
        "locale",
    }


class FakeTenants:
    def __init__(self):
        self.saved = {}

    def save_provisioning(self, tenant_id, signup, actor):
        self.saved[tenant_id] = signup


class FakeWorkflow:
    def __init__(self):
        self.started = []

    def start(self, tenant_id, signup, correlation_id):
        self.started.append(tenant_id)


class CountingLimiter:
    def __init__(self, limit_hit_after: int):
        self.calls, self._after = 0, limit_hit_after

    def hit(self, scope, subject, limit):
        self.calls += 1
        return 1800 if self.calls > self._after else None


def test_sign_up_saves_the_tenant_before_starting_onboarding_named_after_it():
    # Given fakes for storage, workflow and limiter
    tenants, workflow = FakeTenants(), FakeWorkflow()
    # When a firm signs up
    accepted = sign_up(SignupRequest.model_validate(VALID), "203.0.113.9", tenants, CountingLimiter(5), workflow, 5)
    # Then the tenant was saved, onboarding started for it, and the status URL points at it
    assert accepted.status is TenantStatus.PROVISIONING
    assert list(tenants.saved) == workflow.started == [accepted.tenant_id]
    assert accepted.status_url == f"/v1/tenants/{accepted.tenant_id}/status"


def test_sign_up_over_the_limit_is_refused_with_retry_after_and_starts_nothing():
    # Given an address that used up its signups
    tenants, workflow = FakeTenants(), FakeWorkflow()
    # When it signs up again
    with pytest.raises(RateLimited) as raised:
        sign_up(SignupRequest.model_validate(VALID), "203.0.113.9", tenants, CountingLimiter(0), workflow, 5)
    # Then it is told when to retry, and nothing was written or started
    assert raised.value.retry_after == 1800
    assert not tenants.saved and not workflow.started


class FakeCounterTable:
    """Answers UpdateItem ADD like DynamoDB: one atomic counter per key."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.expirations: dict[str, int] = {}

    def update_item(self, **request):
        key = request["Key"]["PK"]["S"]
        self.counts[key] = self.counts.get(key, 0) + int(request["ExpressionAttributeValues"][":one"]["N"])
        self.expirations.setdefault(key, int(request["ExpressionAttributeValues"][":expiration"]["N"]))
        return {"Attributes": {"count": {"N": str(self.counts[key])}}}


def test_rate_limiter_counts_per_address_per_hour_and_says_when_to_retry():
    # Given a limit of 2 per hour, 10 minutes into an hour
    table, now = FakeCounterTable(), [WINDOW_SECONDS * 1000 + 600]
    limiter = DynamoRateLimiter(table, "t", clock=lambda: now[0])
    # When one address tries three times and another once
    results = [limiter.hit("signup", "198.51.100.1", 2) for _ in range(3)]
    other = limiter.hit("signup", "198.51.100.2", 2)
    # Then the third attempt is refused until the hour ends, the other address is not
    assert results == [None, None, WINDOW_SECONDS - 600]
    assert other is None
    # And the next hour starts a fresh count that expires on its own
    now[0] += WINDOW_SECONDS
    assert limiter.hit("signup", "198.51.100.1", 2) is None
    assert all(key.startswith("ratelimit#signup#") for key in table.counts)
    assert all(expiration > WINDOW_SECONDS * 1000 for expiration in table.expirations.values())
