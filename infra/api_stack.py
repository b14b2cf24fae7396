"""The REST API: one function per bounded context, each behind its path prefixes (deployment_spec.API_FUNCTIONS),
one Lambda TOKEN authorizer on every route but the public ones, usage plans per tenant tier, a WAF web ACL,
access logs and X-Ray.

Usage plans apply per tenant: onboarding (workflows stack) creates each tenant's API key on its tier's
plan, the authorizer returns that key as usageIdentifierKey (key source AUTHORIZER) and every authorized
method requires it. The workflows function needs the plans' ids, so the workflows stack depends on this
one; this stack names the onboarding state machine by its deterministic ARN instead of referencing it.
"""

import json

from aws_cdk import Acknowledgment, ArnFormat, Duration, SecretValue, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.auth_stack import AuthStack
from infra.constructs.service_function import FunctionLayers, ServiceFunction, settings_environment
from infra.constructs.web_acl import ApiWebAcl
from infra.data_stack import DataStack
from infra.events_stack import EventsStack
from infra.stage import Stage
from infra.workflows_stack import grant_send_mail, grant_user_directory
from servicejob.dal.keys import rate_limit_pk
from servicejob.deployment_spec import (
    API_FUNCTIONS,
    AUTHORIZER_CACHE_SECONDS,
    FUNCTIONS,
    GATEWAY_PROBLEMS,
    PUBLIC_ROUTES,
    STATE_MACHINES,
    TIERS,
)
from servicejob.errors import PROBLEM_CONTENT_TYPE


