"""CSV export of a filtered list: every page the list would show, as one UTF-8 CSV with a BOM (so Excel opens
Chinese text correctly), stored under the tenant's prefix and handed out through a short-lived download URL.

The rows come from the entity's own list service, so an export shows exactly what the caller may list.
Nested values are flattened: a map into `field.key` columns, a list of plain values joined with "; ", a
list of maps (a contact's phones) as JSON.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, Field
from ulid import ULID

from servicejob.dal.keys import tenant_object_key
from servicejob.dal.pagination import MAX_LIMIT, Page
from servicejob.domain import accounts, contacts, leads, opportunities
from servicejob.domain.column_maps import READ_PERMISSION, ImportEntity
from servicejob.errors import FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext

DOWNLOAD_URL_SECONDS = 300
MAX_EXPORT_ROWS = 10_000  # read within one API request (50 list pages); larger lists need a filter
EXPORT_TAGS = {"servicejob:kind": "export"}  # the documents bucket expires tagged exports after 7 days


class ExportFile(BaseModel):
    url: str = Field(description="GET it within expires_in_seconds; it is a download of the CSV")
    file_name: str
    rows: int
    expires_in_seconds: int


class ExportFiles(Protocol):
    def write(self, ctx: TenantContext, key: str, body: bytes, content_type: str, tags: Mapping[str, str]) -> None: ...
    def download_url(self, ctx: TenantContext, key: str, expires_in: int, file_name: str) -> str: ...


@dataclass
class ExportSources:
    accounts: accounts.AccountRepository
    contacts: contacts.ContactRepository
    leads: leads.LeadRepository
    opportunities: opportunities.OpportunityRepository


@dataclass(frozen=True)
class ExportFilter:
    q: str | None = None  # name prefix: accounts, contacts, leads
    account_id: str | None = None  # the account's children: contacts, opportunities


def _lister(
    ctx: TenantContext, sources: ExportSources, entity: ImportEntity, where: ExportFilter
) -> Callable[[str | None], Page]:
    if where.account_id and entity in (ImportEntity.ACCOUNTS, ImportEntity.LEADS):
        raise ValidationFailed("Invalid filter.", [FieldError("account_id", f"{entity.value} have no account filter")])
    if where.q and entity is ImportEntity.OPPORTUNITIES:
        raise ValidationFailed("Invalid filter.", [FieldError("q", "opportunities have no name search")])
    if entity is ImportEntity.ACCOUNTS:
        return lambda cursor: accounts.list_accounts(ctx, sources.accounts, MAX_LIMIT, cursor, where.q)
    if entity is ImportEntity.LEADS:
        return lambda cursor: leads.list_leads(ctx, sources.leads, MAX_LIMIT, cursor, where.q)
    if entity is ImportEntity.CONTACTS:
        if where.account_id:
            return lambda cursor: contacts.list_account_contacts(
                ctx, sources.contacts, sources.accounts, where.account_id, MAX_LIMIT, cursor
            )
        return lambda cursor: contacts.list_contacts(ctx, sources.contacts, MAX_LIMIT, cursor, where.q)
    if where.account_id:
        return lambda cursor: opportunities.list_account_opportunities(
            ctx, sources.opportunities, sources.accounts, where.account_id, MAX_LIMIT, cursor
        )
    return lambda cursor: opportunities.list_opportunities(ctx, sources.opportunities, MAX_LIMIT, cursor)


def _records(list_page: Callable[[str | None], Page]) -> Iterator[BaseModel]:
    cursor: str | None = None
    count = 0
    while True:
        page = list_page(cursor)
        for item in page.items:
            count += 1
            if count > MAX_EXPORT_ROWS:
                raise ValidationFailed(
                    "The list is too long to export at once.",
                    [FieldError("q", f"more than {MAX_EXPORT_ROWS} rows; narrow the list with a filter", "too_many")],
                )
            yield item
        if not (cursor := page.next_cursor):
            return


def flatten(record: Mapping[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for name, value in record.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            for key, inner in value.items():
                if inner is not None:
                    row[f"{name}.{key}"] = "; ".join(map(str, inner)) if isinstance(inner, list) else str(inner)
        elif isinstance(value, list):
            is_plain = all(not isinstance(item, Mapping | list) for item in value)
            row[name] = "; ".join(map(str, value)) if is_plain else json.dumps(value, ensure_ascii=False)
        else:
            row[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return row


def to_csv(rows: list[dict[str, str]], leading: list[str]) -> bytes:
    """UTF-8 with BOM; the model's fields first in their order, then any flattened ones."""
    headers = list(leading)
    seen = set(headers)
    for row in rows:
        for name in row:
            if name not in seen:
                seen.add(name)
                headers.append(name)
    headers = [name for name in headers if any(name in row for row in rows)] or leading
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=headers, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def export_list(
    ctx: TenantContext, sources: ExportSources, files: ExportFiles, entity: ImportEntity, where: ExportFilter
) -> ExportFile:
    ctx.require(READ_PERMISSION[entity])
    records = [record.model_dump(mode="json") for record in _records(_lister(ctx, sources, entity, where))]
    leading = [name for name in (records[0] if records else {}) if name != "stage_history"]
    body = to_csv([flatten({k: v for k, v in r.items() if k != "stage_history"}) for r in records], leading)
    file_name = f"{entity.value}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}.csv"
    key = tenant_object_key(ctx.tenant_id, "exports", f"{ULID()}.csv")
    files.write(ctx, key, body, "text/csv; charset=utf-8", EXPORT_TAGS)
    url = files.download_url(ctx, key, DOWNLOAD_URL_SECONDS, file_name)
    return ExportFile(url=url, file_name=file_name, rows=len(records), expires_in_seconds=DOWNLOAD_URL_SECONDS)
