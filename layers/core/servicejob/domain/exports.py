"""Export jobs: any filtered list as one CSV file, written in the background (the ExportJob state machine).

The rows come from the entity's own list service, called as the user (or API key) who asked: the job keeps
their actor, role, team and scopes, so an export holds exactly what they may list, page by page.

The file is UTF-8 with a BOM (so Excel opens Chinese text correctly), one S3 multipart upload under the
tenant's prefix. Its columns follow the entity's model, so they are known before the first row: a nested
model becomes `field.key` columns, a list of plain values is joined with "; ", a list of maps (a contact's
phones) is JSON.

Safe to retry: a part is whole list pages, at least PART_BYTES (S3's minimum, but for the last one). After
uploading part N the job records, in one versioned write, the part's ETag, the list cursor after it and the
rows written. A retried or resumed task starts from the recorded cursor and uploads part N again, which
replaces what an interrupted attempt may have sent, so no row is ever in the file twice.
"""

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Protocol, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.dal.keys import tenant_object_key
from servicejob.dal.pagination import MAX_LIMIT, Page
from servicejob.domain import accounts, contacts, leads, opportunities
from servicejob.domain.accounts import AccountSort
from servicejob.domain.column_maps import READ_PERMISSION, ImportEntity
from servicejob.domain.imports import ImportFailure
from servicejob.domain.scorecard import Tier
from servicejob.errors import FieldError, Forbidden, NotFound, ValidationFailed
from servicejob.tenancy.context import PrincipalKind, TenantContext

DOWNLOAD_URL_SECONDS = 300
MAX_EXPORT_ROWS = 1_000_000  # about 500 MB of CSV; a longer list needs a filter
PART_BYTES = 5 * 1024 * 1024  # S3's smallest multipart part (all but the last)
PAGE_ROWS = MAX_LIMIT  # the list's largest page: one DynamoDB Query each
PROGRESS_EVERY_PAGES = 5  # between parts, rows_done moves every 1,000 rows
EXPORT_TAGS = {"servicejob:kind": "export"}  # the documents bucket's lifecycle expires tagged exports
EXPORT_RETENTION_DAYS = 7  # the files (bucket lifecycle) and their jobs (TTL)
LEFT_OUT = frozenset({"stage_history"})  # an opportunity's history is its own list, not a cell
EXPORT_MODELS: dict[ImportEntity, type[BaseModel]] = {
    ImportEntity.ACCOUNTS: accounts.Account,
    ImportEntity.CONTACTS: contacts.Contact,
    ImportEntity.LEADS: leads.Lead,
    ImportEntity.OPPORTUNITIES: opportunities.Opportunity,
}
# The filters each list takes (GET /v1/accounts?q=&sort=&tier=, /v1/contacts?q= or an account's, ...).
ENTITY_FILTERS: dict[ImportEntity, frozenset[str]] = {
    ImportEntity.ACCOUNTS: frozenset({"q", "sort", "tier"}),
    ImportEntity.CONTACTS: frozenset({"q", "account_id"}),
    ImportEntity.LEADS: frozenset({"q"}),
    ImportEntity.OPPORTUNITIES: frozenset({"account_id"}),
}
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ExportFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: str | None = Field(default=None, max_length=100, description="Name prefix (accounts, contacts, leads)")
    account_id: RecordId | None = Field(default=None, description="Only this account's contacts or opportunities")
    sort: AccountSort | None = Field(default=None, description="Accounts by score (-score: highest first)")
    tier: Tier | None = Field(default=None, description="Only accounts of this scorecard tier")


class ExportJobInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: ImportEntity
    filters: ExportFilters = Field(default_factory=ExportFilters, description="The list's filters, as it takes them")


class ExportDownload(BaseModel):
    url: str = Field(description="GET it within expires_in_seconds; it is a download of the CSV")
    file_name: str
    expires_in_seconds: int


