"""Running the project's state machines in moto inside an integration test: the machine created from its ASL
file (each ${Placeholder} → the in-process function's ARN), and the wait for its executions to end."""

import time

import boto3

from local.provisioning import state_machine_definition
from servicejob.config import Settings
from servicejob.deployment_spec import STATE_MACHINES


def create_state_machine(settings: Settings, name: str) -> str:
    """The ARN of the state machine `name` (a STATE_MACHINES key), created under moto's mock."""
    spec = STATE_MACHINES[name]
    definition = state_machine_definition(spec.path.read_text(), settings.stage, spec.function_substitutions)
    return boto3.client("stepfunctions", region_name=settings.region).create_state_machine(
        name=spec.physical_name(settings.stage),
        definition=definition,
        roleArn="arn:aws:iam::123456789012:role/servicejob-workflows",
    )["stateMachineArn"]


def wait_until_no_execution_runs(region: str, state_machine_arn: str, timeout: float = 60.0) -> None:
    """moto runs executions on threads: let them end inside this test's mock, not in the next test's."""
    sfn = boto3.client("stepfunctions", region_name=region)
    deadline = time.monotonic() + timeout
    while sfn.list_executions(stateMachineArn=state_machine_arn, statusFilter="RUNNING")["executions"]:
        assert time.monotonic() < deadline, "state machine executions still running"
        time.sleep(0.05)  # polling moto's execution list; no event to wait on


def wait_for_job(call, path: str, *statuses: str, timeout: float = 60.0) -> dict:
    """GETs the job at `path` (an import or export) until its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        status, _, job = call("GET", path)
        assert status == 200, job
        if job["status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"{path} still {job['status']}, expected {statuses}"
        time.sleep(0.05)  # the job is written by a state machine execution on another thread
