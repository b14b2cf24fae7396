"""Authorizer decisions with fakes: which credential gives which policy and context, and what is refused."""

from dataclasses import dataclass, field

import pytest
from ulid import ULID

from functions.authorizer.handler import Authorizer, CachedUsageKeys, allow_policy, stage_wide_resource
from servicejob.auth.api_keys import issue_api_key
from servicejob.auth.tokens import IdTokenIdentity
from servicejob.dal.models import UserItem
from servicejob.domain.api_keys import ApiKeyCredential
from servicejob.errors import NotFound, Unauthenticated
from servicejob.tenancy.context import PrincipalKind, TenantContext

METHOD_ARN = "arn:aws:execute-api:ap-east-1:123456789012:abc123/v1/GET/v1/accounts/01J0000000000000000000000A"
STAGE_WIDE = "arn:aws:execute-api:ap-east-1:123456789012:abc123/v1/*/*"


class FakeIdTokens:
    """Accepts exactly the tokens it was told about."""

    def __init__(self) -> None:
        self.valid: dict[str, IdTokenIdentity] = {}

    def verify(self, token: str) -> IdTokenIdentity:
        if token not in self.valid:
            raise Unauthenticated("bad token")
        return self.valid[token]


@dataclass
class FakeUsers:
    records: dict[tuple[str, str], UserItem] = field(default_factory=dict)
    lookups: list[tuple[str, str]] = field(default_factory=list)

    def add(
        self,
        tenant_id: str,
        user_id: str,
        role: str = "sales",
        status: str = "active",
        locale: str = "zh-Hant",
        team: str | None = None,
    ):
        self.records[(tenant_id, user_id)] = UserItem(
            id=user_id, email="u@example.com", name="U", role=role, status=status, locale=locale, team=team
        )

    def get(self, ctx: TenantContext, entity_id: str) -> UserItem:
        self.lookups.append((ctx.tenant_id, entity_id))
        try:
            return self.records[(ctx.tenant_id, entity_id)]
        except KeyError:
            raise NotFound("no user") from None


@dataclass
class FakeApiKeys:
    credentials: dict[tuple[str, str], ApiKeyCredential] = field(default_factory=dict)

    def credential(self, ctx: TenantContext, key_id: str) -> ApiKeyCredential | None:
        return self.credentials.get((ctx.tenant_id, key_id))

    def record_use(self, ctx: TenantContext, key_id: str, at: str, unless_used_since: str) -> None:
        self.credentials[(ctx.tenant_id, key_id)].last_used_at = at


@dataclass
class FakeUsageKeys:
    """Tenants' API Gateway usage key values; counts reads like the tenant record would see them."""

    values: dict[str, str] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def usage_key_value(self, tenant_id: str) -> str | None:
        self.lookups.append(tenant_id)
        return self.values.get(tenant_id)


@pytest.fixture
def parts():
    return FakeIdTokens(), FakeUsers(), FakeApiKeys()


@pytest.fixture
def usage_keys() -> FakeUsageKeys:
    return FakeUsageKeys()


@pytest.fixture
def authorizer(parts, usage_keys) -> Authorizer:
    id_tokens, users, keys = parts
    return Authorizer(id_tokens, users, keys, usage_keys)


def signed_in_user(parts, **user_fields) -> tuple[str, IdTokenIdentity]:
    id_tokens, users, _ = parts
    identity = IdTokenIdentity(subject=str(ULID()).lower(), tenant_id=str(ULID()))
    token = f"jwt-{ULID()}"
    id_tokens.valid[token] = identity
    users.add(identity.tenant_id, identity.subject, **user_fields)
    return token, identity


def stored_key(parts, scopes=("accounts:read",), revoked_at=None) -> tuple[str, str, str]:
    _, _, keys = parts
    tenant_id = str(ULID())
    issued = issue_api_key(tenant_id)
    keys.credentials[(tenant_id, issued.key_id)] = ApiKeyCredential(
        scopes=list(scopes), secret_hash=issued.secret_hash, revoked_at=revoked_at
    )
    return issued.plaintext, tenant_id, issued.key_id


def test_a_user_token_gets_a_stage_wide_allow_with_role_and_locale_from_the_record(authorizer, parts):
    # Given an active sales user with a verified token
    token, identity = signed_in_user(parts, role="sales", locale="zh-Hant")
    # When the authorizer is asked for one method
    policy = authorizer.authorize(f"Bearer {token}", METHOD_ARN)
    # Then it allows the whole stage, as that user of that tenant, with the record's role and locale
    statement = policy["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", STAGE_WIDE)
    assert policy["principalId"] == f"user:{identity.subject}"
    assert policy["context"] == {
        "tenant_id": identity.tenant_id,
        "principal_id": identity.subject,
        "kind": "user",
        "role": "sales",
        "locale": "zh-Hant",
    }


