"""The Cognito user pool (one for every tenant; the tenant is the immutable custom:tenant_id) and the
console's app client."""

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.stage import Stage
from servicejob.deployment_spec import USER_POOL

# Standard attributes the application sets (servicejob.auth.user_directory) and users may edit.
EDITABLE_ATTRIBUTES = cognito.StandardAttributesMask(fullname=True, locale=True)


class AuthStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: Stage, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=stage.physical_name("users"),
            # Users are created by owners and admins (invitations), never by self sign-up.
            self_sign_up_enabled=False,
            sign_in_case_sensitive=False,
            # The username is the lower-cased e-mail address (servicejob.auth.user_directory.username_for).
            sign_in_aliases=cognito.SignInAliases(username=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
                locale=cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={
                name: cognito.StringAttribute(min_len=1, max_len=64, mutable=False)
                for name in USER_POOL.immutable_custom_attributes
            },
            password_policy=cognito.PasswordPolicy(
                min_length=USER_POOL.password_min_length,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(USER_POOL.temporary_password_validity_days),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Lite keeps the per-MAU price inside the per-tenant budget (scripts/cost-model).
            feature_plan=cognito.FeaturePlan.PLUS if stage.threat_protection else cognito.FeaturePlan.LITE,
            standard_threat_protection_mode=(
                cognito.StandardThreatProtectionMode.FULL_FUNCTION if stage.threat_protection else None
            ),
            # Invitations are sent by the application in the user's language (MessageAction=SUPPRESS);
            # Cognito mails only password resets, from the stage's verified SES identity.
            email=cognito.UserPoolEmail.with_ses(
                from_email=f"no-reply@{stage.mail_domain}",
                from_name="Service Job CRM",
                ses_verified_domain=stage.mail_domain,
            ),
            deletion_protection=stage.is_production,
            removal_policy=stage.removal_policy,
        )
        self.console_client = self.user_pool.add_client(
            "Console",
            user_pool_client_name=stage.physical_name("console"),
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            # custom:tenant_id is readable but never writable by a client.
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True, locale=True)
            .with_custom_attributes(*USER_POOL.immutable_custom_attributes),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True, locale=True),
        )
        Validations.of(self.user_pool).acknowledge(
            Acknowledgment(
                id="AwsSolutions-COG2",
                reason="MFA is optional by product decision (issue 5): TOTP is offered to every user, "
                "firms may require it by policy; SMS is disabled",
            )
        )
        if not stage.threat_protection:
            reason = (
                "Threat protection needs the Plus feature plan (US$0.02/MAU, two thirds of the US$0.30 "
                "per-tenant budget, scripts/cost-model); enabled per stage with -c threatProtection=true"
            )
            Validations.of(self.user_pool).acknowledge(
                Acknowledgment(id="AwsSolutions-COG3", reason=reason),
                Acknowledgment(id="AwsSolutions-COG8", reason=reason),
            )
