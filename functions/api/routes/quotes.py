"""/v1/opportunities/{opportunity_id}/quotes and /v1/quotes/{quote_id}: thin routes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import quotes

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()
# Mounted under /v1/opportunities: an opportunity's quote versions.
opportunity_router = APIGatewayRouter()

QuoteId = Annotated[str, Path(pattern=ID_PATTERN, description="Quote id (ULID): one version")]
OpportunityId = Annotated[str, Path(pattern=ID_PATTERN, description="Opportunity id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=2000)]


class QuotePage(BaseModel):
    items: list[quotes.Quote]
    next_cursor: str | None


def _quote_response(quote: quotes.Quote, status: int = 200) -> Response[quotes.Quote]:
    headers = {"ETag": etag(quote.version)}
    if status == 201:
        headers["Location"] = f"/v1/quotes/{quote.id}"
    return Response(status_code=status, body=quote, content_type="application/json", headers=headers)


@opportunity_router.post(
    "/<opportunity_id>/quotes",
    summary="Create the next quote version (copies the latest unless given); the previous one becomes read-only",
    tags=["quotes"],
    responses=responses(201, "Created"),
)
def create_quote_version(
    opportunity_id: OpportunityId,
    quote: quotes.QuoteInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[quotes.Quote]:
    ctx = tenant_context(opportunity_router)
    deps = dependencies()

    def create() -> dict:
        created = quotes.create_version(
            ctx, deps.quotes, deps.opportunities, deps.quote_settings, opportunity_id, quote
        )
        return created.model_dump(mode="json")

    if idempotency_key:
        body = {"opportunity_id": opportunity_id, **quote.model_dump(mode="json")}
        created = deps.idempotency.run(ctx, "quotes.create", idempotency_key, body, create)
    else:
        created = create()
    return _quote_response(quotes.Quote.model_validate(created), status=201)


@opportunity_router.get(
    "/<opportunity_id>/quotes",
    summary="An opportunity's quote versions, oldest first",
    tags=["quotes"],
    responses=responses(200, "A page"),
)
def list_quotes(opportunity_id: OpportunityId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> QuotePage:
    deps = dependencies()
    ctx = tenant_context(opportunity_router)
    page = quotes.list_quotes(ctx, deps.quotes, deps.opportunities, opportunity_id, limit, cursor)
    return QuotePage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<quote_id>", summary="Get a quote version", tags=["quotes"], responses=responses(200, "It"))
def get_quote(quote_id: QuoteId) -> Response[quotes.Quote]:
    return _quote_response(quotes.get_quote(tenant_context(router), dependencies().quotes, quote_id))


@router.patch(
    "/<quote_id>",
    summary="Change a draft quote or set its status (If-Match required); superseded or decided versions answer 409",
    tags=["quotes"],
    responses=responses(200, "The changed quote"),
)
def update_quote(quote_id: QuoteId, patch: quotes.QuotePatch, if_match: IfMatch = None) -> Response[quotes.Quote]:
    ctx = tenant_context(router)
    updated = quotes.update_quote(ctx, dependencies().quotes, quote_id, patch, expected_version(if_match))
    return _quote_response(updated)


def _render(quote: quotes.Quote, document: quotes.QuoteDocument) -> bytes:
    # Imported only once a quote is found: fpdf2 with Pillow and fontTools costs seconds of import, which
    # neither every cold start nor a request for an unknown quote should pay.
    from servicejob.documents.quote_pdf import render_quote_pdf

    return render_quote_pdf(quote, document)


def quote_pdf_services() -> quotes.QuotePdfServices:
    deps = dependencies()
    return quotes.QuotePdfServices(deps.tenants, deps.quote_settings, deps.files, deps.documents, _render)


@router.post(
    "/<quote_id>/pdf",
    summary="Render the quote version as a PDF with the tenant's template (once per version), answer a 5-minute URL",
    tags=["quotes"],
    responses=responses(201, "Rendered"),
)
def render_quote_pdf(quote_id: QuoteId) -> Response[quotes.QuotePdfLink]:
    ctx = tenant_context(router)
    deps = dependencies()
    link = quotes.render_pdf(ctx, deps.quotes, deps.accounts, quote_pdf_services(), quote_id)
    return Response(status_code=201, body=link, content_type="application/json")


@router.get(
    "/<quote_id>/pdf",
    summary="A 5-minute download URL of the PDF of the quote's current state (404 until rendered)",
    tags=["quotes"],
    responses=responses(200, "The link"),
)
def get_quote_pdf(quote_id: QuoteId) -> quotes.QuotePdfLink:
    deps = dependencies()
    return quotes.pdf_link(tenant_context(router), deps.quotes, deps.documents, quote_id)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/quotes", router), ("/v1/opportunities", opportunity_router))
