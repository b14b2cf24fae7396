"""The local runtime keeps its state between runs (a state directory) and `reset` starts empty."""

import json
from pathlib import Path

import boto3
import requests
from ulid import ULID

from local.runtime import LocalRuntime
from tests.running_product import temporary_password, wait_for


def cognito(runtime: LocalRuntime):
    return boto3.client(
        "cognito-idp",
        endpoint_url=runtime.moto_url,
        region_name="ap-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 — moto accepts any credentials
    )


def mailbox(runtime: LocalRuntime) -> list[dict]:
    return requests.get(f"{runtime.base_url}/_local/mailbox.json", timeout=5).json()


def sign_up_owner(runtime: LocalRuntime) -> tuple[str, str, str]:
    """Signs a firm up over HTTP, reads the invitation, sets a password: (email, password, ID token)."""
    email = f"owner-{str(ULID()).lower()}@persist.example"
    accepted = requests.post(
        f"{runtime.base_url}/v1/tenants",
        json={
            "name": f"Persistent Partners {ULID()}",
            "owner_email": email,
            "owner_name": "Chan Tai Man",
            "time_zone": "Asia/Hong_Kong",
            "base_currency": "HKD",
            "locale": "en",
        },
        timeout=10,
    )
    assert accepted.status_code == 202, accepted.text
    status_url = runtime.base_url + accepted.json()["status_url"]
    wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] == "active", 60, "the tenant to be active")
    invitation = wait_for(
        lambda: next((m for m in mailbox(runtime) if email in m["to"]), None), 30, "the invitation e-mail"
    )
    started = cognito(runtime).initiate_auth(
        ClientId=runtime.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temporary_password(invitation)},
    )
    password = f"P3rsist-{ULID()}!"
    finished = cognito(runtime).respond_to_auth_challenge(
        ClientId=runtime.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": password},
    )
    return email, password, finished["AuthenticationResult"]["IdToken"]


def sign_in(runtime: LocalRuntime, email: str, password: str) -> str:
    result = cognito(runtime).initiate_auth(
        ClientId=runtime.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return result["AuthenticationResult"]["IdToken"]


def call(runtime: LocalRuntime, token: str, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, f"{runtime.base_url}{path}", headers=headers, timeout=15, **kwargs)


def created_events(runtime: LocalRuntime, account_id: str) -> list[dict]:
    events = requests.get(f"{runtime.base_url}/_local/events.json", timeout=5).json()
    return [e for e in events if e["detail-type"] == "account.created" and account_id in json.dumps(e["detail"])]


def test_a_restarted_runtime_continues_where_it_stopped_and_reset_starts_empty(tmp_path: Path):
    # Given a runtime with a state directory, a firm signed up over HTTP and an account created with a real token
    with LocalRuntime(state_dir=tmp_path).start(port=0) as first:
        assert first.restored is False
        email, password, id_token = sign_up_owner(first)
        created = call(first, id_token, "POST", "/v1/accounts", json={"name": "Kowloon Motors Ltd"})
        assert created.status_code == 201, created.text
        account_id, etag = created.json()["id"], created.headers["ETag"]
        wait_for(lambda: created_events(first, account_id), 30, "account.created from the table stream")
        pool_id, client_id = first.user_pool_id, first.client_id

    # When it starts again from the same directory
    with LocalRuntime(state_dir=tmp_path).start(port=0) as second:
        # Then it continued: same pool and client, so the token issued before the restart still verifies
        assert second.restored is True
        assert (second.user_pool_id, second.client_id) == (pool_id, client_id)
        again = call(second, id_token, "GET", f"/v1/accounts/{account_id}")
        assert again.status_code == 200, again.text
        assert again.headers["ETag"] == etag
        assert again.json()["name"] == "Kowloon Motors Ltd"
        # the owner signs in with the same password
        fresh_token = sign_in(second, email, password)
        assert call(second, fresh_token, "GET", f"/v1/accounts/{account_id}").status_code == 200
        # the invitation is still in the mailbox
        assert any(email in message["to"] for message in mailbox(second))
        # the stream is not fed again: once a later change is published, the first one was published once
        later = call(second, fresh_token, "POST", "/v1/accounts", json={"name": "Tsuen Wan Traders"})
        assert later.status_code == 201, later.text
        wait_for(lambda: created_events(second, later.json()["id"]), 30, "the later account.created")
        assert len(created_events(second, account_id)) == 1

    # When it starts with reset
    with LocalRuntime(state_dir=tmp_path, reset=True).start(port=0) as third:
        # Then it is empty: a new pool, the old token refused, no mail, the owner unknown
        assert third.restored is False
        assert third.user_pool_id != pool_id
        assert call(third, id_token, "GET", f"/v1/accounts/{account_id}").status_code == 401
        assert mailbox(third) == []
        try:
            sign_in(third, email, password)
        except cognito(third).exceptions.UserNotFoundException:
            pass
        else:
            raise AssertionError("the owner signed in after a reset")


def test_without_a_state_directory_every_start_is_empty():
    # Given a runtime without a state directory where a queue was created
    with LocalRuntime().start(port=0) as runtime:
        assert runtime.state_file is None
        boto3.client("sqs", endpoint_url=runtime.moto_url, region_name="ap-east-1").create_queue(QueueName="kept")
    # When another one starts in the same process (moto's backends are process globals)
    with LocalRuntime().start(port=0) as runtime:
        queues = boto3.client("sqs", endpoint_url=runtime.moto_url, region_name="ap-east-1").list_queues()
    # Then it is empty: only the runtime's own rule queues exist
    assert not [url for url in queues.get("QueueUrls", []) if url.endswith("/kept")]
    assert runtime.restored is False
