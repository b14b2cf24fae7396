"""The authorizer function over in-process moto: API keys created through the API, and real Cognito ID tokens
issued by moto's user pool (verified against moto's bundled JWKS, injected as the key source)."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import boto3
import jwt
import pytest
from moto.utilities.utils import load_resource
from ulid import ULID

from functions.authorizer import handler as authorizer_function
from servicejob.auth.tokens import IdTokenVerifier
from servicejob.clock import now_iso
from servicejob.config import get_settings
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.tenants import DynamoTenantRepository
from servicejob.dal.users import USER_KIND
from servicejob.domain.tenants import SignupRequest
from servicejob.observability import logger
from servicejob.tenancy.context import system_context

STAGE_WIDE = "arn:aws:execute-api:ap-east-1:123456789012:local/v1/*/*"


@dataclass
class AuthorizerContext:
    function_name: str = "servicejob-test-authorizer"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:ap-east-1:123456789012:function:servicejob-test-authorizer"
    aws_request_id: str = field(default_factory=lambda: str(ULID()))

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def method_arn(method: str, path: str) -> str:
    return f"arn:aws:execute-api:ap-east-1:123456789012:local/v1/{method}{path}"


def authorize(authorization: str, method: str = "GET", path: str = "/v1/accounts") -> dict:
    """Calls the authorizer Lambda exactly as API Gateway (and the local gateway) does."""
    event = {"type": "TOKEN", "authorizationToken": authorization, "methodArn": method_arn(method, path)}
    return authorizer_function.lambda_handler(event, AuthorizerContext())


@pytest.fixture
def authorizer_aws(aws: None) -> Iterator[None]:
    authorizer_function.authorizer.cache_clear()
    yield
    authorizer_function.authorizer.cache_clear()


def create_key(api, scopes: list[str]) -> dict:
    status, _, key = api.call("POST", "/v1/api-keys", {"name": "integration", "scopes": scopes})
    assert status == 201, key
    return key


def assert_unauthorized(authorization: str) -> None:
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(authorization)


# ---- API keys ---------------------------------------------------------------------------------------
def test_a_key_created_through_the_api_is_allowed_for_its_tenant_with_its_scopes(api, authorizer_aws):
    # Given a key with accounts:read created by the tenant's owner
    key = create_key(api, ["accounts:read"])
    # When the authorizer is called with it
    policy = authorize(f"Bearer {key['secret']}")
    # Then it allows the whole stage for the key's tenant with exactly its scopes
    assert policy["policyDocument"]["Statement"][0] == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": STAGE_WIDE,
    }
    assert policy["context"] == {
        "tenant_id": api.tenant_id,
        "principal_id": key["id"],
        "kind": "apikey",
        "scopes": "accounts:read",
    }


def test_a_read_only_key_can_list_accounts_but_gets_403_creating_one(api, authorizer_aws):
    # Given the authorizer's output for a key with accounts:read only
    key = create_key(api, ["accounts:read"])
    context = authorize(f"Bearer {key['secret']}", "POST", "/v1/accounts")["context"]
    # When the API is called with that output
    listed, _, _ = api.call("GET", "/v1/accounts", authorizer=context)
    created, _, problem = api.call("POST", "/v1/accounts", {"name": "Acme"}, authorizer=context)
    # Then reading is allowed and writing is forbidden
    assert listed == 200
    assert created == 403 and problem["status"] == 403


def test_a_revoked_key_is_unauthorized(api, authorizer_aws):
    # Given a key that worked, then was revoked
    key = create_key(api, ["accounts:read"])
    assert authorize(f"Bearer {key['secret']}")["context"]["tenant_id"] == api.tenant_id
    status, _, _ = api.call("DELETE", f"/v1/api-keys/{key['id']}")
    assert status == 204
    # When it is presented again, Then it is refused
    assert_unauthorized(f"Bearer {key['secret']}")


def test_a_key_whose_tenant_part_is_swapped_is_unauthorized(api, authorizer_aws):
    # Given tenant A's key, and tenant B holding a key record with the same id would not help: B has none
    key = create_key(api, ["accounts:read", "accounts:write"])
    tenant_b = str(ULID())
    swapped = key["secret"].replace(api.tenant_id, tenant_b, 1)
    # When the key is presented as tenant B's, Then it is refused
    assert swapped != key["secret"]
    assert_unauthorized(f"Bearer {swapped}")


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer sjk_garbage",
        f"Bearer sjk_01JD0000000000000000000000_01JD0000000000000000000001_{'a' * 64}",
        "Basic abc",
        "Bearer a.b.c",
    ],
)
def test_malformed_or_unknown_credentials_are_unauthorized(authorizer_aws, authorization):
    assert_unauthorized(authorization)


def test_a_wrong_secret_for_a_real_key_is_unauthorized(api, authorizer_aws):
    key = create_key(api, ["accounts:read"])
    assert_unauthorized(f"Bearer {key['secret'][:-64]}{'0' * 64}")


def test_use_is_recorded_at_most_once_a_minute_without_changing_the_version(api, authorizer_aws):
    # Given a fresh key
    key = create_key(api, ["accounts:read"])
    # When it is used twice in a row
    authorize(f"Bearer {key['secret']}")
    _, _, after_first = api.call("GET", "/v1/api-keys")
    authorize(f"Bearer {key['secret']}")
    _, _, after_second = api.call("GET", "/v1/api-keys")
    # Then last_used_at was set by the first use and kept by the second (within the minute)
    first_use = after_first["items"][0]["last_used_at"]
    assert first_use is not None and first_use <= now_iso()
    assert after_second["items"][0]["last_used_at"] == first_use


class CapturedLogs(logging.Handler):
    """Every record the servicejob logger emits, formatted as Powertools would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logger.registered_formatter.format(record))


