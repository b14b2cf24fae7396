"""Export jobs with fakes: the CSV's columns and rows, the parts a long list is written in, a retried task that
writes no row twice, the time budget of one task, the cap, the filters each list takes, whose job is whose."""

import codecs
import csv
import io
from collections.abc import Mapping
from typing import Any

import pytest

from servicejob.auth.permissions import Role
from servicejob.dal.pagination import Page
from servicejob.domain import exports
from servicejob.domain.column_maps import ImportEntity
from servicejob.domain.contacts import Contact
from servicejob.domain.exports import ExportFilters, ExportJobInput, ExportServices, ExportSources, ExportStatus
from servicejob.domain.leads import Lead
from servicejob.errors import NotFound, ValidationFailed, VersionConflict
from servicejob.tenancy.context import PrincipalKind, TenantContext

pytestmark = pytest.mark.unit

TENANT = "01J0TENANT0000000000000000"
SALES = TenantContext(TENANT, "sales-1", PrincipalKind.USER, role=Role.SALES, team="Audit")
STAMP = {"version": 1, "created_at": "2026-01-01T00:00:00Z", "created_by": "user:x"}
STAMP |= {"updated_at": "2026-01-01T00:00:00Z", "updated_by": "user:x"}


def _lead(number: int) -> Lead:
    return Lead.model_validate(
        {"id": f"L{number:04d}", "company_name": f"公司 {number:04d}", "source": "web", "status": "new"} | STAMP
    )


class FakeLeads:
    """Pages of `page_size`; records who listed them."""

    def __init__(self, count: int):
        self.leads = [_lead(number) for number in range(count)]
        self.callers: list[TenantContext] = []

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Lead]:
        self.callers.append(ctx)
        start = int(cursor or 0)
        end = start + limit
        return Page(self.leads[start:end], str(end) if end < len(self.leads) else None)


class FakeJobs:
    def __init__(self):
        self.jobs: dict[str, dict[str, Any]] = {}
        self.updates = 0

    def get(self, ctx: TenantContext, job_id: str) -> exports.StoredExportJob:
        if job_id not in self.jobs:
            raise NotFound(f"No export with id {job_id}.")
        return exports.StoredExportJob.model_validate(self.jobs[job_id])

    def add(self, ctx: TenantContext, job_id: str, fields: Mapping[str, Any]) -> exports.StoredExportJob:
        self.jobs[job_id] = {**fields, **STAMP, "id": job_id, "created_by": ctx.actor}
        return self.get(ctx, job_id)

    def update(self, ctx, job_id: str, changes: Mapping[str, Any], expected_version: int):
        stored = self.jobs[job_id]
        if stored["version"] != expected_version:
            raise VersionConflict("stale", stored["version"])
        stored.update(changes, version=expected_version + 1)
        self.updates += 1
        return self.get(ctx, job_id)

    def list_requested_by(self, ctx: TenantContext, limit: int, cursor: str | None):
        mine = [self.get(ctx, job_id) for job_id, job in self.jobs.items() if job["created_by"] == ctx.actor]
        return Page(mine[::-1][:limit], None)


