"""/v1/sales-settings: the tenant's sales stages, reminders, customer scorecard and quote defaults (thin routes)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from servicejob.domain import quote_template, quotes, reminders, sales_stages, scorecard

from ..openapi_docs import responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import expected_version, versioned_response
from .quotes import quote_pdf_services

router = APIGatewayRouter()

IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]


@router.get(
    "/stages",
    summary="The tenant's sales stages, in funnel order (the default funnel until configured)",
    tags=["sales-settings"],
    responses=responses(200, "The sales stages"),
)
def get_sales_stages() -> Response[sales_stages.SalesStages]:
    return versioned_response(sales_stages.get_sales_stages(tenant_context(router), dependencies().sales_stages))


@router.put(
    "/stages",
    summary="Replace the sales stages (If-Match required)",
    tags=["sales-settings"],
    responses=responses(200, "The new sales stages"),
)
def replace_sales_stages(
    stages: sales_stages.SalesStagesInput, if_match: IfMatch = None
) -> Response[sales_stages.SalesStages]:
    ctx = tenant_context(router)
    replaced = sales_stages.replace_sales_stages(ctx, dependencies().sales_stages, stages, expected_version(if_match))
    return versioned_response(replaced)


@router.get(
    "/reminders",
    summary="The tenant's reminder settings (inactive-customer threshold, digest e-mail)",
    tags=["sales-settings"],
    responses=responses(200, "The reminder settings"),
)
def get_reminder_settings() -> Response[reminders.ReminderSettings]:
    settings = reminders.get_reminder_settings(tenant_context(router), dependencies().reminder_settings)
    return versioned_response(settings)


@router.put(
    "/reminders",
    summary="Replace the reminder settings (If-Match required)",
    tags=["sales-settings"],
    responses=responses(200, "The new reminder settings"),
)
def replace_reminder_settings(
    settings: reminders.ReminderSettingsInput, if_match: IfMatch = None
) -> Response[reminders.ReminderSettings]:
    ctx = tenant_context(router)
    replaced = reminders.replace_reminder_settings(
        ctx, dependencies().reminder_settings, settings, expected_version(if_match)
    )
    return versioned_response(replaced)


@router.get(
    "/scorecard",
    summary="The customer value scorecard: factors, weights, tier thresholds, re-scoring progress",
    tags=["sales-settings"],
    responses=responses(200, "The scorecard settings"),
)
def get_scorecard_settings() -> Response[scorecard.ScorecardSettings]:
    return versioned_response(scorecard.get_settings(tenant_context(router), dependencies().scorecard_settings))


@router.put(
    "/scorecard",
    summary="Replace the scorecard (If-Match required); every account is re-scored in the background",
    tags=["sales-settings"],
    responses=responses(200, "The new scorecard settings"),
)
def replace_scorecard_settings(
    settings: scorecard.ScorecardSettingsInput, if_match: IfMatch = None
) -> Response[scorecard.ScorecardSettings]:
    ctx = tenant_context(router)
    replaced = scorecard.replace_settings(ctx, dependencies().scorecard_settings, settings, expected_version(if_match))
    return versioned_response(replaced)


@router.get(
    "/quotes",
    summary="The tenant's quote defaults: the tax rate of a first version that gives none, and the PDF template",
    tags=["sales-settings"],
    responses=responses(200, "The quote defaults"),
)
def get_quote_settings() -> Response[quotes.QuoteSettings]:
    deps = dependencies()
    return versioned_response(quotes.get_quote_settings(tenant_context(router), deps.quote_settings, deps.files))


@router.put(
    "/quotes",
    summary="Replace the quote defaults and template (If-Match required); a bad logo is 422 on template.logo_id",
    tags=["sales-settings"],
    responses=responses(200, "The new quote defaults"),
)
def replace_quote_settings(
    settings: quotes.QuoteSettingsInput, if_match: IfMatch = None
) -> Response[quotes.QuoteSettings]:
    ctx = tenant_context(router)
    deps = dependencies()
    replaced = quotes.replace_quote_settings(ctx, deps.quote_settings, deps.files, settings, expected_version(if_match))
    return versioned_response(replaced)


@router.post(
    "/quotes/logo",
    summary="Start a logo upload: a 10-minute presigned PUT for a PNG or JPEG (1 MB at most) and its logo_id",
    tags=["sales-settings"],
    responses=responses(201, "The upload target"),
)
def start_quote_logo_upload() -> Response[quote_template.LogoUpload]:
    upload = quote_template.start_logo_upload(tenant_context(router), dependencies().files)
    return Response(status_code=201, body=upload, content_type="application/json")


@router.post(
    "/quotes/preview",
    summary="Render a sample quote with the posted template (nothing is saved); answers a 5-minute PDF link",
    tags=["sales-settings"],
    responses=responses(200, "The sample PDF's link"),
)
def preview_quote_template(preview: quotes.QuotePreviewInput) -> quotes.PdfLink:
    return quotes.preview_pdf(tenant_context(router), quote_pdf_services(), preview)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/sales-settings", router),)
