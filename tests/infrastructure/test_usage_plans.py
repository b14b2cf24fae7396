"""Usage plans per tenant tier: the authorizer supplies each tenant's usage key, every authorized method
requires one, and only the workflows function may create keys and put them on exactly these plans."""

import json

from servicejob.deployment_spec import PUBLIC_ROUTES, TIERS


def _resources(synthesized, stack: str, resource_type: str) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in synthesized.templates[stack]["Resources"].items()
        if resource["Type"] == resource_type
    }


def _path(resources: dict, logical_id: str) -> str:
    props = resources[logical_id]["Properties"]
    parent = props["ParentId"]
    prefix = "" if "Fn::GetAtt" in parent else _path(resources, parent["Ref"])
    return f"{prefix}/{props['PathPart']}"


def test_the_api_takes_usage_keys_from_the_authorizer(synthesized):
    # Given the REST API / Then API Gateway reads the usage key from the authorizer's answer
    [api] = _resources(synthesized, "api", "AWS::ApiGateway::RestApi").values()
    assert api["Properties"]["ApiKeySourceType"] == "AUTHORIZER"


def test_authorized_methods_require_the_usage_key_and_public_ones_do_not(synthesized):
    # Given every method of the API
    resources = synthesized.templates["api"]["Resources"]
    methods = {
        (r["Properties"]["HttpMethod"], _path(resources, r["Properties"]["ResourceId"]["Ref"])): r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGateway::Method"
    }
    public = set(PUBLIC_ROUTES) | {route for route in methods if route[0] == "OPTIONS"}
    # Then exactly the authorized ones require a key, so every tenant call counts against its tier's plan
    required = {route for route, props in methods.items() if props.get("ApiKeyRequired") is True}
    authorized = {route for route, props in methods.items() if props["AuthorizationType"] == "CUSTOM"}
    assert required == authorized == set(methods) - public
    assert ("ANY", "/v1/accounts/{proxy+}") in required


def test_one_plan_per_tier_with_its_limits_on_the_api_stage(synthesized):
    plans = {
        plan["Properties"]["UsagePlanName"]: plan["Properties"]
        for plan in _resources(synthesized, "api", "AWS::ApiGateway::UsagePlan").values()
    }
    [stage_id] = _resources(synthesized, "api", "AWS::ApiGateway::Stage")
    assert set(plans) == {f"servicejob-prod-{tier}-plan" for tier in TIERS}
    for tier in TIERS.values():
        plan = plans[f"servicejob-prod-{tier.name}-plan"]
        assert plan["Throttle"] == {"RateLimit": tier.rate_limit, "BurstLimit": tier.burst_limit}
        assert plan["Quota"] == {"Limit": tier.monthly_quota, "Period": "MONTH"}
        [api_stage] = plan["ApiStages"]
        assert api_stage["Stage"] == {"Ref": stage_id}


def _workflows_function(synthesized) -> dict:
    [function] = [
        f["Properties"]
        for f in _resources(synthesized, "workflows", "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "servicejob-prod-workflows"
    ]
    return function


def _joined(value) -> str:
    """An Fn::Join rendered as text, each Fn::ImportValue as the export's name."""
    if isinstance(value, str):
        return value
    if "Fn::ImportValue" in value:
        return value["Fn::ImportValue"]
    separator, parts = value["Fn::Join"]
    return separator.join(_joined(part) for part in parts)


def test_the_workflows_function_gets_each_tiers_plan_id(synthesized):
    # Given the workflows function's environment, and the api stack's plans by tier
    variable = _workflows_function(synthesized)["Environment"]["Variables"]["SJ_USAGE_PLAN_IDS"]
    plan_ids = {
        plan["Properties"]["UsagePlanName"].removeprefix("servicejob-prod-").removesuffix("-plan"): logical_id
        for logical_id, plan in _resources(synthesized, "api", "AWS::ApiGateway::UsagePlan").items()
    }
    # Then it is JSON {tier: id}, each id exported by the api stack from that tier's plan
    exports = json.loads(_joined(variable))
    assert set(exports) == set(TIERS)
    for tier, export in exports.items():
        assert export.startswith(f"ServiceJob-prod-Api:ExportsOutputRef{plan_ids[tier]}")


def test_only_the_workflows_role_may_create_usage_keys_and_only_on_the_tier_plans(synthesized):
    # Given every IAM statement naming an apigateway action
    statements = [
        (name, statement)
        for kind in ("AWS::IAM::Policy", "AWS::IAM::Role")
        for name, resource in synthesized.all_resources(kind).items()
        for document in filter(
            None,
            [resource["Properties"].get("PolicyDocument")]
            + [p["PolicyDocument"] for p in resource["Properties"].get("Policies", [])],
        )
        for statement in document["Statement"]
        if any(str(a).startswith("apigateway:") for a in statement["Action"] if isinstance(statement["Action"], list))
        or str(statement.get("Action", "")).startswith("apigateway:")
    ]
    # Then they belong to the workflows function's role alone
    assert statements and all(name.startswith("workflows/WorkflowsFunction") for name, _ in statements)
    by_sid = {statement["Sid"]: statement for _, statement in statements}
    assert set(by_sid) == {"TenantUsageKeys", "TenantUsagePlanKeys"}
    # And keys are listed and created on /apikeys only
    keys = by_sid["TenantUsageKeys"]
    assert sorted(keys["Action"]) == ["apigateway:GET", "apigateway:POST"]
    assert json.dumps(keys["Resource"]).endswith('::/apikeys"]]}')
    # And attached only to the tier plans (one resource per plan, each naming that plan's id)
    plan_keys = by_sid["TenantUsagePlanKeys"]
    assert plan_keys["Action"] == "apigateway:POST"
    assert len(plan_keys["Resource"]) == len(TIERS)
    for resource in plan_keys["Resource"]:
        rendered = json.dumps(resource)
        assert "::/usageplans/" in rendered and "Fn::ImportValue" in rendered and rendered.endswith('/keys"]]}')
        assert "*" not in rendered
