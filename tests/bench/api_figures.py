"""The figures `scripts/bench` prints: what the API stack costs over raw boto3, DynamoDB calls per request.

- request_cost_ratio: warm in-process GET /v1/accounts/{id} through the CRM API function's lambda_handler
  (REST proxy event) vs a raw boto3 handler doing the same GetItem. Storage is stubbed the same way for
  both: a botocore `before-send` handler in botocore's built-in handlers answers with canned HTTP
  responses, so neither side touches a network and both pay the whole botocore request path.
- cold_import_ratio: in fresh interpreters, the time to import the heaviest API function's handler module
  (one function per bounded context, deployment_spec.API_FUNCTIONS) vs `import boto3`;
  cold_import_by_function: that ratio for each API function. cold_start_with_dependencies_ratio: the same
  plus building the dependencies its routes use (wiring builds them, importing their DAL modules and making
  their boto3 clients, on first use), so laziness cannot hide cost. cold_import_floor_ratio: the fixed
  third-party stack alone (STACK_IMPORTS, no project code), the least any API function can reach.
- dynamodb_calls: operations sent per get / list page / create, counted over in-process moto.

Timings are reported, never asserted. Run through scripts/bench.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "ap-east-1",
    "AWS_REGION": "ap-east-1",
    "POWERTOOLS_TRACE_DISABLED": "1",
}
TABLE = "servicejob"
TENANT = "01KAB3M4Y7Q5V8W9X0Z1C2D3E4"
ACCOUNT_ID = "01KAB3M4Y7Q5V8W9X0Z1C2D3E5"
WARMUP = 300
ITERATIONS = 3000
IMPORT_RUNS = 7
# What every API function imports before any project code: the mandated packages' entry points.
STACK_IMPORTS = (
    "boto3, pynamodb.models, pydantic_settings, aws_lambda_powertools.event_handler,"
    " aws_lambda_powertools.event_handler.openapi.params, email_validator"
)

_ASSUME_ROLE_XML = b"""<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><Credentials><AccessKeyId>ASIABENCH</AccessKeyId><SecretAccessKey>bench</SecretAccessKey>
<SessionToken>bench</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROABENCH:tenant</AssumedRoleId>
<Arn>arn:aws:sts::123456789012:assumed-role/servicejob-tenant-data/tenant</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>"""

_ACCOUNT_ITEM = {
    "PK": {"S": f"{TENANT}#account#{ACCOUNT_ID}"},
    "SK": {"S": "META"},
    "type": {"S": "account"},
    "id": {"S": ACCOUNT_ID},
    "version": {"N": "3"},
    "name": {"S": "香港會計師事務所有限公司"},
    "website": {"S": "https://example.hk"},
    "phone": {"S": "+852 2111 2222"},
    "email": {"S": "office@example.hk"},
    "notes": {"S": "Annual audit, quarterly tax filings."},
    "tags": {"L": [{"S": "audit"}, {"S": "vip"}]},
    "created_at": {"S": "2026-01-01T00:00:00.000Z"},
    "created_by": {"S": "user:bench"},
    "updated_at": {"S": "2026-02-01T00:00:00.000Z"},
    "updated_by": {"S": "user:bench"},
    "GSI1PK": {"S": f"{TENANT}#account"},
    "GSI1SK": {"S": ACCOUNT_ID},
    # Created by the reading staff member (no team), so record visibility lets them see it.
    "GSI4PK": {"S": f"{TENANT}#account#seen-by#user:bench"},
    "GSI4SK": {"S": ACCOUNT_ID},
    "visibility_owner": {"S": "bench"},
}
_GET_ITEM_JSON = json.dumps({"Item": _ACCOUNT_ITEM}).encode()


class _CannedBody:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any):
        yield self._body


def _canned_response(request: Any, event_name: str, **_: Any):
    from botocore.awsrequest import AWSResponse

    if event_name.endswith("sts.AssumeRole"):
        return AWSResponse(request.url, 200, {"Content-Type": "text/xml"}, _CannedBody(_ASSUME_ROLE_XML))
    if event_name.endswith("dynamodb.GetItem"):
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, _CannedBody(_GET_ITEM_JSON))
    raise AssertionError(f"the benchmark stubs only AssumeRole and GetItem, not {event_name}")


def _interleaved_medians_us(first, second, iterations: int) -> tuple[float, float]:
    """Median time of each callable, alternating them call by call so machine noise hits both alike."""
    for _ in range(WARMUP):
        first()
        second()
    first_samples, second_samples = [], []
    for _ in range(iterations):
        started = time.perf_counter_ns()
        first()
        middle = time.perf_counter_ns()
        second()
        second_samples.append(time.perf_counter_ns() - middle)
        first_samples.append(middle - started)
    return statistics.median(first_samples) / 1000, statistics.median(second_samples) / 1000


def request_cost() -> dict[str, float]:
    import botocore.handlers

    # Before any session exists, so the tenant sessions the API builds get the stub as well; removed after,
    # so that later sessions reach moto.
    stub = ("before-send", _canned_response)
    botocore.handlers.BUILTIN_HANDLERS.append(stub)
    try:
        return _request_cost()
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(stub)


def _request_cost() -> dict[str, float]:

    import boto3
    from boto3.dynamodb.types import TypeDeserializer

    from functions.api.contexts.crm import lambda_handler

    integration = _integration_conftest()
    event = integration.rest_event(
        "GET",
        f"/v1/accounts/{ACCOUNT_ID}",
        authorizer={"tenant_id": TENANT, "principal_id": "bench", "kind": "user", "role": "staff"},
    )
    context = integration.LambdaContextStub()

    client = boto3.session.Session(region_name="ap-east-1").client("dynamodb")
    deserializer = TypeDeserializer()

    def raw_handler(event: dict, _context: Any) -> dict:
        account_id = event["path"].rsplit("/", 1)[-1]
        tenant_id = event["requestContext"]["authorizer"]["tenant_id"]
        response = client.get_item(
            TableName=TABLE,
            Key={"PK": {"S": f"{tenant_id}#account#{account_id}"}, "SK": {"S": "META"}},
            ConsistentRead=True,
        )
        item = {name: deserializer.deserialize(value) for name, value in response["Item"].items()}
        return {"statusCode": 200, "body": json.dumps(item, default=str, ensure_ascii=False)}

    first = lambda_handler(event, context)
    assert first["statusCode"] == 200, first
    assert json.loads(first["body"])["name"] == "香港會計師事務所有限公司"

    api_us, raw_us = _interleaved_medians_us(
        lambda: lambda_handler(event, context), lambda: raw_handler(event, context), ITERATIONS
    )
    return {
        "api_handler_median_us": round(api_us, 1),
        "raw_boto3_median_us": round(raw_us, 1),
        "ratio": api_us / raw_us,
    }


def _import_seconds(module: str, then: str = "") -> float:
    code = f"import time; t = time.perf_counter(); import {module}; {then or 'pass'}; print(time.perf_counter() - t)"
    env = {**os.environ, **ENVIRONMENT, "PYTHONPATH": f"{ROOT / 'layers' / 'core'}{os.pathsep}{ROOT}"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    output = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module name
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return float(output.strip().splitlines()[-1])


# What a function's cold start builds besides its imports: the dependencies its route modules name
# (`deps.x`, `dependencies().x`), found in the sources of the route modules its handler module imported.
_BUILD_DEPENDENCIES = (
    "import re, sys; from functions.api.wiring import dependencies; deps = dependencies(); "
    "routes = [m for n, m in list(sys.modules.items()) if n.startswith('functions.api.routes.')]; "
    "[getattr(deps, name) for module in routes "
    "for name in re.findall(r'(?:\\bdeps|dependencies\\(\\))\\.(\\w+)', open(module.__file__).read())]"
)


def _api_function_modules() -> dict[str, str]:
    from servicejob.deployment_spec import API_FUNCTIONS

    return {key: f"functions.{spec.folder}.{spec.handler.rsplit('.', 1)[0]}" for key, spec in API_FUNCTIONS.items()}


def cold_import() -> dict[str, Any]:
    modules = _api_function_modules()
    for module in modules.values():  # compile and cache bytecode once, as a deployed package has it
        _import_seconds(module, _BUILD_DEPENDENCIES)
    imports: dict[str, list[float]] = {key: [] for key in modules}
    with_dependencies: dict[str, list[float]] = {key: [] for key in modules}
    boto, stack = [], []
    for _ in range(IMPORT_RUNS):  # interleaved, so machine noise hits all alike
        for key, module in modules.items():
            imports[key].append(_import_seconds(module))
            with_dependencies[key].append(_import_seconds(module, _BUILD_DEPENDENCIES))
        boto.append(_import_seconds("boto3"))
        stack.append(_import_seconds(STACK_IMPORTS))
    boto_ms = statistics.median(boto) * 1000
    stack_ms = statistics.median(stack) * 1000
    import_ms = {key: statistics.median(runs) * 1000 for key, runs in imports.items()}
    built_ms = {key: statistics.median(runs) * 1000 for key, runs in with_dependencies.items()}
    heaviest = max(import_ms, key=import_ms.__getitem__)
    heaviest_built = max(built_ms, key=built_ms.__getitem__)
    return {
        "heaviest_function": heaviest,
        "api_import_median_ms": round(import_ms[heaviest], 1),
        "boto3_import_median_ms": round(boto_ms, 1),
        "stack_import_median_ms": round(stack_ms, 1),
        "ratio": import_ms[heaviest] / boto_ms,
        "by_function_ratio": {key: round(ms / boto_ms, 2) for key, ms in import_ms.items()},
        # Also building the dependencies its routes use (boto3 clients included): what the first request adds.
        "with_dependencies_ratio": built_ms[heaviest_built] / boto_ms,
        "with_dependencies_by_function_ratio": {key: round(ms / boto_ms, 2) for key, ms in built_ms.items()},
        "floor_ratio": stack_ms / boto_ms,
    }


def dynamodb_calls() -> dict[str, Any]:
    """Operations per request over in-process moto, counted with the integration suite's counter."""
    integration = _integration_conftest()
    import boto3
    from moto import mock_aws

    from functions.api import wiring
    from servicejob.config import get_settings
    from servicejob.dal.table_spec import create_table_request

    counter = integration.DYNAMODB_CALLS
    get_settings.cache_clear()
    with mock_aws():
        boto3.client("dynamodb", region_name="ap-east-1").create_table(
            **create_table_request(get_settings().table_name)
        )
        wiring.dependencies.cache_clear()
        api = integration.ApiClient()
        status, _, warm = api.call("POST", "/v1/accounts", {"name": "Warm-up"})  # assumes the tenant role once
        assert status == 201, warm
        counter.active = True
        measured: dict[str, dict[str, int]] = {}
        for name, (method, path, body, query) in {
            "create": ("POST", "/v1/accounts", {"name": "Counted"}, None),
            "get": ("GET", f"/v1/accounts/{warm['id']}", None, None),
            "list_page": ("GET", "/v1/accounts", None, {"limit": "1"}),
            "search_page": ("GET", "/v1/accounts", None, {"q": "count"}),
        }.items():
            counter.reset()
            status, _, response = api.call(method, path, body, query=query)
            assert status in (200, 201), response
            measured[name] = dict(counter.calls)
        wiring.dependencies.cache_clear()
    return {
        **{name: sum(calls.values()) for name, calls in measured.items()},
        "operations": measured,
        "scans_on_request_paths": sum(calls.get("Scan", 0) for calls in measured.values()),
    }


