"""PynamoDB item models on the single table, told apart by the `type` discriminator.

The models give the item schema and (de)serialization; the repositories send the requests with
tenant-scoped clients (see `tenant_access`), so no model ever uses PynamoDB's class-level connection.
"""

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import MAP, STRING
from pynamodb.models import Model

from servicejob.config import get_settings
from servicejob.dal import table_spec


class Item(Model):
    class Meta:
        table_name = get_settings().table_name
        region = get_settings().region

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    expiration = TTLAttribute(null=True, attr_name=table_spec.TTL_ATTRIBUTE)


class EntityItem(Item):
    """A versioned, audited business record. Deletion is soft: `deleted_at` set, list keys removed, TTL set."""

    id = UnicodeAttribute()
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    correlation_id = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)
    # Whose audience (auth.visibility) GSI4PK names: the owner, or the creator of an unowned record.
    visibility_owner = UnicodeAttribute(null=True)


class AccountItem(EntityItem, discriminator="account"):
    name = UnicodeAttribute()
    website = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    industry = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    branch = UnicodeAttribute(null=True)
    business_lines = ListAttribute(of=UnicodeAttribute, default=list)
    responsible_user_id = UnicodeAttribute(null=True)
    ap_contact_id = UnicodeAttribute(null=True)
    billing_address = JSONAttribute(null=True)  # {lines, city, region, postal_code, country}
    hk_br_number = UnicodeAttribute(null=True)
    prc_uscc = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # absent on accounts made before it existed: read as prospect
    last_contact_at = UnicodeAttribute(null=True)
    next_contact_at = UnicodeAttribute(null=True)
    merged_accounts = JSONAttribute(null=True)  # [{id, name}]: the names stay readable once they are deleted
    merging_into = UnicodeAttribute(null=True)  # the survivor, while this account is being merged into it
    merged_into = UnicodeAttribute(null=True)  # set with deleted_at when the merge finished
    scorecard = JSONAttribute(null=True)  # {scores: {key: "7.5"}, score: "73.5", tier: "B"}


class ContactItem(EntityItem, discriminator="contact"):
    account_id = UnicodeAttribute()
    name_zh = UnicodeAttribute(null=True)
    name_en = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute()  # name_en or else name_zh: the by-name index (GSI2)
    title = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    phones = JSONAttribute(null=True)  # [{kind, number}]
    email = UnicodeAttribute(null=True)
    is_primary = BooleanAttribute(default=False)
    responsible_user_id = UnicodeAttribute(null=True)
    last_call_at = UnicodeAttribute(null=True)
    next_call_at = UnicodeAttribute(null=True)


class LeadItem(EntityItem, discriminator="lead"):
    company_name = UnicodeAttribute()
    contact_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    business_line = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    branch = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    owner_user_id = UnicodeAttribute(null=True)
    # Set together, in the transaction converting the lead
    account_id = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)
    opportunity_id = UnicodeAttribute(null=True)
    converted_at = UnicodeAttribute(null=True)


class ActivityItem(EntityItem, discriminator="activity"):
    kind = UnicodeAttribute()  # call | meeting | visit | email | task
    status = UnicodeAttribute()  # planned | done | cancelled
    subject = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    minutes = UnicodeAttribute(null=True)  # of a meeting
    due_at = UnicodeAttribute(null=True)  # UTC ISO; orders the planned ones on GSI2
    done_at = UnicodeAttribute(null=True)
    owner_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # the parent on GSI3
    contact_id = UnicodeAttribute(null=True)
    opportunity_id = UnicodeAttribute(null=True)
    lead_id = UnicodeAttribute(null=True)


class ReminderSettingsItem(EntityItem, discriminator="reminder-settings"):
    """`{t}#settings#reminders` / META."""

    inactive_after_days = NumberAttribute()
    digest_email = BooleanAttribute()


class AssignmentRulesItem(EntityItem, discriminator="assignment_rules"):
    """One per tenant, `{t}#settings#assignment-rules` / META: the ordered lead assignment rules."""

    rules = JSONAttribute()
    fallback_user_id = UnicodeAttribute(null=True)


