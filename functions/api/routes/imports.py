"""/v1/imports: CSV import jobs — create (presigned upload URL), dry run, report, commit. Thin routes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import column_maps, imports

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()

ImportId = Annotated[str, Path(pattern=ID_PATTERN, description="Import job id (ULID)")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=2000)]


class ImportPage(BaseModel):
    items: list[imports.ImportJob]
    next_cursor: str | None


class RowErrorPage(BaseModel):
    items: list[imports.RowErrors]
    next_cursor: str | None


def _job_response(job: imports.ImportJob, status: int = 200) -> Response[imports.ImportJob]:
    return Response(status_code=status, body=job, content_type="application/json")


@router.post(
    "",
    summary="Start a CSV import: answers the job and a short-lived URL to PUT the file to",
    tags=["imports"],
    responses=responses(201, "Created; upload the file, then POST .../dry-run"),
)
def create_import(
    job: imports.ImportJobInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[imports.ImportJobCreated]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        return imports.create_import(ctx, deps.import_jobs, deps.import_mappings, deps.files, job).model_dump(
            mode="json"
        )

    if idempotency_key:
        created = deps.idempotency.run(ctx, "imports.create", idempotency_key, job.model_dump(mode="json"), create)
    else:
        created = create()
    body = imports.ImportJobCreated.model_validate(created)
    return Response(
        status_code=201,
        body=body,
        content_type="application/json",
        headers={"Location": f"/v1/imports/{body.job.id}"},
    )


@router.get(
    "/fields",
    summary="The fields a column map can feed for one kind of record: kind, whether required, limits",
    tags=["imports"],
    responses=responses(200, "The entity's import fields, in order"),
)
def list_import_fields(
    entity: Annotated[column_maps.ImportEntity, Query(description="The records to import")],
) -> imports.ImportFields:
    return imports.describe_fields(tenant_context(router), entity)


@router.get("", summary="List import jobs, newest first", tags=["imports"], responses=responses(200, "A page"))
def list_imports(limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> ImportPage:
    page = imports.list_imports(tenant_context(router), dependencies().import_jobs, limit, cursor)
    return ImportPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/<import_id>",
    summary="An import job: status, progress (rows done / total) and the dry run's summary",
    tags=["imports"],
    responses=responses(200, "The job"),
)
def get_import(import_id: ImportId) -> Response[imports.ImportJob]:
    return _job_response(imports.get_import(tenant_context(router), dependencies().import_jobs, import_id))


@router.get(
    "/<import_id>/errors",
    summary="The dry run's row errors, by line, with the field and the CSV column of each",
    tags=["imports"],
    responses=responses(200, "A page of rows with errors"),
)
def list_row_errors(import_id: ImportId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> RowErrorPage:
    page = imports.list_row_errors(tenant_context(router), dependencies().import_jobs, import_id, limit, cursor)
    return RowErrorPage(items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/<import_id>/dry-run",
    summary="Validate the uploaded file, asynchronously; follow GET /v1/imports/{id}",
    tags=["imports"],
    responses=responses(202, "Started"),
)
def start_dry_run(import_id: ImportId) -> Response[imports.ImportJob]:
    deps = dependencies()
    job = imports.start_dry_run(tenant_context(router), deps.import_jobs, deps.files, deps.import_runs, import_id)
    return _job_response(job, 202)


@router.post(
    "/<import_id>/commit",
    summary="Write the valid rows, asynchronously; after a failure, commit again to resume",
    tags=["imports"],
    responses=responses(202, "Started (or already running)"),
)
def start_commit(import_id: ImportId) -> Response[imports.ImportJob]:
    deps = dependencies()
    job = imports.start_commit(tenant_context(router), deps.import_jobs, deps.import_runs, import_id)
    return _job_response(job, 202)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/imports", router),)
