"""Runtime settings, read from the environment once per container and validated at cold start."""

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SJ_", frozen=True)

    stage: str = "local"
    region: str = Field(
        default="ap-east-1", validation_alias=AliasChoices("SJ_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
    )
    table_name: str = "servicejob"
    event_bus_name: str = "servicejob"
    documents_bucket: str = "servicejob-documents"
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    # Base URL of the Cognito IdP endpoint: moto's URL locally, https://cognito-idp.{region}.amazonaws.com in AWS.
    cognito_endpoint: str = ""
    # Role assumed with the session tag TenantId for every request-path DynamoDB call (dynamodb:LeadingKeys).
    tenant_role_arn: str = "arn:aws:iam::123456789012:role/servicejob-tenant-data"
    onboarding_state_machine_arn: str = ""
    import_state_machine_arn: str = ""
    export_state_machine_arn: str = ""
    scheduler_role_arn: str = "arn:aws:iam::123456789012:role/servicejob-scheduler"
    # API Gateway usage plan id per tenant tier, JSON {"basic": "abc123", ...}; empty (locally): no usage keys.
    usage_plan_ids: dict[str, str] = {}
    # HMAC key for pagination cursors; in AWS it is resolved from Secrets Manager at deploy time.
    cursor_secret: SecretStr = SecretStr("local-cursor-secret-change-me")
    mail_from: str = "Service Job CRM <no-reply@servicejob.example>"
    # SES is not offered in every region (not in ap-east-1): the deployment names one; empty = `region`.
    mail_region: str = ""
    api_base_url: str = "http://127.0.0.1:8000"
    console_url: str = "http://127.0.0.1:8000"
    mailbox_url: str = ""
    # Signups allowed per source address per hour (WAF adds a coarser limit in AWS).
    signup_limit_per_hour: int = 5


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
