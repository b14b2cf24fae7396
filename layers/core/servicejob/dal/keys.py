"""Every DynamoDB key is built here, from a tenant id that came from a TenantContext.

No other module formats a key; a partition key always starts with the tenant id so that
`dynamodb:LeadingKeys` = `${aws:PrincipalTag/TenantId}#*` holds for every request-path call.
"""

import hashlib

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


def due_index_pk(tenant_id: str, entity_type: str, status: str) -> str:
    return f"{tenant_id}#{entity_type}#{status}#by-due"


def children_pk(tenant_id: str, parent_type: str, parent_id: str, child_type: str) -> str:
    return f"{tenant_id}#{parent_type}#{parent_id}#{child_type}"


def match_key_pk(tenant_id: str, kind: str, value: str) -> str:
    """Records holding one normalized duplicate-match key (servicejob.domain.duplicates)."""
    return f"{tenant_id}#match#{kind}#{value}"


def match_key_sk(entity_type: str, entity_id: str) -> str:
    return f"{entity_type}#{entity_id}"


def score_index_pk(tenant_id: str) -> str:
    """Accounts by scorecard tier, then score from high to low (GSI3; accounts have no parent)."""
    return f"{tenant_id}#account#by-score"


def score_index_sk(tier: str, score_tenths: int, account_id: str) -> str:
    # Tiers sort A..D (best first); within a tier the inverted score sorts the highest first.
    return f"{tier}#{1000 - score_tenths:04d}#{account_id}"


def tier_prefix(tier: str) -> str:
    return f"{tier}#"


def audience_pk(tenant_id: str, entity_type: str, audience: str) -> str:
    """Records of one type seen by one audience (`team:{name}` or `user:{id}`, see auth.visibility)."""
    return f"{tenant_id}#{entity_type}#seen-by#{audience}"


def audience_of(audience_partition: str) -> str:
    """The audience an `audience_pk` names."""
    return audience_partition.partition("#seen-by#")[2]


def tenant_pk(tenant_id: str) -> str:
    return f"{tenant_id}#tenant"


def audit_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    return f"{tenant_id}#audit#{entity_type}#{entity_id}"


def round_robin_counter_pk(tenant_id: str, rule_name: str) -> str:
    return f"{tenant_id}#counter#round-robin#{rule_name}"


def comments_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    """The comments on one record; sort key = comment id (ULID), so oldest first is a forward Query."""
    return f"{tenant_id}#{entity_type}#{entity_id}#comments"


def followers_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    """The users following one record; sort key = user id."""
    return f"{tenant_id}#{entity_type}#{entity_id}#followers"


def inbox_pk(tenant_id: str, user_id: str) -> str:
    """One user's notifications; sort key = notification id (ULID), so newest first is a reverse Query."""
    return f"{tenant_id}#inbox#{user_id}"


def unread_inbox_pk(tenant_id: str, user_id: str) -> str:
    """GSI2 partition holding only the user's unread notifications (sparse: reading removes the keys)."""
    return f"{tenant_id}#inbox#{user_id}#unread"


def reminder_ledger_pk(tenant_id: str, day: str) -> str:
    return f"{tenant_id}#reminders#{day}"


def quote_series_pk(tenant_id: str, opportunity_id: str) -> str:
    return f"{tenant_id}#opportunity#{opportunity_id}#quote-series"


def quote_number_counter_pk(tenant_id: str, year: int) -> str:
    return f"{tenant_id}#counter#quote-number#{year}"


def quote_pdf_object_key(tenant_id: str, quote_id: str, version: int) -> str:
    """Documents bucket: under the tenant's prefix, the only one its credentials may touch; one per version."""
    return f"{tenant_id}/quotes/{quote_id}/{version}.pdf"


def quote_preview_object_key(tenant_id: str, actor: str) -> str:
    """One template preview per user, overwritten by the next, so previews never pile up."""
    return f"{tenant_id}/quote-previews/{hashlib.sha256(actor.encode()).hexdigest()[:32]}.pdf"


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


def rollup_pk(tenant_id: str, name: str) -> str:
    """A report rollup (`funnel`, or `funnel#owner#{id}` for one dimension value); the sort key is the month."""
    return f"{tenant_id}#rollup#{name}"


def rollup_state_pk(tenant_id: str, entity_type: str, entity_id: str) -> str:
    """What one record currently adds to the rollups, and the version it was taken from."""
    return f"{tenant_id}#rollup-state#{entity_type}#{entity_id}"


ROLLUP_STATE = "STATE"


def visibility_backfill_pk(tenant_id: str) -> str:
    """Progress of the pass tagging a tenant's records written before record visibility existed."""
    return f"{tenant_id}#backfill#visibility"
