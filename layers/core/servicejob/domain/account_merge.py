"""Merging a duplicate account into the one that survives.

The duplicate's children (contacts, opportunities, and whatever else lists under an account: see
`dal.account_merge.MERGED_CHILD_KINDS`) move to the survivor; the duplicate is then soft-deleted with
`merged_into`, and the survivor records it in `merged_accounts` (id and name, since the duplicate is then
deleted), so the audit trail of both shows the merge.

A merge may span several transactions (at most 100 items each), so it is resumable: the first step
marks the duplicate `merging_into` the survivor (checking both expected versions), each batch moves
children atomically, and the last step deletes the duplicate and updates the survivor atomically. A
retried or interrupted merge with the same survivor and duplicate carries on from where it stopped; one
that already finished answers the same result again.
"""

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from servicejob.auth.permissions import Permission
from servicejob.domain.accounts import Account, AccountRepository, EntityId
from servicejob.errors import Conflict, FieldError, NotFound, ValidationFailed, VersionConflict
from servicejob.tenancy.context import TenantContext


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duplicate_id: EntityId = Field(description="The account merged away (soft-deleted with merged_into)")
    survivor_version: int = Field(ge=1, description="The survivor's version (ETag) the client read")
    duplicate_version: int = Field(ge=1, description="The duplicate's version (ETag) the client read")


class MergeResult(BaseModel):
    survivor: Account
    moved: dict[str, int] = Field(description="Children moved to the survivor by this call, by entity type")


@dataclass(frozen=True)
class MergeState:
    """What the store knows about an account taking part in a merge (deleted ones included)."""

    version: int
    deleted: bool
    merging_into: str | None
    merged_into: str | None


class AccountMerges(Protocol):
    def state(self, ctx: TenantContext, account_id: str) -> MergeState | None: ...
    def begin(
        self, ctx: TenantContext, survivor_id: str, survivor_version: int, duplicate_id: str, duplicate_version: int
    ) -> None:
        """Marks the duplicate `merging_into` the survivor if both are at the expected versions (one transaction)."""
        ...

    def move_children(self, ctx: TenantContext, duplicate_id: str, survivor_id: str) -> dict[str, int]:
        """Moves one batch (one transaction); an empty result means no child is left."""
        ...

    def finish(self, ctx: TenantContext, survivor_id: str, duplicate_id: str) -> None:
        """Soft-deletes the duplicate with merged_into and its match keys, updates the survivor (one transaction)."""
        ...


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed("The merge is not valid.", [FieldError("duplicate_id", message)])


def merge_accounts(
    ctx: TenantContext, accounts: AccountRepository, merges: AccountMerges, survivor_id: str, request: MergeRequest
) -> MergeResult:
    ctx.require(Permission.ACCOUNTS_WRITE)
    duplicate_id = request.duplicate_id
    if duplicate_id == survivor_id:
        raise _invalid("An account cannot be merged into itself.")
    survivor = merges.state(ctx, survivor_id)
    if survivor is None or survivor.deleted:
        raise NotFound(f"No account with id {survivor_id}.")
    duplicate = merges.state(ctx, duplicate_id)
    if duplicate is not None and duplicate.deleted and duplicate.merged_into == survivor_id:
        return MergeResult(survivor=accounts.get(ctx, survivor_id), moved={})  # finished before: same answer
    if duplicate is None or duplicate.deleted:
        raise _invalid(f"No account with id {duplicate_id}.")
    if survivor.merging_into:
        raise Conflict(f"The account {survivor_id} is itself being merged into {survivor.merging_into}.")
    if duplicate.merging_into is None:
        if survivor.version != request.survivor_version:
            raise VersionConflict(
                f"The survivor is at version {survivor.version}, not {request.survivor_version}; reload it.",
                current_version=survivor.version,
            )
        if duplicate.version != request.duplicate_version:
            raise VersionConflict(
                f"The duplicate is at version {duplicate.version}, not {request.duplicate_version}; reload it.",
                current_version=duplicate.version,
            )
        merges.begin(ctx, survivor_id, request.survivor_version, duplicate_id, request.duplicate_version)
    elif duplicate.merging_into != survivor_id:
        raise Conflict(f"The account {duplicate_id} is being merged into {duplicate.merging_into}.")
    moved: dict[str, int] = {}
    while batch := merges.move_children(ctx, duplicate_id, survivor_id):
        for child_type, count in batch.items():
            moved[child_type] = moved.get(child_type, 0) + count
    merges.finish(ctx, survivor_id, duplicate_id)
    return MergeResult(survivor=accounts.get(ctx, survivor_id), moved=moved)
