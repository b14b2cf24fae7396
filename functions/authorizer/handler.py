"""The Lambda TOKEN authorizer on every protected route: Cognito ID tokens and API keys.

One authorizer handles both credential types because API Gateway allows one authorizer per method and the
console and external systems call the same paths. `Authorization: Bearer <jwt>` is a console user,
`Authorization: Bearer sjk_...` an external system. API Gateway caches the answer per header value for
`deployment_spec.AUTHORIZER_CACHE_SECONDS`, so the Allow covers the whole stage (`*/*`) and a revoked key
is refused within that time. Anything invalid raises `Exception("Unauthorized")` (→ 401); the output
`context` is exactly what functions/api/request_context.py reads.

The answer also carries the tenant's usage key as `usageIdentifierKey` (the API's key source is
AUTHORIZER): API Gateway then counts the request against the usage plan of the tenant's tier. A tenant
without one (onboarded before usage keys, or locally) is still authorized; in AWS the gateway refuses it
with 403 until it is backfilled (docs/operations.md).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from aws_lambda_powertools.utilities.typing import LambdaContext

from servicejob.auth.api_keys import looks_like_api_key
from servicejob.auth.permissions import Role
from servicejob.auth.tokens import IdTokenIdentity, IdTokenVerifier
from servicejob.config import get_settings
from servicejob.dal.api_keys import API_KEY_KIND, DynamoApiKeyRepository
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.models import UserItem
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.tenants import DynamoTenantRepository
from servicejob.dal.users import USER_KIND
from servicejob.domain.api_keys import ApiKeyRepository, authenticate_api_key
from servicejob.errors import NotFound, Unauthenticated
from servicejob.observability import logger
from servicejob.tenancy.context import PrincipalKind, TenantContext, system_context

_BEARER = "bearer "
# Invited users who completed the first sign-in hold a valid token; only disabled users are shut out.
_SIGN_IN_STATUSES = frozenset({"invited", "active"})


class IdTokens(Protocol):
    def verify(self, token: str) -> IdTokenIdentity: ...


class UserRecords(Protocol):
    def get(self, ctx: TenantContext, entity_id: str) -> UserItem: ...


class UsageKeyValues(Protocol):
    def usage_key_value(self, tenant_id: str) -> str | None: ...


class CachedUsageKeys:
    """Tenants' usage key values, remembered per container for `ttl_seconds`.

    A key's value does not change (a tier change moves the same key to another plan), so only the first
    authorization of a tenant in a container reads the tenant record: one GetItem, then none. Absent keys
    are remembered too, and re-read after the TTL, so a backfill takes effect without a redeploy.
    """

    def __init__(
        self,
        source: UsageKeyValues,
        ttl_seconds: float = 300.0,
        max_tenants: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._source = source
        self._ttl = ttl_seconds
        self._max = max_tenants
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def usage_key_value(self, tenant_id: str) -> str | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry and entry[0] > now:
                self._entries.move_to_end(tenant_id)
                return entry[1]
        value = self._source.usage_key_value(tenant_id)
        with self._lock:
            self._entries[tenant_id] = (now + self._ttl, value)
            self._entries.move_to_end(tenant_id)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value


class Authorizer:
    def __init__(self, id_tokens: IdTokens, users: UserRecords, api_keys: ApiKeyRepository, usage_keys: UsageKeyValues):
        self._id_tokens = id_tokens
        self._users = users
        self._api_keys = api_keys
        self._usage_keys = usage_keys

    def authorize(self, authorization: str, method_arn: str, correlation_id: str = "") -> dict:
        """An Allow policy for the caller's stage with its verified context, or Unauthenticated."""
        resource = stage_wide_resource(method_arn)
        principal = self.principal(authorization, correlation_id)
        logger.append_keys(tenant_id=principal.tenant_id)
        usage_key = self._usage_keys.usage_key_value(principal.tenant_id)
        logger.info("authorized", extra={"principal": principal.actor, "usage_key": usage_key is not None})
        return allow_policy(principal, resource, usage_key)

    def principal(self, authorization: str, correlation_id: str = "") -> TenantContext:
        if authorization[: len(_BEARER)].lower() != _BEARER:
            raise Unauthenticated("Send Authorization: Bearer <token or API key>.")
        credential = authorization[len(_BEARER) :].strip()
        if looks_like_api_key(credential):
            return authenticate_api_key(credential, self._api_keys, correlation_id=correlation_id)
        return self._user(self._id_tokens.verify(credential), correlation_id)

    def _user(self, identity: IdTokenIdentity, correlation_id: str) -> TenantContext:
        # The role is read from the tenant's user record, never from the token.
        try:
            user = self._users.get(system_context(identity.tenant_id, "authorizer", correlation_id), identity.subject)
        except NotFound as error:
            raise Unauthenticated("No such user in this tenant.") from error
        if user.status not in _SIGN_IN_STATUSES:
            raise Unauthenticated("This user cannot sign in.")
        try:
            role = Role(user.role)
        except ValueError as error:
            raise Unauthenticated("The user's role is not known.") from error
        return TenantContext(
            tenant_id=identity.tenant_id,
            principal_id=identity.subject,
            kind=PrincipalKind.USER,
            role=role,
            locale=user.locale or "en",
            correlation_id=correlation_id,
            team=user.team,
        )