class TenantItem(EntityItem, discriminator="tenant"):
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    tier = UnicodeAttribute(default="basic")
    owner_email = UnicodeAttribute()
    owner_name = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    base_currency = UnicodeAttribute()
    locale = UnicodeAttribute()
    failure_reason = UnicodeAttribute(null=True)
    # The tenant's API Gateway usage key (servicejob.workflows.onboarding.TenantUsageKeys); the value is
    # what the authorizer returns as usageIdentifierKey and is never logged nor returned by the API.
    usage_key_id = UnicodeAttribute(null=True)
    usage_key_value = UnicodeAttribute(null=True)


class UserItem(EntityItem, discriminator="user"):
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()
    locale = UnicodeAttribute()
    team = UnicodeAttribute(null=True)
    # Set once the invitation e-mail went out: a retried invitation then sends no second password.
    invitation_sent_at = UnicodeAttribute(null=True)


class ApiKeyItem(EntityItem, discriminator="apikey"):
    name = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute)
    secret_hash = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)


class SalesStagesItem(EntityItem, discriminator="sales-stages"):
    """The tenant's funnel: one item, `{t}#settings#sales-stages` / META."""

    stages = ListAttribute()  # of {key, names, probability, kind} maps


class QuoteSettingsItem(EntityItem, discriminator="quote-settings"):
    """The tenant's quote defaults: one item, `{t}#settings#quotes` / META."""

    default_tax_rate_percent = UnicodeAttribute()  # a decimal string
    template = JSONAttribute(null=True)  # domain.quote_template.QuoteTemplate; absent before templates existed


class ScorecardSettingsItem(EntityItem, discriminator="scorecard-settings"):
    """The tenant's scorecard: one item, `{t}#settings#scorecard` / META."""

    factors = JSONAttribute()
    tiers = JSONAttribute()
    # Re-scoring after a change, written without bumping `version` (servicejob.domain.scorecard).
    recalculation = JSONAttribute(null=True)
    recalculation_cursor = JSONAttribute(null=True)  # the accounts list's LastEvaluatedKey, internal


class MoneyAttribute(Attribute[dict[str, str]]):
    """servicejob.money.Money as a map {amount: S (the decimal string), currency: S}; a plain dict in Python."""

    attr_type = MAP

    def serialize(self, value: dict[str, str]) -> dict:
        return {"amount": {STRING: str(value["amount"])}, "currency": {STRING: value["currency"]}}

    def deserialize(self, value: dict) -> dict[str, str]:
        return {"amount": value["amount"][STRING], "currency": value["currency"][STRING]}


class OpportunityItem(EntityItem, discriminator="opportunity"):
    name = UnicodeAttribute()
    account_id = UnicodeAttribute()
    amount = MoneyAttribute()
    expected_close_date = UnicodeAttribute()
    owner_user_id = UnicodeAttribute(null=True)
    business_line = UnicodeAttribute(null=True)
    stage = UnicodeAttribute()
    probability = NumberAttribute()
    status = UnicodeAttribute()
    stage_history = ListAttribute()  # of {stage, entered_at, by} maps, oldest first
    lost_reason = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    lead_id = UnicodeAttribute(null=True)
    lead_created_at = UnicodeAttribute(null=True)


class NotificationItem(Item, discriminator="notification"):
    """`{t}#inbox#{user}` / `{id}`; while unread also on GSI2 `{t}#inbox#{user}#unread`. Not versioned, not audited."""

    id = UnicodeAttribute()
    recipient_user_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    entity = UnicodeAttribute()
    params = JSONAttribute()
    actor = UnicodeAttribute()
    created_at = UnicodeAttribute()
    read_at = UnicodeAttribute(null=True)


class MatchKeyItem(Item, discriminator="match_key"):
    """One normalized duplicate-match key of one record: `{t}#match#{kind}#{value}` / `{type}#{id}`."""

    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    name = UnicodeAttribute()


class CommentItem(Item, discriminator="comment"):
    """`{t}#{type}#{id}#comments` / `{comment id}`: immutable, so neither versioned nor audited."""

    id = UnicodeAttribute()
    entity = UnicodeAttribute()
    author = UnicodeAttribute()
    body = UnicodeAttribute()
    mentions = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()


