"""Tenant-scoped IAM, least privilege, and how every function, state machine and route is deployed."""

import json
import re
from pathlib import Path

from servicejob.config import Settings
from servicejob.deployment_spec import (
    API_FUNCTIONS,
    AUTHORIZER_CACHE_SECONDS,
    FUNCTIONS,
    GATEWAY_PROBLEMS,
    PUBLIC_ROUTES,
    STATE_MACHINES,
    TIERS,
    api_function_for,
)

TENANT_PREFIX = "${aws:PrincipalTag/TenantId}"


def _statements(synthesized):
    for kind in ("AWS::IAM::Policy", "AWS::IAM::Role"):
        for name, resource in synthesized.all_resources(kind).items():
            documents = [resource["Properties"].get("PolicyDocument")] + [
                policy["PolicyDocument"] for policy in resource["Properties"].get("Policies", [])
            ]
            for document in filter(None, documents):
                for statement in document["Statement"]:
                    yield name, statement


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_no_statement_allows_wildcard_actions(synthesized):
    # Given every IAM statement of every stack
    wildcards = [
        (name, action)
        for name, statement in _statements(synthesized)
        if statement["Effect"] == "Allow"
        for action in _as_list(statement.get("Action", []))
        if action == "*" or action.endswith(":*") or action.startswith(("dynamodb:*", "s3:*"))
    ]
    # Then none allows "*" or "service:*"
    assert wildcards == []


def test_tenant_role_allows_only_the_tagged_tenants_keys_and_prefix(synthesized):
    # Given the tenant data role's policy
    statements = {
        statement.get("Sid"): statement
        for name, statement in _statements(synthesized)
        if name.startswith("data/TenantData")
    }
    dynamodb = statements["TenantItemsOnly"]
    s3 = statements["TenantObjectsOnly"]
    # Then item actions need LeadingKeys = "{TenantId}#*" and object actions the "{TenantId}/" prefix
    assert dynamodb["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{TENANT_PREFIX}#*"]}}
    assert not [action for action in dynamodb["Action"] if action in ("dynamodb:Scan", "dynamodb:DeleteTable")]
    assert TENANT_PREFIX + "/*" in json.dumps(s3["Resource"])
    assert all(action.startswith("s3:") and "Object" in action for action in s3["Action"])


def test_only_the_tenant_role_and_the_control_plane_counters_touch_table_items(synthesized):
    # Given every statement with a DynamoDB item action outside the tenant role
    item_actions = re.compile(r"dynamodb:(\w*Item|Query|Scan)$")
    direct = [
        (name, statement)
        for name, statement in _statements(synthesized)
        if not name.startswith("data/TenantData")
        and any(item_actions.match(action) for action in _as_list(statement.get("Action", [])))
    ]
    # Then the only one is the api function's signup counter, itself conditioned on its key prefix
    assert [statement.get("Sid") for _, statement in direct] == ["SignupRateLimitCounters"]
    assert direct[0][1]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ratelimit#signup#*"]}}


