"""The local runtime's state file: moto's backends survive a save and load, other formats start empty."""

import json
import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from ulid import ULID

from local.state_file import RuntimeCursors, StateFile, restore_backends, snapshot

REGION = "ap-east-1"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def test_cognito_users_and_queued_messages_survive_a_save_and_load(tmp_path: Path):
    # Given a pool with a user and a password (an RSA key and locks inside moto) and a queued message
    password = f"Pw-{ULID()}!a"
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool_id = cognito.create_user_pool(PoolName="users")["UserPool"]["Id"]
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="console", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        cognito.admin_create_user(UserPoolId=pool_id, Username="chan@example.com")
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username="chan@example.com", Password=password, Permanent=True
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="rule")["QueueUrl"]
        sqs.send_message(QueueUrl=queue_url, MessageBody="pending")
        # When the state is saved with the runtime's positions
        StateFile(tmp_path).write(snapshot(RuntimeCursors(stream_positions={"shard-1": "1100"}, moto_port=4567)))

    # Then a fresh moto, given the loaded state, has the same user who signs in, and the message
    with mock_aws():
        saved = StateFile(tmp_path).read()
        assert saved is not None
        assert (saved.cursors.stream_positions, saved.cursors.moto_port) == ({"shard-1": "1100"}, 4567)
        restore_backends(saved.backends)
        signed_in = boto3.client("cognito-idp", region_name=REGION).initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "chan@example.com", "PASSWORD": password},
        )
        assert signed_in["AuthenticationResult"]["IdToken"].count(".") == 2
        received = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=queue_url)["Messages"]
        assert [message["Body"] for message in received] == ["pending"]


def test_a_file_of_another_format_is_set_aside_and_the_runtime_starts_empty(tmp_path: Path, capsys):
    # Given a state file written by another format version
    state = StateFile(tmp_path)
    state.write(json.dumps({"format": 0, "moto": "0.0", "python": "3.0"}).encode() + b"\n")
    # When it is read
    loaded = state.read()
    # Then nothing is loaded, the file is kept aside, and the developer is told
    assert loaded is None
    assert not state.path.exists()
    assert state.path.with_suffix(".rejected").is_file()
    assert "starting empty" in capsys.readouterr().out


def test_a_corrupt_file_is_set_aside_and_the_runtime_starts_empty(tmp_path: Path):
    # Given a truncated state file with the current header
    with mock_aws():
        data = snapshot(RuntimeCursors())
    state = StateFile(tmp_path)
    state.write(data[: len(data) // 2])
    # When it is read, then it loads nothing and is set aside
    assert state.read() is None
    assert state.path.with_suffix(".rejected").is_file()


def test_writes_replace_the_file_whole_and_leave_no_temporary_files(tmp_path: Path):
    # Given a saved state
    state = StateFile(tmp_path / "nested" / "state")
    state.write(b"first")
    # When it is saved again
    state.write(b"second")
    # Then the file holds the second save only and the directory nothing else
    assert state.path.read_bytes() == b"second"
    assert os.listdir(state.directory) == [state.path.name]
