"""`python -m local [--port 8000] [--host 127.0.0.1] [--reset] [--state-dir DIR | --ephemeral]`: the whole
product on one machine, its state kept between runs."""

import argparse
import signal
import sys
import threading
from pathlib import Path

from .runtime import DEFAULT_STATE_DIR, LocalRuntime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description="Run Service Job CRM locally over moto.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--reset", action="store_true", help="delete the saved state and start empty")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help=f"where the state is saved between runs (default: {DEFAULT_STATE_DIR})",
    )
    parser.add_argument(
        "--ephemeral", action="store_true", help="keep the state in memory only: start empty, save nothing"
    )
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo tenant")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.set())

    runtime = LocalRuntime(host=args.host, state_dir=None if args.ephemeral else args.state_dir, reset=args.reset)
    try:
        runtime.start(port=args.port)
    except OSError as error:
        print(f"Could not start on {args.host}:{args.port}: {error}", file=sys.stderr)  # noqa: T201
        return 1
    try:
        print(
            f"Service Job CRM is running on {runtime.base_url} (ready in {runtime.ready_seconds:.1f} s)",
            flush=True,
        )  # noqa: T201
        if runtime.state_file:
            continued = "continued from" if runtime.restored else "will be saved to"
            print(f"State {continued} {runtime.state_file.directory} (--reset starts empty)", flush=True)  # noqa: T201
        if not args.no_demo and not stopping.is_set():
            _seed_demo(runtime)
        print("Press Ctrl-C to stop.", flush=True)  # noqa: T201
        stopping.wait()
    finally:
        print("Stopping…", flush=True)  # noqa: T201
        runtime.stop()
    return 0


def _seed_demo(runtime: LocalRuntime) -> None:
    from .demo_tenant import DemoSeedError, existing_demo_tenant, seed_demo_tenant
    from .provisioning import MotoClients

    cognito = MotoClients(runtime.moto_url).cognito_idp
    existing = existing_demo_tenant(cognito, runtime.user_pool_id)
    if existing:
        print(  # noqa: T201
            f"\nDemo tenant {existing.tenant_id} exists: sign in as {existing.email} with the password printed on"
            " its first start (scripts/run --reset starts over with a new one).\n",
            flush=True,
        )
        _ensure_tenant_schedules(runtime, existing.tenant_id)
        return
    try:
        demo = seed_demo_tenant(runtime.base_url, cognito, runtime.user_pool_id)
    except (DemoSeedError, OSError, KeyError) as error:
        print(f"Warning: the demo tenant was not seeded: {error}", flush=True)  # noqa: T201
        return
    print(  # noqa: T201
        "\nDemo tenant ready (this password is shown once):\n"
        f"  tenant id : {demo.tenant_id}\n"
        f"  sign in   : {demo.email}\n"
        f"  password  : {demo.password}\n"
        f"  mailbox   : {runtime.base_url}/_local/mailbox\n",
        flush=True,
    )


def _ensure_tenant_schedules(runtime: LocalRuntime, tenant_id: str) -> None:
    """A demo tenant kept from an earlier start may predate its reminders schedule: the onboarding task that
    creates the schedule group (and the schedule) is idempotent, so it is simply run again."""
    from .lambda_dispatch import invoke_function

    try:
        invoke_function(
            runtime.stage, "workflows", {"task": "create_schedule_group", "input": {"tenant_id": tenant_id}}
        )
    except Exception as error:  # noqa: BLE001 - the runtime still starts; the warning says what is missing
        print(f"Warning: the demo tenant's schedules were not ensured: {error}", flush=True)  # noqa: T201


if __name__ == "__main__":
    sys.exit(main())
