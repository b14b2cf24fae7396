"""Quotes in DynamoDB: `{t}#quote#{id}` / META, listed on GSI1 and under their opportunity on GSI3 (oldest
first, so in revision order). The per-opportunity series item `{t}#opportunity#{id}#quote-series` / META
holds the latest revision; a new version is one TransactWriteItems: series advanced from the revision read,
new quote put, previous quote marked superseded at the version read. The quote number's sequence is an
atomic ADD on `{t}#counter#quote-number#{year}` / META.
"""

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import QuoteItem, QuoteSeriesItem, QuoteSettingsItem
from servicejob.dal.pagination import Page
from servicejob.dal.settings_document import SettingsDocument
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.quotes import Quote, QuoteSeries, QuoteSettings
from servicejob.errors import Conflict
from servicejob.tenancy.context import TenantContext

QUOTE_KIND = EntityKind("quote", QuoteItem, parent=("opportunity", "opportunity_id"))


def _to_quote(item: QuoteItem) -> Quote:
    return Quote.model_validate(item.attribute_values)


class DynamoQuoteRepository:
    def __init__(self, store: EntityStore[QuoteItem], clients: TenantClients, table_name: str):
        self._store = store
        self._clients = clients
        self._table = table_name

    def get(self, ctx: TenantContext, quote_id: str) -> Quote:
        return _to_quote(self._store.get(ctx, quote_id))

    def series(self, ctx: TenantContext, opportunity_id: str) -> QuoteSeries | None:
        response = self._client(ctx).get_item(
            TableName=self._table,
            Key=self._key(keys.quote_series_pk(ctx.tenant_id, opportunity_id)),
            ConsistentRead=True,
        )
        if "Item" not in response:
            return None
        return QuoteSeries.model_validate(QuoteSeriesItem.from_raw_data(response["Item"]).attribute_values)

    def next_number(self, ctx: TenantContext, year: int) -> int:
        response = self._client(ctx).update_item(
            TableName=self._table,
            Key=self._key(keys.quote_number_counter_pk(ctx.tenant_id, year)),
            UpdateExpression="ADD issued :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["issued"]["N"])

    def add_version(
        self, ctx: TenantContext, quote_id: str, fields: Mapping[str, Any], previous: Quote | None
    ) -> Quote:
        item, put = self._store.put_request(ctx, quote_id, fields)
        series = QuoteSeriesItem(
            keys.quote_series_pk(ctx.tenant_id, item.opportunity_id),
            keys.META,
            number=item.number,
            revision=item.revision,
            latest_quote_id=quote_id,
        )
        series_put: dict[str, Any] = {"TableName": self._table, "Item": series.serialize()}
        if previous is None:
            series_put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            series_put["ConditionExpression"] = "revision = :read"
            series_put["ExpressionAttributeValues"] = {":read": {"N": str(previous.revision)}}
        actions: list[dict[str, Any]] = [{"Put": series_put}, {"Put": put}]
        if previous is not None:
            superseding = self._store.changes_request(ctx, previous.id, {"superseded_by": quote_id}, previous.version)
            actions.append({"Update": superseding})
        try:
            self._client(ctx).transact_write_items(TransactItems=actions)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            raise Conflict(
                "Another version of this quote was created or changed meanwhile; reload the quotes and try again."
            ) from error
        return _to_quote(item)

    def update(self, ctx: TenantContext, quote_id: str, changes: Mapping[str, Any], expected_version: int) -> Quote:
        return _to_quote(self._store.update(ctx, quote_id, changes, expected_version))

    def list(self, ctx: TenantContext, opportunity_id: str, limit: int, cursor: str | None) -> Page[Quote]:
        page = self._store.list(ctx, limit, cursor, parent_id=opportunity_id)
        return Page([_to_quote(item) for item in page.items], page.next_cursor)

    @staticmethod
    def _key(pk: str) -> dict:
        return {table_spec.PK: {"S": pk}, table_spec.SK: {"S": keys.META}}

    def _client(self, ctx: TenantContext):
        return self._clients.dynamodb(ctx.tenant_id)


QUOTE_SETTINGS_KIND = EntityKind("settings", QuoteSettingsItem)
QUOTE_SETTINGS_ID = "quotes"


class DynamoQuoteSettingsRepository(SettingsDocument[QuoteSettingsItem, QuoteSettings]):
    def __init__(self, store: EntityStore[QuoteSettingsItem]):
        super().__init__(store, QUOTE_SETTINGS_ID, QuoteSettings)
