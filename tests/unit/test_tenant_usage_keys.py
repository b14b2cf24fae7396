"""TenantUsageKeys with a fake API Gateway: one key per tenant, found again on retry, attached to its tier's plan."""

import pytest
from botocore.exceptions import ClientError

from servicejob.workflows.onboarding import TenantUsageKeys, UnknownTier, UsageKey


class FakeApiGateway:
    """The few API Gateway calls TenantUsageKeys makes; attaching a key twice is a conflict, as in AWS."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.plan_keys: dict[str, list[str]] = {}
        self.created = 0

    def create_api_key(self, name: str, description: str, enabled: bool) -> dict:
        self.created += 1
        key = {"id": f"id{self.created}", "value": f"generated-value-{self.created:020d}", "name": name}
        key["createdDate"] = f"2026-01-01T00:00:{self.created:02d}Z"
        self.keys.append(key)
        return dict(key)

    def get_paginator(self, operation: str):
        assert operation == "get_api_keys"
        gateway = self

        class Pages:
            def paginate(self, nameQuery: str, includeValues: bool):
                assert includeValues
                matching = [dict(key) for key in gateway.keys if key["name"].startswith(nameQuery)]
                return [{"items": matching[:1]}, {"items": matching[1:]}]

        return Pages()

    def create_usage_plan_key(self, usagePlanId: str, keyId: str, keyType: str) -> dict:
        attached = self.plan_keys.setdefault(usagePlanId, [])
        if keyId in attached:
            raise ClientError({"Error": {"Code": "ConflictException", "Message": "exists"}}, "CreateUsagePlanKey")
        attached.append(keyId)
        return {"id": keyId, "type": keyType}


PLANS = {"basic": "plan-basic", "premium": "plan-premium"}


def test_a_new_tenant_gets_one_key_on_its_tiers_plan():
    gateway = FakeApiGateway()
    key = TenantUsageKeys(gateway, PLANS).ensure("01TENANT", "basic")
    assert key == UsageKey("id1", "generated-value-00000000000000000001")
    assert [k["name"] for k in gateway.keys] == ["tenant-01TENANT"]
    assert gateway.plan_keys == {"plan-basic": ["id1"]}


def test_a_retry_reuses_the_key_and_attaching_again_is_harmless():
    # Given a tenant whose key was created and attached
    gateway = FakeApiGateway()
    keys = TenantUsageKeys(gateway, PLANS)
    first = keys.ensure("01TENANT", "basic")
    # When the step runs again / Then the same key comes back, nothing new is created or attached
    assert keys.ensure("01TENANT", "basic") == first
    assert gateway.created == 1 and gateway.plan_keys == {"plan-basic": ["id1"]}


def test_keys_of_tenants_whose_name_extends_this_one_are_not_taken():
    # Given another tenant's key whose name starts with this tenant's key name (nameQuery is a prefix match)
    gateway = FakeApiGateway()
    gateway.create_api_key(name="tenant-01TENANTX", description="", enabled=True)
    # When this tenant's key is ensured / Then it gets its own
    key = TenantUsageKeys(gateway, PLANS).ensure("01TENANT", "basic")
    assert key.id == "id2"


def test_two_keys_of_one_name_settle_on_the_oldest():
    # Given two keys left with the tenant's name by concurrent attempts (the newer listed first)
    gateway = FakeApiGateway()
    gateway.create_api_key(name="tenant-01TENANT", description="", enabled=True)
    gateway.create_api_key(name="tenant-01TENANT", description="", enabled=True)
    gateway.keys.reverse()
    # Then every retry picks the oldest
    assert TenantUsageKeys(gateway, PLANS).ensure("01TENANT", "basic").id == "id1"


def test_a_tier_without_a_plan_fails_without_creating_a_key():
    gateway = FakeApiGateway()
    with pytest.raises(UnknownTier):
        TenantUsageKeys(gateway, PLANS).ensure("01TENANT", "enterprise")
    assert gateway.keys == []


def test_other_gateway_errors_are_raised_for_step_functions_to_retry():
    class Throttled(FakeApiGateway):
        def create_usage_plan_key(self, **_):
            raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow"}}, "CreateUsagePlanKey")

    with pytest.raises(ClientError):
        TenantUsageKeys(Throttled(), PLANS).ensure("01TENANT", "basic")


def test_without_plans_usage_keys_are_disabled():
    assert TenantUsageKeys(FakeApiGateway(), {}).enabled is False
    assert TenantUsageKeys(FakeApiGateway(), PLANS).enabled is True


def test_the_key_value_is_not_in_its_repr():
    assert "secret-value" not in repr(UsageKey("id1", "secret-value-0123456789"))
