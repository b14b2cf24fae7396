"""The whole product on one machine: moto in server mode, the resources, the gateway, the pollers and the
scheduler, all in this process. Used by `python -m local` and by the test suites' fixtures."""

import json
import logging
import os
import threading
import time
import urllib.request
from pathlib import Path

from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from servicejob.config import get_settings

from .api_gateway import TokenAuthorizer
from .event_rules import EventRules
from .gateway import ApiRoutes, Gateway
from .lambda_dispatch import (
    ACCOUNT_ID,
    REGION,
    cold_start_functions,
    install_lambda_dispatch,
    invoke_function,
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
from .table_stream import TableStreamPoller
from .target_dispatch import TargetDispatcher

REPO_ROOT = Path(__file__).resolve().parents[1]
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


class LocalRuntime:
    def __init__(self, host: str = "127.0.0.1", stage: str = "local"):
        self.host = host
        self.stage = stage
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
        moto = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        moto.start()
        self._stoppers.append(moto.stop)
        moto_host, moto_port = moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"
        # moto's backends are process globals: start empty even if an earlier runtime ran in this process.
        self._post_moto_api("/moto-api/reset", {})
        self._post_moto_api("/moto-api/config", {"stepfunctions": {"execute_state_machine": True}})

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
        self._set_environ({"SJ_ONBOARDING_STATE_MACHINE_ARN": self.state_machine_arns.get("TenantOnboarding", "")})
        get_settings.cache_clear()
        settings = get_settings()
        cold_start_functions()
        self._stoppers.append(cold_start_functions)

        self._stoppers.append(install_lambda_dispatch(self.stage))
        dispatcher = TargetDispatcher(self.stage, clients.stepfunctions)

        event_rules = EventRules(clients, self.stage, settings.event_bus_name, REGION, ACCOUNT_ID, dispatcher)
        event_rules.provision()
        event_rules.start()
        self._stoppers.append(event_rules.stop)

        if (REPO_ROOT / "functions" / "events" / "handler.py").is_file():
            poller = TableStreamPoller(
                clients.dynamodbstreams,
                clients.dynamodb,
                settings.table_name,
                lambda event: invoke_function(self.stage, "events", event),
            )
            poller.start()
            self._stoppers.append(poller.stop)
        else:
            print("local runtime: functions/events/handler.py missing; the table stream is not consumed")  # noqa: T201

        scheduler = SchedulerLoop(clients.scheduler, dispatcher)
        scheduler.start()
        self._stoppers.append(scheduler.stop)

        api_routes: list[ApiRoutes] = []

        def routes() -> ApiRoutes:
            if not api_routes:
                from functions.api.handler import app

                api_routes.append(ApiRoutes(app))
            return api_routes[0]

        gateway_app.app = Gateway(
            invoke_api=lambda event: invoke_function(self.stage, "api", event),
            api_routes=routes,
            authorizer=TokenAuthorizer(lambda event: invoke_function(self.stage, "authorizer", event)),
            mailbox=Mailbox(ACCOUNT_ID, mail_region),
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
        serving = threading.Thread(target=server.serve_forever, name="gateway", daemon=True)
        serving.start()

        def stop_gateway() -> None:
            server.shutdown()
            server.server_close()
            serving.join(timeout=10)

        self._stoppers.append(stop_gateway)
        try:
            routes()  # import the API now, so the first request does not pay for it
        except Exception as error:
            print(f"local runtime: the API function failed to import: {error!r}")  # noqa: T201

    # --- helpers ---------------------------------------------------------------------------------------

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


class _LateBoundApp:
    """The WSGI app the server is bound with before the gateway exists (it needs the server's port)."""

    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)
