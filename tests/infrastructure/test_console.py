"""The console stack: a private, TLS-only bucket read by CloudFront through origin access control only,
HTTPS with security headers, client-side routing, cache headers, and config.json from the other stacks."""

import json
import shutil
import subprocess

import pytest

from infra.console_stack import HASHED_ASSETS, RUNTIME_CONFIG

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


def _logical_id(stack, construct) -> str:
    return stack.resolve(stack.get_logical_id(construct.node.default_child))


def _resources(synthesized, resource_type: str) -> dict[str, dict]:
    return synthesized.template("console").find_resources(resource_type)


def _distribution_config(synthesized) -> dict:
    [distribution] = _resources(synthesized, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _bucket_policy_statements(synthesized, bucket_id: str) -> list[dict]:
    [policy] = [
        policy
        for policy in _resources(synthesized, "AWS::S3::BucketPolicy").values()
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def _deployment(synthesized, construct_id: str) -> dict:
    [deployment] = [
        resource["Properties"]
        for logical_id, resource in _resources(synthesized, "Custom::CDKBucketDeployment").items()
        if logical_id.startswith(f"{construct_id}CustomResource")
    ]
    return deployment


def _imported_export(value: dict) -> list[str]:
    """The exports an Fn::Join (or a bare Fn::ImportValue) reads from other stacks."""
    if "Fn::ImportValue" in value:
        return [value["Fn::ImportValue"]]
    return [
        part["Fn::ImportValue"] for part in value["Fn::Join"][1] if isinstance(part, dict) and "Fn::ImportValue" in part
    ]


def _export_name_of(synthesized, short_name: str, construct) -> str:
    """The export name CDK gives a cross-stack Ref to `construct` of stack `short_name`."""
    stack = synthesized.stacks[short_name]
    logical_id = _logical_id(stack, construct)
    [name] = [
        output["Export"]["Name"]
        for output in synthesized.templates[short_name].get("Outputs", {}).values()
        if output["Value"] == {"Ref": logical_id} and "Export" in output
    ]
    return name


def test_site_bucket_blocks_public_access_refuses_plain_http_and_logs_access(synthesized):
    # Given the console stack's site bucket
    stack = synthesized.stacks["console"]
    site_id = _logical_id(stack, stack.bucket)
    site = _resources(synthesized, "AWS::S3::Bucket")[site_id]["Properties"]
    # Then it blocks all public access, is encrypted, logs to the stack's log bucket and denies non-TLS requests
    assert site["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert site["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert site["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": _logical_id(stack, stack.logs_bucket)}
    [deny] = [
        statement for statement in _bucket_policy_statements(synthesized, site_id) if statement["Effect"] == "Deny"
    ]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Action"] == "s3:*"


def test_distribution_reads_the_bucket_through_origin_access_control_and_only_it_may(synthesized):
    # Given the distribution, its origin access control and the site bucket's policy
    stack = synthesized.stacks["console"]
    site_id = _logical_id(stack, stack.bucket)
    distribution_id = _logical_id(stack, stack.distribution)
    [origin] = _distribution_config(synthesized)["Origins"]
    [(control_id, control)] = _resources(synthesized, "AWS::CloudFront::OriginAccessControl").items()
    allowed = [
        statement for statement in _bucket_policy_statements(synthesized, site_id) if statement["Effect"] == "Allow"
    ]
    # Then the origin signs every request with SigV4 (OAC, no legacy origin access identity)
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [control_id, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert control["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert control["Properties"]["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    assert not _resources(synthesized, "AWS::CloudFront::CloudFrontOriginAccessIdentity")
    # And the bucket grants reads to CloudFront only on behalf of this one distribution
    [grant] = allowed
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    source_arn = grant["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert {"Ref": distribution_id} in source_arn["Fn::Join"][1]


def test_viewers_are_redirected_to_https_and_requests_logged(synthesized):
    # Given the distribution's default behaviour and logging
    stack = synthesized.stacks["console"]
    config = _distribution_config(synthesized)
    behavior = config["DefaultCacheBehavior"]
    logs_id = _logical_id(stack, stack.logs_bucket)
    logs_bucket = _resources(synthesized, "AWS::S3::Bucket")[logs_id]["Properties"]
    # Then plain HTTP is redirected, only reads are allowed, and CloudFront logs go to a bucket that takes ACLs
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["Logging"]["Bucket"] == {"Fn::GetAtt": [logs_id, "RegionalDomainName"]}
    assert logs_bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]
    assert logs_bucket["PublicAccessBlockConfiguration"] == BLOCK_ALL


def test_security_headers_policy_sets_csp_hsts_and_frame_options(synthesized):
    # Given the response headers policy the default behaviour uses
    [(policy_id, policy)] = _resources(synthesized, "AWS::CloudFront::ResponseHeadersPolicy").items()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    csp_text = "".join(part if isinstance(part, str) else "{token}" for part in csp["Fn::Join"][1])
    directives = dict(directive.split(" ", 1) for directive in csp_text.split("; "))
    region = synthesized.stacks["console"].region
    # Then the behaviour uses it, and the CSP allows only this origin, the API and Cognito to be called
    assert _distribution_config(synthesized)["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == (
        f"'self' https://{{token}}.execute-api.{region}.{{token}} https://cognito-idp.{region}.amazonaws.com"
    )
    api_stack = synthesized.stacks["api"]
    assert _imported_export(csp) == [_export_name_of(synthesized, "api", api_stack.api)]
    # And HSTS (preloadable), nosniff, DENY framing and a referrer policy are sent, overriding the origin
    assert headers["StrictTransportSecurity"]["Preload"] is True
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert all(header["Override"] is True for header in headers.values())


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the CloudFront function's JavaScript")
def test_spa_routing_function_serves_index_html_for_routes_and_files_as_they_are(synthesized):
    # Given the viewer-request function associated with the default behaviour
    [(function_id, function)] = _resources(synthesized, "AWS::CloudFront::Function").items()
    [association] = _distribution_config(synthesized)["DefaultCacheBehavior"]["FunctionAssociations"]
    uris = ["/", "/accounts", "/accounts/01JB7ZCK6Q3T4M2N8P5R0V9WXY/edit", "/assets/index-D9eQ41J_.js", "/config.json"]
    # When its code runs on requests for routes and for files
    script = function["Properties"]["FunctionCode"] + (
        f"console.log(JSON.stringify({json.dumps(uris)}.map(u => handler({{request: {{uri: u}}}}).uri)));"
    )
    node = shutil.which("node")
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30, check=True)  # noqa: S603 - our template's code
    # Then routes are answered with index.html, and files keep their path (a missing one stays an error)
    assert association == {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [function_id, "FunctionARN"]}}
    assert function["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert json.loads(result.stdout) == [
        "/index.html",
        "/index.html",
        "/index.html",
        "/assets/index-D9eQ41J_.js",
        "/config.json",
    ]


def test_hashed_assets_are_cached_for_good_and_entry_points_are_revalidated(synthesized):
    # Given the two deployments into the site bucket
    stack = synthesized.stacks["console"]
    assets = _deployment(synthesized, "Assets")
    entry_points = _deployment(synthesized, "EntryPoints")
    entry_points_resource = next(
        resource
        for logical_id, resource in _resources(synthesized, "Custom::CDKBucketDeployment").items()
        if logical_id.startswith("EntryPointsCustomResource")
    )
    # Then hashed assets are immutable for a year and kept across deployments, for pages still open
    assert (assets["Exclude"], assets["Include"]) == (["*"], [HASHED_ASSETS])
    assert assets["SystemMetadata"] == {"cache-control": "public, max-age=31536000, immutable"}
    assert assets["Prune"] is False
    # And index.html and config.json are revalidated on every load, and deployed after the assets they name
    assert entry_points["Exclude"] == [HASHED_ASSETS]
    assert entry_points["SystemMetadata"] == {"cache-control": "no-cache"}
    assert any(dependency.startswith("AssetsCustomResource") for dependency in entry_points_resource["DependsOn"])
    site = {"Ref": _logical_id(stack, stack.bucket)}
    assert assets["DestinationBucketName"] == site == entry_points["DestinationBucketName"]


def test_config_json_is_written_at_deploy_time_from_the_auth_and_api_stacks(synthesized):
    # Given the config.json source of the entry-point deployment and the markers replaced at deploy time
    entry_points = _deployment(synthesized, "EntryPoints")
    [config_index] = [
        index
        for index, key in enumerate(entry_points["SourceObjectKeys"])
        if (synthesized.outdir / f"asset.{key.removesuffix('.zip')}" / RUNTIME_CONFIG).is_file()
    ]
    key = entry_points["SourceObjectKeys"][config_index].removesuffix(".zip")
    written = (synthesized.outdir / f"asset.{key}" / RUNTIME_CONFIG).read_text()
    markers = entry_points["SourceMarkers"][config_index]
    for marker in markers:  # markers stand unquoted in the file, in place of the JSON values
        written = written.replace(marker, json.dumps(marker))
    config = json.loads(written)
    auth = synthesized.stacks["auth"]
    api = synthesized.stacks["api"]
    # Then it holds the console's settings, the ids and URL being references to the other stacks' resources
    assert set(config) == {"region", "user_pool_id", "user_pool_client_id", "cognito_endpoint", "api_base_url", "stage"}
    assert config["region"] == synthesized.stacks["console"].region
    assert config["cognito_endpoint"] == f"https://cognito-idp.{config['region']}.amazonaws.com"
    assert config["stage"] == "prod"
    assert _imported_export(markers[config["user_pool_id"]]) == [_export_name_of(synthesized, "auth", auth.user_pool)]
    assert _imported_export(markers[config["user_pool_client_id"]]) == [
        _export_name_of(synthesized, "auth", auth.console_client)
    ]
    api_url_imports = _imported_export(markers[config["api_base_url"]])
    assert _export_name_of(synthesized, "api", api.api) in api_url_imports
    assert markers[config["api_base_url"]]["Fn::Join"][1][0] == '"https://'


def test_outputs_name_the_console_url_and_distribution(synthesized):
    # Given the console stack's outputs
    outputs = synthesized.templates["console"]["Outputs"]
    distribution_id = _logical_id(synthesized.stacks["console"], synthesized.stacks["console"].distribution)
    # Then the operator finds the console's address and the distribution to invalidate
    assert outputs["ConsoleUrl"]["Value"]["Fn::Join"][1] == [
        "https://",
        {"Fn::GetAtt": [distribution_id, "DomainName"]},
    ]
    assert outputs["DistributionId"]["Value"] == {"Ref": distribution_id}


def test_deployment_handler_logs_are_retained_for_the_stage(synthesized):
    # Given aws-cdk-lib's deploy-time function that copies the files, and the console stack's log groups
    [handler] = _resources(synthesized, "AWS::Lambda::Function").values()
    log_groups = _resources(synthesized, "AWS::Logs::LogGroup")
    # Then it logs into a log group of the stack that expires, kept like the service functions' logs in prod
    log_group_id = handler["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert log_groups[log_group_id]["Properties"]["RetentionInDays"] == 365
    assert log_groups[log_group_id]["DeletionPolicy"] == "Retain"
