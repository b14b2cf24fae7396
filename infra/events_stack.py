"""The event bus (with archive and dead-letter queue), the events function on the table stream, and the
role EventBridge Scheduler uses for tenant schedules."""

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.service_function import FunctionLayers, ServiceFunction, settings_environment
from infra.data_stack import DataStack
from infra.stage import Stage
from servicejob.deployment_spec import FUNCTIONS

STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE = Duration.hours(24)


def dead_letter_queue(scope: Construct, construct_id: str, *, name: str) -> sqs.Queue:
    queue = sqs.Queue(
        scope,
        construct_id,
        queue_name=name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
    )
    Validations.of(queue).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason=f"{name} is itself a dead-letter queue, read by operators")
    )
    return queue


class EventsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: Stage, data: DataStack, layers_dir, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.bus = events.EventBus(self, "Bus", event_bus_name=stage.physical_name("events"))
        self.bus.archive(
            "Archive",
            archive_name=stage.physical_name("events-archive"),
            event_pattern=events.EventPattern(account=[self.account]),
            retention=Duration.days(365),
        )
        # Where rule targets send events they could not deliver.
        self.bus_dead_letters = dead_letter_queue(self, "BusDeadLetters", name=stage.physical_name("bus-dlq"))
        self.stream_failures = dead_letter_queue(self, "StreamFailures", name=stage.physical_name("stream-dlq"))

        layers = FunctionLayers(self, "Layers", layers_dir=layers_dir)
        self.events_function = ServiceFunction(
            self,
            "EventsFunction",
            stage=stage,
            spec=FUNCTIONS["events"],
            layers=layers,
            environment=settings_environment(
                table_name=data.table.table_name,
                event_bus_name=self.bus.event_bus_name,
                tenant_role_arn=data.tenant_data_role.role_arn,
                mail_from=stage.mail_from,
                console_url=stage.console_url,
            ),
            timeout=Duration.seconds(60),
        )
        events_fn = self.events_function.function
        events_fn.add_event_source(
            sources.DynamoEventSource(
                data.table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=STREAM_MAX_RECORD_AGE,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.stream_failures),
            )
        )
        # Audit records are written with the tenant's own credentials, like every other tenant write.
        data.grant_assume_tenant_role(events_fn)
        self.bus.grant_put_events_to(events_fn)
        # Followers and new owners of a changed record are e-mailed (servicejob.domain.collaboration).
        events_fn.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=[self.format_arn(service="ses", resource="identity", resource_name=stage.mail_domain)],
            )
        )

        # EventBridge Scheduler: tenant schedules (one group per tenant, created at onboarding) put events on
        # the bus, and rules route them; the role can do nothing else.
        self.scheduler_role = iam.Role(
            self,
            "SchedulerRole",
            role_name=f"{stage.physical_name('scheduler')}-{self.region}",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": self.account}}
            ),
            description="Assumed by EventBridge Scheduler for tenant schedules: put events on the bus",
        )
        self.bus.grant_put_events_to(self.scheduler_role)