def test_tenant_role_is_assumable_only_with_a_tenant_session_tag_by_the_request_path_roles(synthesized):
    [role] = [
        resource
        for name, resource in synthesized.all_resources("AWS::IAM::Role").items()
        if name.startswith("data/TenantData")
    ]
    [statement] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert set(statement["Action"]) == {"sts:AssumeRole", "sts:TagSession"}
    assert statement["Condition"]["StringLike"] == {"aws:RequestTag/TenantId": "?*"}
    trusted = json.dumps(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"])
    keys = (*API_FUNCTIONS, "authorizer", "events", "workflows")
    assert all(f"servicejob-prod-{key}-" in trusted for key in keys)


def test_every_function_is_traced_arm64_python312_with_retained_logs(synthesized):
    functions = {
        name: function
        for name, function in synthesized.all_resources("AWS::Lambda::Function").items()
        # aws-cdk-lib's deploy-time handler copying the console's files is no service function (test_console.py)
        if not name.startswith("console/CustomCDKBucketDeployment")
    }
    log_groups = synthesized.all_resources("AWS::Logs::LogGroup")
    # Then there is one function per spec, each deployed the same way
    assert sorted(f["Properties"]["FunctionName"] for f in functions.values()) == sorted(
        spec.physical_name("prod") for spec in FUNCTIONS.values()
    )
    for function in functions.values():
        props = function["Properties"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Architectures"] == ["arm64"]
        assert props["Runtime"] == "python3.12"
        key = props["FunctionName"].removeprefix("servicejob-prod-")
        assert props["Handler"] == f"{FUNCTIONS[key].folder}.{FUNCTIONS[key].handler}"
        assert len(props["Layers"]) == 2
        group = next(
            g
            for g in log_groups.values()
            if g["Properties"].get("LogGroupName") == f"/aws/lambda/{props['FunctionName']}"
        )
        assert group["Properties"]["RetentionInDays"] >= 30
        # And its environment names only Settings fields
        settings_keys = {name for name in props["Environment"]["Variables"] if name.startswith("SJ_")}
        assert {name.removeprefix("SJ_").lower() for name in settings_keys} <= set(Settings.model_fields)


def test_stream_consumers_bisect_retry_and_keep_failures(synthesized):
    mappings = synthesized.all_resources("AWS::Lambda::EventSourceMapping")
    assert mappings
    for mapping in mappings.values():
        props = mapping["Properties"]
        assert props["BisectBatchOnFunctionError"] is True
        assert props["MaximumRetryAttempts"] > 0
        assert props["DestinationConfig"]["OnFailure"]["Destination"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_state_machines_run_their_asl_files_with_function_arns_substituted(synthesized):
    template = synthesized.templates["workflows"]
    resources = template["Resources"]
    function_ids = {
        resource["Properties"]["FunctionName"].removeprefix("servicejob-prod-"): logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    for spec in STATE_MACHINES.values():
        [machine] = [
            r
            for r in resources.values()
            if r["Type"] == "AWS::StepFunctions::StateMachine"
            and r["Properties"]["StateMachineName"] == spec.physical_name("prod")
        ]
        # When the deployed definition is read with its substitutions
        definition = machine["Properties"]["DefinitionString"]
        substitutions = machine["Properties"]["DefinitionSubstitutions"]
        asl_text = spec.path.read_text()
        # Then every ${Placeholder} in the file is replaced by the ARN of the function the spec names
        assert set(re.findall(r"\$\{(\w+)\}", asl_text)) == set(spec.function_substitutions)
        assert substitutions == {
            name: {"Fn::GetAtt": [function_ids[key], "Arn"]} for name, key in spec.function_substitutions.items()
        }
        # Then it is exactly the ASL file, logged at ALL and traced
        assert json.loads(definition) == json.loads(asl_text)
        assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"
        assert machine["Properties"]["TracingConfiguration"] == {"Enabled": True}


def _api_methods(template) -> dict[tuple[str, str], dict]:
    """(HTTP method, resource path) -> the method's properties, in the api stack's template."""
    resources = template["Resources"]
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            parent = props["ParentId"]
            prefix = "" if "Fn::GetAtt" in parent else path_of(parent["Ref"])
            paths[logical_id] = f"{prefix}/{props['PathPart']}"
        return paths[logical_id]

    return {
        (r["Properties"]["HttpMethod"], path_of(r["Properties"]["ResourceId"]["Ref"])): r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGateway::Method"
    }


def _gateway_match(methods: dict[tuple[str, str], dict], method: str, path: str) -> tuple[str, str] | None:
    """The method API Gateway picks for a route template: its own resource, else the nearest {proxy+} above."""
    for candidate in (method, "ANY"):
        if (candidate, path) in methods:
            return candidate, path
    parts = path.split("/")
    for cut in range(len(parts) - 1, 1, -1):
        proxy = "/".join(parts[:cut]) + "/{proxy+}"
        for candidate in (method, "ANY"):
            if (candidate, proxy) in methods:
                return candidate, proxy
    return None


def test_every_documented_route_reaches_its_context_function(synthesized):
    # Given the one OpenAPI document, and the api stack's methods and API functions
    template = synthesized.templates["api"]
    methods = _api_methods(template)
    function_ids = {
        r["Properties"]["FunctionName"].removeprefix("servicejob-prod-"): logical_id
        for logical_id, r in template["Resources"].items()
        if r["Type"] == "AWS::Lambda::Function"
    }
    document = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "openapi.json").read_text())
    for path, operations in document["paths"].items():
        for http_method in operations:
            route = (http_method.upper(), path)
            # When API Gateway matches the route to a method
            matched = _gateway_match(methods, *route)
            assert matched is not None, route
            # Then the method's integration is the function whose prefixes hold the path, and only public routes
            # skip the authorizer
            function = api_function_for(path)
            uri = json.dumps(methods[matched]["Integration"]["Uri"])
            assert f'"{function_ids[function.key]}"' in uri, (route, matched)
            assert methods[matched]["AuthorizationType"] == ("NONE" if route in PUBLIC_ROUTES else "CUSTOM"), route
            # and its preflight reaches the same function without credentials
            preflight = methods[("OPTIONS", matched[1])]
            assert preflight["AuthorizationType"] == "NONE"
            assert f'"{function_ids[function.key]}"' in json.dumps(preflight["Integration"]["Uri"])


def test_each_api_function_holds_only_its_contexts_grants(synthesized):
    # Given each API function role's statements
    def actions_of(function_key: str) -> set[str]:
        prefix = f"api/{function_key.title().replace('-', '')}Function"
        return {
            action
            for name, statement in _statements(synthesized)
            if name.startswith(prefix) and statement["Effect"] == "Allow"
            for action in _as_list(statement.get("Action", []))
        }

    # Then the user pool, signup counters and onboarding are identity's; imports are data's; mail is not data's
    identity, crm, sales, data = (actions_of(key) for key in ("api-identity", "api-crm", "api-sales", "api-data"))
    assert any(action.startswith("cognito-idp:") for action in identity)
    assert {"dynamodb:UpdateItem", "states:StartExecution", "ses:SendEmail"} <= identity
    assert "states:StartExecution" in data and not any(action.startswith("ses:") for action in data)
    for others in (crm, sales, data):
        assert not any(action.startswith(("cognito-idp:", "dynamodb:", "kms:")) for action in others)
    assert "states:StartExecution" not in crm | sales
    # and every one of them reaches tenant data only through the tenant role
    for actions in (identity, crm, sales, data):
        assert {"sts:AssumeRole", "sts:TagSession"} <= actions


def test_every_route_but_the_public_ones_goes_through_the_cached_token_authorizer(synthesized):
    template = synthesized.templates["api"]
    resources = template["Resources"]
    methods = _api_methods(template)
    # Then public routes and every preflight are open, and everything else needs the authorizer
    assert set(PUBLIC_ROUTES) <= set(methods)
    for route, props in methods.items():
        expected = "NONE" if route in PUBLIC_ROUTES or route[0] == "OPTIONS" else "CUSTOM"
        assert props["AuthorizationType"] == expected, route
    [authorizer] = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Authorizer"]
    assert authorizer["Properties"]["Type"] == "TOKEN"
    assert authorizer["Properties"]["AuthorizerResultTtlInSeconds"] == AUTHORIZER_CACHE_SECONDS
    plans = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::UsagePlan"]
    assert sorted(plan["Throttle"]["RateLimit"] for plan in plans) == sorted(t.rate_limit for t in TIERS.values())
    [stage] = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"]
    assert [r for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation"]


def test_gateway_answers_its_own_errors_as_the_apis_problem_details(synthesized):
    # Given the deployment spec's gateway problems / Then each is a gateway response with that status and body
    responses = {
        resource["Properties"]["ResponseType"]: resource["Properties"]
        for resource in synthesized.all_resources("AWS::ApiGateway::GatewayResponse").values()
    }
    for response_type, problem in GATEWAY_PROBLEMS.items():
        configured = responses[response_type]
        assert configured["StatusCode"] == str(problem.status)
        assert configured["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        assert json.loads(configured["ResponseTemplates"]["application/json"]) == problem.body()


def test_the_api_may_start_exactly_the_onboarding_import_and_export_state_machines(synthesized):
    started = [
        resource
        for _, statement in _statements(synthesized)
        if "states:StartExecution" in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    ]
    names = json.dumps(started)
    assert len(started) == 3
    for name in ("TenantOnboarding", "ImportJob", "ExportJob"):
        assert name in names


def test_export_files_are_written_only_through_the_tenant_role_and_expire(synthesized):
    # Given every statement with an S3 object action on the documents bucket (or on any bucket)
    object_statements = [
        (name, statement)
        for name, statement in _statements(synthesized)
        if any(action.startswith("s3:") and "Object" in action for action in _as_list(statement.get("Action", [])))
        and ("Documents" in json.dumps(statement.get("Resource")) or statement.get("Resource") == "*")
    ]
    # Then only the tenant role has them (the workflows function writes exports under the tenant's prefix as
    # the tenant), and they include the multipart upload's s3:PutObject
    assert [name for name, _ in object_statements if not name.startswith("data/TenantData")] == []
    assert any("s3:PutObject" in _as_list(statement["Action"]) for _, statement in object_statements)
    # And the documents bucket expires tagged exports after a week and aborts unfinished uploads after a day
    [bucket] = [
        resource["Properties"]
        for resource in synthesized.template("data").find_resources("AWS::S3::Bucket").values()
        if "LifecycleConfiguration" in resource["Properties"]
        and any(rule["Id"] == "expire-exports" for rule in resource["Properties"]["LifecycleConfiguration"]["Rules"])
    ]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-exports"]["ExpirationInDays"] == 7
    assert rules["expire-exports"]["TagFilters"] == [{"Key": "servicejob:kind", "Value": "export"}]
    assert rules["abort-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


def test_reminder_schedules_invoke_only_the_workflows_function_through_the_scheduler_role(synthesized):
    # Given the workflows function's statements and the scheduler role's
    statements = list(_statements(synthesized))
    by_sid = {statement.get("Sid"): statement for _, statement in statements if statement.get("Sid")}
    schedules = by_sid["TenantReminderSchedules"]
    pass_role = by_sid["PassSchedulerRole"]
    # Then the function creates and updates only the tenants' daily-reminders schedules
    assert set(schedules["Action"]) == {"scheduler:CreateSchedule", "scheduler:UpdateSchedule"}
    assert "schedule/tenant-*/daily-reminders" in json.dumps(schedules["Resource"])
    # And passes only the scheduler role, only to Scheduler
    assert pass_role["Action"] == "iam:PassRole" and "SchedulerRole" in json.dumps(pass_role["Resource"])
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    # And the scheduler role may invoke the workflows function and nothing else
    [policy] = [
        resource
        for name, resource in synthesized.all_resources("AWS::IAM::Policy").items()
        if name.startswith("workflows/SchedulerInvokesWorkflows")
    ]
    assert "SchedulerRole" in json.dumps(policy["Properties"]["Roles"])
    [invoke] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert invoke["Action"] == "lambda:InvokeFunction" and "WorkflowsFunction" in json.dumps(invoke["Resource"])