@pytest.fixture
def captured_logs() -> Iterator[CapturedLogs]:
    handler, std_logger = CapturedLogs(), logger._logger
    level = std_logger.level
    std_logger.addHandler(handler)
    std_logger.setLevel(logging.DEBUG)
    yield handler
    std_logger.removeHandler(handler)
    std_logger.setLevel(level)


def test_keys_never_reach_the_logs(api, authorizer_aws, captured_logs):
    # Given a revoked key and a valid one
    revoked = create_key(api, ["accounts:read"])
    api.call("DELETE", f"/v1/api-keys/{revoked['id']}")
    valid = create_key(api, ["accounts:read"])
    # When both are presented
    assert_unauthorized(f"Bearer {revoked['secret']}")
    authorize(f"Bearer {valid['secret']}")
    # Then the decisions were logged, and no log line contains a key or its secret part
    logged = "\n".join(captured_logs.lines)
    assert "unauthorized" in logged and "authorized" in logged
    for key in (revoked, valid):
        assert key["secret"] not in logged and key["secret"][-64:] not in logged
    assert "sjk_" not in logged


# ---- Cognito ID tokens ------------------------------------------------------------------------------
class MotoJwks:
    """moto signs every pool's tokens with its bundled key; this serves that key as PyJWKClient would."""

    def __init__(self) -> None:
        self._keys = jwt.PyJWKSet.from_dict(load_resource("cognitoidp/resources/jwks-public.json"))

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        return self._keys[jwt.get_unverified_header(token)["kid"]]


class CognitoPool:
    def __init__(self) -> None:
        self.client = boto3.client("cognito-idp", region_name=get_settings().region)
        self.pool_id = self.client.create_user_pool(
            PoolName=f"test-{ULID()}",
            Schema=[{"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False}],
        )["UserPool"]["Id"]
        self.client_id = self.client.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="console",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]["ClientId"]

    def sign_in(self, tenant_id: str) -> tuple[str, str]:
        """A new user of `tenant_id`, signed in: (sub, ID token)."""
        email = f"{ULID()}@example.com".lower()
        password = "Correct-Horse-9-Battery"  # noqa: S105 - a throwaway user in moto
        user = self.client.admin_create_user(
            UserPoolId=self.pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "custom:tenant_id", "Value": tenant_id},
            ],
            MessageAction="SUPPRESS",
        )["User"]
        sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        self.client.admin_set_user_password(UserPoolId=self.pool_id, Username=email, Password=password, Permanent=True)
        result = self.client.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )["AuthenticationResult"]
        return sub, result["IdToken"]

    def verifier(self, client_id: str | None = None) -> IdTokenVerifier:
        settings = get_settings().model_copy(
            update={"user_pool_id": self.pool_id, "user_pool_client_id": client_id or self.client_id}
        )
        return IdTokenVerifier.for_user_pool(settings, keys=MotoJwks())


def add_user_record(tenant_id: str, sub: str, role: str, status: str = "active") -> None:
    settings = get_settings()
    users = EntityStore(TenantClients(settings), USER_KIND, settings.table_name, CursorCodec(b"unused"))
    fields = {"email": "u@example.com", "name": "用戶", "role": role, "status": status, "locale": "zh-Hans"}
    users.create(system_context(tenant_id, "test"), sub, fields)


def cognito_authorizer(pool: CognitoPool, client_id: str | None = None) -> authorizer_function.Authorizer:
    """The production authorizer wiring, except that the JWKS comes from moto's bundled file."""
    default = authorizer_function.authorizer()
    return authorizer_function.Authorizer(
        pool.verifier(client_id), default._users, default._api_keys, default._usage_keys
    )


def test_a_cognito_id_token_is_allowed_with_the_role_from_the_user_record(authorizer_aws):
    # Given a Cognito user of a tenant, whose record there says manager
    pool, tenant_id = CognitoPool(), str(ULID())
    sub, id_token = pool.sign_in(tenant_id)
    add_user_record(tenant_id, sub, role="manager")
    # When the authorizer checks the ID token
    policy = cognito_authorizer(pool).authorize(f"Bearer {id_token}", method_arn("GET", "/v1/accounts"))
    # Then the user is allowed as a manager of that tenant, in their locale
    assert policy["policyDocument"]["Statement"][0]["Resource"] == STAGE_WIDE
    assert policy["context"] == {
        "tenant_id": tenant_id,
        "principal_id": sub,
        "kind": "user",
        "role": "manager",
        "locale": "zh-Hans",
    }


