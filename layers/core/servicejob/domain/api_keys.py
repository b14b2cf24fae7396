"""API keys for external systems: issue (secret shown once), list, revoke, and authenticate a presented key.

A key acts for its own tenant with its scopes only. Scopes are a subset of `API_KEY_SCOPES` and of the
creator's own permissions, so nobody hands out more than they hold. Revoking keeps the record (audit
trail, list) with `revoked_at` set; revoking an already revoked key is a no-op, so DELETE is idempotent.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicejob.auth import api_keys as key_format
from servicejob.auth.permissions import API_KEY_SCOPES, Permission
from servicejob.clock import to_iso, utc_now
from servicejob.dal.pagination import Page
from servicejob.errors import ErrorList, FieldError, Forbidden, Unauthenticated
from servicejob.tenancy.context import PrincipalKind, TenantContext, system_context

# last_used_at is written at most this often per key, so busy keys do not turn every request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

KeyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ApiKeyInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: KeyName = Field(description="What the key is for, e.g. 'Xero sync'")
    scopes: list[Permission] = Field(
        min_length=1,
        max_length=len(Permission),
        description="Permissions the key carries: " + ", ".join(sorted(API_KEY_SCOPES)),
    )


class ApiKey(BaseModel):
    """A key as listed: never its secret nor the secret's hash."""

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    scopes: list[Permission]
    created_at: str
    created_by: str
    last_used_at: str | None = None
    revoked_at: str | None = None


class CreatedApiKey(ApiKey):
    secret: str = Field(description="The key to send as `Authorization: Bearer <secret>`; shown only this once")


class ApiKeyCredential(BaseModel):
    """What authentication needs from a stored key."""

    scopes: list[str]
    secret_hash: str
    last_used_at: str | None = None
    revoked_at: str | None = None


class ApiKeyRepository(Protocol):
    def add(self, ctx: TenantContext, key_id: str, fields: Mapping[str, Any]) -> ApiKey: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[ApiKey]: ...
    def revoke(self, ctx: TenantContext, key_id: str, at: str) -> None: ...
    def credential(self, ctx: TenantContext, key_id: str) -> ApiKeyCredential | None: ...
    def record_use(self, ctx: TenantContext, key_id: str, at: str, unless_used_since: str) -> None:
        """Best effort: never raises, so bookkeeping can never block authentication."""


def check_grantable_scopes(ctx: TenantContext, scopes: list[Permission]) -> None:
    """422 for a scope no key may carry, 403 for one the creator does not hold; each names its field."""
    not_for_keys = ErrorList()
    beyond_creator: list[FieldError] = []
    for position, scope in enumerate(scopes):
        field = f"scopes[{position}]"
        if scope not in API_KEY_SCOPES:
            not_for_keys.add(field, f"{scope} cannot be granted to an API key.", "scope_not_grantable")
        elif not ctx.can(scope):
            beyond_creator.append(FieldError(field, f"You do not hold {scope} yourself.", "scope_above_creator"))
    not_for_keys.raise_if_any("Some scopes cannot be granted to API keys.")
    if beyond_creator:
        raise Forbidden("A key cannot carry permissions its creator does not have.", beyond_creator)


def create_api_key(ctx: TenantContext, repository: ApiKeyRepository, data: ApiKeyInput) -> CreatedApiKey:
    ctx.require(Permission.API_KEYS_MANAGE)
    check_grantable_scopes(ctx, data.scopes)
    issued = key_format.issue_api_key(ctx.tenant_id)
    scopes = sorted(set(data.scopes))
    stored = repository.add(
        ctx, issued.key_id, {"name": data.name, "scopes": scopes, "secret_hash": issued.secret_hash}
    )
    return CreatedApiKey(**stored.model_dump(), secret=issued.plaintext)


def list_api_keys(ctx: TenantContext, repository: ApiKeyRepository, limit: int, cursor: str | None) -> Page[ApiKey]:
    ctx.require(Permission.API_KEYS_MANAGE)
    return repository.list(ctx, limit, cursor)


def revoke_api_key(ctx: TenantContext, repository: ApiKeyRepository, key_id: str) -> None:
    ctx.require(Permission.API_KEYS_MANAGE)
    repository.revoke(ctx, key_id, to_iso(utc_now()))


def authenticate_api_key(
    presented: str, repository: ApiKeyRepository, now: datetime | None = None, correlation_id: str = ""
) -> TenantContext:
    """The key's tenant context, or Unauthenticated for a malformed, unknown, mismatched or revoked key."""
    parsed = key_format.parse_api_key(presented)
    if parsed is None:
        raise Unauthenticated("Not an API key.")
    lookup = system_context(parsed.tenant_id, "authorizer", correlation_id)
    credential = repository.credential(lookup, parsed.key_id)
    if credential is None or not parsed.matches(credential.secret_hash):
        raise Unauthenticated("Unknown API key.")
    if credential.revoked_at:
        raise Unauthenticated("This API key was revoked.")
    now = now or utc_now()
    due_before = to_iso(now - LAST_USED_RESOLUTION)
    if credential.last_used_at is None or credential.last_used_at < due_before:
        repository.record_use(lookup, parsed.key_id, to_iso(now), unless_used_since=due_before)
    # Scopes are re-checked against today's grantable set, so a scope withdrawn from keys stops working.
    scopes = frozenset(Permission(scope) for scope in credential.scopes if scope in API_KEY_SCOPES)
    return TenantContext(
        tenant_id=parsed.tenant_id,
        principal_id=parsed.key_id,
        kind=PrincipalKind.API_KEY,
        scopes=scopes,
        correlation_id=correlation_id,
    )