class FollowerItem(Item, discriminator="follower"):
    """`{t}#{type}#{id}#followers` / `{user id}`."""

    user_id = UnicodeAttribute()
    entity = UnicodeAttribute()
    followed_at = UnicodeAttribute()


class QuoteItem(EntityItem, discriminator="quote"):
    opportunity_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    number = UnicodeAttribute()
    revision = NumberAttribute()
    status = UnicodeAttribute()
    currency = UnicodeAttribute()
    lines = JSONAttribute()  # [{description, kind, quantity, unit_rate, discount_percent, amount, discount, net}]
    tax_rate_percent = UnicodeAttribute()  # decimal string, like every amount: never a DynamoDB Number
    subtotal = MoneyAttribute()
    discount = MoneyAttribute()
    tax = MoneyAttribute()
    total = MoneyAttribute()
    valid_until = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    superseded_by = UnicodeAttribute(null=True)


class QuoteSeriesItem(Item, discriminator="quote-series"):
    """One per opportunity with quotes: `{t}#opportunity#{id}#quote-series` / META (not an entity, not audited)."""

    number = UnicodeAttribute()
    revision = NumberAttribute()
    latest_quote_id = UnicodeAttribute()


class AuditItem(Item, discriminator="audit"):
    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = UnicodeAttribute()
    version = NumberAttribute(null=True)
    changes = JSONAttribute()
    correlation_id = UnicodeAttribute(null=True)


class ImportJobItem(EntityItem, discriminator="import"):
    """A CSV import: `{t}#import#{id}` / META; its row errors are items under `{t}#import#{id}#errors`."""

    entity = UnicodeAttribute()
    mapping = UnicodeAttribute()
    file_name = UnicodeAttribute()
    encoding = UnicodeAttribute(null=True)  # as asked; the detected one once the file was read
    status = UnicodeAttribute()
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    rows_valid = NumberAttribute(default=0)
    error_rows = NumberAttribute(default=0)
    rows_committed = NumberAttribute(default=0)
    # Commit progress: every valid row up to this line is written (in the same transaction as its records).
    committed_through_line = NumberAttribute(default=0)
    upload_etag = UnicodeAttribute(null=True)  # the file the dry run read; the commit reads exactly it
    duplicates = JSONAttribute(null=True)  # [RowDuplicates]: the first rows' likely duplicates
    duplicate_rows = NumberAttribute(default=0)  # rows with likely duplicates, all of them
    failure = JSONAttribute(null=True)  # {field, message, code}
    commit_attempts = NumberAttribute(default=0)
    committed_by = UnicodeAttribute(null=True)  # the user whose commit writes the records (their actor)


class ExportJobItem(EntityItem, discriminator="export"):
    """An export: `{t}#export#{id}` / META, listed per requester on GSI3; the CSV is {t}/exports/{id}.csv."""

    entity = UnicodeAttribute()
    filters = JSONAttribute()  # the list's filters: {q, account_id, sort, tier}
    status = UnicodeAttribute()
    rows_done = NumberAttribute(default=0)
    file_name = UnicodeAttribute()
    failure = JSONAttribute(null=True)  # {field, message, code}
    # The requester as they were, whose list the export is (auth.visibility applies to it).
    requested_by = UnicodeAttribute()
    requested_role = UnicodeAttribute(null=True)
    requested_team = UnicodeAttribute(null=True)
    requested_scopes = ListAttribute(of=UnicodeAttribute, default=list)
    # The multipart upload and how far it got: every part recorded, and the list's cursor after the last.
    upload_id = UnicodeAttribute(null=True)
    parts = JSONAttribute(null=True)  # [{number, etag}]
    next_cursor = UnicodeAttribute(null=True)
    rows_written = NumberAttribute(default=0)


class ImportRowErrorsItem(Item, discriminator="import_row_errors"):
    line = NumberAttribute()
    errors = JSONAttribute()  # [{field, column, message, code}]


class ImportMappingItem(EntityItem, discriminator="import_mapping"):
    name = UnicodeAttribute()
    entity = UnicodeAttribute()
    columns = JSONAttribute()  # [{column, field}]
