"""/v1/reports: sales reports read from the rollups, as JSON or (`?format=csv`) as a CSV download."""

import csv
import io
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.domain import reports
from servicejob.money import Money

from ..openapi_docs import ERROR_RESPONSES
from ..request_context import tenant_context
from ..wiring import dependencies

router = APIGatewayRouter()

FromMonth = Annotated[
    str | None,
    Query(
        alias="from", pattern=reports.MONTH_PATTERN, description="First month, YYYY-MM (default: 11 months before to)"
    ),
]
ToMonth = Annotated[
    str | None,
    Query(alias="to", pattern=reports.MONTH_PATTERN, description="Last month, YYYY-MM (default: this month)"),
]
BusinessLine = Annotated[str | None, Query(max_length=200, description="Only this business line")]
Branch = Annotated[str | None, Query(max_length=200, description="Only this branch (office)")]
Owner = Annotated[
    str | None,
    Query(max_length=64, description="Only this owner's records, a user id (sales users: always themselves)"),
]
Format = Annotated[Literal["json", "csv"], Query(description="csv answers text/csv as a download")]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _responses(model: type[BaseModel], description: str) -> dict[int, dict]:
    return {
        200: {
            "description": f"{description} (JSON, or CSV with format=csv)",
            "content": {"application/json": {"model": model}, "text/csv": {"schema": {"type": "string"}}},
        },
        **ERROR_RESPONSES,
    }


def _amounts(amounts: Iterable[Money]) -> str:
    return "; ".join(f"{money.amount} {money.currency}" for money in amounts)


def _csv(name: str, scope: reports.Scope, header: list[str], rows: Iterable[Iterable[Any]]) -> Response[str]:
    """UTF-8 with a BOM, so spreadsheet programs read the Chinese text right."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([("" if cell is None else cell) for cell in row] for row in rows)
    filename = f"{name}-{scope.from_month}-{scope.to_month}.csv"
    return Response(
        status_code=200,
        body="\ufeff" + text.getvalue(),
        content_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _query(
    from_month: str | None, to_month: str | None, business_line: str | None, branch: str | None, owner: str | None
) -> reports.ReportQuery:
    return reports.ReportQuery(
        from_month=from_month, to_month=to_month, business_line=business_line, branch=branch, owner_user_id=owner
    )


def _answer(report: BaseModel, fmt: str, as_csv: Callable[[], Response[str]]) -> Response:
    if fmt == "csv":
        return as_csv()
    return Response(status_code=200, body=report, content_type="application/json")


@router.get(
    "/funnel",
    summary="Funnel by stage: counts, amounts, stage-to-stage conversion, where and why opportunities are lost",
    tags=["reports"],
    responses=_responses(reports.FunnelReport, "The funnel of the opportunities created in the months"),
)
def funnel(
    from_month: FromMonth = None,
    to_month: ToMonth = None,
    business_line: BusinessLine = None,
    branch: Branch = None,
    owner_user_id: Owner = None,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response[reports.FunnelReport | str]:
    deps = dependencies()
    query = _query(from_month, to_month, business_line, branch, owner_user_id)
    report = reports.funnel_report(tenant_context(router), deps.rollups, deps.sales_stages, query)

    def as_csv() -> Response[str]:
        header = ["section", "key", "name", "kind", "count", "amounts", "reached", "conversion_to_next", "lost_here"]
        stage_rows = [
            ["stage", stage.key, stage.names.en if stage.names else None, stage.kind, stage.count]
            + [_amounts(stage.amounts), stage.reached, stage.conversion_to_next, stage.lost_here]
            for stage in report.stages
        ]
        reason_rows = [
            ["lost_reason", row.reason, None, None, row.count, None, None, None, None] for row in report.lost_reasons
        ]
        return _csv("funnel", report, header, [*stage_rows, *reason_rows])

    return _answer(report, format, as_csv)


@router.get(
    "/lead-conversion",
    summary="Lead conversion by region, per month and over the range",
    tags=["reports"],
    responses=_responses(reports.LeadConversionReport, "Leads created in the months and how many converted"),
)
def lead_conversion(
    from_month: FromMonth = None,
    to_month: ToMonth = None,
    business_line: BusinessLine = None,
    branch: Branch = None,
    owner_user_id: Owner = None,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response[reports.LeadConversionReport | str]:
    query = _query(from_month, to_month, business_line, branch, owner_user_id)
    report = reports.lead_conversion_report(tenant_context(router), dependencies().rollups, query)

    def as_csv() -> Response[str]:
        rows = [
            [row.period or "total", row.region, row.leads, row.converted, row.conversion_rate]
            for row in report.by_month
        ]
        rows += [["total", row.region, row.leads, row.converted, row.conversion_rate] for row in report.by_region]
        return _csv("lead-conversion", report, ["period", "region", "leads", "converted", "conversion_rate"], rows)

    return _answer(report, format, as_csv)


@router.get(
    "/sales-cycle",
    summary="Average sales cycle (lead created, else opportunity created, to won) by business line and owner",
    tags=["reports"],
    responses=_responses(reports.SalesCycleReport, "Opportunities won in the months and their mean cycle"),
)
def sales_cycle(
    from_month: FromMonth = None,
    to_month: ToMonth = None,
    business_line: BusinessLine = None,
    branch: Branch = None,
    owner_user_id: Owner = None,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response[reports.SalesCycleReport | str]:
    query = _query(from_month, to_month, business_line, branch, owner_user_id)
    report = reports.sales_cycle_report(tenant_context(router), dependencies().rollups, query)

    def as_csv() -> Response[str]:
        rows = [["all", None, report.overall.won, report.overall.average_days]]
        rows += [["business_line", row.business_line, row.won, row.average_days] for row in report.by_business_line]
        rows += [["owner", row.owner_user_id, row.won, row.average_days] for row in report.by_owner]
        return _csv("sales-cycle", report, ["grouping", "value", "won", "average_days"], rows)

    return _answer(report, format, as_csv)


@router.get(
    "/branches",
    summary="Branch comparison: won count and amounts, new leads; the months vs the same months a year earlier",
    tags=["reports"],
    responses=_responses(reports.BranchReport, "Each branch's figures now and a year earlier"),
)
def branches(
    from_month: FromMonth = None,
    to_month: ToMonth = None,
    business_line: BusinessLine = None,
    branch: Branch = None,
    owner_user_id: Owner = None,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response[reports.BranchReport | str]:
    query = _query(from_month, to_month, business_line, branch, owner_user_id)
    report = reports.branch_report(tenant_context(router), dependencies().rollups, query)

    def as_csv() -> Response[str]:
        header = ["branch", "won_count", "won_amounts", "new_leads"]
        header += ["previous_year_won_count", "previous_year_won_amounts", "previous_year_new_leads"]
        rows = [
            [row.branch, row.current.won_count, _amounts(row.current.won_amounts), row.current.new_leads]
            + [row.previous_year.won_count, _amounts(row.previous_year.won_amounts), row.previous_year.new_leads]
            for row in report.branches
        ]
        return _csv("branches", report, header, rows)

    return _answer(report, format, as_csv)