def test_a_users_team_comes_from_the_record_and_reaches_the_api_context(authorizer, parts):
    # Given a sales user the firm put in a team
    token, _ = signed_in_user(parts, role="sales", team="Audit HK")
    # When the authorizer allows them / Then their team travels with their role (records are shown by team)
    assert authorizer.authorize(f"Bearer {token}", METHOD_ARN)["context"]["team"] == "Audit HK"


def test_the_scheme_is_case_insensitive(authorizer, parts):
    # Given a token sent as "bearer" in lower case, Then it is accepted
    token, identity = signed_in_user(parts)
    assert authorizer.authorize(f"bearer {token}", METHOD_ARN)["context"]["tenant_id"] == identity.tenant_id


def test_the_user_is_read_from_the_tenant_named_by_the_token(authorizer, parts):
    # Given a signed-in user
    token, identity = signed_in_user(parts)
    # When authorized
    authorizer.authorize(f"Bearer {token}", METHOD_ARN)
    # Then the user record was read from the token's tenant only
    _, users, _ = parts
    assert users.lookups == [(identity.tenant_id, identity.subject)]


@pytest.mark.parametrize("status", ["invited", "active"])
def test_invited_and_active_users_may_sign_in(authorizer, parts, status):
    token, _ = signed_in_user(parts, status=status)
    assert authorizer.authorize(f"Bearer {token}", METHOD_ARN)["context"]["kind"] == "user"


@pytest.mark.parametrize("status", ["disabled", "deleted", ""])
def test_users_not_allowed_to_sign_in_are_refused(authorizer, parts, status):
    # Given a valid token of a user whose record says they may not sign in
    token, _ = signed_in_user(parts, status=status)
    # Then the authorizer refuses
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {token}", METHOD_ARN)


def test_a_valid_token_without_a_user_record_is_refused(authorizer, parts):
    # Given a verified token whose user does not exist in its tenant
    id_tokens, _, _ = parts
    id_tokens.valid["orphan"] = IdTokenIdentity(subject="abc", tenant_id=str(ULID()))
    # Then it is refused
    with pytest.raises(Unauthenticated):
        authorizer.authorize("Bearer orphan", METHOD_ARN)


def test_an_unknown_role_in_the_record_is_refused(authorizer, parts):
    token, _ = signed_in_user(parts, role="superuser")
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {token}", METHOD_ARN)


def test_an_api_key_gets_its_tenant_and_scopes_and_no_role(authorizer, parts):
    # Given a stored key with two scopes
    plaintext, tenant_id, key_id = stored_key(parts, scopes=("accounts:write", "accounts:read"))
    # When it is presented
    policy = authorizer.authorize(f"Bearer {plaintext}", METHOD_ARN)
    # Then the allow carries its tenant, the key id and its scopes, comma-joined, and no role
    assert policy["principalId"] == f"apikey:{key_id}"
    assert policy["context"] == {
        "tenant_id": tenant_id,
        "principal_id": key_id,
        "kind": "apikey",
        "scopes": "accounts:read,accounts:write",
    }
    assert policy["policyDocument"]["Statement"][0]["Resource"] == STAGE_WIDE


def test_a_revoked_api_key_is_refused(authorizer, parts):
    plaintext, _, _ = stored_key(parts, revoked_at="2026-01-01T00:00:00.000Z")
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {plaintext}", METHOD_ARN)


def test_an_api_key_is_never_sent_to_the_token_verifier(authorizer, parts):
    # Given a verifier that would accept the key's text as a token (it must not be asked)
    id_tokens, users, _ = parts
    plaintext, _, _ = stored_key(parts, revoked_at="2026-01-01T00:00:00.000Z")
    impostor = IdTokenIdentity(subject="x", tenant_id=str(ULID()))
    id_tokens.valid[plaintext] = impostor
    users.add(impostor.tenant_id, impostor.subject)
    # Then the revoked key is still refused
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {plaintext}", METHOD_ARN)


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "jwt-only"])
def test_missing_or_non_bearer_credentials_are_refused(authorizer, header):
    with pytest.raises(Unauthenticated):
        authorizer.authorize(header, METHOD_ARN)


@pytest.mark.parametrize(
    "method_arn",
    ["", "arn:aws:lambda:ap-east-1:1:function:x", "arn:aws:execute-api:ap-east-1:1:abc", "not-an-arn"],
)
def test_a_malformed_method_arn_is_refused(authorizer, parts, method_arn):
    token, _ = signed_in_user(parts)
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {token}", method_arn)


def test_stage_wide_resource_keeps_partition_region_account_api_and_stage():
    arn = "arn:aws-cn:execute-api:cn-north-1:111122223333:api9/prod/POST/v1/api-keys"
    assert stage_wide_resource(arn) == "arn:aws-cn:execute-api:cn-north-1:111122223333:api9/prod/*/*"


