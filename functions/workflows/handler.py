"""Step Functions task function: `{"task": "<step>", "input": <state>}` → the step's small result.

Every step is idempotent (Step Functions retries them). The owner's temporary password exists only
inside `invite_owner`: it is never in the state, the result, an exception message or a log line.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.utilities.typing import LambdaContext

from servicejob.auth.permissions import Role
from servicejob.clock import utc_now
from servicejob.domain import exports, imports
from servicejob.domain.reminders import run_reminders
from servicejob.domain.tenants import SignupRequest, TenantStatus
from servicejob.domain.users import AlreadyInvited, EmailUnavailable
from servicejob.domain.visibility_backfill import run_backfill
from servicejob.observability import logger
from servicejob.tenancy.context import system_context
from servicejob.workflows.reminders import unqualified_function_arn

from .wiring import dependencies

ACTOR = "system:onboarding"


class OwnerEmailUnavailable(Exception):
    """The owner's e-mail already belongs to a user: the signup fails, the caller never learns why."""


class UnknownTask(Exception):
    pass


def save_tenant(state: dict) -> dict:
    tenant = dependencies().tenants.save_provisioning(
        state["tenant_id"], SignupRequest.model_validate(state["signup"]), actor=ACTOR
    )
    return {"status": tenant.status.value}


def create_schedule_group(state: dict) -> dict:
    """The tenant's schedule group and its daily reminders schedule, which invokes this same function.

    Re-running this task for an existing tenant (docs/operations.md) gives it the schedule too.
    """
    deps = dependencies()
    group = deps.schedule_groups.ensure(state["tenant_id"])
    tenant = deps.tenants.get(state["tenant_id"])
    schedule = deps.reminder_schedules.ensure(tenant.id, tenant.time_zone, state["function_arn"])
    return {"name": group, "reminders_schedule": schedule}


def send_reminders(state: dict) -> dict:
    """Fired daily by the tenant's schedule; `day` (YYYY-MM-DD) defaults to today in the tenant's time zone."""
    deps = dependencies()
    tenant = deps.tenants.get(state["tenant_id"])
    day = date.fromisoformat(state["day"]) if state.get("day") else _today(tenant.time_zone)
    ctx = system_context(tenant.id, "reminders", state.get("correlation_id", ""))
    summary = run_reminders(
        ctx,
        day,
        tenant.time_zone,
        deps.activities,
        deps.accounts,
        deps.reminder_settings,
        deps.reminder_ledger,
        deps.reminder_delivery,
    )
    return {
        "day": summary.day,
        "due": summary.due,
        "inactive": summary.inactive,
        "recipients_told": summary.recipients_told,
        "recipients_skipped": summary.recipients_skipped,
    }


def _today(time_zone: str) -> date:
    return datetime.astimezone(utc_now(), ZoneInfo(time_zone)).date()


def create_usage_key(state: dict) -> dict:
    """Puts the tenant on its tier's usage plan; skipped where no usage plans are deployed (locally)."""
    deps = dependencies()
    if not deps.usage_keys.enabled:
        return {"usage_key_id": None}
    tenant = deps.tenants.get(state["tenant_id"])
    key = deps.usage_keys.ensure(tenant.id, tenant.tier)
    deps.tenants.set_usage_key(tenant.id, key.id, key.value, ACTOR)
    # The id only: the result lands in the execution history and the log.
    return {"usage_key_id": key.id}


def invite_owner(state: dict) -> dict:
    deps = dependencies()
    tenant = deps.tenants.get(state["tenant_id"])
    ctx = system_context(tenant.id, "onboarding", state.get("correlation_id", ""))
    try:
        owner = deps.invitations.invite(ctx, tenant, tenant.owner_email, tenant.owner_name, Role.OWNER, tenant.locale)
    except AlreadyInvited as done:  # a retry after the e-mail went out
        owner = done.user
    except EmailUnavailable:
        raise OwnerEmailUnavailable("The owner's e-mail address already belongs to a user.") from None
    return {"user_id": owner.id}


