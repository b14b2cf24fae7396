"""Builders for unit tests: tenant contexts for users and API keys, each with fresh ULIDs."""

import pytest
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.tenancy.context import PrincipalKind, TenantContext


def user_context(role: Role, tenant_id: str | None = None) -> TenantContext:
    return TenantContext(
        tenant_id=tenant_id or str(ULID()), principal_id=str(ULID()), kind=PrincipalKind.USER, role=role
    )


def api_key_context(scopes: set[Permission], tenant_id: str | None = None) -> TenantContext:
    return TenantContext(
        tenant_id=tenant_id or str(ULID()),
        principal_id=str(ULID()),
        kind=PrincipalKind.API_KEY,
        scopes=frozenset(scopes),
    )


@pytest.fixture
def tenant_id() -> str:
    return str(ULID())


@pytest.fixture(name="user_ctx")
def user_context_builder():
    """`user_ctx(role, tenant_id=None)` → a user's TenantContext."""
    return user_context


@pytest.fixture(name="key_ctx")
def api_key_context_builder():
    """`key_ctx(scopes, tenant_id=None)` → an API key's TenantContext."""
    return api_key_context
