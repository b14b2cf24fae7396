"""CSV import jobs: create (→ a presigned upload URL) → dry run → report → commit.

The dry run and the commit run asynchronously (the ImportJob state machine, tasks in the workflows function).
Both read the same uploaded object (the commit asks for the ETag the dry run read, so a file replaced after
the report is refused) and validate every row the same way, so the commit writes exactly the rows the report
called valid, unless an account they name was deleted in between.

The dry run also reports likely duplicates of account and lead rows (`FileDuplicateFinder`): existing
records sharing a normalized name, phone, e-mail domain or registration number, and earlier rows of the same
file. Each distinct key of the file is one Query, so the cost follows the file, never the table.

Nothing is half-imported: each imported record's id is derived from (job, line). The commit writes chunks of
100 rows in line order: it asks which of the chunk's ids exist already (one BatchGetItem), writes the others
as their entity's create would (each record with its duplicate-match keys in the same transaction), then
advances the job's `committed_through_line`, conditioned on where the chunk started. A retried or resumed
commit continues after the last recorded line; rows an interrupted attempt wrote after it are found and
skipped, never written twice nor overwritten.
"""

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from ulid import ULID

from servicejob.dal.entity_store import search_key
from servicejob.dal.keys import tenant_object_key
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import AccountRepository, AccountStatus
from servicejob.domain.assignment_rules import AssignmentRules, AssignmentRulesRepository, owner_for
from servicejob.domain.column_maps import (
    BUILTIN_MAPS,
    WRITE_PERMISSION,
    BuiltinMap,
    ImportEntity,
    ImportMappingRepository,
    apply_columns,
    resolve_columns,
)
from servicejob.domain.contacts import display_name
from servicejob.domain.duplicates import (
    FileDuplicateFinder,
    ImportedRow,
    MatchKeyIndex,
    RowDuplicates,
    account_candidate,
    lead_candidate,
)
from servicejob.domain.import_files import MAX_FILE_BYTES, FileEncoding, decode, read_table
from servicejob.domain.import_rows import (
    ImportFields,
    PreparedRow,
    RowError,
    RowErrorCode,
    RowLookups,
    import_fields,
    validate_row,
)
from servicejob.domain.opportunities import new_opportunity_fields
from servicejob.domain.sales_stages import DEFAULT_STAGES, SalesStagesRepository
from servicejob.errors import Conflict, FieldError, NotFound, ValidationFailed
from servicejob.tenancy.context import PrincipalKind, TenantContext

UPLOAD_URL_SECONDS = 300  # short-lived; at least this much remains on the cached tenant credentials
CHUNK_ROWS = 100  # one BatchGetItem, a few TransactWriteItems, one progress update
STORED_ERROR_ROWS = 1_000  # the report keeps the first rows' errors; error_rows counts them all
STORED_DUPLICATE_ROWS = 200  # the report keeps the first rows' likely duplicates; duplicate_rows counts them all
PROGRESS_EVERY_ROWS = 1_000  # the dry run's duplicate check records its progress this often
# The records an import row is compared with, by what the file imports.
DUPLICATE_TYPES: dict[ImportEntity, tuple[str, ...]] = {
    ImportEntity.ACCOUNTS: ("account",),
    ImportEntity.LEADS: ("account", "lead"),
}

MappingRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^(salesforce|hubspot|suitecrm|[0-9A-HJKMNP-TV-Z]{26})$"),
]
FileName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ImportStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"
    VALIDATING = "validating"
    VALIDATED = "validated"
    COMMITTING = "committing"
    COMMITTED = "committed"
    FAILED = "failed"


class ImportJobInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    entity: ImportEntity
    mapping: MappingRef = Field(description="A built-in map (salesforce, hubspot, suitecrm) or a saved mapping's id")
    file_name: FileName = Field(description="The name of the file on the user's machine, for the record")
    encoding: FileEncoding | None = Field(default=None, description="Leave out to detect UTF-8, Big5 or GB18030")


class ImportFailure(BaseModel):
    field: str
    message: str
    code: str