class FakeFiles:
    """A multipart upload: uploading a part number again replaces it, as in S3."""

    def __init__(self):
        self.parts: dict[int, bytes] = {}
        self.uploads: list[int] = []
        self.fail_after_upload: set[int] = set()
        self.completed: bytes | None = None

    def start_upload(self, ctx, key: str, content_type: str, tags: Mapping[str, str]) -> str:
        assert key.startswith(f"{TENANT}/exports/") and tags == exports.EXPORT_TAGS
        return "upload-1"

    def upload_part(self, ctx, key: str, upload_id: str, number: int, body: bytes) -> str:
        self.parts[number] = body
        self.uploads.append(number)
        if number in self.fail_after_upload:
            self.fail_after_upload.discard(number)
            raise RuntimeError("the task died after the upload")
        return f"etag-{number}"

    def complete_upload(self, ctx, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        assert [part["number"] for part in parts] == sorted(self.parts)
        self.completed = b"".join(self.parts[part["number"]] for part in parts)

    def download_url(self, ctx, key: str, expires_in: int, file_name: str) -> str:
        return f"https://files.example/{key}?name={file_name}"


class FakeRuns:
    def __init__(self):
        self.started: list[str] = []

    def start(self, tenant_id: str, job_id: str, phase: str, attempt: int, correlation_id: str) -> None:
        self.started.append(job_id)


class Env:
    def __init__(self, leads: int, page_rows: int = 200, part_bytes: int = exports.PART_BYTES):
        self.leads = FakeLeads(leads)
        self.jobs = FakeJobs()
        self.files = FakeFiles()
        self.runs = FakeRuns()
        self.sources = ExportSources(accounts=None, contacts=None, leads=self.leads, opportunities=None)  # type: ignore[arg-type]
        self.services = ExportServices(self.jobs, self.files, self.sources, page_rows, part_bytes)
        self.system = TenantContext(TENANT, "exports", PrincipalKind.SYSTEM)

    def start(self, ctx: TenantContext = SALES, **filters) -> exports.ExportJob:
        data = ExportJobInput(entity=ImportEntity.LEADS, filters=ExportFilters(**filters))
        return exports.start_export(ctx, self.jobs, self.sources, self.files, self.runs, data)

    def rows(self) -> list[dict[str, str]]:
        assert self.files.completed is not None and self.files.completed.startswith(codecs.BOM_UTF8)
        return list(csv.DictReader(io.StringIO(self.files.completed.decode("utf-8-sig"))))


def test_the_columns_follow_the_model_nested_models_as_dotted_names_and_values_flatten():
    assert exports.csv_columns(Lead)[:2] == ["company_name", "contact_name"]
    columns = exports.csv_columns(exports.EXPORT_MODELS[ImportEntity.ACCOUNTS])
    assert "billing_address.city" in columns and "scorecard.tier" in columns and "billing_address" not in columns
    assert "stage_history" not in exports.csv_columns(exports.EXPORT_MODELS[ImportEntity.OPPORTUNITIES])
    contact = Contact.model_validate(
        {"id": "C1", "account_id": "A1", "name_zh": "陳大文", "display_name": "陳大文", "is_primary": True}
        | {"roles": ["finance", "decision_maker"], "phones": [{"kind": "mobile", "number": "+852 9123 4567"}]}
        | STAMP
    )
    columns = exports.csv_columns(Contact)
    text = (exports.csv_header(columns) + exports.csv_rows([contact], columns)).decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["name_zh"] == "陳大文" and row["is_primary"] == "true" and row["roles"] == "finance; decision_maker"
    assert row["phones"].startswith('[{"kind": "mobile"') and row["title"] == ""


def test_an_export_runs_as_the_requester_and_writes_every_row_once_in_parts(monkeypatch: pytest.MonkeyPatch):
    # Given 45 leads, pages of 4 rows and parts of at least 1 KB
    env = Env(45, page_rows=4, part_bytes=1024)
    job = env.start()
    assert job.status is ExportStatus.QUEUED and env.runs.started == [job.id]

    # When the task runs
    done_job, done = exports.run_export(env.system, env.services, job.id)

    # Then it listed as the sales user (role and team), wrote several parts and every lead once
    assert done and done_job.status is ExportStatus.SUCCEEDED and done_job.rows_done == 45
    assert {(ctx.principal_id, ctx.role, ctx.team) for ctx in env.leads.callers} == {("sales-1", Role.SALES, "Audit")}
    assert len(env.files.parts) > 2 and all(len(env.files.parts[n]) >= 1024 for n in list(env.files.parts)[:-1])
    assert [row["id"] for row in env.rows()] == [f"L{number:04d}" for number in range(45)]
    # And the requester gets a download link, once succeeded
    got = exports.get_export(SALES, env.jobs, env.files, job.id)
    assert got.download is not None and got.download.file_name.startswith("leads-")


def test_a_task_retried_after_uploading_a_part_it_did_not_record_writes_no_row_twice():
    env = Env(45, page_rows=4, part_bytes=1024)
    job = env.start()
    env.files.fail_after_upload = {2}
    with pytest.raises(RuntimeError):
        exports.run_export(env.system, env.services, job.id)
    assert env.jobs.get(env.system, job.id).rows_done < 45

    exports.run_export(env.system, env.services, job.id)

    assert env.files.uploads[:3] == [1, 2, 2]
    assert [row["id"] for row in env.rows()] == [f"L{number:04d}" for number in range(45)]


def test_a_task_out_of_time_hands_back_and_the_next_one_goes_on():
    env = Env(45, page_rows=4, part_bytes=1024)
    job = env.start()
    first, done = exports.run_export(env.system, env.services, job.id, seconds_left=0)
    assert not done and first.status is ExportStatus.RUNNING and len(first.parts) == 1
    last, done = exports.run_export(env.system, env.services, job.id)
    assert done and last.rows_done == 45 and len(env.rows()) == 45


def test_progress_moves_between_parts():
    env = Env(45, page_rows=2, part_bytes=exports.PART_BYTES)
    job = env.start()
    exports.run_export(env.system, env.services, job.id)
    # one part (the whole small file), but rows_done moved every few pages
    assert len(env.files.parts) == 1 and env.jobs.updates > 3


def test_a_list_over_the_cap_fails_the_job_naming_the_filters():
    env = Env(30, page_rows=10)
    env.services.max_rows = 25
    job = env.start()
    failed, done = exports.run_export(env.system, env.services, job.id)
    assert done and failed.status is ExportStatus.FAILED and failed.failure is not None
    assert (failed.failure.field, failed.failure.code) == ("filters", "too_many")


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"account_id": "01J00000000000000000000000"}, "filters.account_id"), ({"tier": "A"}, "filters.tier")],
)
def test_a_filter_the_list_does_not_take_is_refused_and_nothing_starts(filters: dict, field: str):
    env = Env(3)
    with pytest.raises(ValidationFailed) as refused:
        env.start(**filters)
    assert refused.value.errors[0].field == field and env.jobs.jobs == {} and env.runs.started == []


def test_an_export_is_its_requesters_alone():
    env = Env(3)
    job = env.start()
    teammate = TenantContext(TENANT, "sales-2", PrincipalKind.USER, role=Role.SALES, team="Audit")
    with pytest.raises(NotFound):
        exports.get_export(teammate, env.jobs, env.files, job.id)
    assert exports.list_exports(teammate, env.jobs, env.files, 50, None).items == []
    assert [item.id for item in exports.list_exports(SALES, env.jobs, env.files, 50, None).items] == [job.id]
