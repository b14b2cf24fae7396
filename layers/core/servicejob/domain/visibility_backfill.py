"""Giving records written before record visibility existed their audience (auth.visibility).

Until tagged, such a record is seen only by the roles that see all. The backfill is an operator's
one-off per tenant (docs/operations.md), run by the workflows function: each call tags up to
`max_pages` pages of one owned type after another, records where it stopped, and answers its
progress; the operator calls again until `status` is `done`. Every step is idempotent (only untagged
records are written, and never their `version`), so a retried or repeated call does no harm.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from servicejob.clock import now_iso
from servicejob.tenancy.context import TenantContext

PAGE_SIZE = 100


class BackfillStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


@dataclass
class BackfillProgress:
    status: BackfillStatus
    entity_type: str | None  # the type being tagged; None once done
    resume_at: dict[str, Any] | None = None  # where that type's next page starts (opaque to the domain)
    examined: int = 0
    tagged: int = 0
    started_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


class AudienceBackfill(Protocol):
    entity_types: Sequence[str]  # the owned types, in the order they are tagged

    def tag_page(
        self, ctx: TenantContext, entity_type: str, limit: int, resume_at: dict | None
    ) -> tuple[int, int, dict | None]:
        """Tags one page; (records examined, records tagged, where the next page starts or None)."""
        ...

    def progress(self, ctx: TenantContext) -> BackfillProgress | None: ...
    def save_progress(self, ctx: TenantContext, progress: BackfillProgress) -> None: ...


def run_backfill(
    ctx: TenantContext, backfill: AudienceBackfill, max_pages: int, restart: bool = False
) -> BackfillProgress:
    """Tags up to `max_pages` pages, saving progress after each, and answers the progress."""
    progress = None if restart else backfill.progress(ctx)
    if progress is None:
        progress = BackfillProgress(BackfillStatus.RUNNING, backfill.entity_types[0])
    types = list(backfill.entity_types)
    for _ in range(max_pages):
        if progress.status is BackfillStatus.DONE or progress.entity_type is None:
            break
        examined, tagged, resume_at = backfill.tag_page(ctx, progress.entity_type, PAGE_SIZE, progress.resume_at)
        progress.examined += examined
        progress.tagged += tagged
        progress.resume_at = resume_at
        if resume_at is None:  # this type is done: the next one from its first page
            following = types.index(progress.entity_type) + 1
            if following < len(types):
                progress.entity_type = types[following]
            else:
                progress.entity_type, progress.status = None, BackfillStatus.DONE
        progress.updated_at = now_iso()
        backfill.save_progress(ctx, progress)
    return progress
