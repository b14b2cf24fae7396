"""The tenant data role: what a request may touch once it has assumed the role with session tag TenantId.

DynamoDB: item actions on the table and its indexes, only for partition keys that start with
`{TenantId}#` (every key the DAL builds, `servicejob.dal.keys`). S3: object actions only under
`{TenantId}/` in the documents bucket. IAM enforces what the application already does.
"""

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

TENANT_TAG = "${aws:PrincipalTag/TenantId}"
DYNAMODB_ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
S3_OBJECT_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:PutObjectTagging",
    "s3:GetObjectTagging",
)


class TenantDataRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        table: dynamodb.ITable,
        documents_bucket: s3.IBucket,
        key: kms.IKey,
        trusted_role_arns: list[str],
    ):
        super().__init__(scope, construct_id)
        # Trusted by exact role ARN through a condition: the function roles live in later stacks, and a
        # role principal in a trust policy must exist when the policy is written.
        # A session without the TenantId tag is refused (the policy's ${} variables would not resolve).
        principal = iam.AccountRootPrincipal().with_conditions(
            {
                "ArnEquals": {"aws:PrincipalArn": trusted_role_arns},
                "StringLike": {"aws:RequestTag/TenantId": "?*"},
            }
        )
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.SessionTagsPrincipal(principal),
            description="Assumed per request tenant with session tag TenantId; allows only that tenant's keys",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="TenantItemsOnly",
                actions=list(DYNAMODB_ITEM_ACTIONS),
                resources=[table.table_arn, f"{table.table_arn}/index/*"],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{TENANT_TAG}#*"]}},
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="TenantObjectsOnly",
                actions=list(S3_OBJECT_ACTIONS),
                resources=[documents_bucket.arn_for_objects(f"{TENANT_TAG}/*")],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="TenantPrefixListing",
                actions=["s3:ListBucket"],
                resources=[documents_bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{TENANT_TAG}/*"]}},
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="DataKeyThroughServices",
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": [
                            f"dynamodb.{table.stack.region}.amazonaws.com",
                            f"s3.{table.stack.region}.amazonaws.com",
                        ]
                    }
                },
            )
        )
        stack = Stack.of(self)
        table_id = stack.resolve(stack.get_logical_id(table.node.default_child))
        bucket_id = stack.resolve(stack.get_logical_id(documents_bucket.node.default_child))
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{table_id}.Arn>/index/*]",
                reason="Queries on the table's GSIs, whose partition keys also start with the tenant id: "
                "the LeadingKeys condition applies to the index keys",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/<aws:PrincipalTag/TenantId>/*]",
                reason="The tenant's own prefix in the documents bucket, fixed by the session tag TenantId",
            ),
        )
