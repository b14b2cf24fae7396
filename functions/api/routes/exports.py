"""/v1/exports: export jobs — a filtered list as a CSV file, written in the background. Thin routes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import exports

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()

ExportId = Annotated[str, Path(pattern=ID_PATTERN, description="Export job id (ULID)")]


class ExportPage(BaseModel):
    items: list[exports.ExportJob]
    next_cursor: str | None


def _sources() -> exports.ExportSources:
    deps = dependencies()
    return exports.ExportSources(deps.accounts, deps.contacts, deps.leads, deps.opportunities)


@router.post(
    "",
    summary="Export a list with its filters as CSV (UTF-8 with BOM), in the background: answers the job; "
    f"follow GET /v1/exports/{{id}} until it succeeded, then download. At most {exports.MAX_EXPORT_ROWS:,} rows",
    tags=["exports"],
    responses=responses(202, "Started; the rows are those the caller may list, as the list shows them"),
)
def start_export(
    job: exports.ExportJobInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried start safe")
    ] = None,
) -> Response[exports.ExportJob]:
    ctx = tenant_context(router)
    deps = dependencies()

    def start() -> dict:
        started = exports.start_export(ctx, deps.export_jobs, _sources(), deps.files, deps.export_runs, job)
        return started.model_dump(mode="json")

    if idempotency_key:
        started = deps.idempotency.run(ctx, "exports.start", idempotency_key, job.model_dump(mode="json"), start)
    else:
        started = start()
    body = exports.ExportJob.model_validate(started)
    return Response(
        status_code=202, body=body, content_type="application/json", headers={"Location": f"/v1/exports/{body.id}"}
    )


@router.get("", summary="The caller's export jobs, newest first", tags=["exports"], responses=responses(200, "A page"))
def list_exports(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ExportPage:
    deps = dependencies()
    page = exports.list_exports(tenant_context(router), deps.export_jobs, deps.files, limit, cursor)
    return ExportPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/<export_id>",
    summary="An export job: status and rows done; once succeeded, a short-lived download link",
    tags=["exports"],
    responses=responses(200, "The job"),
)
def get_export(export_id: ExportId) -> exports.ExportJob:
    deps = dependencies()
    return exports.get_export(tenant_context(router), deps.export_jobs, deps.files, export_id)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/exports", router),)
