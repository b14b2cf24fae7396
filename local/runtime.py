"""The whole product on one machine: moto in server mode, the resources, the gateway, the pollers and the
scheduler, all in this process. Used by `python -m local` and by the test suites' fixtures.

With a state directory the state survives restarts: it is restored before provisioning (which reuses what
exists) and saved periodically and on stop (see state_file.py, state_keeper.py)."""

import json
import logging
import os
import threading
import time
import urllib.request
from pathlib import Path

from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from servicejob.config import get_settings
from servicejob.deployment_spec import API_FUNCTIONS, FUNCTIONS

from . import moto_transactions
from .api_gateway import TokenAuthorizer
from .event_rules import EventRules
from .gateway import ApiRoutes, Gateway
from .lambda_dispatch import (
    ACCOUNT_ID,
    REGION,
    cold_start_functions,
    install_lambda_dispatch,
    invoke_function,
    load_handler_module,
)
from .mailbox import Mailbox
from .provisioning import (
    MotoClients,
    provision_data,
    provision_roles,
    provision_state_machines,
    provision_user_pool,
)
from .scheduler_loop import SchedulerLoop
from .state_file import RuntimeCursors, StateFile, restore_backends
from .state_keeper import SAVE_EVERY_SECONDS, MotoRequestGate, StateKeeper
from .table_stream import TableStreamPoller
from .target_dispatch import TargetDispatcher

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATE_DIR = REPO_ROOT / ".local" / "state"
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