def stage_wide_resource(method_arn: str) -> str:
    """`arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}` → `...:{api}/{stage}/*/*`."""
    parts = method_arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "execute-api":
        raise Unauthenticated("Not an execute-api method ARN.")
    api_id, _, rest = parts[5].partition("/")
    stage = rest.partition("/")[0]
    if not api_id or not stage:
        raise Unauthenticated("Not an execute-api method ARN.")
    return ":".join(parts[:5]) + f":{api_id}/{stage}/*/*"


def allow_policy(principal: TenantContext, resource: str, usage_key: str | None = None) -> dict:
    # API Gateway context values must be strings; absent rather than empty when they do not apply.
    context = {
        "tenant_id": principal.tenant_id,
        "principal_id": principal.principal_id,
        "kind": principal.kind.value,
    }
    if principal.role is not None:
        context["role"] = principal.role.value
        context["locale"] = principal.locale
    if principal.team:
        context["team"] = principal.team
    if principal.kind is PrincipalKind.API_KEY:
        context["scopes"] = ",".join(sorted(principal.scopes))
    policy = {
        "principalId": principal.actor,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}],
        },
        "context": context,
    }
    if usage_key:
        policy["usageIdentifierKey"] = usage_key
    return policy


@lru_cache(maxsize=1)
def authorizer() -> Authorizer:
    """Built once per container; tests clear it after changing settings."""
    settings = get_settings()
    clients = TenantClients(settings)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    return Authorizer(
        id_tokens=IdTokenVerifier.for_user_pool(settings),
        users=EntityStore(clients, USER_KIND, settings.table_name, cursors),
        api_keys=DynamoApiKeyRepository(
            EntityStore(clients, API_KEY_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        usage_keys=CachedUsageKeys(DynamoTenantRepository(clients, settings.table_name)),
    )


# log_event=False explicitly: the event holds the caller's token, which must never reach a log.
@logger.inject_lambda_context(log_event=False, clear_state=True)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    correlation_id = getattr(context, "aws_request_id", "") or ""
    logger.set_correlation_id(correlation_id)
    try:
        return authorizer().authorize(
            str(event.get("authorizationToken") or ""), str(event.get("methodArn") or ""), correlation_id
        )
    except Unauthenticated as refusal:
        logger.info("unauthorized", extra={"reason": refusal.detail})
        # The exact message API Gateway turns into 401 (a Deny policy would be 403); no chained cause.
        raise Exception("Unauthorized") from None
