"""API keys: the `sjk_` format and its hash, scope rules, and the domain service over an in-memory store."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from ulid import ULID

from servicejob.auth.api_keys import hash_api_key, issue_api_key, looks_like_api_key, parse_api_key
from servicejob.auth.permissions import Permission, Role
from servicejob.clock import now_iso, to_iso, utc_now
from servicejob.dal.pagination import Page
from servicejob.domain import api_keys
from servicejob.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from servicejob.tenancy.context import PrincipalKind, TenantContext


class InMemoryApiKeys:
    """The repository contract over a dict keyed by (tenant, key id), as the partition key is."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.uses: list[tuple[str, str, str]] = []

    def add(self, ctx: TenantContext, key_id: str, fields: Mapping[str, Any]) -> api_keys.ApiKey:
        record = {"id": key_id, "created_at": now_iso(), "created_by": ctx.actor, **fields}
        self.records[(ctx.tenant_id, key_id)] = record
        return api_keys.ApiKey.model_validate(record)

    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[api_keys.ApiKey]:
        mine = [api_keys.ApiKey.model_validate(r) for (t, _), r in self.records.items() if t == ctx.tenant_id]
        return Page(mine[:limit], None)

    def revoke(self, ctx: TenantContext, key_id: str, at: str) -> None:
        record = self.records.get((ctx.tenant_id, key_id))
        if record is None:
            raise NotFound(f"No apikey with id {key_id}.")
        record.setdefault("revoked_at", at)

    def credential(self, ctx: TenantContext, key_id: str) -> api_keys.ApiKeyCredential | None:
        record = self.records.get((ctx.tenant_id, key_id))
        return api_keys.ApiKeyCredential.model_validate(record) if record else None

    def record_use(self, ctx: TenantContext, key_id: str, at: str, unless_used_since: str) -> None:
        self.uses.append((ctx.tenant_id, key_id, at))
        self.records[(ctx.tenant_id, key_id)]["last_used_at"] = at


def owner(tenant_id: str | None = None) -> TenantContext:
    return TenantContext(tenant_id or str(ULID()), str(ULID()), PrincipalKind.USER, role=Role.OWNER)


def new_key(repository: InMemoryApiKeys, ctx: TenantContext, scopes=("accounts:read",)) -> api_keys.CreatedApiKey:
    return api_keys.create_api_key(ctx, repository, api_keys.ApiKeyInput(name="Xero sync", scopes=list(scopes)))


# ---- format and hash --------------------------------------------------------------------------------
def test_an_issued_key_parses_back_to_its_tenant_key_id_and_hash():
    # Given a key issued for a tenant
    tenant_id = str(ULID())
    issued = issue_api_key(tenant_id)
    # When it is parsed
    parsed = parse_api_key(issued.plaintext)
    # Then it carries the tenant and key id, and its hash matches the stored one
    assert issued.plaintext.startswith(f"sjk_{tenant_id}_{issued.key_id}_")
    assert looks_like_api_key(issued.plaintext)
    assert parsed is not None
    assert (parsed.tenant_id, parsed.key_id) == (tenant_id, issued.key_id)
    assert parsed.matches(issued.secret_hash)


def test_the_stored_hash_is_sha256_of_the_whole_key_and_not_the_key():
    # Given an issued key
    issued = issue_api_key(str(ULID()))
    # Then what is stored is a 64-hex SHA-256 digest that does not contain the secret
    assert len(issued.secret_hash) == 64
    assert issued.secret_hash == hash_api_key(issued.plaintext)
    assert issued.plaintext.rsplit("_", 1)[1] not in issued.secret_hash


def test_two_keys_of_one_tenant_have_different_secrets():
    # Given two keys issued for the same tenant, Then their secrets and hashes differ
    tenant_id = str(ULID())
    first, second = issue_api_key(tenant_id), issue_api_key(tenant_id)
    assert first.plaintext != second.plaintext and first.secret_hash != second.secret_hash


