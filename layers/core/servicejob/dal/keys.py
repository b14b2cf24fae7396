"""Every DynamoDB key is built here, from a tenant id that came from a TenantContext.

No other module formats a key; a partition key always starts with the tenant id so that
`dynamodb:LeadingKeys` = `${aws:PrincipalTag/TenantId}#*` holds for every request-path call.
"""

META = "META"


def entity_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    return f"{tenant_id}#{entity_type}#{entity_id}"


def parse_entity_pk(pk: str) -> tuple[str, str, str] | None:
    """(tenant id, entity type, entity id) of an `entity_pk`, or None for any other key shape."""
    parts = pk.split("#")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def type_list_pk(tenant_id: str, entity_type: str) -> str:
    return f"{tenant_id}#{entity_type}"


def name_index_pk(tenant_id: str, entity_type: str) -> str:
    return f"{tenant_id}#{entity_type}#by-name"


def children_pk(tenant_id: str, parent_type: str, parent_id: str, child_type: str) -> str:
    return f"{tenant_id}#{parent_type}#{parent_id}#{child_type}"


def audience_pk(tenant_id: str, entity_type: str, audience: str) -> str:
    """Records of one type seen by one audience (`team:{name}` or `user:{id}`, see auth.visibility)."""
    return f"{tenant_id}#{entity_type}#seen-by#{audience}"


def tenant_pk(tenant_id: str) -> str:
    return f"{tenant_id}#tenant"


def audit_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    return f"{tenant_id}#audit#{entity_type}#{entity_id}"


def assignment_rules_pk(tenant_id: str) -> str:
    return f"{tenant_id}#settings#assignment-rules"


def round_robin_counter_pk(tenant_id: str, rule_name: str) -> str:
    return f"{tenant_id}#counter#round-robin#{rule_name}"


def inbox_pk(tenant_id: str, user_id: str) -> str:
    """One user's notifications; sort key = notification id (ULID), so newest first is a reverse Query."""
    return f"{tenant_id}#inbox#{user_id}"


def unread_inbox_pk(tenant_id: str, user_id: str) -> str:
    """GSI2 partition holding only the user's unread notifications (sparse: reading removes the keys)."""
    return f"{tenant_id}#inbox#{user_id}#unread"


def idempotency_pk(tenant_id: str) -> str:
    return f"{tenant_id}#idempotency"


def rate_limit_pk(scope: str, subject: str) -> str:
    """Control-plane counters (signup); not tenant data, never on a tenant-scoped path."""
    return f"ratelimit#{scope}#{subject}"


def import_errors_pk(tenant_id: str, job_id: str) -> str:
    """The row errors a dry run found, one item per invalid row, sorted by line."""
    return f"{tenant_id}#import#{job_id}#errors"


def import_error_sk(line: int) -> str:
    return f"{line:08d}"


def tenant_object_key(tenant_id: str, folder: str, name: str) -> str:
    """S3 keys live under the tenant's own prefix, the only one its role may touch."""
    return f"{tenant_id}/{folder}/{name}"
