"""/v1/accounts: thin routes — parse, call the domain service, map to HTTP."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from servicejob.dal.pagination import DEFAULT_LIMIT, MAX_LIMIT
from servicejob.domain import account_merge, accounts, scorecard
from servicejob.domain.duplicates import DuplicateMatch
from servicejob.domain.scorecard import AccountScoresInput, Tier

from ..openapi_docs import ID_PATTERN, responses
from ..request_context import tenant_context
from ..wiring import dependencies
from .conditional import etag, expected_version

router = APIGatewayRouter()

AccountId = Annotated[str, Path(pattern=ID_PATTERN, description="Account id (ULID)")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag from the last read")]


class AccountPage(BaseModel):
    items: list[accounts.Account]
    next_cursor: str | None


class DuplicateList(BaseModel):
    items: list[DuplicateMatch]


def _account_response(account: accounts.Account, status: int = 200) -> Response[accounts.Account]:
    return Response(
        status_code=status,
        body=account,
        content_type="application/json",
        headers={"ETag": etag(account.version), "Location": f"/v1/accounts/{account.id}"}
        if status == 201
        else {"ETag": etag(account.version)},
    )


@router.post(
    "",
    summary="Create an account; the answer names accounts it likely duplicates",
    description="Never refused for a likely duplicate: `possible_duplicates` lists accounts sharing its normalized "
    "name, phone, company e-mail or web domain, HK BR number or PRC USCC, for the client to offer a merge.",
    tags=["accounts"],
    responses=responses(201, "Created"),
)
def create_account(
    account: accounts.AccountInput,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200, description="Makes a retried create safe")
    ] = None,
) -> Response[accounts.AccountCreated]:
    ctx = tenant_context(router)
    deps = dependencies()

    def create() -> dict:
        created = accounts.create_account(ctx, deps.accounts, deps.users, account, deps.match_keys)
        return created.model_dump(mode="json")

    if idempotency_key:
        created = deps.idempotency.run(ctx, "accounts.create", idempotency_key, account.model_dump(mode="json"), create)
    else:
        created = create()
    return _account_response(accounts.AccountCreated.model_validate(created), status=201)


@router.get(
    "",
    summary="List accounts, newest first, or search by name prefix",
    tags=["accounts"],
    responses=responses(200, "A page of accounts"),
)
def list_accounts(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    q: Annotated[str | None, Query(max_length=100, description="Name prefix, case- and width-insensitive")] = None,
    sort: Annotated[
        accounts.AccountSort | None, Query(description="-score: highest score first; score: lowest first")
    ] = None,
    tier: Annotated[Tier | None, Query(description="Only accounts of this scorecard tier, by score")] = None,
) -> AccountPage:
    page = accounts.list_accounts(tenant_context(router), dependencies().accounts, limit, cursor, q, sort, tier)
    return AccountPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/<account_id>", summary="Get an account", tags=["accounts"], responses=responses(200, "The account"))
def get_account(account_id: AccountId) -> Response[accounts.Account]:
    return _account_response(accounts.get_account(tenant_context(router), dependencies().accounts, account_id))


@router.get(
    "/<account_id>/duplicates",
    summary="Accounts this account likely duplicates",
    tags=["accounts"],
    responses=responses(200, "Likely duplicates, most and strongest matches first"),
)
def list_account_duplicates(account_id: AccountId) -> DuplicateList:
    deps = dependencies()
    items = accounts.list_account_duplicates(tenant_context(router), deps.accounts, deps.match_keys, account_id)
    return DuplicateList(items=items)


@router.post(
    "/<account_id>/merge",
    summary="Merge a duplicate into this account",
    description="Moves the duplicate's contacts and opportunities (and other children) here, then deletes the "
    "duplicate with `merged_into`. Both expected versions are checked when the merge starts; a merge that was "
    "interrupted resumes when sent again, and one that finished answers the same survivor.",
    tags=["accounts"],
    responses=responses(200, "The survivor and the children moved"),
)
def merge_account(account_id: AccountId, request: account_merge.MergeRequest) -> Response[account_merge.MergeResult]:
    deps = dependencies()
    result = account_merge.merge_accounts(
        tenant_context(router), deps.accounts, deps.account_merges, account_id, request
    )
    return Response(
        status_code=200,
        body=result,
        content_type="application/json",
        headers={"ETag": etag(result.survivor.version)},
    )


@router.put(
    "/<account_id>/scorecard",
    summary="Set the account's factor scores (If-Match: the account's ETag); score and tier follow",
    tags=["accounts"],
    responses=responses(200, "The account with its scorecard"),
)
def score_account(
    account_id: AccountId, scores: AccountScoresInput, if_match: IfMatch = None
) -> Response[accounts.Account]:
    deps = dependencies()
    scored = scorecard.score_account(
        tenant_context(router), deps.scorecard_settings, deps.accounts, account_id, scores, expected_version(if_match)
    )
    return _account_response(scored)


@router.patch(
    "/<account_id>",
    summary="Change an account (If-Match required)",
    tags=["accounts"],
    responses=responses(200, "The changed account"),
)
def update_account(
    account_id: AccountId, patch: accounts.AccountPatch, if_match: IfMatch = None
) -> Response[accounts.Account]:
    ctx = tenant_context(router)
    deps = dependencies()
    updated = accounts.update_account(
        ctx, deps.accounts, deps.users, deps.contacts, account_id, patch, expected_version(if_match)
    )
    return _account_response(updated)


@router.delete(
    "/<account_id>",
    summary="Delete an account (If-Match required)",
    tags=["accounts"],
    responses=responses(204, "Deleted"),
)
def delete_account(account_id: AccountId, if_match: IfMatch = None) -> Response[None]:
    accounts.delete_account(tenant_context(router), dependencies().accounts, account_id, expected_version(if_match))
    return Response(status_code=204)


# (path prefix, router): the API functions include the ones under their prefixes (deployment_spec)
ROUTERS = (("/v1/accounts", router),)
