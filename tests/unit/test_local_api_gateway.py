"""The API Gateway emulation: proxy events, TOKEN authorizer refusals and cache, response translation."""

import base64
import json

from local.api_gateway import (
    TokenAuthorizer,
    is_public,
    method_arn,
    policy_decision,
    proxy_response,
    rest_proxy_event,
)


def event_for(body: bytes = b"", content_type: str = "application/json") -> dict:
    return rest_proxy_event(
        method="GET",
        path="/v1/accounts/01J0000000000000000000000A",
        resource="/v1/accounts/{account_id}",
        path_parameters={"account_id": "01J0000000000000000000000A"},
        headers=[("Content-Type", content_type), ("X-Multi", "1"), ("X-Multi", "2")],
        query=[("limit", "5"), ("tag", "a"), ("tag", "b")],
        body=body,
        source_ip="127.0.0.1",
        authorizer={"tenant_id": "T1", "principalId": "U1"},
    )


def test_proxy_event_has_rest_v1_shape():
    event = event_for(b'{"name": "\xe9\x99\xb3"}')
    assert event["resource"] == "/v1/accounts/{account_id}"
    assert event["pathParameters"] == {"account_id": "01J0000000000000000000000A"}
    assert event["headers"]["X-Multi"] == "2" and event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert event["queryStringParameters"] == {"limit": "5", "tag": "b"}
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    assert event["body"] == '{"name": "陳"}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "v1" and context["resourcePath"] == "/v1/accounts/{account_id}"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["authorizer"] == {"tenant_id": "T1", "principalId": "U1"}
    assert context["requestId"]


def test_binary_body_is_base64_encoded():
    event = event_for(b"%PDF\x00\xff", content_type="application/pdf")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"%PDF\x00\xff"


def test_public_routes_match_their_templates_only():
    assert is_public("POST", "/v1/tenants")
    assert is_public("GET", "/v1/tenants/01J0000000000000000000000A/status")
    assert not is_public("GET", "/v1/tenants/01J0000000000000000000000A/status/extra")
    assert not is_public("DELETE", "/v1/tenants/01J0000000000000000000000A/status")
    assert not is_public("GET", "/v1/accounts")


def test_response_merges_headers_and_decodes_base64():
    response = proxy_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/pdf", "Set-Cookie": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert sorted(response.headers) == [
        ("Content-Type", "application/pdf"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]


def allow(resource: str = "*", effect: str = "Allow") -> dict:
    return {
        "principalId": "user-1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": {"tenant_id": "T1", "role": "owner"},
    }


def test_policy_decision_honours_wildcards_and_explicit_deny():
    arn = method_arn("GET", "/v1/accounts")
    assert (
        policy_decision(allow("arn:aws:execute-api:ap-east-1:123456789012:local/v1/*")["policyDocument"], arn)
        == "Allow"
    )
    assert (
        policy_decision(allow("arn:aws:execute-api:ap-east-1:123456789012:local/v1/POST/*")["policyDocument"], arn)
        == "None"
    )
    both = allow()["policyDocument"]
    both["Statement"].append({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": arn})
    assert policy_decision(both, arn) == "Deny"


class FakeAuthorizerFunction:
    def __init__(self, outcome):
        self.outcome = outcome
        self.events: list[dict] = []

    def __call__(self, event: dict) -> dict:
        self.events.append(event)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def test_missing_token_is_401_without_calling_the_authorizer():
    function = FakeAuthorizerFunction(allow())
    context, refusal = TokenAuthorizer(function).authorize(None, "GET", "/v1/accounts")
    assert context is None and refusal.status == 401
    assert ("Content-Type", "application/problem+json") in refusal.headers
    assert json.loads(refusal.body)["type"].endswith("/unauthenticated")
    assert function.events == []


def test_unauthorized_exception_is_401_other_errors_500_deny_403():
    assert (
        TokenAuthorizer(FakeAuthorizerFunction(Exception("Unauthorized"))).authorize("t", "GET", "/v1/x")[1].status
        == 401
    )
    assert TokenAuthorizer(FakeAuthorizerFunction(RuntimeError("bug"))).authorize("t", "GET", "/v1/x")[1].status == 500
    assert TokenAuthorizer(FakeAuthorizerFunction(allow(effect="Deny"))).authorize("t", "GET", "/v1/x")[1].status == 403


def test_allow_passes_context_and_principal_and_is_cached_per_token():
    function = FakeAuthorizerFunction(allow())
    authorizer = TokenAuthorizer(function, cache_seconds=30)
    # When the same token is used twice, then another token once
    first, refusal = authorizer.authorize("Bearer one", "GET", "/v1/accounts")
    authorizer.authorize("Bearer one", "POST", "/v1/accounts")
    authorizer.authorize("Bearer two", "GET", "/v1/accounts")
    # Then the authorizer ran once per token, with the TOKEN event shape
    assert refusal is None
    assert first == {"tenant_id": "T1", "role": "owner", "principalId": "user-1"}
    assert [event["authorizationToken"] for event in function.events] == ["Bearer one", "Bearer two"]
    assert function.events[0] == {
        "type": "TOKEN",
        "authorizationToken": "Bearer one",
        "methodArn": "arn:aws:execute-api:ap-east-1:123456789012:local/v1/GET/v1/accounts",
    }


def test_cache_expires():
    function = FakeAuthorizerFunction(allow())
    authorizer = TokenAuthorizer(function, cache_seconds=0)
    authorizer.authorize("Bearer one", "GET", "/v1/accounts")
    authorizer.authorize("Bearer one", "GET", "/v1/accounts")
    assert len(function.events) == 2
