"""The CDK app: `cdk synth -c stage=dev` (cdk.json runs this module). Synth needs no AWS credentials and
no network; the layers are built beforehand by scripts/build-layers into build/layers/."""

import os
from pathlib import Path

from aws_cdk import App, Environment, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from infra.api_stack import ApiStack
from infra.auth_stack import AuthStack
from infra.console_stack import ConsoleStack
from infra.data_stack import DataStack
from infra.events_stack import EventsStack
from infra.observability_stack import ObservabilityStack
from infra.stage import Stage
from infra.workflows_stack import WorkflowsStack

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LAYERS_DIR = REPO_ROOT / "build" / "layers"
DEFAULT_CONSOLE_DIST = REPO_ROOT / "console" / "dist"
STAGES = ("dev", "prod")
DEFAULT_REGION = "ap-southeast-1"  # SES, Cognito Plus and every service used are offered here
# Set here rather than in cdk.json so the tests' synth behaves like `cdk synth`.
FEATURE_FLAGS = {
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:checkSecretUsage": True,
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
}


def stage_from_context(app: App) -> Stage:
    name = app.node.try_get_context("stage") or "dev"
    if name not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {name!r}")
    mail_domain = app.node.try_get_context("mailDomain") or "servicejob.example"
    return Stage(
        name=name,
        region=app.node.try_get_context("region") or DEFAULT_REGION,
        mail_domain=mail_domain,
        mail_from=f"Service Job CRM <no-reply@{mail_domain}>",
        console_url=app.node.try_get_context("consoleUrl") or f"https://console.{mail_domain}",
        threat_protection=str(app.node.try_get_context("threatProtection")).lower() == "true",
        console_certificate_arn=app.node.try_get_context("consoleCertificateArn") or None,
        console_web_acl_arn=app.node.try_get_context("consoleWebAclArn") or None,
    )


def build_app(
    app: App,
    layers_dir: Path = DEFAULT_LAYERS_DIR,
    account: str | None = None,
    console_dist: Path = DEFAULT_CONSOLE_DIST,
) -> dict:
    """Adds every stack of the stage in context to `app`; returns them by short name."""
    for layer in ("deps", "core"):
        if not (layers_dir / layer / "python").is_dir():
            raise FileNotFoundError(f"{layers_dir / layer / 'python'} is missing: run scripts/build-layers")
    if not (console_dist / "index.html").is_file():
        raise FileNotFoundError(f"{console_dist / 'index.html'} is missing: run cd console && npm ci && npm run build")
    for flag, value in FEATURE_FLAGS.items():
        app.node.set_context(flag, value)
    stage = stage_from_context(app)
    prefix = f"ServiceJob-{stage.name}"
    env = Environment(account=account or os.environ.get("CDK_DEFAULT_ACCOUNT"), region=stage.region)
    data = DataStack(app, f"{prefix}-Data", stage=stage, env=env)
    auth = AuthStack(app, f"{prefix}-Auth", stage=stage, env=env)
    events_stack = EventsStack(app, f"{prefix}-Events", stage=stage, data=data, layers_dir=layers_dir, env=env)
    api = ApiStack(
        app,
        f"{prefix}-Api",
        stage=stage,
        data=data,
        auth=auth,
        events_stack=events_stack,
        layers_dir=layers_dir,
        env=env,
    )
    # After the api stack: onboarding attaches each tenant's usage key to the api stack's usage plans.
    workflows = WorkflowsStack(
        app,
        f"{prefix}-Workflows",
        stage=stage,
        data=data,
        auth=auth,
        events_stack=events_stack,
        usage_plans=api.usage_plans,
        layers_dir=layers_dir,
        env=env,
    )
    observability = ObservabilityStack(
        app,
        f"{prefix}-Observability",
        stage=stage,
        data=data,
        events_stack=events_stack,
        workflows=workflows,
        api=api,
        env=env,
    )
    console = ConsoleStack(
        app, f"{prefix}-Console", stage=stage, auth=auth, api=api, console_dist=console_dist, env=env
    )
    Tags.of(app).add("servicejob:stage", stage.name)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return {
        "data": data,
        "auth": auth,
        "events": events_stack,
        "workflows": workflows,
        "api": api,
        "observability": observability,
        "console": console,
    }


def main() -> None:
    app = App()
    layers_dir = Path(app.node.try_get_context("layersDir") or DEFAULT_LAYERS_DIR)
    build_app(app, layers_dir)
    app.synth()


if __name__ == "__main__":
    main()
