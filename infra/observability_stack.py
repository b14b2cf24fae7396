"""A dashboard and the alarms an operator must hear about, all to one SNS topic."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.api_stack import ApiStack
from infra.data_stack import DataStack
from infra.events_stack import EventsStack
from infra.stage import Stage
from infra.workflows_stack import WorkflowsStack

FIVE_MINUTES = Duration.minutes(5)
API_P99_LATENCY_MS = 2000


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        data: DataStack,
        events_stack: EventsStack,
        workflows: WorkflowsStack,
        api: ApiStack,
        **kwargs,
    ):
        super().__init__(scope, construct_id, **kwargs)
        self.alarm_topic = sns.Topic(
            self,
            "Alarms",
            topic_name=stage.physical_name("alarms"),
            master_key=kms.Alias.from_alias_name(self, "SnsKey", "alias/aws/sns"),
            enforce_ssl=True,
        )
        alarm_action = actions.SnsAction(self.alarm_topic)
        alarms: list[cloudwatch.Alarm] = []

        def alarm(construct_id: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                construct_id,
                alarm_description=description,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(alarm_action)
            alarms.append(created)

        rest_api = api.api
        alarm(
            "Api5xx",
            rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
            5,
            "API answered 5xx: a fault, never a client error",
        )
        alarm(
            "ApiP99Latency",
            rest_api.metric_latency(period=FIVE_MINUTES, statistic="p99"),
            API_P99_LATENCY_MS,
            f"API p99 latency at or over {API_P99_LATENCY_MS} ms",
        )
        service_functions = [
            *api.api_functions.values(),
            api.authorizer_function,
            events_stack.events_function,
            *workflows.functions.values(),
        ]
        for service_function in service_functions:
            key = service_function.spec.key.title().replace("-", "")
            function = service_function.function
            alarm(
                f"{key}Errors",
                function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                1,
                f"{service_function.spec.key} function errors",
            )
            alarm(
                f"{key}Throttles",
                function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
                1,
                f"{service_function.spec.key} function throttled",
            )
        for queue_id, queue in (
            ("BusDeadLetters", events_stack.bus_dead_letters),
            ("StreamFailures", events_stack.stream_failures),
        ):
            alarm(
                f"{queue_id}Depth",
                queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                1,
                f"{queue.queue_name} holds undelivered messages: inspect and redrive",
            )
        for name, machine in workflows.state_machines.items():
            alarm(
                f"{name}Failed",
                machine.metric_failed(period=FIVE_MINUTES, statistic="Sum"),
                1,
                f"{name} executions failed",
            )
        table = data.table
        throttles = cloudwatch.MathExpression(
            expression="reads + writes",
            using_metrics={
                "reads": table.metric("ReadThrottleEvents", period=FIVE_MINUTES, statistic="Sum"),
                "writes": table.metric("WriteThrottleEvents", period=FIVE_MINUTES, statistic="Sum"),
            },
            label="Table throttle events",
            period=FIVE_MINUTES,
        )
        alarm("TableThrottles", throttles, 1, "DynamoDB throttled reads or writes on the table")

        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=stage.physical_name("operations"))
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="API requests and errors",
                left=[
                    rest_api.metric_count(period=FIVE_MINUTES),
                    rest_api.metric_client_error(period=FIVE_MINUTES),
                    rest_api.metric_server_error(period=FIVE_MINUTES),
                ],
            ),
            cloudwatch.GraphWidget(
                title="API latency p50 / p99",
                left=[
                    rest_api.metric_latency(period=FIVE_MINUTES, statistic="p50"),
                    rest_api.metric_latency(period=FIVE_MINUTES, statistic="p99"),
                ],
            ),
            cloudwatch.GraphWidget(
                title="Function errors",
                left=[f.function.metric_errors(period=FIVE_MINUTES) for f in service_functions],
            ),
            cloudwatch.GraphWidget(
                title="Function duration p99",
                left=[f.function.metric_duration(period=FIVE_MINUTES, statistic="p99") for f in service_functions],
            ),
            cloudwatch.GraphWidget(title="Table throttles", left=[throttles]),
        )
        dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=alarms, width=24))
