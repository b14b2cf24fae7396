"""Who is calling, for which tenant. Built only from verified credentials (authorizer output)."""

from dataclasses import dataclass
from enum import StrEnum

from servicejob.auth.permissions import Permission, Role, permissions_for_role
from servicejob.errors import Forbidden


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "apikey"
    SYSTEM = "system"


@dataclass(frozen=True)
class TenantContext:
    tenant_id: str
    principal_id: str
    kind: PrincipalKind
    role: Role | None = None
    scopes: frozenset[Permission] = frozenset()
    locale: str = "en"
    correlation_id: str = ""
    team: str | None = None  # a user's team, which decides the records they see (auth.visibility)

    @property
    def actor(self) -> str:
        """How audit records and events name the caller: `user:{id}`, `apikey:{id}` or `system:{name}`."""
        return f"{self.kind.value}:{self.principal_id}"

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.kind is PrincipalKind.USER and self.role is not None:
            return permissions_for_role(self.role)
        return self.scopes

    def can(self, permission: Permission) -> bool:
        return self.kind is PrincipalKind.SYSTEM or permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"Your role or key does not allow {permission}.")


def system_context(tenant_id: str, name: str, correlation_id: str = "") -> TenantContext:
    """Context for workflows and event processing acting on behalf of the platform for one tenant."""
    return TenantContext(
        tenant_id=tenant_id, principal_id=name, kind=PrincipalKind.SYSTEM, correlation_id=correlation_id
    )
