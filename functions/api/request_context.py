"""Builds the TenantContext from the authorizer's verified output, and nothing else.

The authorizer (functions/authorizer) verified the Cognito token or the API key and put the tenant,
principal, role and scopes into requestContext.authorizer; headers, path and body are never read for them.
"""

import re

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from servicejob.auth.permissions import Permission, Role
from servicejob.errors import Unauthenticated
from servicejob.tenancy.context import PrincipalKind, TenantContext

# A client's X-Correlation-Id is kept when it is a plain token; anything else is replaced by the request id,
# because it is stored on items and copied into logs, audit records and events.
_CLIENT_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def correlation_id_of(event: dict) -> str:
    """The request's correlation id, from the raw proxy event (before the resolver parses it)."""
    sent = next(
        (value for name, value in (event.get("headers") or {}).items() if name.lower() == "x-correlation-id"), None
    )
    if sent and _CLIENT_CORRELATION_ID.fullmatch(sent):
        return sent
    return (event.get("requestContext") or {}).get("requestId") or ""


def correlation_id(app: APIGatewayRestResolver) -> str:
    return app.context.get("correlation_id", "")


def tenant_context(app: APIGatewayRestResolver) -> TenantContext:
    authorizer = app.current_event.request_context.authorizer.raw_event or {}
    tenant_id = authorizer.get("tenant_id")
    principal_id = authorizer.get("principal_id")
    if not tenant_id or not principal_id:
        raise Unauthenticated("Sign in or send an API key.")
    kind = PrincipalKind(authorizer.get("kind", PrincipalKind.USER))
    role = Role(authorizer["role"]) if authorizer.get("role") else None
    scopes = frozenset(Permission(scope) for scope in (authorizer.get("scopes") or "").split(",") if scope)
    return TenantContext(
        tenant_id=tenant_id,
        principal_id=principal_id,
        kind=kind,
        role=role,
        scopes=scopes,
        locale=authorizer.get("locale") or "en",
        correlation_id=correlation_id(app),
        team=authorizer.get("team") or None,
    )
