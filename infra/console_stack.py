"""The web console: its built files in a private S3 bucket behind CloudFront (origin access control),
security response headers, client-side routing, and the `config.json` the console reads at start,
written at deploy time from the other stacks' outputs."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, DefaultStackSynthesizer, Duration, Stack, Token, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.api_stack import ApiStack
from infra.auth_stack import AuthStack
from infra.constructs.access_log_bucket import access_log_bucket
from infra.stage import Stage

# Vite names everything under assets/ by content hash: a changed file gets a new name, so it can be kept a year.
HASHED_ASSETS = "assets/*"
RUNTIME_CONFIG = "config.json"
# Client-side routes (/accounts/01H...) have no file extension; files (assets, config.json) keep their path.
# A rewrite rather than 403/404 → index.html error responses, which would also answer a missing script
# with an HTML page and status 200 (cached, and failing in the browser as a MIME-type error).
SPA_ROUTING_FUNCTION = """\
function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) {
    request.uri = "/index.html";
  }
  return request;
}
"""
BOOTSTRAP_QUALIFIER_CONTEXT = "@aws-cdk/core:bootstrapQualifier"
HSTS_MAX_AGE = Duration.days(730)  # the preload list asks for at least a year


def content_security_policy(*, api_origin: str, cognito_endpoint: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            # antd writes its component styles into <style> elements at run time (CSS-in-JS).
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src 'self' {api_origin} {cognito_endpoint}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class ConsoleStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        auth: AuthStack,
        api: ApiStack,
        console_dist: Path,
        **kwargs,
    ):
        super().__init__(scope, construct_id, **kwargs)
        cognito_endpoint = f"https://cognito-idp.{self.region}.amazonaws.com"
        api_origin = f"https://{api.api.rest_api_id}.execute-api.{self.region}.{self.url_suffix}"

        # CloudFront standard logging writes with ACLs, which the data stack's log bucket (owner-enforced)
        # refuses; the console bucket's server access logs go here too, so the stack needs no reference
        # back into the data stack's bucket policy (which would make the two stacks depend on each other).
        self.logs_bucket = access_log_bucket(self, "Logs", stage, s3.ObjectOwnership.OBJECT_WRITER, "console's")
        self.bucket = s3.Bucket(
            self,
            "Site",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="site/",
            removal_policy=stage.removal_policy,
        )

        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            response_headers_policy_name=stage.physical_name("console-headers"),
            comment="Security headers of the web console",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(
                        api_origin=api_origin, cognito_endpoint=cognito_endpoint
                    ),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, preload=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        value="camera=(), microphone=(), geolocation=(), payment=()",
                        override=True,
                    )
                ]
            ),
        )
        spa_routing = cloudfront.Function(
            self,
            "SpaRouting",
            function_name=stage.physical_name("console-spa-routing"),
            comment="Serves index.html for client-side routes",
            code=cloudfront.FunctionCode.from_inline(SPA_ROUTING_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        custom_domain = {}
        if stage.console_certificate_arn:
            custom_domain = {
                "domain_names": [stage.console_host],
                "certificate": acm.Certificate.from_certificate_arn(self, "Certificate", stage.console_certificate_arn),
                "minimum_protocol_version": cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            }
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Service Job CRM console ({stage.name})",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                # Honours the objects' Cache-Control (set by the deployments below).
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=spa_routing, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # North America, Europe and Asia: the firms are served from ap-southeast-1.
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            enable_logging=True,
            log_bucket=self.logs_bucket,
            log_file_prefix="cloudfront/",
            web_acl_id=stage.console_web_acl_arn,
            **custom_domain,
        )
        acknowledgments = [
            Acknowledgment(
                id="AwsSolutions-CFR1",
                reason="Firms and their staff sign in from any country; the API, not the static console, "
                "holds the data and is protected by its own WAF web ACL",
            )
        ]
        if not stage.console_web_acl_arn:
            acknowledgments.append(
                Acknowledgment(
                    id="AwsSolutions-CFR2",
                    reason="A CloudFront web ACL must live in us-east-1 (US$5+/month fixed): opt-in per stage "
                    "with -c consoleWebAclArn=...; the console serves static files only, the API has its WAF",
                )
            )
        if not stage.console_certificate_arn:
            acknowledgments.append(
                Acknowledgment(
                    id="AwsSolutions-CFR4",
                    reason="Without -c consoleCertificateArn the console is served on the cloudfront.net "
                    "default certificate, whose minimum protocol CloudFront fixes at TLSv1; with a "
                    "certificate the distribution requires TLSv1.2_2021",
                )
            )
        Validations.of(self.distribution).acknowledge(*acknowledgments)

        deployment_logs = logs.LogGroup(
            self, "DeploymentLogs", retention=stage.log_retention, removal_policy=stage.removal_policy
        )
        # Hashed assets first (never pruned, so a page still holding the previous index.html can load its
        # lazily imported chunks), then index.html and config.json, which name them and are revalidated.
        assets = s3deploy.BucketDeployment(
            self,
            "Assets",
            destination_bucket=self.bucket,
            log_group=deployment_logs,
            sources=[s3deploy.Source.asset(str(console_dist))],
            exclude=["*"],
            include=[HASHED_ASSETS],
            prune=False,
            cache_control=[
                s3deploy.CacheControl.set_public(),
                s3deploy.CacheControl.max_age(Duration.days(365)),
                s3deploy.CacheControl.immutable(),
            ],
        )
        entry_points = s3deploy.BucketDeployment(
            self,
            "EntryPoints",
            destination_bucket=self.bucket,
            log_group=deployment_logs,
            sources=[
                s3deploy.Source.asset(str(console_dist), exclude=[HASHED_ASSETS]),
                s3deploy.Source.json_data(
                    RUNTIME_CONFIG,
                    {
                        "region": self.region,
                        "user_pool_id": auth.user_pool.user_pool_id,
                        "user_pool_client_id": auth.console_client.user_pool_client_id,
                        "cognito_endpoint": cognito_endpoint,
                        "api_base_url": api.api.url,
                        "stage": stage.name,
                    },
                ),
            ],
            exclude=[HASHED_ASSETS],
            cache_control=[s3deploy.CacheControl.no_cache()],
        )
        entry_points.node.add_dependency(assets)
        self._acknowledge_deployment_handler()
        CfnOutput(self, "ConsoleUrl", value=f"https://{self.distribution.distribution_domain_name}")
        CfnOutput(self, "DistributionId", value=self.distribution.distribution_id)

    def _acknowledge_deployment_handler(self) -> None:
        # One singleton function, written by aws-cdk-lib, runs both deployments at deploy time only.
        (handler,) = [child for child in self.node.children if child.node.id.startswith("Custom::CDKBucketDeployment")]
        account = "<AWS::AccountId>" if Token.is_unresolved(self.account) else self.account
        qualifier = self.node.try_get_context(BOOTSTRAP_QUALIFIER_CONTEXT) or DefaultStackSynthesizer.DEFAULT_QUALIFIER
        asset_objects = f"arn:<AWS::Partition>:s3:::cdk-{qualifier}-assets-{account}-{self.region}/*"
        site_objects = f"<{self.resolve(self.get_logical_id(self.bucket.node.default_child))}.Arn>/*"
        read_asset = "aws-cdk-lib's BucketDeployment handler reads the uploaded console zip from the CDK asset bucket"
        sync_site = "aws-cdk-lib's BucketDeployment handler syncs the console bucket (uploads, prunes stale files)"
        Validations.of(handler).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="aws-cdk-lib's BucketDeployment handler logs with AWSLambdaBasicExecutionRole; it runs "
                "only during a deployment, never on a request",
            ),
            *(
                Acknowledgment(id=f"AwsSolutions-IAM5[{evidence}]", reason=reason)
                for evidence, reason in (
                    ("Action::s3:GetBucket*", read_asset),
                    ("Action::s3:GetObject*", read_asset),
                    ("Action::s3:List*", read_asset),
                    (f"Resource::{asset_objects}", f"{read_asset}: only this qualifier's asset bucket"),
                    ("Action::s3:Abort*", sync_site),
                    ("Action::s3:DeleteObject*", sync_site),
                    (f"Resource::{site_objects}", f"{sync_site}: the objects of the console bucket only"),
                )
            ),
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="The BucketDeployment handler's runtime is pinned by aws-cdk-lib (with its AWS CLI "
                "layer) and moves with aws-cdk-lib upgrades",
            ),
        )
