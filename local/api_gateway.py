"""What API Gateway does in front of the API function: REST proxy events, the TOKEN authorizer (with its
result cache and policy evaluation), the 10 MB payload limit, and translating the proxy response."""

import base64
import fnmatch
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servicejob.deployment_spec import AUTHORIZER_CACHE_SECONDS, GATEWAY_PROBLEMS, PUBLIC_ROUTES
from servicejob.errors import PROBLEM_CONTENT_TYPE
from servicejob.observability import logger

from .lambda_dispatch import ACCOUNT_ID, REGION

API_ID = "local"
STAGE = "v1"
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/javascript",
)


@dataclass(frozen=True)
class ProxyResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def json_response(status: int, payload: Any) -> ProxyResponse:
    return ProxyResponse(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


def gateway_problem(response_type: str) -> ProxyResponse:
    """What API Gateway answers for `response_type`, as the CDK app configures its gateway responses."""
    problem = GATEWAY_PROBLEMS[response_type]
    return ProxyResponse(problem.status, [("Content-Type", PROBLEM_CONTENT_TYPE)], json.dumps(problem.body()).encode())


def _template_regex(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")


_PUBLIC_ROUTE_PATTERNS = [(method, _template_regex(template)) for method, template in PUBLIC_ROUTES]


def is_public(method: str, path: str) -> bool:
    return any(method == public_method and pattern.match(path) for public_method, pattern in _PUBLIC_ROUTE_PATTERNS)


def method_arn(method: str, path: str) -> str:
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}/{STAGE}/{method}{path}"


def body_for_event(body: bytes, content_type: str) -> tuple[str | None, bool]:
    """(body, isBase64Encoded): text bodies pass as strings, anything else base64-encoded."""
    if not body:
        return None, False
    media_type = content_type.split(";")[0].strip().lower()
    if not media_type or media_type.startswith(_TEXT_TYPES) or media_type.endswith("+json"):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def rest_proxy_event(
    *,
    method: str,
    path: str,
    resource: str,
    path_parameters: dict[str, str] | None,
    headers: list[tuple[str, str]],
    query: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    authorizer: dict | None,
) -> dict:
    """An API Gateway REST (v1) proxy integration event."""
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        single_headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    single_query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        single_query[name] = value
        multi_query.setdefault(name, []).append(value)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    event_body, is_base64 = body_for_event(body, content_type)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": single_query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "body": event_body,
        "isBase64Encoded": is_base64,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "stage": STAGE,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "resourcePath": resource,
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": single_headers.get("User-Agent")},
            "authorizer": authorizer,
        },
    }


def proxy_response(result: dict) -> ProxyResponse:
    """Translates the function's proxy result to an HTTP response."""
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.extend((name, str(value)) for value in values)
    multi_names = {name.lower() for name in multi}
    headers.extend(
        (name, str(value)) for name, value in (result.get("headers") or {}).items() if name.lower() not in multi_names
    )
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return ProxyResponse(int(result.get("statusCode", 200)), headers, raw)


def policy_decision(policy_document: dict, arn: str) -> str:
    """ "Allow", "Deny" (explicit) or "None" for an authorizer policy against a method ARN."""
    decision = "None"
    statements = policy_document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", action) for action in actions):
            continue
        if not any(fnmatch.fnmatchcase(arn, resource) for resource in resources):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        if statement.get("Effect") == "Allow":
            decision = "Allow"
    return decision


class TokenAuthorizer:
    """Calls the authorizer function like API Gateway's TOKEN authorizer, caching Allow results per token."""

    def __init__(self, invoke: Callable[[dict], dict], cache_seconds: int = AUTHORIZER_CACHE_SECONDS):
        self._invoke = invoke
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def authorize(self, token: str | None, method: str, path: str) -> tuple[dict | None, ProxyResponse | None]:
        """(requestContext.authorizer, None) when allowed, else (None, the refusal)."""
        if not token:
            return None, gateway_problem("UNAUTHORIZED")
        arn = method_arn(method, path)
        output = self._cached(token)
        fresh = output is None
        if fresh:
            try:
                output = self._invoke({"type": "TOKEN", "authorizationToken": token, "methodArn": arn})
            except Exception as error:
                if str(error) == "Unauthorized":
                    return None, gateway_problem("UNAUTHORIZED")
                logger.exception("authorizer failed")
                return None, gateway_problem("AUTHORIZER_FAILURE")
        decision = policy_decision(output.get("policyDocument") or {}, arn)
        if decision != "Allow":
            return None, gateway_problem("ACCESS_DENIED")
        if fresh:
            with self._lock:
                self._cache[token] = (time.monotonic() + self._cache_seconds, output)
        context = {key: value for key, value in (output.get("context") or {}).items()}
        context["principalId"] = output.get("principalId")
        return context, None

    def _cached(self, token: str) -> dict | None:
        with self._lock:
            entry = self._cache.get(token)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            self._cache.pop(token, None)
            return None
