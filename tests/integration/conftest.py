"""In-process moto and an `api` fixture that drives the API function with API Gateway REST proxy events.

`api.call(method, path, body=None, headers=None, tenant=..., role=..., query=...)` → (status, headers, json):
the authorizer output is built from `tenant`/`role` (or `authorizer=` for full control), as the
authorizer function would after verifying a token; response headers are merged from `headers` and
`multiValueHeaders` into a case-insensitive dict.
"""

import base64
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.handlers
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend
from requests.structures import CaseInsensitiveDict
from ulid import ULID

from local import moto_transactions
from local.lambda_dispatch import install_lambda_dispatch
from servicejob.config import get_settings
from servicejob.dal.table_spec import create_table_request
from tests.integration.state_machines import create_state_machine, wait_until_no_execution_runs


class DynamoDBCallCounter:
    """Counts DynamoDB operations sent by every botocore client (the tenant-scoped ones included)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.active = False

    def __call__(self, model: Any, **_: Any) -> None:
        if self.active:
            with self._lock:
                self.calls[model.name] += 1

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()


# Registered in botocore's built-in handlers so that sessions created later (one per tenant) get it too.
DYNAMODB_CALLS = DynamoDBCallCounter()
botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", DYNAMODB_CALLS))


@pytest.fixture
def dynamodb_calls() -> Iterator[DynamoDBCallCounter]:
    DYNAMODB_CALLS.reset()
    DYNAMODB_CALLS.active = True
    try:
        yield DYNAMODB_CALLS
    finally:
        DYNAMODB_CALLS.active = False
        DYNAMODB_CALLS.reset()


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh in-process moto with the single table; the API's per-container dependencies rebuilt."""
    from functions.api import wiring

    get_settings.cache_clear()
    with mock_aws():
        settings = get_settings()
        boto3.client("dynamodb", region_name=settings.region).create_table(**create_table_request(settings.table_name))
        wiring.dependencies.cache_clear()
        yield
        wiring.dependencies.cache_clear()


@dataclass
class LambdaContextStub:
    function_name: str = "servicejob-test-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:ap-east-1:123456789012:function:servicejob-test-api"
    aws_request_id: str = field(default_factory=lambda: str(ULID()))

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def rest_event(
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    authorizer: dict[str, str] | None = None,
) -> dict:
    """An API Gateway REST proxy event as API Gateway sends it after the authorizer allowed the call."""
    if body is None or isinstance(body, str | bytes):
        raw_body = body.decode() if isinstance(body, bytes) else body
    else:
        raw_body = json.dumps(body, ensure_ascii=False)
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "stage": "v1",
            "requestId": str(ULID()),
            "httpMethod": method,
            "path": path,
            "resourcePath": path,
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
            "authorizer": authorizer,
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


def api_handler_for(path: str) -> Callable[[dict, Any], dict]:
    """The handler of the API function whose path prefixes hold `path` (deployment_spec.API_FUNCTIONS)."""
    from local.lambda_dispatch import load_handler
    from servicejob.deployment_spec import api_function_for

    function = api_function_for(path)
    assert function is not None, f"no API function serves {path}"
    return load_handler(function)


@dataclass
class ApiClient:
    """Calls the API function serving the path (as API Gateway picks it) as one tenant's user unless told otherwise."""

    tenant_id: str = field(default_factory=lambda: str(ULID()))
    principal_id: str = field(default_factory=lambda: str(ULID()))

    @staticmethod
    def new_tenant() -> str:
        return str(ULID())

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        tenant: str | None = None,
        role: str = "owner",
        query: dict[str, str] | None = None,
        authorizer: dict[str, str] | None = None,
    ) -> tuple[int, CaseInsensitiveDict, Any]:
        if authorizer is None:
            authorizer = {
                "tenant_id": tenant or self.tenant_id,
                "principal_id": self.principal_id,
                "kind": "user",
                "role": role,
            }
        lambda_handler = api_handler_for(path)
        response = lambda_handler(rest_event(method, path, body, headers, query, authorizer), LambdaContextStub())
        merged: CaseInsensitiveDict = CaseInsensitiveDict()
        for name, values in (response.get("multiValueHeaders") or {}).items():
            merged[name] = ", ".join(values)
        merged.update(response.get("headers") or {})
        raw = response.get("body") or ""
        if response.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode()
        return response["statusCode"], merged, json.loads(raw) if raw else None


@pytest.fixture
def api(aws: None) -> ApiClient:
    return ApiClient()


@dataclass
class WorkflowRuns:
    """In-process moto running the job state machines (ImportJob, ExportJob), their tasks dispatched to the
    workflows function in-process, and the API calling them."""

    region: str
    arns: dict[str, str]
    api: ApiClient


JOB_STATE_MACHINES = {"ImportJob": "SJ_IMPORT_STATE_MACHINE_ARN", "ExportJob": "SJ_EXPORT_STATE_MACHINE_ARN"}


@pytest.fixture
def workflow_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkflowRuns]:
    from functions.api import wiring as api_wiring
    from functions.workflows import wiring as workflow_wiring

    # Jobs write in transactions; like the local runtime, skip moto's copy of the table per item.
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", moto_transactions.transact_write_items)
    get_settings.cache_clear()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        settings = get_settings()
        region = settings.region
        boto3.client("dynamodb", region_name=region).create_table(**create_table_request(settings.table_name))
        boto3.client("s3", region_name=region).create_bucket(
            Bucket=settings.documents_bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )
        arns: dict[str, str] = {}
        for name, variable in JOB_STATE_MACHINES.items():
            arns[name] = create_state_machine(settings, name)
            monkeypatch.setenv(variable, arns[name])
        get_settings.cache_clear()
        api_wiring.dependencies.cache_clear()
        workflow_wiring.dependencies.cache_clear()
        uninstall = install_lambda_dispatch(settings.stage)
        try:
            yield WorkflowRuns(region, arns, ApiClient())
            for arn in arns.values():
                wait_until_no_execution_runs(region, arn)
        finally:
            uninstall()
            api_wiring.dependencies.cache_clear()
            workflow_wiring.dependencies.cache_clear()
    get_settings.cache_clear()