def test_a_key_whose_tenant_part_is_swapped_no_longer_matches_its_hash():
    # Given tenant A's key with tenant B written into it
    issued = issue_api_key(str(ULID()))
    swapped = issued.plaintext.replace(issued.plaintext[4:30], str(ULID()))
    # When parsed, Then it is well-formed but its hash is not the stored one
    parsed = parse_api_key(swapped)
    assert parsed is not None
    assert not parsed.matches(issued.secret_hash)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda k: k[:-1], id="short-secret"),
        pytest.param(lambda k: k + "0", id="long-secret"),
        pytest.param(lambda k: k.upper(), id="uppercase"),
        pytest.param(lambda k: k.replace("sjk_", "sjx_", 1), id="wrong-prefix"),
        pytest.param(lambda k: k.replace("_", "-"), id="no-separators"),
        pytest.param(lambda k: k + "_extra", id="trailing-part"),
        pytest.param(lambda k: " " + k, id="leading-space"),
        pytest.param(lambda k: k[:4] + "tenant#1" + k[30:], id="tenant-not-a-ulid"),
        pytest.param(lambda k: "", id="empty"),
    ],
)
def test_anything_but_an_exact_key_does_not_parse(mangle):
    # Given a key altered in shape, When parsed, Then it is rejected as not a key
    assert parse_api_key(mangle(issue_api_key(str(ULID())).plaintext)) is None


# ---- scope rules ------------------------------------------------------------------------------------
def test_a_scope_no_key_may_carry_is_refused_with_422_naming_the_field():
    # Given an owner asking for a key that could manage users
    ctx = owner()
    data = api_keys.ApiKeyInput(name="x", scopes=["accounts:read", "users:manage"])
    # When the key is created, Then it is refused and the offending scope is named
    with pytest.raises(ValidationFailed) as refused:
        api_keys.create_api_key(ctx, InMemoryApiKeys(), data)
    assert [e.field for e in refused.value.errors] == ["scopes[1]"]


def test_a_scope_the_creator_does_not_hold_is_refused_with_403_naming_the_field():
    # Given a principal allowed to manage keys who holds only accounts:read
    ctx = TenantContext(
        str(ULID()),
        str(ULID()),
        PrincipalKind.API_KEY,
        scopes=frozenset({Permission.API_KEYS_MANAGE, Permission.ACCOUNTS_READ}),
    )
    data = api_keys.ApiKeyInput(name="x", scopes=["accounts:read", "accounts:write"])
    # When they ask for a key with accounts:write, Then it is forbidden and the field named
    with pytest.raises(Forbidden) as refused:
        api_keys.create_api_key(ctx, InMemoryApiKeys(), data)
    assert [e.field for e in refused.value.errors] == ["scopes[1]"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SALES, Role.STAFF, Role.FINANCE, Role.PARTNER])
def test_roles_without_api_keys_manage_cannot_create_list_or_revoke(role):
    # Given a user whose role does not include api-keys:manage
    ctx = TenantContext(str(ULID()), str(ULID()), PrincipalKind.USER, role=role)
    repository = InMemoryApiKeys()
    # Then every key operation is forbidden
    with pytest.raises(Forbidden):
        new_key(repository, ctx)
    with pytest.raises(Forbidden):
        api_keys.list_api_keys(ctx, repository, 50, None)
    with pytest.raises(Forbidden):
        api_keys.revoke_api_key(ctx, repository, str(ULID()))


def test_scopes_are_deduplicated_and_sorted():
    # Given an admin asking for duplicated scopes
    ctx = TenantContext(str(ULID()), str(ULID()), PrincipalKind.USER, role=Role.ADMIN)
    created = new_key(InMemoryApiKeys(), ctx, scopes=("accounts:write", "accounts:read", "accounts:write"))
    # Then the key carries each once
    assert created.scopes == ["accounts:read", "accounts:write"]


def test_input_is_trimmed_and_refuses_unknown_fields():
    # Given a name with surrounding spaces, Then it is trimmed
    assert api_keys.ApiKeyInput(name="  Sync  ", scopes=["accounts:read"]).name == "Sync"
    # And a tenant id in the body is refused, not used
    with pytest.raises(ValueError):
        api_keys.ApiKeyInput(name="Sync", scopes=["accounts:read"], tenant_id=str(ULID()))
    # And a key without scopes is refused
    with pytest.raises(ValueError):
        api_keys.ApiKeyInput(name="Sync", scopes=[])