class ImportJob(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    entity: ImportEntity
    mapping: str
    file_name: str
    encoding: FileEncoding | None = None
    status: ImportStatus
    rows_total: int = Field(default=0, description="Rows in the file (known once the dry run read it)")
    rows_done: int = Field(default=0, description="Rows the current phase has processed")
    rows_valid: int = 0
    error_rows: int = Field(default=0, description="Rows with errors; GET .../errors lists them by line")
    rows_committed: int = 0
    duplicates: list[RowDuplicates] = Field(
        default_factory=list,
        description=f"Account and lead rows' likely duplicates (the first {STORED_DUPLICATE_ROWS} rows with any)",
    )
    duplicate_rows: int = Field(default=0, description="Rows with likely duplicates, all of them")
    failure: ImportFailure | None = Field(default=None, description="Why the job failed as a whole")
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class StoredImportJob(ImportJob):
    """The job with what only the workflow needs."""

    upload_etag: str | None = None
    committed_through_line: int = 0
    commit_attempts: int = 0
    committed_by: str | None = None


class UploadTarget(BaseModel):
    url: str
    method: str = "PUT"
    expires_in_seconds: int


class ImportJobCreated(BaseModel):
    job: ImportJob
    upload: UploadTarget = Field(description="PUT the CSV file's bytes to this URL, then start the dry run")


class RowFieldError(BaseModel):
    field: str = Field(description="The input field (dotted for nested ones), or row for the row as a whole")
    column: str | None = Field(description="The CSV header the value came from, when one did")
    message: str = Field(description="What is wrong, in English")
    code: RowErrorCode = Field(default=RowErrorCode.INVALID, description="What is wrong, for clients to translate")


class RowErrors(BaseModel):
    line: int
    errors: list[RowFieldError]


class ImportJobRepository(Protocol):
    def get(self, ctx: TenantContext, job_id: str) -> StoredImportJob: ...
    def add(self, ctx: TenantContext, job_id: str, fields: Mapping[str, Any]) -> StoredImportJob: ...
    def update(
        self, ctx: TenantContext, job_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> StoredImportJob: ...
    def save_row_errors(self, ctx: TenantContext, job_id: str, rows: list[RowErrors]) -> None: ...
    def row_errors(self, ctx: TenantContext, job_id: str, limit: int, cursor: str | None) -> Page[RowErrors]: ...
    def existing_ids(self, ctx: TenantContext, entity: ImportEntity, record_ids: list[str]) -> set[str]: ...
    def write_records(self, ctx: TenantContext, entity: ImportEntity, records: list[tuple[str, dict]]) -> None: ...
    def advance(self, ctx: TenantContext, job: StoredImportJob, through_line: int, rows: int) -> StoredImportJob: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[StoredImportJob]: ...


class TenantFiles(Protocol):
    def upload_url(self, ctx: TenantContext, key: str, expires_in: int) -> str: ...
    def size_and_etag(self, ctx: TenantContext, key: str) -> tuple[int, str] | None: ...
    def read(self, ctx: TenantContext, key: str, etag: str) -> bytes: ...


class ImportRuns(Protocol):
    def start(self, tenant_id: str, job_id: str, phase: str, attempt: int, correlation_id: str) -> None: ...


class TenantSettings(Protocol):
    def base_currency(self, tenant_id: str) -> str: ...


@dataclass
class ImportServices:
    """What the dry run and the commit read and write."""

    jobs: ImportJobRepository
    files: TenantFiles
    mappings: ImportMappingRepository
    accounts: AccountRepository
    stages: SalesStagesRepository
    assignment: AssignmentRulesRepository
    settings: TenantSettings
    match_index: MatchKeyIndex


def object_key(tenant_id: str, job_id: str) -> str:
    return tenant_object_key(tenant_id, "imports", f"{job_id}.csv")


def record_id(job_id: str, line: int) -> str:
    """The id the row at `line` gets: the same on every attempt, a ULID of the job's time, unique per line."""
    milliseconds = ULID.from_str(job_id).milliseconds
    randomness = hashlib.sha256(f"{job_id}:{line}".encode()).digest()[:10]
    return str(ULID.from_bytes(milliseconds.to_bytes(6, "big") + randomness))


def _public(job: StoredImportJob) -> ImportJob:
    return ImportJob.model_validate(job.model_dump())


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The import cannot go on.", [FieldError(field, message)])


# ---- API: create, start, read ----------------------------------------------------------------------------
def create_import(
    ctx: TenantContext,
    jobs: ImportJobRepository,
    mappings: ImportMappingRepository,
    files: TenantFiles,
    data: ImportJobInput,
) -> ImportJobCreated:
    ctx.require(WRITE_PERMISSION[data.entity])
    if data.mapping not in BuiltinMap.__members__.values():
        try:
            mapping = mappings.get(ctx, data.mapping)
        except NotFound as error:
            raise _invalid("mapping", f"No import mapping with id {data.mapping}.") from error
        if mapping.entity is not data.entity:
            raise _invalid("mapping", f"The mapping is for {mapping.entity.value}, not {data.entity.value}.")
    fields = data.model_dump(mode="json", exclude_none=True) | {"status": ImportStatus.AWAITING_UPLOAD.value}
    job = jobs.add(ctx, str(ULID()), fields)
    url = files.upload_url(ctx, object_key(ctx.tenant_id, job.id), UPLOAD_URL_SECONDS)
    return ImportJobCreated(job=_public(job), upload=UploadTarget(url=url, expires_in_seconds=UPLOAD_URL_SECONDS))


def _readable_job(ctx: TenantContext, jobs: ImportJobRepository, job_id: str) -> StoredImportJob:
    job = jobs.get(ctx, job_id)
    ctx.require(WRITE_PERMISSION[job.entity])
    return job


def describe_fields(ctx: TenantContext, entity: ImportEntity) -> ImportFields:
    """The import fields a column map can feed, for those who may import the entity."""
    ctx.require(WRITE_PERMISSION[entity])
    return import_fields(entity)


def get_import(ctx: TenantContext, jobs: ImportJobRepository, job_id: str) -> ImportJob:
    return _public(_readable_job(ctx, jobs, job_id))


def list_imports(ctx: TenantContext, jobs: ImportJobRepository, limit: int, cursor: str | None) -> Page[ImportJob]:
    page = jobs.list(ctx, limit, cursor)
    return Page([_public(job) for job in page.items if ctx.can(WRITE_PERMISSION[job.entity])], page.next_cursor)


def list_row_errors(
    ctx: TenantContext, jobs: ImportJobRepository, job_id: str, limit: int, cursor: str | None
) -> Page[RowErrors]:
    _readable_job(ctx, jobs, job_id)
    return jobs.row_errors(ctx, job_id, limit, cursor)


def start_dry_run(
    ctx: TenantContext, jobs: ImportJobRepository, files: TenantFiles, runs: ImportRuns, job_id: str
) -> ImportJob:
    job = _readable_job(ctx, jobs, job_id)
    if job.status is not ImportStatus.AWAITING_UPLOAD:
        raise Conflict(f"The dry run of this import already started (status {job.status.value}).")
    found = files.size_and_etag(ctx, object_key(ctx.tenant_id, job.id))
    if found is None:
        raise _invalid("file", "No file was uploaded yet: PUT it to the upload URL first.")
    size, etag = found
    if size > MAX_FILE_BYTES:
        raise _invalid("file", f"The file has {size} bytes; the limit is {MAX_FILE_BYTES} (20 MB). Split it.")
    started = jobs.update(
        ctx, job.id, {"status": ImportStatus.VALIDATING.value, "upload_etag": etag, "rows_done": 0}, job.version
    )
    runs.start(ctx.tenant_id, job.id, "dry_run", 1, ctx.correlation_id)
    return _public(started)


def start_commit(ctx: TenantContext, jobs: ImportJobRepository, runs: ImportRuns, job_id: str) -> ImportJob:
    """Starts (or, after a failed commit, resumes) writing the valid rows; a running commit is left alone."""
    job = _readable_job(ctx, jobs, job_id)
    if job.status is ImportStatus.COMMITTING:
        return _public(job)
    if job.status is ImportStatus.COMMITTED:
        raise Conflict("This import is already committed.")
    resumable = job.status is ImportStatus.FAILED and job.commit_attempts > 0
    if job.status is not ImportStatus.VALIDATED and not resumable:
        raise Conflict(f"Only a validated import can be committed (status {job.status.value}).")
    if job.rows_valid == 0:
        raise _invalid("rows", "The file has no valid rows to import.")
    attempt = job.commit_attempts + 1
    started = jobs.update(
        ctx,
        job.id,
        {
            "status": ImportStatus.COMMITTING.value,
            "commit_attempts": attempt,
            "committed_by": job.committed_by or ctx.actor,
            "rows_done": job.rows_committed,
            "failure": None,
        },
        job.version,
    )
    runs.start(ctx.tenant_id, job.id, "commit", attempt, ctx.correlation_id)
    return _public(started)


# ---- workflow: dry run and commit -------------------------------------------------------------------------
def _prepare(
    ctx: TenantContext, services: ImportServices, job: StoredImportJob
) -> tuple[list[PreparedRow], list[RowError], int, FileEncoding]:
    data = services.files.read(ctx, object_key(ctx.tenant_id, job.id), job.upload_etag or "")
    text, encoding = decode(data, job.encoding)
    table = read_table(text)
    if job.mapping in BuiltinMap.__members__.values():
        fields = BUILTIN_MAPS[BuiltinMap(job.mapping)][job.entity]
    else:
        fields = services.mappings.get(ctx, job.mapping).fields()
    columns = resolve_columns(fields, table.headers)
    if not columns:
        raise _invalid("file", f"No column of the file is in the {job.mapping} map for {job.entity.value}.")
    lookups = RowLookups(
        account_ids_named=lambda name: _account_ids_named(ctx, services.accounts, name),
        account_exists=lambda account_id: _account_exists(ctx, services.accounts, account_id),
        stages=services.stages.get_or_create(ctx, DEFAULT_STAGES) if job.entity is ImportEntity.OPPORTUNITIES else None,
        base_currency=services.settings.base_currency(ctx.tenant_id)
        if job.entity is ImportEntity.OPPORTUNITIES
        else "HKD",
    )
    prepared: list[PreparedRow] = []
    errors: list[RowError] = []
    for row in table.rows:
        result = validate_row(job.entity, row.line, apply_columns(columns, row.values), columns, lookups)
        if isinstance(result, PreparedRow):
            prepared.append(result)
        else:
            errors.extend(result)
    return prepared, errors, len(table.rows), encoding


def _account_ids_named(ctx: TenantContext, accounts: AccountRepository, name: str) -> list[str]:
    wanted = search_key(name)
    page = accounts.list(ctx, 25, None, name)
    return [account.id for account in page.items if search_key(account.name) == wanted]


def _account_exists(ctx: TenantContext, accounts: AccountRepository, account_id: str) -> bool:
    try:
        accounts.get(ctx, account_id)
    except NotFound:
        return False
    return True


def _group_errors(errors: list[RowError]) -> list[RowErrors]:
    by_line: dict[int, list[RowFieldError]] = {}
    for error in errors:
        by_line.setdefault(error.line, []).append(
            RowFieldError(field=error.field, column=error.column, message=error.message, code=error.code)
        )
    return [RowErrors(line=line, errors=items) for line, items in sorted(by_line.items())]


def run_dry_run(ctx: TenantContext, services: ImportServices, job_id: str) -> StoredImportJob:
    job = services.jobs.get(ctx, job_id)
    if job.status is not ImportStatus.VALIDATING:
        return job  # a retried task after the report was saved
    try:
        prepared, errors, total, encoding = _prepare(ctx, services, job)
    except ValidationFailed as invalid:
        return fail(ctx, services.jobs, job_id, invalid.errors[0] if invalid.errors else None)
    rows = _group_errors(errors)
    services.jobs.save_row_errors(ctx, job.id, rows[:STORED_ERROR_ROWS])
    job, duplicates, duplicate_rows = _find_duplicates(ctx, services, job, prepared, total)
    return services.jobs.update(
        ctx,
        job.id,
        {
            "status": ImportStatus.VALIDATED.value,
            "encoding": encoding.value,
            "rows_total": total,
            "rows_done": total,
            "rows_valid": len(prepared),
            "error_rows": len(rows),
            "duplicates": [row.model_dump(mode="json") for row in duplicates],
            "duplicate_rows": duplicate_rows,
        },
        job.version,
    )


def _imported_row(entity: ImportEntity, row: PreparedRow) -> ImportedRow:
    fields = row.data.model_dump(mode="json", exclude_none=True)
    if entity is ImportEntity.ACCOUNTS:
        return ImportedRow(row.line, fields["name"], account_candidate(fields))
    return ImportedRow(row.line, fields["company_name"], lead_candidate(fields))


def _find_duplicates(
    ctx: TenantContext, services: ImportServices, job: StoredImportJob, prepared: list[PreparedRow], total: int
) -> tuple[StoredImportJob, list[RowDuplicates], int]:
    """(job, the first rows' likely duplicates, how many rows have any), recording progress as it goes."""
    entity_types = DUPLICATE_TYPES.get(job.entity)
    if entity_types is None:
        return job, [], 0
    finder = FileDuplicateFinder(ctx, services.match_index, entity_types)
    kept: list[RowDuplicates] = []
    found_rows = 0
    invalid_rows = total - len(prepared)
    for start in range(0, len(prepared), PROGRESS_EVERY_ROWS):
        if start:
            progress = {"rows_total": total, "rows_done": invalid_rows + start}
            job = services.jobs.update(ctx, job.id, progress, job.version)
        found = finder.check([_imported_row(job.entity, row) for row in prepared[start : start + PROGRESS_EVERY_ROWS]])
        found_rows += len(found)
        kept += found[: STORED_DUPLICATE_ROWS - len(kept)]
    return job, kept, found_rows


def fail(ctx: TenantContext, jobs: ImportJobRepository, job_id: str, error: FieldError | None) -> StoredImportJob:
    job = jobs.get(ctx, job_id)
    if error is None:
        next_step = "commit again to resume" if job.status is ImportStatus.COMMITTING else "start a new import"
        error = FieldError("job", f"The import stopped on an internal error; {next_step}.", "internal")
    failure = {"field": error.field, "message": error.message, "code": error.code}
    return jobs.update(ctx, job_id, {"status": ImportStatus.FAILED.value, "failure": failure}, job.version)


def committing_context(ctx: TenantContext, job: StoredImportJob) -> TenantContext:
    """The records name the user (or API key) who committed as their creator, as if they had created each."""
    kind, _, principal_id = (job.committed_by or ctx.actor).partition(":")
    return TenantContext(
        tenant_id=ctx.tenant_id, principal_id=principal_id, kind=PrincipalKind(kind), correlation_id=ctx.correlation_id
    )


def _record_fields(
    ctx: TenantContext,
    services: ImportServices,
    entity: ImportEntity,
    row: PreparedRow,
    rules: AssignmentRules | None,
) -> dict[str, Any]:
    """What the entity's own create stores, from the validated input (the same rules as the API's create)."""
    data = row.data
    if entity is ImportEntity.ACCOUNTS:
        fields = data.model_dump(mode="json", exclude_none=True)
        fields.setdefault("status", AccountStatus.PROSPECT.value)
        return fields
    if entity is ImportEntity.CONTACTS:
        fields = data.model_dump(mode="json", exclude_none=True)
        fields["display_name"] = display_name(data.name_zh, data.name_en)  # type: ignore[attr-defined]
        return fields
    if entity is ImportEntity.LEADS:
        fields = data.model_dump(exclude_none=True) | {"status": "new"}
        owner = owner_for(
            rules,
            data.business_line,  # type: ignore[attr-defined]
            data.region,  # type: ignore[attr-defined]
            lambda rule: services.assignment.next_turn(ctx, rule),
        )
        if owner is not None:
            fields["owner_user_id"] = owner
        return fields
    assert row.stage is not None
    return new_opportunity_fields(ctx, data, row.stage)  # type: ignore[arg-type]


def run_commit(
    ctx: TenantContext, services: ImportServices, job_id: str, seconds_left: float = float("inf")
) -> tuple[StoredImportJob, bool]:
    """Writes the next chunks until done or `seconds_left` (less a margin) is spent; (job, done)."""
    deadline = time.monotonic() + seconds_left - 20
    job = services.jobs.get(ctx, job_id)
    if job.status is not ImportStatus.COMMITTING:
        return job, True
    writer = committing_context(ctx, job)
    try:
        prepared, _, _, _ = _prepare(writer, services, job)
    except ValidationFailed as invalid:
        return fail(ctx, services.jobs, job_id, invalid.errors[0] if invalid.errors else None), True
    pending = [row for row in prepared if row.line > job.committed_through_line]
    rules = services.assignment.get(writer) if job.entity is ImportEntity.LEADS else None
    for start in range(0, len(pending), CHUNK_ROWS):
        if time.monotonic() > deadline:
            return job, False
        chunk = pending[start : start + CHUNK_ROWS]
        ids = {row.line: record_id(job.id, row.line) for row in chunk}
        written = services.jobs.existing_ids(writer, job.entity, list(ids.values()))
        records = [
            (ids[row.line], _record_fields(writer, services, job.entity, row, rules))
            for row in chunk
            if ids[row.line] not in written
        ]
        services.jobs.write_records(writer, job.entity, records)
        job = services.jobs.advance(ctx, job, chunk[-1].line, len(chunk))
    job = services.jobs.update(ctx, job.id, {"status": ImportStatus.COMMITTED.value}, job.version)
    return job, True