def _construct_name(function_key: str) -> str:
    return function_key.title().replace("-", "")


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        data: DataStack,
        auth: AuthStack,
        events_stack: EventsStack,
        layers_dir,
        **kwargs,
    ):
        super().__init__(scope, construct_id, **kwargs)
        onboarding_arn = self.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=STATE_MACHINES["TenantOnboarding"].physical_name(stage.name),
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        import_arn = self.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=STATE_MACHINES["ImportJob"].physical_name(stage.name),
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        export_arn = self.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=STATE_MACHINES["ExportJob"].physical_name(stage.name),
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        # HMAC key for pagination cursors; resolved into the environment at deploy time.
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            secret_name=stage.physical_name("cursor-secret"),
            description="HMAC-SHA256 key signing pagination cursors",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
        )
        Validations.of(self.cursor_secret).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SMG4",
                reason="Rotating the cursor key invalidates every outstanding list cursor; rotated by redeploy "
                "in a maintenance window (docs/operations.md, rotating keys)",
            )
        )
        layers = FunctionLayers(self, "Layers", layers_dir=layers_dir)
        common = settings_environment(
            table_name=data.table.table_name,
            tenant_role_arn=data.tenant_data_role.role_arn,
            user_pool_id=auth.user_pool.user_pool_id,
            user_pool_client_id=auth.console_client.user_pool_client_id,
            cognito_endpoint=f"https://cognito-idp.{self.region}.amazonaws.com",
            cursor_secret=SecretValue.secrets_manager(self.cursor_secret.secret_arn).unsafe_unwrap(),
            console_url=stage.console_url,
        )
        self.authorizer_function = ServiceFunction(
            self,
            "AuthorizerFunction",
            stage=stage,
            spec=FUNCTIONS["authorizer"],
            layers=layers,
            environment=common,
            timeout=Duration.seconds(10),
        )
        data.grant_assume_tenant_role(self.authorizer_function.function)
        # One function per bounded context (deployment_spec.API_FUNCTIONS), each with only its context's grants.
        self.api_functions = {
            key: ServiceFunction(
                self,
                f"{_construct_name(key)}Function",
                stage=stage,
                spec=spec,
                layers=layers,
                memory_size=1024,
                environment={
                    **common,
                    **settings_environment(
                        event_bus_name=events_stack.bus.event_bus_name,
                        documents_bucket=data.documents_bucket.bucket_name,
                        onboarding_state_machine_arn=onboarding_arn,
                        import_state_machine_arn=import_arn,
                        export_state_machine_arn=export_arn,
                        mail_from=stage.mail_from,
                    ),
                },
            )
            for key, spec in API_FUNCTIONS.items()
        }
        for api_function in self.api_functions.values():
            data.grant_assume_tenant_role(api_function.function)
        identity = self.api_functions["api-identity"].function
        # Signup starts onboarding; invitations and disabling users reach the user pool and send mail.
        identity.add_to_role_policy(iam.PolicyStatement(actions=["states:StartExecution"], resources=[onboarding_arn]))
        grant_user_directory(identity, auth)
        # Signup rate limiting (servicejob.dal.rate_limits): control-plane counters, the only items an API
        # function touches with its own credentials.
        identity.add_to_role_policy(
            iam.PolicyStatement(
                sid="SignupRateLimitCounters",
                actions=["dynamodb:UpdateItem"],
                resources=[data.table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [rate_limit_pk("signup", "*")]}},
            )
        )
        identity.add_to_role_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[data.key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"dynamodb.{self.region}.amazonaws.com"}},
            )
        )
        # Invitations (identity), mentions and follower notices (CRM and sales comments), lead assignment (sales).
        for key in ("api-identity", "api-crm", "api-sales"):
            grant_send_mail(self.api_functions[key].function, stage, self)
        # CSV imports and exports run as the ImportJob and ExportJob state machines.
        self.api_functions["api-data"].function.add_to_role_policy(
            iam.PolicyStatement(actions=["states:StartExecution"], resources=[import_arn, export_arn])
        )

        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=stage.log_retention, removal_policy=stage.removal_policy
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=stage.physical_name("api"),
            description="Service Job CRM HTTPS API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The authorizer returns the tenant's usage-plan key (usageIdentifierKey), so plans apply per tenant.
            api_key_source_type=apigw.ApiKeySourceType.AUTHORIZER,
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=stage.name,
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # bodies hold personal data
                metrics_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
                throttling_rate_limit=max(tier.rate_limit for tier in TIERS.values()) * 10,
                throttling_burst_limit=max(tier.burst_limit for tier in TIERS.values()) * 10,
            ),
        )
        # Errors API Gateway answers itself are RFC 9457 problems like the API's own, with CORS headers too.
        for response_type in (apigw.ResponseType.DEFAULT_4_XX, apigw.ResponseType.DEFAULT_5_XX):
            self.api.add_gateway_response(
                f"Cors{response_type.response_type}",
                type=response_type,
                response_headers={"Access-Control-Allow-Origin": f"'{stage.console_url}'"},
            )
        for response_type, problem in sorted(GATEWAY_PROBLEMS.items()):
            self.api.add_gateway_response(
                f"Problem{response_type.title().replace('_', '')}",
                type=apigw.ResponseType.of(response_type),
                status_code=str(problem.status),
                response_headers={
                    "Access-Control-Allow-Origin": f"'{stage.console_url}'",
                    "Content-Type": f"'{PROBLEM_CONTENT_TYPE}'",
                },
                templates={"application/json": json.dumps(problem.body())},
            )
        authorizer = apigw.TokenAuthorizer(
            self,
            "Authorizer",
            handler=self.authorizer_function.function,
            identity_source=apigw.IdentitySource.header("Authorization"),
            results_cache_ttl=Duration.seconds(AUTHORIZER_CACHE_SECONDS),
        )
        unauthenticated: list[apigw.Method] = []
        preflights: set[str] = set()

        def answer_preflight(resource: apigw.IResource, integration: apigw.LambdaIntegration) -> None:
            # CORS preflight carries no credentials; the function answers it (one CORS configuration).
            if resource.path not in preflights:
                preflights.add(resource.path)
                unauthenticated.append(resource.add_method("OPTIONS", integration))

        # Each function gets its prefixes and everything below them ({proxy+}). A prefix with public routes
        # below it (signup status) gets those routes' own resources instead: API Gateway allows one variable
        # path part per level, and every route below such a prefix is public.
        for key, spec in API_FUNCTIONS.items():
            # No test-invoke permissions: they would double the function's resource policy, per route.
            integration = apigw.LambdaIntegration(self.api_functions[key].function, proxy=True, allow_test_invoke=False)
            public = sorted(route for route in PUBLIC_ROUTES if spec.serves(route[1]))
            for prefix in spec.path_prefixes:
                prefix_resource = self.api.root.resource_for_path(prefix)
                served = [prefix_resource]
                if not any(path.startswith(prefix + "/") for _, path in public):
                    served.append(prefix_resource.add_resource("{proxy+}"))
                for resource in served:
                    # The authorizer returns the tenant's usage key; without one (not backfilled) the gateway
                    # answers 403.
                    resource.add_method("ANY", integration, authorizer=authorizer, api_key_required=True)
                    answer_preflight(resource, integration)
            for http_method, path in public:
                resource = self.api.root.resource_for_path(path)
                unauthenticated.append(resource.add_method(http_method, integration))
                answer_preflight(resource, integration)
        for method in unauthenticated:
            for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                Validations.of(method).acknowledge(
                    Acknowledgment(
                        id=rule,
                        reason=f"{method.http_method} {method.resource.path} is public by design "
                        "(deployment_spec.PUBLIC_ROUTES or CORS preflight); signup is rate-limited by WAF and the app",
                    )
                )
        Validations.of(self.api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="One Lambda TOKEN authorizer verifies both Cognito ID tokens and sjk_ API keys "
                "(API Gateway allows one authorizer per method; docs/architecture.md)",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="Requests are validated by the handler's pydantic models, which answer RFC 9457 "
                "problem details naming each field; a gateway validator would answer in another shape",
            ),
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                reason="The account-level role API Gateway uses to write execution logs; AWS documents this "
                "managed policy for it",
            ),
        )

        self.usage_plans = {
            tier.name: self.api.add_usage_plan(
                f"{tier.name.capitalize()}Plan",
                name=stage.physical_name(f"{tier.name}-plan"),
                description=f"Tenants on the {tier.name} tier",
                throttle=apigw.ThrottleSettings(rate_limit=tier.rate_limit, burst_limit=tier.burst_limit),
                quota=apigw.QuotaSettings(limit=tier.monthly_quota, period=apigw.Period.MONTH),
                api_stages=[apigw.UsagePlanPerApiStage(api=self.api, stage=self.api.deployment_stage)],
            )
            for tier in TIERS.values()
        }

        self.web_acl = ApiWebAcl(self, "WebAcl", name=stage.physical_name("api"))
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.acl.attr_arn,
        )