class LocalRuntime:
    """`state_dir=None` keeps everything in memory (every start empty); with a directory the state is restored
    from it and saved to it, and `reset=True` deletes what was saved before starting."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        stage: str = "local",
        state_dir: Path | None = None,
        reset: bool = False,
        save_every_seconds: float = SAVE_EVERY_SECONDS,
    ):
        self.host = host
        self.stage = stage
        self.state_file = StateFile(state_dir) if state_dir is not None else None
        self.reset = reset
        self.save_every_seconds = save_every_seconds
        self.restored = False  # True when this start continued from a saved state
        self._state_keeper: StateKeeper | None = None  # set once started: a failed start saves nothing
        self.base_url = ""
        self.moto_url = ""
        self.user_pool_id = ""
        self.client_id = ""
        self.ready_seconds = 0.0
        self.state_machine_arns: dict[str, str] = {}
        self._saved_environ: dict[str, str | None] = {}
        self._stoppers: list = []  # run in reverse order by stop()

    # --- lifecycle -------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> "LocalRuntime":
        started = time.monotonic()
        try:
            self._start(port)
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        while self._stoppers:
            stopper = self._stoppers.pop()
            try:
                stopper()
            except Exception as error:  # keep stopping the rest
                print(f"local runtime: error while stopping: {error!r}")  # noqa: T201
        self._restore_environ()

    def __enter__(self) -> "LocalRuntime":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _start(self, port: int) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per moto call is noise
        if self.state_file and self.reset:
            self.state_file.delete()
        saved = self.state_file.read() if self.state_file else None
        _serialize_dynamodb_requests()
        moto_transactions.install()
        moto_gate = MotoRequestGate(DomainDispatcherApplication(create_backend_app))
        # The same moto port as before if free, so a console still holding the old Cognito endpoint works.
        moto_port = self._serve(moto_gate, saved.cursors.moto_port if saved else 0, "moto", MotoRequestHandler)
        self.moto_url = f"http://{self.host}:{moto_port}"
        # Leave the process's moto globals empty on stop (while this environment still allows SES in ap-east-1,
        # which moto's reset re-creates), so a later mock_aws() in the same process starts clean.
        self._stoppers.append(lambda: self._post_moto_api("/moto-api/reset", {}))
        # moto's backends are process globals: start empty even if an earlier runtime ran in this process.
        self._post_moto_api("/moto-api/reset", {})
        if saved:
            restore_backends(saved.backends)
            self.restored = True
        self._post_moto_api("/moto-api/config", {"stepfunctions": {"execute_state_machine": True}})
        cursors = saved.cursors if saved else RuntimeCursors()

        # Bind the gateway first: its URL goes into the settings the handlers read at import.
        gateway_app = _LateBoundApp()
        server = make_server(self.host, port, gateway_app, threaded=True)
        self.base_url = f"http://{self.host}:{server.server_port}"

        self._set_environ(
            {
                **_FAKE_CREDENTIALS,
                "AWS_ENDPOINT_URL": self.moto_url,
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                # moto's Step Functions service integrations call this port
                "MOTO_PORT": str(moto_port),
                # SES does not exist in ap-east-1, in AWS nor in moto: let moto serve it there anyway.
                "MOTO_ALLOW_NONEXISTENT_REGION": "true",
                "POWERTOOLS_TRACE_DISABLED": "1",
                "POWERTOOLS_METRICS_NAMESPACE": "ServiceJob",
                "SJ_STAGE": self.stage,
                "SJ_REGION": REGION,
                "SJ_COGNITO_ENDPOINT": self.moto_url,
                "SJ_API_BASE_URL": self.base_url,
                "SJ_CONSOLE_URL": self.base_url,
                "SJ_MAILBOX_URL": f"{self.base_url}/_local/mailbox",
            },
            drop=("AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
        )
        get_settings.cache_clear()
        settings = get_settings()
        mail_region = settings.mail_region or settings.region
        clients = MotoClients(self.moto_url, mail_region)
        provision_data(clients, settings)
        provision_roles(clients, settings)
        pool = provision_user_pool(clients, self.stage)
        self.user_pool_id, self.client_id = pool.user_pool_id, pool.client_id
        self._set_environ({"SJ_USER_POOL_ID": self.user_pool_id, "SJ_USER_POOL_CLIENT_ID": self.client_id})
        self.state_machine_arns = provision_state_machines(clients, self.stage)
        self._set_environ(
            {
                "SJ_ONBOARDING_STATE_MACHINE_ARN": self.state_machine_arns.get("TenantOnboarding", ""),
                "SJ_IMPORT_STATE_MACHINE_ARN": self.state_machine_arns.get("ImportJob", ""),
                "SJ_EXPORT_STATE_MACHINE_ARN": self.state_machine_arns.get("ExportJob", ""),
            }
        )
        get_settings.cache_clear()
        settings = get_settings()
        cold_start_functions()
        self._stoppers.append(cold_start_functions)

        self._stoppers.append(install_lambda_dispatch(self.stage))
        # Stopped after the gateway, scheduler and pollers, while Lambda tasks still run: running executions
        # can finish before the final save.
        self._stoppers.append(lambda: self._state_keeper and self._state_keeper.stop_and_save())
        dispatcher = TargetDispatcher(self.stage, clients.stepfunctions)

        event_rules = EventRules(
            clients, self.stage, settings.event_bus_name, REGION, ACCOUNT_ID, dispatcher, cursors.recent_events
        )
        event_rules.provision()
        event_rules.start()
        self._stoppers.append(event_rules.stop)

        poller = None
        if (REPO_ROOT / "functions" / "events" / "handler.py").is_file():
            poller = TableStreamPoller(
                clients.dynamodbstreams,
                clients.dynamodb,
                settings.table_name,
                lambda event: invoke_function(self.stage, "events", event),
                cursors.stream_positions,
            )
            poller.start()
            self._stoppers.append(poller.stop)
        else:
            print("local runtime: functions/events/handler.py missing; the table stream is not consumed")  # noqa: T201

        scheduler = SchedulerLoop(clients.scheduler, dispatcher, last_checked=cursors.schedule_checks)
        scheduler.start()
        self._stoppers.append(scheduler.stop)
        mailbox = Mailbox(ACCOUNT_ID, mail_region, first_seen=cursors.mail_first_seen)

        api_routes: dict[str, ApiRoutes] = {}

        def routes(function_key: str) -> ApiRoutes:
            if function_key not in api_routes:
                api_routes[function_key] = ApiRoutes(load_handler_module(FUNCTIONS[function_key]).app)
            return api_routes[function_key]

        gateway_app.app = Gateway(
            invoke_api=lambda function_key, event: invoke_function(self.stage, function_key, event),
            api_routes=routes,
            authorizer=TokenAuthorizer(lambda event: invoke_function(self.stage, "authorizer", event)),
            mailbox=mailbox,
            recent_events=event_rules.recent_events,
            runtime_config=lambda: {
                "region": REGION,
                "user_pool_id": self.user_pool_id,
                "user_pool_client_id": self.client_id,
                "cognito_endpoint": self.moto_url,
                "api_base_url": self.base_url,
                "mailbox_url": f"{self.base_url}/_local/mailbox",
                "stage": self.stage,
            },
        )
        self._run_server(server, "gateway")
        for function_key in API_FUNCTIONS:  # import the API functions now, so the first request does not pay
            try:
                routes(function_key)
            except Exception as error:
                print(f"local runtime: the API function {function_key} failed to import: {error!r}")  # noqa: T201

        if self.state_file:
            self._state_keeper = StateKeeper(
                self.state_file,
                moto_gate,
                lambda: RuntimeCursors(
                    stream_positions=poller.positions() if poller else {},
                    schedule_checks=scheduler.last_checked(),
                    recent_events=event_rules.recent_events(),
                    mail_first_seen=mailbox.first_seen(),
                    moto_port=moto_port,
                ),
                self.save_every_seconds,
            )
            self._state_keeper.start()

    # --- helpers ---------------------------------------------------------------------------------------

    def _serve(self, app, preferred_port: int, name: str, request_handler=None) -> int:
        """Serves `app` on the preferred port, or any free one if it is taken; returns the port."""
        try:
            server = make_server(self.host, preferred_port, app, threaded=True, request_handler=request_handler)
        except OSError:
            if not preferred_port:
                raise
            server = make_server(self.host, 0, app, threaded=True, request_handler=request_handler)
        self._run_server(server, name)
        return server.server_port

    def _run_server(self, server, name: str) -> None:
        serving = threading.Thread(target=server.serve_forever, name=name, daemon=True)
        serving.start()

        def stop_server() -> None:
            server.shutdown()
            server.server_close()
            serving.join(timeout=10)

        self._stoppers.append(stop_server)

    def _post_moto_api(self, path: str, payload: dict) -> None:
        request = urllib.request.Request(  # noqa: S310 — loopback moto URL built above
            self.moto_url + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()

    def _set_environ(self, values: dict[str, str], drop: tuple[str, ...] = ()) -> None:
        for name in (*values, *drop):
            self._saved_environ.setdefault(name, os.environ.get(name))
        for name in drop:
            os.environ.pop(name, None)
        os.environ.update(values)

    def _restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ.clear()
        get_settings.cache_clear()


_DYNAMODB_REQUESTS = threading.RLock()


def _serialize_dynamodb_requests() -> None:
    """moto's TransactWriteItems deep-copies the table (to roll back on failure); a write handled by another
    request thread during that copy breaks it ("dictionary changed size during iteration"). So moto handles
    DynamoDB requests one at a time (it holds the GIL for most of each anyway)."""
    if getattr(DynamoHandler.call_action, "serialized", False):
        return
    handle = DynamoHandler.call_action

    def call_action(self):
        with _DYNAMODB_REQUESTS:
            return handle(self)

    call_action.serialized = True
    DynamoHandler.call_action = call_action


class _LateBoundApp:
    """The WSGI app the server is bound with before the gateway exists (it needs the server's port)."""

    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)