def _integration_conftest():
    """The integration suite's event builder and call counter, so the bench drives the API the same way."""
    name = "integration_conftest"
    if name in sys.modules:
        return sys.modules[name]
    loader = SourceFileLoader(name, str(ROOT / "tests" / "integration" / "conftest.py"))
    module = module_from_spec(spec_from_loader(name, loader))
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def main() -> None:
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    imports = cold_import()
    cost = request_cost()
    calls = dynamodb_calls()
    print(
        json.dumps(
            {
                "request_cost_ratio": round(cost["ratio"], 2),
                "request_cost_target": 1.3,
                "request_cost": cost | {"ratio": round(cost["ratio"], 3), "iterations": ITERATIONS},
                "cold_import_ratio": round(imports["ratio"], 2),
                "cold_import_target": 1.5,
                "cold_import_floor_ratio": round(imports["floor_ratio"], 2),
                "cold_import_by_function": imports["by_function_ratio"],
                "cold_start_with_dependencies_ratio": round(imports["with_dependencies_ratio"], 2),
                "cold_start_with_dependencies_by_function": imports["with_dependencies_by_function_ratio"],
                "cold_import": imports
                | {
                    "ratio": round(imports["ratio"], 3),
                    "floor_ratio": round(imports["floor_ratio"], 3),
                    "runs": IMPORT_RUNS,
                },
                "dynamodb_calls": {name: calls[name] for name in ("get", "list_page", "create", "search_page")},
                "dynamodb_operations": calls["operations"],
                "scans_on_request_paths": calls["scans_on_request_paths"],
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]
    main()
