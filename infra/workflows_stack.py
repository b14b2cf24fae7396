"""The state machines of `servicejob.deployment_spec.STATE_MACHINES`, loaded from their ASL files with
`${...}` replaced by function ARNs, and the workflows task function.

Built after the api stack: onboarding puts each tenant's usage key on the api stack's usage plan of its tier.
"""

from collections.abc import Mapping

from aws_cdk import Acknowledgment, Aws, Duration, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.auth_stack import AuthStack
from infra.constructs.service_function import FunctionLayers, ServiceFunction, settings_environment
from infra.data_stack import DataStack
from infra.events_stack import EventsStack
from infra.stage import Stage
from servicejob.deployment_spec import FUNCTIONS, STATE_MACHINES
from servicejob.workflows.onboarding import schedule_group_name
from servicejob.workflows.reminders import REMINDERS_SCHEDULE

# Cognito calls of servicejob.auth.user_directory.CognitoUserDirectory.
USER_DIRECTORY_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminUserGlobalSignOut",
)


def grant_user_directory(grantee: iam.IGrantable, auth: AuthStack) -> None:
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=list(USER_DIRECTORY_ACTIONS), resources=[auth.user_pool.user_pool_arn])
    )


def grant_send_mail(grantee: iam.IGrantable, stage: Stage, stack: Stack) -> None:
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["ses:SendEmail", "ses:SendRawEmail"],
            resources=[stack.format_arn(service="ses", resource="identity", resource_name=stage.mail_domain)],
        )
    )


class WorkflowsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        data: DataStack,
        auth: AuthStack,
        events_stack: EventsStack,
        usage_plans: Mapping[str, apigw.IUsagePlan],
        layers_dir,
        **kwargs,
    ):
        super().__init__(scope, construct_id, **kwargs)
        layers = FunctionLayers(self, "Layers", layers_dir=layers_dir)
        plan_ids = {tier: plan.usage_plan_id for tier, plan in sorted(usage_plans.items())}
        self.functions = {
            "workflows": ServiceFunction(
                self,
                "WorkflowsFunction",
                stage=stage,
                spec=FUNCTIONS["workflows"],
                layers=layers,
                environment=settings_environment(
                    table_name=data.table.table_name,
                    tenant_role_arn=data.tenant_data_role.role_arn,
                    event_bus_name=events_stack.bus.event_bus_name,
                    user_pool_id=auth.user_pool.user_pool_id,
                    scheduler_role_arn=events_stack.scheduler_role.role_arn,
                    mail_from=stage.mail_from,
                    console_url=stage.console_url,
                    usage_plan_ids=self.to_json_string(plan_ids),
                    documents_bucket=data.documents_bucket.bucket_name,
                ),
                # CSV import tasks work up to 240 s (functions/workflows IMPORT_COMMIT_SECONDS) per invocation.
                timeout=Duration.seconds(300),
                memory_size=1024,
            )
        }
        workflows = self.functions["workflows"].function
        data.grant_assume_tenant_role(workflows)
        grant_user_directory(workflows, auth)
        grant_send_mail(workflows, stage, self)
        # servicejob.workflows.onboarding.TenantScheduleGroups: one group per tenant, tagged with the tenant.
        tenant_groups = f"schedule-group/{schedule_group_name('*')}"
        reminder_schedules = f"schedule/{schedule_group_name('*')}/{REMINDERS_SCHEDULE}"
        workflows.add_to_role_policy(
            iam.PolicyStatement(
                actions=[
                    "scheduler:GetScheduleGroup",
                    "scheduler:CreateScheduleGroup",
                    "scheduler:TagResource",
                ],
                resources=[f"arn:{Aws.PARTITION}:scheduler:{stage.region}:{Aws.ACCOUNT_ID}:{tenant_groups}"],
            )
        )
        Validations.of(self.functions["workflows"].role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:{stage.region}:<AWS::AccountId>:{tenant_groups}]",
                reason="Schedule groups are created per tenant at onboarding, so their names are known only "
                "by their tenant- prefix",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:{stage.region}:<AWS::AccountId>:{reminder_schedules}]",
                reason="Each tenant's daily-reminders schedule lives in its own tenant- schedule group",
            ),
        )

        # servicejob.workflows.reminders.ReminderSchedules: each tenant's daily reminders schedule, which invokes
        # this function through the scheduler role (passed to Scheduler, and allowed to invoke exactly it).
        workflows.add_to_role_policy(
            iam.PolicyStatement(
                sid="TenantReminderSchedules",
                actions=["scheduler:CreateSchedule", "scheduler:UpdateSchedule"],
                resources=[f"arn:{Aws.PARTITION}:scheduler:{stage.region}:{Aws.ACCOUNT_ID}:{reminder_schedules}"],
            )
        )
        workflows.add_to_role_policy(
            iam.PolicyStatement(
                sid="PassSchedulerRole",
                actions=["iam:PassRole"],
                resources=[events_stack.scheduler_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            )
        )
        # Attached here rather than granted on the role, which would make the events stack refer to this one.
        iam.Policy(
            self,
            "SchedulerInvokesWorkflows",
            roles=[events_stack.scheduler_role],
            statements=[
                iam.PolicyStatement(
                    sid="SchedulerInvokesWorkflows",
                    actions=["lambda:InvokeFunction"],
                    resources=[workflows.function_arn],
                )
            ],
        )

        # servicejob.workflows.onboarding.TenantUsageKeys: find or create the tenant's API key (GetApiKeys,
        # CreateApiKey) and put it on its tier's plan (CreateUsagePlanKey on exactly these plans).
        api_keys = f"arn:{Aws.PARTITION}:apigateway:{stage.region}::/apikeys"
        workflows.add_to_role_policy(
            iam.PolicyStatement(
                sid="TenantUsageKeys", actions=["apigateway:GET", "apigateway:POST"], resources=[api_keys]
            )
        )
        workflows.add_to_role_policy(
            iam.PolicyStatement(
                sid="TenantUsagePlanKeys",
                actions=["apigateway:POST"],
                resources=[
                    f"arn:{Aws.PARTITION}:apigateway:{stage.region}::/usageplans/{plan_id}/keys"
                    for plan_id in plan_ids.values()
                ],
            )
        )

        self.state_machines: dict[str, sfn.StateMachine] = {}
        for spec in STATE_MACHINES.values():
            name = spec.physical_name(stage.name)
            log_group = logs.LogGroup(
                self,
                f"{spec.name}Logs",
                log_group_name=f"/aws/vendedlogs/states/{name}",
                retention=stage.log_retention,
                removal_policy=stage.removal_policy,
            )
            machine = sfn.StateMachine(
                self,
                spec.name,
                state_machine_name=name,
                # Inline rather than an S3 asset, so the template shows (and the tests compare) the definition.
                definition_body=sfn.DefinitionBody.from_string(spec.path.read_text()),
                definition_substitutions={
                    placeholder: self.functions[key].function.function_arn
                    for placeholder, key in spec.function_substitutions.items()
                },
                # Execution data holds names and e-mail addresses: states and errors are logged, not data.
                logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
                tracing_enabled=True,
            )
            # Tasks name functions by unqualified ARN, so invoking exactly those ARNs is enough.
            machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["lambda:InvokeFunction"],
                    resources=[
                        self.functions[key].function.function_arn for key in set(spec.function_substitutions.values())
                    ],
                )
            )
            Validations.of(machine.role).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM5[Resource::*]",
                    reason="X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery and "
                    "friends) accept only Resource *",
                )
            )
            self.state_machines[spec.name] = machine
