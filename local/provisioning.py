"""Creates the local resources in moto from the same definitions the CDK stacks use. Idempotent: after a
restored state every resource that exists is reused (indexes and state machine definitions brought up to date
with the code), so ids, and tokens issued before a restart, stay valid."""

import json
import re
from dataclasses import dataclass
from email.utils import parseaddr

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

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


def _create_unless_exists(create, request: dict, *exists_codes: str) -> bool:
    """True when `create(**request)` created the resource, False when it already existed."""
    try:
        create(**request)
    except ClientError as error:
        if error.response["Error"]["Code"] in exists_codes:
            return False
        raise
    return True


def provision_data(clients: MotoClients, settings: Settings) -> None:
    request = table_spec.create_table_request(settings.table_name)
    if not _create_unless_exists(clients.dynamodb.create_table, request, "ResourceInUseException"):
        _add_missing_indexes(clients, request)
    ttl = clients.dynamodb.describe_time_to_live(TableName=settings.table_name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") != "ENABLED":
        clients.dynamodb.update_time_to_live(
            TableName=settings.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table_spec.TTL_ATTRIBUTE},
        )
    _create_unless_exists(
        clients.s3.create_bucket,
        {"Bucket": settings.documents_bucket, "CreateBucketConfiguration": {"LocationConstraint": REGION}},
        "BucketAlreadyOwnedByYou",
    )
    clients.ses.verify_email_identity(EmailAddress=parseaddr(settings.mail_from)[1])
    _create_unless_exists(
        clients.events.create_event_bus, {"Name": settings.event_bus_name}, "ResourceAlreadyExistsException"
    )


def _add_missing_indexes(clients: MotoClients, request: dict) -> None:
    """A table restored from before an index was added to table_spec gets it (moto indexes existing items)."""
    table = clients.dynamodb.describe_table(TableName=request["TableName"])["Table"]
    existing = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    for index in request["GlobalSecondaryIndexes"]:
        if index["IndexName"] not in existing:
            clients.dynamodb.update_table(
                TableName=request["TableName"],
                AttributeDefinitions=request["AttributeDefinitions"],
                GlobalSecondaryIndexUpdates=[{"Create": index}],
            )


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
        _create_unless_exists(
            clients.iam.create_role,
            {"RoleName": role_arn.rsplit("/", 1)[1], "AssumeRolePolicyDocument": trust},
            "EntityAlreadyExists",
        )


def provision_user_pool(clients: MotoClients, stage: str) -> ProvisionedPool:
    pool_name, client_name = f"servicejob-{stage}-users", f"servicejob-{stage}-console"
    existing = _existing_pool(clients, pool_name, client_name)
    if existing:
        return existing
    pool = clients.cognito_idp.create_user_pool(
        PoolName=pool_name,
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
        ClientName=client_name,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return ProvisionedPool(pool["Id"], client["ClientId"])


def _existing_pool(clients: MotoClients, pool_name: str, client_name: str) -> ProvisionedPool | None:
    cognito = clients.cognito_idp
    for pool in cognito.list_user_pools(MaxResults=60)["UserPools"]:
        if pool["Name"] != pool_name:
            continue
        for client in cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]:
            if client["ClientName"] == client_name:
                return ProvisionedPool(pool["Id"], client["ClientId"])
    return None


def provision_state_machines(clients: MotoClients, stage: str) -> dict[str, str]:
    """Name → ARN of every state machine whose ASL file exists."""
    arns: dict[str, str] = {}
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/servicejob-{stage}-states"
    for spec in STATE_MACHINES.values():
        if not spec.path.is_file():
            logger.warning("state machine definition missing; skipped", extra={"file": str(spec.path)})
            continue
        definition = state_machine_definition(spec.path.read_text(), stage, spec.function_substitutions)
        arn = f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:{spec.physical_name(stage)}"
        try:
            current = clients.stepfunctions.describe_state_machine(stateMachineArn=arn)
        except clients.stepfunctions.exceptions.StateMachineDoesNotExist:
            arn = clients.stepfunctions.create_state_machine(
                name=spec.physical_name(stage), definition=definition, roleArn=role_arn
            )["stateMachineArn"]
        else:
            if current["definition"] != definition:  # the ASL file changed since the state was saved
                clients.stepfunctions.update_state_machine(stateMachineArn=arn, definition=definition)
        arns[spec.name] = arn
    return arns
