"""Tenant-scoped clients: one STS session per tenant, tagged with its id, cached until near expiry,
and never shared between tenants — also when requests run on many threads (the local runtime does)."""

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ulid import ULID

from servicejob.config import Settings
from servicejob.dal.tenant_access import TenantClients


@dataclass
class FakeSts:
    """Answers AssumeRole with credentials that name the tenant, and records every call."""

    lifetime: timedelta = timedelta(hours=1)
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def assume_role(self, **request: Any) -> dict:
        with self.lock:
            self.calls.append(request)
            serial = len(self.calls)
        tenant = request["Tags"][0]["Value"]
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{tenant}{serial}",
                "SecretAccessKey": f"secret-{tenant}-{serial}",
                "SessionToken": f"token-{tenant}-{serial}",
                "Expiration": datetime.now(UTC) + self.lifetime,
            }
        }


class FakeBaseSession:
    def __init__(self, sts: FakeSts):
        self.sts = sts

    def client(self, service: str, **_: Any) -> FakeSts:
        assert service == "sts"
        return self.sts


def clients_with(sts: FakeSts) -> TenantClients:
    return TenantClients(Settings(tenant_role_arn="arn:aws:iam::123456789012:role/tenant-data"), FakeBaseSession(sts))


def access_key(client) -> str:
    return client._request_signer._credentials.access_key


def test_each_tenant_gets_its_own_credentials_tagged_with_its_id():
    # Given two tenants
    sts = FakeSts()
    clients = clients_with(sts)
    first, second = str(ULID()), str(ULID())
    # When each gets a DynamoDB client
    client_a, client_b = clients.dynamodb(first), clients.dynamodb(second)
    # Then the role was assumed once per tenant with the TenantId session tag, and credentials differ
    assert [call["Tags"] for call in sts.calls] == [
        [{"Key": "TenantId", "Value": first}],
        [{"Key": "TenantId", "Value": second}],
    ]
    assert all(call["RoleArn"] == "arn:aws:iam::123456789012:role/tenant-data" for call in sts.calls)
    assert access_key(client_a).startswith(f"ASIA{first}")
    assert access_key(client_b).startswith(f"ASIA{second}")
    assert client_a is not client_b


def test_credentials_are_cached_per_tenant():
    sts = FakeSts()
    clients = clients_with(sts)
    tenant = str(ULID())
    assert clients.dynamodb(tenant) is clients.dynamodb(tenant)
    assert clients.session(tenant) is clients.session(tenant)
    assert len(sts.calls) == 1


def test_credentials_close_to_expiry_are_refreshed():
    # Given credentials that expire within the refresh margin (five minutes)
    sts = FakeSts(lifetime=timedelta(minutes=4))
    clients = clients_with(sts)
    tenant = str(ULID())
    first = clients.dynamodb(tenant)
    # When the tenant calls again
    second = clients.dynamodb(tenant)
    # Then the role is assumed again and a new client is used
    assert len(sts.calls) == 2
    assert access_key(first) != access_key(second)


def test_session_names_fit_sts_limits():
    sts = FakeSts()
    clients_with(sts).dynamodb("t" * 100)
    assert len(sts.calls[0]["RoleSessionName"]) <= 64


def test_threads_never_receive_another_tenants_client():
    # Given many tenants requested concurrently from many threads
    sts = FakeSts()
    clients = clients_with(sts)
    tenants = [str(ULID()) for _ in range(8)]
    mismatches: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_number in range(40):
                tenant = tenants[(offset + round_number) % len(tenants)]
                key = access_key(clients.dynamodb(tenant))
                if not key.startswith(f"ASIA{tenant}"):
                    mismatches.append((tenant, key))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then every client carried its own tenant's credentials
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert mismatches == []
    assert {call["Tags"][0]["Value"] for call in sts.calls} == set(tenants)


def test_cache_is_bounded(monkeypatch):
    count = 3
    # Given a cache that holds at most `count` tenants
    monkeypatch.setattr("servicejob.dal.tenant_access._MAX_CACHED_TENANTS", count)
    sts = FakeSts()
    clients = clients_with(sts)
    tenants = [str(ULID()) for _ in range(count + 1)]
    for tenant in tenants:
        clients.dynamodb(tenant)
    # When the first (least recently used) tenant comes back
    clients.dynamodb(tenants[0])
    # Then it had been evicted and its role is assumed again
    assert len(sts.calls) == count + 2