# ---- create, list, authenticate ---------------------------------------------------------------------
def test_the_secret_is_returned_at_creation_and_only_its_hash_is_stored():
    # Given an owner creating a key
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    # Then the response holds the secret, the record holds only its hash, and the list never the secret
    stored = repository.records[(ctx.tenant_id, created.id)]
    assert created.secret.startswith(f"sjk_{ctx.tenant_id}_{created.id}_")
    assert created.secret not in stored.values()
    assert stored["secret_hash"] == hash_api_key(created.secret)
    listed = api_keys.list_api_keys(ctx, repository, 50, None).items[0].model_dump()
    assert "secret" not in listed and "secret_hash" not in listed
    assert created.created_by == f"user:{ctx.principal_id}"


def test_a_valid_key_authenticates_as_its_tenant_with_its_scopes():
    # Given a key with accounts:read
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    # When it is presented
    principal = api_keys.authenticate_api_key(created.secret, repository)
    # Then it acts for its tenant as an API key, with exactly its scopes
    assert principal.tenant_id == ctx.tenant_id
    assert principal.principal_id == created.id
    assert principal.kind is PrincipalKind.API_KEY
    assert principal.scopes == {Permission.ACCOUNTS_READ}
    assert principal.can(Permission.ACCOUNTS_READ) and not principal.can(Permission.ACCOUNTS_WRITE)


def test_a_revoked_key_is_refused_and_revoking_again_is_a_no_op():
    # Given a key that was revoked
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    api_keys.revoke_api_key(ctx, repository, created.id)
    first_revocation = repository.records[(ctx.tenant_id, created.id)]["revoked_at"]
    # When it is revoked again, Then nothing changes
    api_keys.revoke_api_key(ctx, repository, created.id)
    assert repository.records[(ctx.tenant_id, created.id)]["revoked_at"] == first_revocation
    # And presenting it is refused
    with pytest.raises(Unauthenticated):
        api_keys.authenticate_api_key(created.secret, repository)


def test_a_key_presented_under_another_tenant_is_refused():
    # Given tenant A's key, and a key id that also exists in tenant B
    repository = InMemoryApiKeys()
    tenant_a, tenant_b = owner(), owner()
    created = new_key(repository, tenant_a)
    repository.records[(tenant_b.tenant_id, created.id)] = dict(repository.records[(tenant_a.tenant_id, created.id)])
    swapped = created.secret.replace(tenant_a.tenant_id, tenant_b.tenant_id)
    # When the key is presented with B's tenant id, Then the hash (bound to the whole key) does not match
    with pytest.raises(Unauthenticated):
        api_keys.authenticate_api_key(swapped, repository)


@pytest.mark.parametrize(
    "presented", ["sjk_nope", "", f"sjk_01JD0000000000000000000000_01JD0000000000000000000001_{'0' * 64}"]
)
def test_malformed_or_unknown_keys_are_refused(presented):
    # Given a key that is malformed or names no stored key, Then it is refused
    with pytest.raises(Unauthenticated):
        api_keys.authenticate_api_key(presented, InMemoryApiKeys())


def test_a_wrong_secret_for_a_real_key_id_is_refused():
    # Given a real key with its secret changed
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    forged = created.secret[:-64] + "0" * 64
    # Then it is refused
    with pytest.raises(Unauthenticated):
        api_keys.authenticate_api_key(forged, repository)


def test_last_use_is_recorded_at_most_once_a_minute():
    # Given a key used now
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    start = utc_now()
    api_keys.authenticate_api_key(created.secret, repository, now=start)
    # When it is used again 30 s later, and then 61 s after the first use
    api_keys.authenticate_api_key(created.secret, repository, now=start + timedelta(seconds=30))
    api_keys.authenticate_api_key(created.secret, repository, now=start + timedelta(seconds=61))
    # Then two uses were written: the first and the one after a minute
    assert [at for _, _, at in repository.uses] == [to_iso(start), to_iso(start + timedelta(seconds=61))]


def test_a_scope_no_longer_grantable_to_keys_stops_working():
    # Given a stored key whose record somehow lists users:manage (granted before a rule change)
    repository, ctx = InMemoryApiKeys(), owner()
    created = new_key(repository, ctx)
    repository.records[(ctx.tenant_id, created.id)]["scopes"] = [
        "accounts:read",
        "users:manage",
        "retired:scope",
    ]
    # When it authenticates, Then only today's grantable scopes remain
    principal = api_keys.authenticate_api_key(created.secret, repository)
    assert principal.scopes == {Permission.ACCOUNTS_READ}
