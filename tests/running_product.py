"""A started local runtime (`python -m local`) and the people who use it, for e2e, isolation and contract suites.

Everything goes over HTTP as a user or an external system would: signup, the invitation read from the
mailbox, Cognito sign-in with the forced new password, then the API with the ID token.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import requests
from ulid import ULID

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
_PASSWORD_LINE = re.compile(r"^(?:Temporary password|臨時密碼|临时密码): (\S+)$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except (requests.RequestException, KeyError, ValueError) as error:
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error})")


@dataclass
class RunningProduct:
    base_url: str
    process: subprocess.Popen
    log_path: Path
    config: dict = field(default_factory=dict)

    @classmethod
    def start(cls, name: str, extra_env: dict[str, str] | None = None) -> RunningProduct:
        port = free_port()
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        log_path = ARTIFACTS_DIR / f"runtime-{name}.log"
        env = {
            **os.environ,
            "PYTHONPATH": f"{REPO_ROOT / 'layers' / 'core'}{os.pathsep}{REPO_ROOT}",
            # Each test signs up its own tenants from 127.0.0.1; the limit itself is tested in-process.
            "SJ_SIGNUP_LIMIT_PER_HOUR": "100000",
            # Every log line of every function, unbuffered, so tests can search the log for secrets.
            "PYTHONUNBUFFERED": "1",
            "POWERTOOLS_LOG_LEVEL": "DEBUG",
            **(extra_env or {}),
        }
        log = log_path.open("w")
        process = subprocess.Popen(  # noqa: S603 - our own runtime
            [sys.executable, "-m", "local", "--port", str(port), "--ephemeral"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        product = cls(f"http://127.0.0.1:{port}", process, log_path)
        try:
            product.config = wait_for(product._config_if_ready, 120, "the local runtime to serve /config.json")
        except AssertionError:
            product.stop()
            raise AssertionError(f"local runtime did not start; log:\n{log_path.read_text()[-4000:]}") from None
        return product

    def _config_if_ready(self) -> dict | None:
        if self.process.poll() is not None:
            raise AssertionError(f"local runtime exited with {self.process.returncode}")
        response = requests.get(f"{self.base_url}/config.json", timeout=2)
        return response.json() if response.status_code == 200 else None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # ---- what a person sees ----------------------------------------------------------------------
    def mailbox(self) -> list[dict]:
        return requests.get(f"{self.base_url}/_local/mailbox.json", timeout=5).json()

    def events(self) -> list[dict]:
        return requests.get(f"{self.base_url}/_local/events.json", timeout=5).json()

    def invitation_for(self, email: str) -> dict:
        def find() -> dict | None:
            return next((m for m in self.mailbox() if email in _recipients(m)), None)

        return wait_for(find, 30, f"the invitation to {email}")

    def cognito(self):
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.config["cognito_endpoint"],
            region_name=self.config["region"],
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
        )

    # ---- what a firm does ------------------------------------------------------------------------
    def sign_up(self, locale: str = "en", firm: str | None = None) -> SignUp:
        suffix = str(ULID()).lower()
        email = f"owner-{suffix}@e2e.example"
        body = {
            "name": firm or f"陳氏會計師事務所 {suffix[-6:]}",
            "owner_email": email,
            "owner_name": "陳大文",
            "time_zone": "Asia/Hong_Kong",
            "base_currency": "HKD",
            "locale": locale,
        }
        response = requests.post(f"{self.base_url}/v1/tenants", json=body, timeout=10)
        assert response.status_code == 202, response.text
        accepted = response.json()
        status_url = f"{self.base_url}{accepted['status_url']}"
        wait_for(
            lambda: requests.get(status_url, timeout=5).json()["status"] == "active",
            60,
            f"tenant {accepted['tenant_id']} to become active",
        )
        return SignUp(tenant_id=accepted["tenant_id"], email=email, body=body)

    def sign_in_first_time(self, email: str) -> SignedIn:
        """Read the temporary password from the invitation, sign in, set a new password (NEW_PASSWORD_REQUIRED)."""
        temporary = temporary_password(self.invitation_for(email))
        cognito = self.cognito()
        client_id = self.config["user_pool_client_id"]
        started = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": temporary},
        )
        assert started.get("ChallengeName") == "NEW_PASSWORD_REQUIRED", started.get("ChallengeName")
        new_password = f"N3w-{ULID()}!x"
        finished = cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
        )
        return SignedIn(self, email, finished["AuthenticationResult"]["IdToken"], new_password)

    def new_tenant_owner(self, locale: str = "en") -> SignedIn:
        return self.sign_in_first_time(self.sign_up(locale).email)


@dataclass(frozen=True)
class SignUp:
    tenant_id: str
    email: str
    body: dict


@dataclass
class SignedIn:
    product: RunningProduct
    email: str
    id_token: str
    password: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.authorization, **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.product.base_url}{path}", headers=headers, timeout=15, **kwargs)


def temporary_password(message: dict) -> str:
    match = _PASSWORD_LINE.search(message.get("text") or "")
    assert match, "the invitation carries no temporary password line"
    return match.group(1)


def _recipients(message: dict) -> str:
    to = message.get("to")
    return " ".join(to) if isinstance(to, list) else str(to or "")