class ExportJob(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    entity: ImportEntity
    filters: ExportFilters
    status: ExportStatus
    rows_done: int = Field(default=0, description="Rows written so far; all of them once succeeded")
    download: ExportDownload | None = Field(default=None, description="Once succeeded: a short-lived link")
    failure: ImportFailure | None = Field(default=None, description="Why the export failed")
    created_at: str
    created_by: str
    updated_at: str


class StoredExportJob(ExportJob):
    """The job with what only the workflow needs."""

    file_name: str
    requested_role: Role | None = None
    requested_team: str | None = None
    requested_scopes: list[Permission] = Field(default_factory=list)
    upload_id: str | None = None
    parts: list[dict[str, Any]] = Field(default_factory=list)  # [{number, etag}], in order
    next_cursor: str | None = None  # the list's cursor after the last recorded part
    rows_written: int = 0  # rows in the recorded parts


class ExportJobRepository(Protocol):
    def get(self, ctx: TenantContext, job_id: str) -> StoredExportJob: ...
    def add(self, ctx: TenantContext, job_id: str, fields: Mapping[str, Any]) -> StoredExportJob: ...
    def update(
        self, ctx: TenantContext, job_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> StoredExportJob: ...
    def list_requested_by(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[StoredExportJob]: ...


class ExportFiles(Protocol):
    def start_upload(self, ctx: TenantContext, key: str, content_type: str, tags: Mapping[str, str]) -> str: ...
    def upload_part(self, ctx: TenantContext, key: str, upload_id: str, number: int, body: bytes) -> str: ...
    def complete_upload(self, ctx: TenantContext, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None: ...
    def download_url(self, ctx: TenantContext, key: str, expires_in: int, file_name: str) -> str: ...


class ExportRuns(Protocol):
    def start(self, tenant_id: str, job_id: str, phase: str, attempt: int, correlation_id: str) -> None: ...


@dataclass
class ExportSources:
    accounts: accounts.AccountRepository
    contacts: contacts.ContactRepository
    leads: leads.LeadRepository
    opportunities: opportunities.OpportunityRepository


@dataclass
class ExportServices:
    """What the export task reads and writes; the page and part sizes are smaller in tests."""

    jobs: ExportJobRepository
    files: ExportFiles
    sources: ExportSources
    page_rows: int = PAGE_ROWS
    part_bytes: int = PART_BYTES
    max_rows: int = MAX_EXPORT_ROWS


def object_key(tenant_id: str, job_id: str) -> str:
    return tenant_object_key(tenant_id, "exports", f"{job_id}.csv")


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed("The export cannot be made.", [FieldError(field, message, code)])


# ---- the list, as the requester sees it -------------------------------------------------------------------
def _lister(
    ctx: TenantContext, sources: ExportSources, entity: ImportEntity, where: ExportFilters, page_rows: int
) -> Callable[[str | None], Page]:
    unknown = sorted(set(where.model_dump(exclude_none=True)) - ENTITY_FILTERS[entity])
    if unknown:
        raise _invalid(f"filters.{unknown[0]}", f"The {entity.value} list has no {unknown[0]} filter.")
    if where.q and where.account_id:
        raise _invalid("filters.q", "A name search cannot be combined with account_id.")
    if entity is ImportEntity.ACCOUNTS:
        return lambda cursor: accounts.list_accounts(
            ctx, sources.accounts, page_rows, cursor, where.q, where.sort, where.tier
        )
    if entity is ImportEntity.LEADS:
        return lambda cursor: leads.list_leads(ctx, sources.leads, page_rows, cursor, where.q)
    if entity is ImportEntity.CONTACTS:
        if where.account_id:
            account_id = where.account_id
            return lambda cursor: contacts.list_account_contacts(
                ctx, sources.contacts, sources.accounts, account_id, page_rows, cursor
            )
        return lambda cursor: contacts.list_contacts(ctx, sources.contacts, page_rows, cursor, where.q)
    if where.account_id:
        account_id = where.account_id
        return lambda cursor: opportunities.list_account_opportunities(
            ctx, sources.opportunities, sources.accounts, account_id, page_rows, cursor
        )
    return lambda cursor: opportunities.list_opportunities(ctx, sources.opportunities, page_rows, cursor)


def _first_page(list_page: Callable[[str | None], Page]) -> Page:
    """The list's first page: the list's own checks of its filters (an account the caller cannot see)."""
    try:
        return list_page(None)
    except NotFound as error:
        raise _invalid("filters.account_id", str(error), "not_found") from error


def requesting_context(ctx: TenantContext, job: StoredExportJob) -> TenantContext:
    """The user (or API key) who asked, as they were then: their list is the export's list."""
    kind, _, principal_id = job.created_by.partition(":")
    return TenantContext(
        tenant_id=ctx.tenant_id,
        principal_id=principal_id,
        kind=PrincipalKind(kind),
        role=job.requested_role,
        scopes=frozenset(job.requested_scopes),
        team=job.requested_team,
        correlation_id=ctx.correlation_id,
    )


# ---- the file -------------------------------------------------------------------------------------------
def _nested_model(annotation: Any) -> type[BaseModel] | None:
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return next((o for o in options if isinstance(o, type) and issubclass(o, BaseModel)), None)


def csv_columns(model: type[BaseModel]) -> list[str]:
    """The model's fields in order, a nested model's as `field.key`."""
    columns: list[str] = []
    for name, field in model.model_fields.items():
        if name in LEFT_OUT:
            continue
        nested = _nested_model(field.annotation)
        columns += [f"{name}.{inner}" for inner in nested.model_fields] if nested else [name]
    return columns


def flatten(record: Mapping[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for name, value in record.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            for key, inner in value.items():
                if isinstance(inner, Mapping):  # a scorecard's factor scores
                    row[f"{name}.{key}"] = json.dumps(inner, ensure_ascii=False)
                elif inner is not None:
                    row[f"{name}.{key}"] = "; ".join(map(str, inner)) if isinstance(inner, list) else str(inner)
        elif isinstance(value, list):
            is_plain = all(not isinstance(item, Mapping | list) for item in value)
            row[name] = "; ".join(map(str, value)) if is_plain else json.dumps(value, ensure_ascii=False)
        else:
            row[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return row


def csv_header(columns: list[str]) -> bytes:
    """The file's first bytes: the BOM and the header line."""
    return _csv_lines([dict(zip(columns, columns, strict=True))], columns).encode("utf-8-sig")


def csv_rows(records: Iterable[BaseModel], columns: list[str]) -> bytes:
    return _csv_lines((flatten(record.model_dump(mode="json")) for record in records), columns).encode()


def _csv_lines(rows: Iterable[Mapping[str, str]], columns: list[str]) -> str:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writerows(rows)
    return text.getvalue()


# ---- API: start, read, list ------------------------------------------------------------------------------
def _public(ctx: TenantContext, files: ExportFiles, job: StoredExportJob) -> ExportJob:
    public = ExportJob.model_validate(job.model_dump())
    if job.status is ExportStatus.SUCCEEDED:
        url = files.download_url(ctx, object_key(ctx.tenant_id, job.id), DOWNLOAD_URL_SECONDS, job.file_name)
        public.download = ExportDownload(url=url, file_name=job.file_name, expires_in_seconds=DOWNLOAD_URL_SECONDS)
    return public


def start_export(
    ctx: TenantContext,
    jobs: ExportJobRepository,
    sources: ExportSources,
    files: ExportFiles,
    runs: ExportRuns,
    data: ExportJobInput,
) -> ExportJob:
    """Checks the filters as the list would (reading its first page), records the job and starts it."""
    ctx.require(READ_PERMISSION[data.entity])
    _first_page(_lister(ctx, sources, data.entity, data.filters, 1))
    fields = {
        "entity": data.entity.value,
        "filters": data.filters.model_dump(mode="json", exclude_none=True),
        "status": ExportStatus.QUEUED.value,
        "file_name": f"{data.entity.value}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}.csv",
        "requested_by": ctx.actor,
        "requested_role": ctx.role.value if ctx.role else None,
        "requested_team": ctx.team,
        "requested_scopes": sorted(scope.value for scope in ctx.scopes),
    }
    job = jobs.add(ctx, str(ULID()), {name: value for name, value in fields.items() if value is not None})
    runs.start(ctx.tenant_id, job.id, "export", 1, ctx.correlation_id)
    return _public(ctx, files, job)


def _own_job(ctx: TenantContext, jobs: ExportJobRepository, job_id: str) -> StoredExportJob:
    """Another user's export is theirs alone (it holds what they may see): it answers 404, as no job."""
    job = jobs.get(ctx, job_id)
    if job.created_by != ctx.actor:
        raise NotFound(f"No export with id {job_id}.")
    ctx.require(READ_PERMISSION[job.entity])
    return job


def get_export(ctx: TenantContext, jobs: ExportJobRepository, files: ExportFiles, job_id: str) -> ExportJob:
    return _public(ctx, files, _own_job(ctx, jobs, job_id))


def list_exports(
    ctx: TenantContext, jobs: ExportJobRepository, files: ExportFiles, limit: int, cursor: str | None
) -> Page[ExportJob]:
    """The caller's own exports, newest first."""
    page = jobs.list_requested_by(ctx, limit, cursor)
    readable = [job for job in page.items if ctx.can(READ_PERMISSION[job.entity])]
    return Page([_public(ctx, files, job) for job in readable], page.next_cursor)


# ---- workflow: write the file ----------------------------------------------------------------------------
def run_export(
    ctx: TenantContext, services: ExportServices, job_id: str, seconds_left: float = float("inf")
) -> tuple[StoredExportJob, bool]:
    """Writes parts until the list ends or `seconds_left` (less a margin) is spent; (job, done)."""
    deadline = time.monotonic() + seconds_left - 20
    jobs, files = services.jobs, services.files
    job = jobs.get(ctx, job_id)
    if job.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED):
        return job, True
    key = object_key(ctx.tenant_id, job.id)
    if job.upload_id is None:
        # An upload a crashed attempt started but did not record is aborted by the bucket's lifecycle rule.
        upload_id = files.start_upload(ctx, key, "text/csv; charset=utf-8", EXPORT_TAGS)
        job = jobs.update(ctx, job.id, {"status": ExportStatus.RUNNING.value, "upload_id": upload_id}, job.version)
    assert job.upload_id is not None
    columns = csv_columns(EXPORT_MODELS[job.entity])
    try:
        list_page = _lister(requesting_context(ctx, job), services.sources, job.entity, job.filters, services.page_rows)
        job, done = _write_parts(ctx, services, job, key, list_page, columns, deadline)
    except ValidationFailed as invalid:
        return fail(ctx, jobs, job.id, invalid.errors[0] if invalid.errors else None), True
    except NotFound as missing:  # the filtered account was deleted (or moved out of the requester's sight)
        return fail(ctx, jobs, job.id, FieldError("filters.account_id", str(missing), "not_found")), True
    except Forbidden as refused:  # the requester's role changed since
        return fail(ctx, jobs, job.id, FieldError("job", str(refused), "forbidden")), True
    if not done:
        return job, False
    files.complete_upload(ctx, key, job.upload_id, job.parts)
    return jobs.update(ctx, job.id, {"status": ExportStatus.SUCCEEDED.value}, job.version), True


def _write_parts(
    ctx: TenantContext,
    services: ExportServices,
    job: StoredExportJob,
    key: str,
    list_page: Callable[[str | None], Page],
    columns: list[str],
    deadline: float,
) -> tuple[StoredExportJob, bool]:
    assert job.upload_id is not None
    buffer = bytearray(b"" if job.parts else csv_header(columns))
    cursor, pending_rows, pages = job.next_cursor, 0, 0
    while True:
        page = list_page(cursor)
        if job.rows_written + pending_rows + len(page.items) > services.max_rows:
            raise _invalid("filters", f"The list has more than {services.max_rows} rows; narrow it.", "too_many")
        buffer += csv_rows(page.items, columns)
        pending_rows += len(page.items)
        pages += 1
        cursor = page.next_cursor
        if len(buffer) >= services.part_bytes or cursor is None:
            number = len(job.parts) + 1
            etag = services.files.upload_part(ctx, key, job.upload_id, number, bytes(buffer))
            rows = job.rows_written + pending_rows
            recorded = {
                "parts": [*job.parts, {"number": number, "etag": etag}],
                "next_cursor": cursor,
                "rows_written": rows,
                "rows_done": rows,
            }
            job = services.jobs.update(ctx, job.id, recorded, job.version)
            buffer.clear()
            pending_rows = 0
            if cursor is None:
                return job, True
            if time.monotonic() > deadline:
                return job, False
        elif pages % PROGRESS_EVERY_PAGES == 0:
            job = services.jobs.update(ctx, job.id, {"rows_done": job.rows_written + pending_rows}, job.version)


def fail(ctx: TenantContext, jobs: ExportJobRepository, job_id: str, error: FieldError | None) -> StoredExportJob:
    job = jobs.get(ctx, job_id)
    if job.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED):
        return job
    error = error or FieldError("job", "The export stopped on an internal error; start it again.", "internal")
    failure = {"field": error.field, "message": error.message, "code": error.code}
    return jobs.update(ctx, job_id, {"status": ExportStatus.FAILED.value, "failure": failure}, job.version)
