"""/v1/leads: thin routes — parse, call the domain service, map to HTTP."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import lead_conversion, leads

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()

LeadId = Annotated[str, Path(pattern=ID_PATTERN, description="Lead id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]


class LeadPage(BaseModel):
    items: list[leads.Lead]
    next_cursor: str | None


def _lead_response(lead: leads.Lead, status: int = 200) -> Response[leads.Lead]:
    return Response(
        status_code=status,
        body=lead,
        content_type="application/json",
        headers={"ETag": etag(lead.version), "Location": f"/v1/leads/{lead.id}"}
        if status == 201
        else {"ETag": etag(lead.version)},
    )


@router.post(
    "",
    summary="Create a lead; its owner is set by the assignment rules; the answer names likely duplicates",
    description="Never refused for a likely duplicate: `possible_duplicates` lists accounts and leads sharing its "
    "normalized company name, phone or company e-mail domain.",
    tags=["leads"],
    responses=responses(201, "Created"),
)
def create_lead(
    lead: leads.LeadInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[leads.LeadCreated]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        created = leads.create_lead(ctx, deps.leads, deps.assignment_rules, lead, deps.match_keys)
        return created.model_dump(mode="json")

    if idempotency_key:
        created = deps.idempotency.run(ctx, "leads.create", idempotency_key, lead.model_dump(mode="json"), create)
    else:
        created = create()
    return _lead_response(leads.LeadCreated.model_validate(created), status=201)


@router.get(
    "",
    summary="List leads, newest first, or search by company name prefix",
    tags=["leads"],
    responses=responses(200, "A page of leads"),
)
def list_leads(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Company name prefix, case- and width-insensitive")
    ] = None,
) -> LeadPage:
    page = leads.list_leads(tenant_context(router), dependencies().leads, limit, cursor, q)
    return LeadPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<lead_id>", summary="Get a lead", tags=["leads"], responses=responses(200, "The lead"))
def get_lead(lead_id: LeadId) -> Response[leads.Lead]:
    return _lead_response(leads.get_lead(tenant_context(router), dependencies().leads, lead_id))


@router.patch(
    "/<lead_id>",
    summary="Change a lead (If-Match required); a new owner is notified (in-app and e-mail)",
    tags=["leads"],
    responses=responses(200, "The changed lead"),
)
def update_lead(lead_id: LeadId, patch: leads.LeadPatch, if_match: IfMatch = None) -> Response[leads.Lead]:
    ctx = tenant_context(router)
    deps = dependencies()
    updated = leads.update_lead(
        ctx,
        deps.leads,
        deps.users,
        deps.notifications,
        deps.mailer,
        lead_id,
        patch,
        expected_version(if_match),
    )
    return _lead_response(updated)


@router.delete(
    "/<lead_id>",
    summary="Delete a lead (If-Match required)",
    tags=["leads"],
    responses=responses(204, "Deleted"),
)
def delete_lead(lead_id: LeadId, if_match: IfMatch = None) -> Response[None]:
    leads.delete_lead(tenant_context(router), dependencies().leads, lead_id, expected_version(if_match))
    return Response(status_code=204)


@router.post(
    "/<lead_id>/convert",
    summary="Convert a lead into an account (existing or new), an optional contact and an opportunity, at once",
    description="All or nothing (one transaction). A converted lead answers 409 naming what it became; "
    "send an Idempotency-Key to make a retry replay the first answer instead.",
    tags=["leads"],
    responses=responses(201, "What the lead became"),
)
def convert_lead(
    lead_id: LeadId,
    conversion: lead_conversion.LeadConversionInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried conversion safe")
    ] = None,
    if_match: IfMatch = None,
) -> Response[lead_conversion.LeadConversion]:
    ctx = tenant_context(router)
    deps = dependencies()
    expected = expected_version(if_match) if if_match else None

    def convert() -> dict:
        return lead_conversion.convert_lead(
            ctx,
            deps.leads,
            deps.accounts,
            deps.contacts,
            deps.opportunities,
            deps.sales_stages,
            deps.users,
            deps.lead_conversions,
            lead_id,
            conversion,
            expected,
        ).model_dump(mode="json")

    if idempotency_key:
        body = {"lead_id": lead_id, **conversion.model_dump(mode="json")}
        result = deps.idempotency.run(ctx, "leads.convert", idempotency_key, body, convert)
    else:
        result = convert()
    return Response(
        status_code=201,
        body=lead_conversion.LeadConversion.model_validate(result),
        content_type="application/json",
        headers={"Location": f"/v1/opportunities/{result['opportunity']['id']}"},
    )


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/leads", router),)
