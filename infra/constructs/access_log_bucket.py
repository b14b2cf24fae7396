"""A bucket that receives access logs: private, TLS only, S3-managed keys, logs kept a year."""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.stage import Stage


def access_log_bucket(
    scope: Construct, construct_id: str, stage: Stage, object_ownership: s3.ObjectOwnership, writer: str
) -> s3.Bucket:
    """`writer` names what logs into it, for the cdk-nag acknowledgment that it does not log itself."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        # Neither S3 server access logging nor CloudFront standard logging can write to SSE-KMS buckets.
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        object_ownership=object_ownership,
        lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(365))],
        removal_policy=stage.removal_policy,
    )
    Validations.of(bucket).acknowledge(
        Acknowledgment(
            id="AwsSolutions-S1",
            reason=f"This is the {writer} access log target itself; logging it would log its own log writes",
        )
    )
    return bucket
