"""Per-stage deployment choices: dev can be torn down, prod keeps data."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs


@dataclass(frozen=True)
class Stage:
    name: str
    # Concrete, so synth needs no credentials; must offer SES, which Cognito and the mailer use in-region.
    region: str
    # Domain of the SES identity the mail comes from (verified by the operator, docs/operations.md).
    mail_domain: str
    mail_from: str
    console_url: str
    # Cognito threat protection needs the Plus feature plan (US$0.02 per MAU): opt-in per stage.
    threat_protection: bool = False
    # ACM certificate (us-east-1) for console_url's host; without it the console is on the cloudfront.net name.
    console_certificate_arn: str | None = None
    # CLOUDFRONT-scope WAF web ACL (us-east-1) for the console distribution: opt-in.
    console_web_acl_arn: str | None = None

    @property
    def is_production(self) -> bool:
        return self.name == "prod"

    @property
    def console_host(self) -> str:
        return urlsplit(self.console_url).hostname or ""

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.is_production else RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        return logs.RetentionDays.ONE_YEAR if self.is_production else logs.RetentionDays.ONE_MONTH

    def physical_name(self, suffix: str) -> str:
        return f"servicejob-{self.name}-{suffix}"