def mark_active(state: dict) -> dict:
    return {"status": dependencies().tenants.set_status(state["tenant_id"], TenantStatus.ACTIVE, ACTOR).status.value}


def mark_failed(state: dict) -> dict:
    reason = (state.get("error") or {}).get("Error") or "unknown"
    tenant = dependencies().tenants.set_status(state["tenant_id"], TenantStatus.FAILED, ACTOR, reason=reason)
    logger.warning("tenant onboarding failed", extra={"reason": reason})
    return {"status": tenant.status.value}


def backfill_visibility(state: dict) -> dict:
    """Tags a tenant's records written before record visibility (docs/operations.md): call again until done."""
    ctx = system_context(state["tenant_id"], "visibility-backfill", state.get("correlation_id", ""))
    progress = run_backfill(
        ctx, dependencies().visibility_backfill, int(state.get("max_pages", 20)), bool(state.get("restart"))
    )
    return {
        "status": progress.status.value,
        "entity_type": progress.entity_type,
        "examined": progress.examined,
        "tagged": progress.tagged,
        "started_at": progress.started_at,
        "updated_at": progress.updated_at,
    }


# ---- ImportJob ------------------------------------------------------------------------------------------
# A commit task writes chunks for this long, then hands back to the state machine, which calls it again.
IMPORT_COMMIT_SECONDS = 240


def _import_context(state: dict):
    return system_context(state["tenant_id"], "imports", state.get("correlation_id", ""))


def import_dry_run(state: dict) -> dict:
    job = imports.run_dry_run(_import_context(state), dependencies().imports, state["job_id"])
    return {"status": job.status.value, "rows_valid": job.rows_valid, "error_rows": job.error_rows}


def import_commit(state: dict) -> dict:
    job, done = imports.run_commit(
        _import_context(state), dependencies().imports, state["job_id"], IMPORT_COMMIT_SECONDS
    )
    return {"status": job.status.value, "rows_committed": job.rows_committed, "done": done}


def import_failed(state: dict) -> dict:
    error = state.get("error") or {}
    logger.warning("import failed", extra={"error": error.get("Error")})
    job = imports.fail(_import_context(state), dependencies().imports.jobs, state["job_id"], None)
    return {"status": job.status.value}


# ---- ExportJob ------------------------------------------------------------------------------------------
# An export task writes parts for this long, then hands back to the state machine, which calls it again.
EXPORT_SECONDS = 240


def _export_context(state: dict):
    return system_context(state["tenant_id"], "exports", state.get("correlation_id", ""))


def export_run(state: dict) -> dict:
    job, done = exports.run_export(_export_context(state), dependencies().exports, state["job_id"], EXPORT_SECONDS)
    return {"status": job.status.value, "rows_done": job.rows_done, "done": done}


def export_failed(state: dict) -> dict:
    error = state.get("error") or {}
    logger.warning("export failed", extra={"error": error.get("Error")})
    job = exports.fail(_export_context(state), dependencies().exports.jobs, state["job_id"], None)
    return {"status": job.status.value}


TASKS: dict[str, Callable[[dict], dict]] = {
    "save_tenant": save_tenant,
    "create_schedule_group": create_schedule_group,
    "create_usage_key": create_usage_key,
    "invite_owner": invite_owner,
    "mark_active": mark_active,
    "mark_failed": mark_failed,
    "import_dry_run": import_dry_run,
    "import_commit": import_commit,
    "import_failed": import_failed,
    "export_run": export_run,
    "export_failed": export_failed,
    "send_reminders": send_reminders,
    "backfill_visibility": backfill_visibility,
}


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict:
    task = TASKS.get(event.get("task", ""))
    if task is None:
        raise UnknownTask(f"No workflow task named {event.get('task')!r}.")
    # Tasks that schedule this function (the reminders schedule) target it by its own ARN.
    state = {**(event.get("input") or {}), "function_arn": unqualified_function_arn(context.invoked_function_arn)}
    logger.append_keys(task=event["task"], tenant_id=state.get("tenant_id"), correlation_id=state.get("correlation_id"))
    result = task(state)
    logger.info("workflow task done", extra={"result": result})
    return result
