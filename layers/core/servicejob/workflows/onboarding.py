"""TenantOnboarding: starting an execution, and the per-tenant Scheduler group one of its steps creates."""

import json

from botocore.exceptions import ClientError

from servicejob.domain.tenants import SignupRequest


def schedule_group_name(tenant_id: str) -> str:
    return f"tenant-{tenant_id}"


class StepFunctionsOnboarding:
    def __init__(self, sfn_client, state_machine_arn: str):
        self._sfn = sfn_client
        self._arn = state_machine_arn

    def start(self, tenant_id: str, signup: SignupRequest, correlation_id: str) -> None:
        # No secret in the input: the owner's password is generated inside the invitation step.
        execution_input = {
            "tenant_id": tenant_id,
            "correlation_id": correlation_id,
            "signup": signup.model_dump(mode="json"),
        }
        try:
            self._sfn.start_execution(stateMachineArn=self._arn, name=tenant_id, input=json.dumps(execution_input))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise


class TenantScheduleGroups:
    def __init__(self, scheduler_client):
        self._scheduler = scheduler_client

    def ensure(self, tenant_id: str) -> str:
        name = schedule_group_name(tenant_id)
        try:
            self._scheduler.get_schedule_group(Name=name)
            return name
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        try:
            self._scheduler.create_schedule_group(Name=name, Tags=[{"Key": "TenantId", "Value": tenant_id}])
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConflictException":  # created by a concurrent retry
                raise
        return name
