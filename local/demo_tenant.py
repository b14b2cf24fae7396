"""Seeds the demo tenant through the public signup API, as a visitor would, then gives its owner a
permanent password so the printed sign-in works without the invitation e-mail."""

import json
import secrets
import string
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

DEMO_SIGNUP = {
    "name": "Demo Accounting Ltd",
    "owner_email": "demo-owner@demo.example",
    "owner_name": "Demo Owner",
    "time_zone": "Asia/Hong_Kong",
    "base_currency": "HKD",
    "locale": "en",
}
ACTIVE_DEADLINE_SECONDS = 30


@dataclass(frozen=True)
class DemoTenant:
    tenant_id: str
    email: str
    password: str


class DemoSeedError(RuntimeError):
    pass


def strong_password(length: int = 20) -> str:
    """Meets the pool's policy: upper, lower, digit and symbol, each at least once."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+")
    characters = [secrets.choice(pool) for pool in pools]
    characters += [secrets.choice("".join(pools)) for _ in range(length - len(characters))]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


def _call(method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 — the local gateway's loopback URL
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"{}")
        except ValueError:
            return error.code, {"detail": payload.decode(errors="replace")}


@dataclass(frozen=True)
class ExistingDemoTenant:
    tenant_id: str
    email: str


def existing_demo_tenant(cognito_client, user_pool_id: str) -> ExistingDemoTenant | None:
    """The demo tenant seeded on an earlier start, if the state was kept."""
    try:
        user = cognito_client.admin_get_user(UserPoolId=user_pool_id, Username=DEMO_SIGNUP["owner_email"])
    except cognito_client.exceptions.UserNotFoundException:
        return None
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user.get("UserAttributes", [])}
    return ExistingDemoTenant(attributes.get("custom:tenant_id", "?"), DEMO_SIGNUP["owner_email"])


def seed_demo_tenant(base_url: str, cognito_client, user_pool_id: str) -> DemoTenant:
    status, created = _call("POST", f"{base_url}/v1/tenants", DEMO_SIGNUP)
    if status != 202:
        raise DemoSeedError(f"POST /v1/tenants answered {status}: {created}")
    status_url = created["status_url"]
    if status_url.startswith("/"):
        status_url = base_url + status_url
    deadline = time.monotonic() + ACTIVE_DEADLINE_SECONDS
    state = "provisioning"
    while time.monotonic() < deadline:
        _, body = _call("GET", status_url)
        state = body.get("status", state)
        if state in ("active", "failed"):
            break
        time.sleep(0.25)
    if state != "active":
        raise DemoSeedError(f"the demo tenant is {state!r} after {ACTIVE_DEADLINE_SECONDS} s")
    password = strong_password()
    cognito_client.admin_set_user_password(
        UserPoolId=user_pool_id, Username=DEMO_SIGNUP["owner_email"], Password=password, Permanent=True
    )
    return DemoTenant(created["tenant_id"], DEMO_SIGNUP["owner_email"], password)
