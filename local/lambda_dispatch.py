"""Runs Lambda functions in-process: `lambda:Invoke` calls made through boto3's default session (which is
how moto's Step Functions interpreter calls Lambda tasks) are answered by the handlers declared in
`servicejob.deployment_spec.FUNCTIONS` instead of reaching moto's Lambda service (which needs Docker)."""

import importlib
import io
import json
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import boto3
from botocore.response import StreamingBody

from servicejob.deployment_spec import FUNCTIONS, FunctionSpec
from servicejob.observability import logger

REGION = "ap-east-1"
ACCOUNT_ID = "123456789012"
INVOKE_EVENT = "before-call.lambda.Invoke"


def function_arn(stage: str, key: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{FUNCTIONS[key].physical_name(stage)}"


@dataclass
class FakeLambdaContext:
    """The attributes Powertools and handlers read from the real Lambda context."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    timeout_seconds: int = 30
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler_module(spec: FunctionSpec) -> ModuleType:
    return importlib.import_module(f"functions.{spec.folder}.{spec.handler.rsplit('.', 1)[0]}")


def load_handler(spec: FunctionSpec) -> Callable[[Any, Any], Any]:
    return getattr(load_handler_module(spec), spec.handler.rsplit(".", 1)[1])


# One lock per function, like one warm container: handlers keep per-invocation state in module globals
# (the Powertools resolver's current event, Logger keys), so a function never runs twice at once.
_function_locks: dict[str, threading.Lock] = {key: threading.Lock() for key in FUNCTIONS}


def invoke_function(stage: str, key: str, event: Any) -> Any:
    """Calls the function's handler with a fresh context, as one Lambda invocation; exceptions propagate."""
    spec = FUNCTIONS[key]
    context = FakeLambdaContext(spec.physical_name(stage), function_arn(stage, key))
    with _function_locks.setdefault(key, threading.Lock()):
        return load_handler(spec)(event, context)


def cold_start_functions() -> None:
    """Drops what loaded function modules built once per container (their lru_cached builders), so the next
    invocation builds clients from the current settings and endpoint, as a fresh container would."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("functions.") or module is None:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()


def function_key_for(stage: str, function_name: str) -> str | None:
    """Maps a name, a full or partial ARN, with or without qualifier, to a FUNCTIONS key."""
    name = unquote(function_name)
    if name.startswith("arn:"):
        name = name.split(":")[6]  # arn:aws:lambda:region:account:function:NAME[:qualifier]
    elif ":" in name:
        name = name.split(":")[0]  # NAME:qualifier
    for key, spec in FUNCTIONS.items():
        if name in (spec.physical_name(stage), key):
            return key
    return None


@dataclass
class _InvokeHttpResponse:
    status_code: int = 200
    headers: dict = field(default_factory=dict)
    content: bytes = b""


def _function_name_from_url_path(url_path: str) -> str:
    # /2015-03-31/functions/{FunctionName}/invocations
    parts = url_path.split("/")
    return unquote(parts[parts.index("functions") + 1])


def _invoke_response(payload: bytes, function_error: str | None) -> tuple[_InvokeHttpResponse, dict]:
    parsed = {
        "StatusCode": 200,
        "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
        "ExecutedVersion": "$LATEST",
        "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}},
    }
    if function_error:
        parsed["FunctionError"] = function_error
    return _InvokeHttpResponse(), parsed


def make_invoke_interceptor(stage: str) -> Callable[..., tuple[_InvokeHttpResponse, dict] | None]:
    def intercept_invoke(params: dict, **_: Any) -> tuple[_InvokeHttpResponse, dict] | None:
        function_name = _function_name_from_url_path(params["url_path"])
        key = function_key_for(stage, function_name)
        if key is None:
            return None  # not one of ours: let the call go to moto
        body = params.get("body") or b"{}"
        event = json.loads(body.decode() if isinstance(body, bytes) else body)
        try:
            result = invoke_function(stage, key, event)
        except Exception as error:  # the Lambda runtime reports any escape as an Unhandled function error
            logger.warning("in-process function failed", extra={"function": key, "error": repr(error)})
            payload = {
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_exception(error),
            }
            return _invoke_response(json.dumps(payload).encode(), "Unhandled")
        return _invoke_response(json.dumps(result).encode(), None)

    return intercept_invoke


_install_lock = threading.Lock()


def install_lambda_dispatch(stage: str, session: boto3.Session | None = None) -> Callable[[], None]:
    """Routes lambda:Invoke on the session (default: boto3's default session, used by moto's Step Functions
    interpreter) to in-process handlers; clients created afterwards see it. Returns the uninstall function."""
    with _install_lock:
        target = session or boto3._get_default_session()  # noqa: SLF001 — moto creates its clients from it
        interceptor = make_invoke_interceptor(stage)
        unique_id = f"servicejob-lambda-dispatch-{uuid.uuid4()}"
        target.events.register(INVOKE_EVENT, interceptor, unique_id=unique_id)

    def uninstall() -> None:
        target.events.unregister(INVOKE_EVENT, interceptor, unique_id=unique_id)

    return uninstall
