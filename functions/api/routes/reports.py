"""/v1/reports: sales reports read from the rollups, as JSON or (`?format=csv`) as a CSV download."""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import reports
from servicejob.money import Money
from servicejob.tenancy.context import TenantContext

from ..openapi_docs import ERROR_RESPONSES
from ..request_context import tenant_context
from ..wiring import Dependencies, dependencies

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
    Query(max_length=64, description="Only this owner's records, a user id (managers and sales: themselves)"),
]
Team = Annotated[
    str | None,
    Query(max_length=200, description="Only this team's records (managers and sales: their own team, the default)"),
]
Format = Annotated[Literal["json", "csv"], Query(description="csv answers text/csv as a download")]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
Table = tuple[list[str], Iterable[Sequence[Any]]]
R = TypeVar("R", bound=reports.Scope)


def _csv(name: str, scope: reports.Scope, table: Table) -> Response[str]:
    """UTF-8 with a BOM, so spreadsheet programs read the Chinese text right."""
    header, rows = table
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


def _report_route(
    name: str,
    summary: str,
    description: str,
    model: type[R],
    build: Callable[[TenantContext, Dependencies, reports.ReportQuery], R],
    table: Callable[[R], Table],
) -> None:
    """GET /v1/reports/{name}: the report as JSON, or with format=csv as a CSV download of `table`."""

    def report(
        from_month: FromMonth = None,
        to_month: ToMonth = None,
        business_line: BusinessLine = None,
        branch: Branch = None,
        owner_user_id: Owner = None,
        team: Team = None,
        format: Format = "json",  # noqa: A002 - the query parameter's name
    ) -> Response[model | str]:  # type: ignore[valid-type]
        query = reports.ReportQuery(
            from_month=from_month,
            to_month=to_month,
            business_line=business_line,
            branch=branch,
            owner_user_id=owner_user_id,
            team=team,
        )
        answer = build(tenant_context(router), dependencies(), query)
        if format == "csv":
            return _csv(name, answer, table(answer))
        return Response(status_code=200, body=answer, content_type="application/json")

    report.__name__ = name.replace("-", "_")  # the operationId, as when each route was its own function
    responses = {
        200: {
            "description": f"{description} (JSON, or CSV with format=csv)",
            "content": {"application/json": {"model": model}, "text/csv": {"schema": {"type": "string"}}},
        },
        **ERROR_RESPONSES,
    }
    router.get(f"/{name}", summary=summary, tags=["reports"], responses=responses)(report)


def _amounts(amounts: Iterable[Money]) -> str:
    return "; ".join(f"{money.amount} {money.currency}" for money in amounts)


def _funnel_table(report: reports.FunnelReport) -> Table:
    header = ["section", "key", "name", "kind", "count", "amounts", "reached", "conversion_to_next", "lost_here"]
    stage_rows = [
        ["stage", stage.key, stage.names.en if stage.names else None, stage.kind, stage.count]
        + [_amounts(stage.amounts), stage.reached, stage.conversion_to_next, stage.lost_here]
        for stage in report.stages
    ]
    reason_rows = [
        ["lost_reason", row.reason, None, None, row.count, None, None, None, None] for row in report.lost_reasons
    ]
    return header, [*stage_rows, *reason_rows]


def _lead_conversion_table(report: reports.LeadConversionReport) -> Table:
    rows = [[row.period, row.region, row.leads, row.converted, row.conversion_rate] for row in report.by_month]
    rows += [["total", row.region, row.leads, row.converted, row.conversion_rate] for row in report.by_region]
    return ["period", "region", "leads", "converted", "conversion_rate"], rows


def _sales_cycle_table(report: reports.SalesCycleReport) -> Table:
    rows = [["all", None, report.overall.won, report.overall.average_days]]
    rows += [["business_line", row.business_line, row.won, row.average_days] for row in report.by_business_line]
    rows += [["owner", row.owner_user_id, row.won, row.average_days] for row in report.by_owner]
    return ["grouping", "value", "won", "average_days"], rows


def _branches_table(report: reports.BranchReport) -> Table:
    header = ["branch", "won_count", "won_amounts", "new_leads"]
    header += ["previous_year_won_count", "previous_year_won_amounts", "previous_year_new_leads"]
    rows = [
        [row.branch, row.current.won_count, _amounts(row.current.won_amounts), row.current.new_leads]
        + [row.previous_year.won_count, _amounts(row.previous_year.won_amounts), row.previous_year.new_leads]
        for row in report.branches
    ]
    return header, rows


_report_route(
    "funnel",
    "Funnel by stage: counts, amounts, stage-to-stage conversion, where and why opportunities are lost",
    "The funnel of the opportunities created in the months",
    reports.FunnelReport,
    lambda ctx, deps, query: reports.funnel_report(ctx, deps.rollups, deps.sales_stages, query),
    _funnel_table,
)
_report_route(
    "lead-conversion",
    "Lead conversion by region, per month and over the range",
    "Leads created in the months and how many converted",
    reports.LeadConversionReport,
    lambda ctx, deps, query: reports.lead_conversion_report(ctx, deps.rollups, query),
    _lead_conversion_table,
)
_report_route(
    "sales-cycle",
    "Average sales cycle (lead created, else opportunity created, to won) by business line and owner",
    "Opportunities won in the months and their mean cycle",
    reports.SalesCycleReport,
    lambda ctx, deps, query: reports.sales_cycle_report(ctx, deps.rollups, query),
    _sales_cycle_table,
)
_report_route(
    "branches",
    "Branch comparison: won count and amounts, new leads; the months vs the same months a year earlier",
    "Each branch's figures now and a year earlier",
    reports.BranchReport,
    lambda ctx, deps, query: reports.branch_report(ctx, deps.rollups, query),
    _branches_table,
)

# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/reports", router),)
