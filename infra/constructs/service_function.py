"""A Lambda function declared in `servicejob.deployment_spec.FUNCTIONS`, deployed the one way every
function is: python3.12 on arm64, its own folder as code, the dependency and core layers, X-Ray active,
a log group with retention, and its own role with nothing attached but its log permissions."""

from pathlib import Path

from aws_cdk import Acknowledgment, Aws, Duration, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.stage import Stage
from servicejob.config import Settings
from servicejob.deployment_spec import FunctionSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
DEFAULT_TIMEOUT = Duration.seconds(29)  # API Gateway's integration timeout


def settings_environment(**values: str) -> dict[str, str]:
    """Lambda environment for `servicejob.config.Settings`: field names checked, SJ_ prefix added."""
    unknown = sorted(set(values) - set(Settings.model_fields))
    if unknown:
        raise ValueError(f"not Settings fields: {unknown}")
    return {f"SJ_{name.upper()}": value for name, value in values.items()}


def function_role_name(stage: Stage, spec: FunctionSpec) -> str:
    """Deterministic, so the tenant data role can trust it before the function's stack exists."""
    return f"{spec.physical_name(stage.name)}-{Aws.REGION}"


def function_role_arn(stage: Stage, spec: FunctionSpec) -> str:
    return f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/{function_role_name(stage, spec)}"


class FunctionLayers(Construct):
    """The dependency layer (uv.lock) and the core layer (`servicejob`), built by scripts/build-layers."""

    def __init__(self, scope: Construct, construct_id: str, *, layers_dir: Path):
        super().__init__(scope, construct_id)
        self.layers = [
            lambda_.LayerVersion(
                self,
                name.capitalize(),
                code=lambda_.Code.from_asset(str(layers_dir / name)),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=description,
            )
            for name, description in (
                ("deps", "Third-party packages locked in uv.lock, manylinux_2_28 aarch64, Python 3.12"),
                ("core", "The servicejob core package"),
            )
        ]


class ServiceFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        spec: FunctionSpec,
        layers: FunctionLayers,
        environment: dict[str, str],
        memory_size: int = 512,
        timeout: Duration = DEFAULT_TIMEOUT,
    ):
        super().__init__(scope, construct_id)
        self.spec = spec
        name = spec.physical_name(stage.name)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            role_name=function_role_name(stage, spec),
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{name}: least privilege for {spec.description}",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=name,
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            # The asset root is functions/, holding only this function's package (relative imports inside).
            code=lambda_.Code.from_asset(
                str(FUNCTIONS_DIR),
                exclude=["*", f"!{spec.folder}", f"!{spec.folder}/**", "**/__pycache__", "**/*.pyc"],
            ),
            handler=f"{spec.folder}.{spec.handler}",
            layers=layers.layers,
            memory_size=memory_size,
            timeout=timeout,
            tracing=lambda_.Tracing.ACTIVE,
            role=self.role,
            log_group=self.log_group,
            environment={
                **settings_environment(stage=stage.name),
                **environment,
                "POWERTOOLS_SERVICE_NAME": f"servicejob-{spec.key}",
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
        )
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray active tracing: xray:PutTraceSegments and PutTelemetryRecords accept only Resource *",
            )
        )
        Validations.of(self.function).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="python3.12 is the runtime the layers are built for (scripts/build-layers); "
                "raised deliberately together with the dependency layer",
            )
        )