def test_a_disabled_user_is_refused(authorizer_aws):
    pool, tenant_id = CognitoPool(), str(ULID())
    sub, id_token = pool.sign_in(tenant_id)
    add_user_record(tenant_id, sub, role="owner", status="disabled")
    with pytest.raises(Exception, match="Sign in again|cannot sign in"):
        cognito_authorizer(pool).authorize(f"Bearer {id_token}", method_arn("GET", "/v1/accounts"))


def test_a_token_whose_user_has_no_record_in_its_tenant_is_refused(authorizer_aws):
    # Given a Cognito user with a record in another tenant only
    pool, tenant_id = CognitoPool(), str(ULID())
    sub, id_token = pool.sign_in(tenant_id)
    add_user_record(str(ULID()), sub, role="owner")
    # Then the token is refused
    with pytest.raises(Exception, match="No such user"):
        cognito_authorizer(pool).authorize(f"Bearer {id_token}", method_arn("GET", "/v1/accounts"))


def test_a_token_for_another_app_client_is_refused(authorizer_aws):
    # Given a valid ID token issued to the console client, checked by an authorizer expecting another client
    pool, tenant_id = CognitoPool(), str(ULID())
    sub, id_token = pool.sign_in(tenant_id)
    add_user_record(tenant_id, sub, role="owner")
    # Then it is refused (audience)
    with pytest.raises(Exception, match="Sign in again"):
        cognito_authorizer(pool, client_id="another-client").authorize(
            f"Bearer {id_token}", method_arn("GET", "/v1/accounts")
        )


# ---- usage keys (usageIdentifierKey) ------------------------------------------------------------------
def record_usage_key(tenant_id: str) -> str:
    """The tenant record as onboarding leaves it: saved, then given its API Gateway usage key."""
    settings = get_settings()
    tenants = DynamoTenantRepository(TenantClients(settings), settings.table_name)
    signup = SignupRequest(
        name="Firm", owner_email="o@example.com", owner_name="O", time_zone="Asia/Hong_Kong", base_currency="HKD"
    )
    tenants.save_provisioning(tenant_id, signup, actor="test")
    value = f"usage-{ULID()}"
    tenants.set_usage_key(tenant_id, f"key-{ULID()}", value, actor="test")
    return value


def test_an_api_key_of_a_tenant_with_a_usage_key_reads_it_once_per_container(
    api, authorizer_aws, dynamodb_calls, captured_logs
):
    # Given a tenant with a usage key and a product API key
    usage_key = record_usage_key(api.tenant_id)
    key = create_key(api, ["accounts:read"])
    dynamodb_calls.reset()
    # When the key is presented twice (two API Gateway cache misses in one container)
    first = authorize(f"Bearer {key['secret']}")
    first_calls = dict(dynamodb_calls.calls)
    dynamodb_calls.reset()
    second = authorize(f"Bearer {key['secret']}")
    # Then both answers carry the tenant's usage key
    assert first["usageIdentifierKey"] == second["usageIdentifierKey"] == usage_key
    # And the first read the key record and the tenant record (plus the last-used bookkeeping), the second
    # only the key record: the usage key costs one GetItem per tenant per container
    assert first_calls == {"GetItem": 2, "UpdateItem": 1}
    assert dict(dynamodb_calls.calls) == {"GetItem": 1}
    # And the usage key never reached a log line
    assert usage_key not in "\n".join(captured_logs.lines)


def test_a_cognito_user_of_a_tenant_with_a_usage_key_gets_it(authorizer_aws, dynamodb_calls):
    # Given a signed-in user of a tenant with a usage key
    pool, tenant_id = CognitoPool(), str(ULID())
    sub, id_token = pool.sign_in(tenant_id)
    add_user_record(tenant_id, sub, role="staff")
    usage_key = record_usage_key(tenant_id)
    checker = cognito_authorizer(pool)
    dynamodb_calls.reset()
    # When the token is checked twice
    first = checker.authorize(f"Bearer {id_token}", method_arn("GET", "/v1/accounts"))
    first_calls = dict(dynamodb_calls.calls)
    dynamodb_calls.reset()
    second = checker.authorize(f"Bearer {id_token}", method_arn("GET", "/v1/accounts"))
    # Then both carry the usage key; the tenant record was read the first time only
    assert first["usageIdentifierKey"] == second["usageIdentifierKey"] == usage_key
    assert first_calls == {"GetItem": 2}
    assert dict(dynamodb_calls.calls) == {"GetItem": 1}


def test_a_tenant_without_a_usage_key_is_authorized_without_one(api, authorizer_aws):
    # Given a tenant with no usage key recorded (onboarded before usage keys, or locally)
    key = create_key(api, ["accounts:read"])
    # When its key is presented / Then it is allowed, with no usageIdentifierKey
    policy = authorize(f"Bearer {key['secret']}")
    assert policy["context"]["tenant_id"] == api.tenant_id
    assert "usageIdentifierKey" not in policy
