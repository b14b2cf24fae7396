"""The single table, the documents bucket, their key, and the tenant data role that request paths assume."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.access_log_bucket import access_log_bucket
from infra.constructs.service_function import function_role_arn
from infra.constructs.tenant_data_role import TenantDataRole
from infra.stage import Stage
from servicejob.dal import table_spec
from servicejob.deployment_spec import API_FUNCTIONS, FUNCTIONS
from servicejob.domain.exports import EXPORT_RETENTION_DAYS, EXPORT_TAGS

# Functions that reach tenant data only through the tenant data role (TenantClients in the core).
TENANT_SCOPED_FUNCTIONS = (*API_FUNCTIONS, "authorizer", "events", "workflows")
# Exports (tagged by the code that writes them) are download artefacts, not records: kept a week.
EXPORT_RETENTION = Duration.days(EXPORT_RETENTION_DAYS)


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: Stage, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.key = kms.Key(
            self,
            "DataKey",
            alias=f"alias/{stage.physical_name('data')}",
            description="Encrypts the table, its stream and the documents bucket",
            enable_key_rotation=True,
            removal_policy=stage.removal_policy,
        )
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=stage.physical_name("table"),
            partition_key=dynamodb.Attribute(name=table_spec.PK, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=table_spec.SK, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=stage.is_production,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=table_spec.TTL_ATTRIBUTE,
            removal_policy=stage.removal_policy,
        )
        for index in table_spec.GLOBAL_INDEXES:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.partition_key, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=index.sort_key, type=dynamodb.AttributeType.STRING),
                projection_type=dynamodb.ProjectionType.ALL,
            )

        self.access_logs_bucket = access_log_bucket(
            self, "AccessLogs", stage, s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, "server"
        )
        self.documents_bucket = s3.Bucket(
            self,
            "Documents",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="documents/",
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-exports", tag_filters=EXPORT_TAGS, expiration=EXPORT_RETENTION),
                s3.LifecycleRule(id="expire-old-versions", noncurrent_version_expiration=Duration.days(90)),
                s3.LifecycleRule(id="abort-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            # The console uploads import files and downloads exports straight from S3 with presigned URLs.
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.PUT, s3.HttpMethods.GET],
                    allowed_origins=[stage.console_url],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=600,
                )
            ],
            removal_policy=stage.removal_policy,
        )

        self.tenant_data_role = TenantDataRole(
            self,
            "TenantData",
            role_name=stage.physical_name("tenant-data"),
            table=self.table,
            documents_bucket=self.documents_bucket,
            key=self.key,
            trusted_role_arns=[function_role_arn(stage, FUNCTIONS[key]) for key in TENANT_SCOPED_FUNCTIONS],
        ).role

    def grant_assume_tenant_role(self, grantee: iam.IGrantable) -> None:
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=[self.tenant_data_role.role_arn],
            )
        )
