"""/v1/contacts and /v1/accounts/{account_id}/contacts: thin routes — parse, call the domain service, map to HTTP."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import contacts

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()
account_router = APIGatewayRouter()

ContactId = Annotated[str, Path(pattern=ID_PATTERN, description="Contact id (ULID)")]
AccountId = Annotated[str, Path(pattern=ID_PATTERN, description="Account id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=2000)]


class ContactPage(BaseModel):
    items: list[contacts.Contact]
    next_cursor: str | None


def _contact_response(contact: contacts.Contact, status: int = 200) -> Response[contacts.Contact]:
    headers = {"ETag": etag(contact.version)}
    if status == 201:
        headers["Location"] = f"/v1/contacts/{contact.id}"
    return Response(status_code=status, body=contact, content_type="application/json", headers=headers)


@router.post("", summary="Create a contact of an account", tags=["contacts"], responses=responses(201, "Created"))
def create_contact(
    contact: contacts.ContactInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[contacts.Contact]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        return contacts.create_contact(ctx, deps.contacts, deps.accounts, deps.users, contact).model_dump(mode="json")

    if idempotency_key:
        created = deps.idempotency.run(ctx, "contacts.create", idempotency_key, contact.model_dump(mode="json"), create)
    else:
        created = create()
    return _contact_response(contacts.Contact.model_validate(created), status=201)


@router.get(
    "",
    summary="List contacts, newest first, or search by name prefix",
    tags=["contacts"],
    responses=responses(200, "A page of contacts"),
)
def list_contacts(
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100, description="Prefix of the English name, else the Chinese name; case- and width-insensitive"
        ),
    ] = None,
) -> ContactPage:
    page = contacts.list_contacts(tenant_context(router), dependencies().contacts, limit, cursor, q)
    return ContactPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<contact_id>", summary="Get a contact", tags=["contacts"], responses=responses(200, "The contact"))
def get_contact(contact_id: ContactId) -> Response[contacts.Contact]:
    return _contact_response(contacts.get_contact(tenant_context(router), dependencies().contacts, contact_id))


@router.patch(
    "/<contact_id>",
    summary="Change a contact (If-Match required)",
    tags=["contacts"],
    responses=responses(200, "The changed contact"),
)
def update_contact(
    contact_id: ContactId, patch: contacts.ContactPatch, if_match: IfMatch = None
) -> Response[contacts.Contact]:
    ctx = tenant_context(router)
    deps = dependencies()
    updated = contacts.update_contact(ctx, deps.contacts, deps.users, contact_id, patch, expected_version(if_match))
    return _contact_response(updated)


@router.delete(
    "/<contact_id>",
    summary="Delete a contact (If-Match required)",
    tags=["contacts"],
    responses=responses(204, "Deleted"),
)
def delete_contact(contact_id: ContactId, if_match: IfMatch = None) -> Response[None]:
    contacts.delete_contact(tenant_context(router), dependencies().contacts, contact_id, expected_version(if_match))
    return Response(status_code=204)


@account_router.get(
    "/<account_id>/contacts",
    summary="An account's contacts, oldest first (404 for an account not in this tenant)",
    tags=["contacts"],
    responses=responses(200, "A page of contacts"),
)
def list_account_contacts(account_id: AccountId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> ContactPage:
    deps = dependencies()
    ctx = tenant_context(account_router)
    page = contacts.list_account_contacts(ctx, deps.contacts, deps.accounts, account_id, limit, cursor)
    return ContactPage(items=page.items, next_cursor=page.next_cursor)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/contacts", router), ("/v1/accounts", account_router))