def test_context_values_are_all_strings():
    # API Gateway accepts only string, number and boolean context values
    principal = TenantContext(str(ULID()), "k", PrincipalKind.API_KEY)
    context = allow_policy(principal, STAGE_WIDE)["context"]
    assert all(isinstance(value, str) for value in context.values())
    assert context["scopes"] == ""


# ---- usage keys (usageIdentifierKey) -------------------------------------------------------------------
def test_a_user_token_carries_the_tenants_usage_key(authorizer, parts, usage_keys):
    # Given a signed-in user whose tenant has a usage key
    token, identity = signed_in_user(parts)
    usage_keys.values[identity.tenant_id] = "usage-key-of-the-tenant-0123456789"
    # When authorized
    policy = authorizer.authorize(f"Bearer {token}", METHOD_ARN)
    # Then API Gateway is told the tenant's usage key, outside the context the API function reads
    assert policy["usageIdentifierKey"] == "usage-key-of-the-tenant-0123456789"
    assert "usage-key-of-the-tenant-0123456789" not in policy["context"].values()
    assert usage_keys.lookups == [identity.tenant_id]


def test_an_api_key_carries_its_tenants_usage_key(authorizer, parts, usage_keys):
    # Given a product API key of a tenant with a usage key, and another tenant's usage key
    plaintext, tenant_id, _ = stored_key(parts)
    usage_keys.values[tenant_id] = "usage-key-a-0123456789abcdef"
    usage_keys.values[str(ULID())] = "usage-key-b-0123456789abcdef"
    # When the key is presented / Then its own tenant's usage key is returned
    assert (
        authorizer.authorize(f"Bearer {plaintext}", METHOD_ARN)["usageIdentifierKey"] == "usage-key-a-0123456789abcdef"
    )


def test_a_tenant_without_a_usage_key_is_still_authorized_without_one(authorizer, parts):
    # Given a tenant onboarded before usage keys (or locally)
    token, identity = signed_in_user(parts)
    # When authorized / Then allowed, and no usageIdentifierKey is sent (AWS answers 403 until backfilled)
    policy = authorizer.authorize(f"Bearer {token}", METHOD_ARN)
    assert policy["context"]["tenant_id"] == identity.tenant_id
    assert "usageIdentifierKey" not in policy


def test_a_refused_caller_costs_no_usage_key_lookup(authorizer, parts, usage_keys):
    plaintext, tenant_id, _ = stored_key(parts, revoked_at="2026-01-01T00:00:00.000Z")
    usage_keys.values[tenant_id] = "usage-key-0123456789abcdef"
    with pytest.raises(Unauthenticated):
        authorizer.authorize(f"Bearer {plaintext}", METHOD_ARN)
    assert usage_keys.lookups == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cached_usage_keys_read_each_tenant_once_within_the_ttl():
    # Given a cache over the tenant records with a 300 s TTL
    source, clock = FakeUsageKeys(values={"t1": "k1"}), FakeClock()
    cache = CachedUsageKeys(source, ttl_seconds=300, clock=clock)
    # When a tenant with a key and one without are looked up repeatedly within the TTL
    answers = [cache.usage_key_value(tenant) for tenant in ("t1", "t2", "t1", "t2")]
    # Then each tenant's record was read once, absent keys included
    assert answers == ["k1", None, "k1", None]
    assert source.lookups == ["t1", "t2"]


def test_cached_usage_keys_pick_up_a_backfilled_key_after_the_ttl():
    # Given a tenant without a key, already looked up
    source, clock = FakeUsageKeys(), FakeClock()
    cache = CachedUsageKeys(source, ttl_seconds=300, clock=clock)
    assert cache.usage_key_value("t1") is None
    # When the key is backfilled and the TTL passes
    source.values["t1"] = "k1"
    clock.now += 299
    still_cached = cache.usage_key_value("t1")
    clock.now += 2
    # Then the new key is read after the TTL, not before
    assert (still_cached, cache.usage_key_value("t1")) == (None, "k1")


def test_cached_usage_keys_hold_at_most_max_tenants_least_recently_used_out():
    source = FakeUsageKeys(values={"t1": "k1", "t2": "k2", "t3": "k3"})
    cache = CachedUsageKeys(source, max_tenants=2, clock=FakeClock())
    for tenant in ("t1", "t2", "t1", "t3", "t1"):
        cache.usage_key_value(tenant)
    # t2 was the least recently used when t3 came in; t1 stayed cached
    assert source.lookups == ["t1", "t2", "t3"]
    cache.usage_key_value("t2")
    assert source.lookups == ["t1", "t2", "t3", "t2"]
