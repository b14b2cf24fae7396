"""`python -m local [--port 8000] [--host 127.0.0.1] [--reset]`: the whole product on one machine."""

import argparse
import signal
import sys
import threading

from .runtime import LocalRuntime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description="Run Service Job CRM locally over moto.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="start empty (state lives in memory only, so every start is empty; accepted for compatibility)",
    )
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo tenant")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.set())

    runtime = LocalRuntime(host=args.host)
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
        if not args.no_demo and not stopping.is_set():
            _seed_demo(runtime)
        print("Press Ctrl-C to stop.", flush=True)  # noqa: T201
        stopping.wait()
    finally:
        print("Stopping…", flush=True)  # noqa: T201
        runtime.stop()
    return 0


def _seed_demo(runtime: LocalRuntime) -> None:
    from .demo_tenant import DemoSeedError, seed_demo_tenant
    from .provisioning import MotoClients

    try:
        demo = seed_demo_tenant(runtime.base_url, MotoClients(runtime.moto_url).cognito_idp, runtime.user_pool_id)
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


if __name__ == "__main__":
    sys.exit(main())
