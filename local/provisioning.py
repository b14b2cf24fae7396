"""Creates the local resources in moto from the same definitions the CDK stacks use."""

import json
import re
from dataclasses import dataclass
from email.utils import parseaddr

import boto3
from botocore.config import Config

from servicejob.config import Settings
from servicejob.dal import table_spec
from servicejob.deployment_spec import STATE_MACHINES, USER_POOL
from servicejob.observability import logger

from .lambda_dispatch import ACCOUNT_ID, REGION, function_arn

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


class MotoClients:
    """boto3 clients for the local runtime's own calls to moto."""

    def __init__(self, endpoint_url: str, mail_region: str = REGION):
        session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 — moto accepts any credentials
            region_name=REGION,
        )
        config = Config(retries={"max_attempts": 2})
        for service in (
            "dynamodb",
            "dynamodbstreams",
            "s3",
            "cognito-idp",
            "iam",
            "events",
            "sqs",
            "scheduler",
            "stepfunctions",
        ):
            setattr(
                self,
                service.replace("-", "_"),
                session.client(service, endpoint_url=endpoint_url, config=config),
            )
        # SES may live in another region than the rest (settings.mail_region)
        self.ses = session.client("ses", endpoint_url=endpoint_url, config=config, region_name=mail_region)


@dataclass(frozen=True)
class ProvisionedPool:
    user_pool_id: str
    client_id: str


def state_machine_definition(asl: str, stage: str, substitutions: dict[str, str]) -> str:
    """The ASL with each ${Placeholder} replaced by the mapped function's ARN (unknown ones are kept)."""

    def replace(match: re.Match) -> str:
        key = substitutions.get(match.group(1))
        return function_arn(stage, key) if key else match.group(0)

    return _PLACEHOLDER.sub(replace, asl)


def provision_data(clients: MotoClients, settings: Settings) -> None:
    clients.dynamodb.create_table(**table_spec.create_table_request(settings.table_name))
    clients.dynamodb.update_time_to_live(
        TableName=settings.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": table_spec.TTL_ATTRIBUTE},
    )
    clients.s3.create_bucket(Bucket=settings.documents_bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    clients.ses.verify_email_identity(EmailAddress=parseaddr(settings.mail_from)[1])
    clients.events.create_event_bus(Name=settings.event_bus_name)


def provision_roles(clients: MotoClients, settings: Settings) -> None:
    """The roles the code assumes or hands to AWS services (moto does not enforce their policies)."""
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                }
            ],
        }
    )
    for role_arn in (settings.tenant_role_arn, settings.scheduler_role_arn):
        clients.iam.create_role(RoleName=role_arn.rsplit("/", 1)[1], AssumeRolePolicyDocument=trust)


def provision_user_pool(clients: MotoClients, stage: str) -> ProvisionedPool:
    pool = clients.cognito_idp.create_user_pool(
        PoolName=f"servicejob-{stage}-users",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": USER_POOL.password_min_length,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": USER_POOL.temporary_password_validity_days,
            }
        },
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {
                "Name": name,
                "AttributeDataType": "String",
                "Mutable": False,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
            }
            for name in USER_POOL.immutable_custom_attributes
        ],
    )["UserPool"]
    client = clients.cognito_idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"servicejob-{stage}-console",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return ProvisionedPool(pool["Id"], client["ClientId"])


def provision_state_machines(clients: MotoClients, stage: str) -> dict[str, str]:
    """Name → ARN of every state machine whose ASL file exists."""
    arns: dict[str, str] = {}
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/servicejob-{stage}-states"
    for spec in STATE_MACHINES.values():
        if not spec.path.is_file():
            logger.warning("state machine definition missing; skipped", extra={"file": str(spec.path)})
            continue
        definition = state_machine_definition(spec.path.read_text(), stage, spec.function_substitutions)
        arns[spec.name] = clients.stepfunctions.create_state_machine(
            name=spec.physical_name(stage), definition=definition, roleArn=role_arn
        )["stateMachineArn"]
    return arns
