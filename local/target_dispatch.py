"""Delivers an input to a rule's or schedule's target: a state machine (StartExecution on moto) or one of
our functions (in-process)."""

import json
import uuid

from servicejob.observability import logger

from .lambda_dispatch import function_key_for, invoke_function


class TargetDispatcher:
    def __init__(self, stage: str, stepfunctions_client):
        self._stage = stage
        self._stepfunctions = stepfunctions_client

    def deliver(self, target_arn: str, input_json: str) -> None:
        service = target_arn.split(":")[2] if target_arn.startswith("arn:") else ""
        if service == "states":
            self._stepfunctions.start_execution(
                stateMachineArn=target_arn, name=f"local-{uuid.uuid4()}", input=input_json or "{}"
            )
        elif service == "lambda" and (key := function_key_for(self._stage, target_arn)):
            invoke_function(self._stage, key, json.loads(input_json or "{}"))
        else:
            logger.warning("no local delivery for this target", extra={"target_arn": target_arn})
