"""The data stack matches servicejob.dal.table_spec; buckets are private and TLS-only; the user pool keeps
custom:tenant_id immutable and out of the client's reach."""

from aws_cdk.assertions import Match

from servicejob.dal import table_spec
from servicejob.deployment_spec import USER_POOL


def test_table_is_the_one_table_spec_declares(synthesized):
    # Given the data stack's table
    [table] = synthesized.template("data").find_resources("AWS::DynamoDB::Table").values()
    props = table["Properties"]
    # Then keys, indexes, TTL and stream are those of table_spec, and it is protected and CMK-encrypted
    assert props["KeySchema"] == [
        {"AttributeName": table_spec.PK, "KeyType": "HASH"},
        {"AttributeName": table_spec.SK, "KeyType": "RANGE"},
    ]
    expected = table_spec.create_table_request("x")
    assert sorted(props["GlobalSecondaryIndexes"], key=lambda index: index["IndexName"]) == sorted(
        expected["GlobalSecondaryIndexes"], key=lambda index: index["IndexName"]
    )
    assert sorted(props["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": table_spec.TTL_ATTRIBUTE, "Enabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["SSESpecification"]["SSEType"] == "KMS"
    assert "KMSMasterKeyId" in props["SSESpecification"]
    assert table["DeletionPolicy"] == "Retain"


def test_buckets_block_public_access_and_refuse_plain_http(synthesized):
    # Given the data stack's buckets and bucket policies
    template = synthesized.template("data")
    buckets = template.find_resources("AWS::S3::Bucket")
    policies = template.find_resources("AWS::S3::BucketPolicy")
    # Then every bucket blocks all public access and is encrypted, and has a policy denying non-TLS requests
    assert len(buckets) == 2
    for bucket in buckets.values():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    denied_insecure = [
        policy["Properties"]["Bucket"]
        for policy in policies.values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny" and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denied_insecure) == len(buckets)


def test_documents_bucket_is_versioned_kms_encrypted_logged_and_expires_exports(synthesized):
    template = synthesized.template("data")
    # Then the documents bucket (the one with access logging) has versioning, SSE-KMS and the export rule
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": Match.object_like({"DestinationBucketName": Match.any_value()}),
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like({"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})})
                ]
            },
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [Match.object_like({"Id": "expire-exports", "TagFilters": Match.any_value(), "Status": "Enabled"})]
                )
            },
        },
    )


def test_tenant_id_attribute_is_immutable_and_not_writable_by_the_console_client(synthesized):
    template = synthesized.template("auth")
    [pool] = template.find_resources("AWS::Cognito::UserPool").values()
    schema = {attribute["Name"]: attribute for attribute in pool["Properties"]["Schema"]}
    # Then each immutable custom attribute of the spec is declared immutable
    for name in USER_POOL.immutable_custom_attributes:
        assert schema[name]["Mutable"] is False
    policy = pool["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == USER_POOL.password_min_length
    assert all(policy[flag] for flag in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert pool["Properties"]["MfaConfiguration"] == "OPTIONAL"
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    [client] = template.find_resources("AWS::Cognito::UserPoolClient").values()
    # And the console client may read custom:tenant_id but never write it
    assert "custom:tenant_id" in client["Properties"]["ReadAttributes"]
    assert not [attribute for attribute in client["Properties"]["WriteAttributes"] if attribute.startswith("custom:")]
    assert set(client["Properties"]["ExplicitAuthFlows"]) >= {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }


def test_documents_bucket_lets_only_the_console_put_and_get_through_presigned_urls(synthesized):
    # Given the documents bucket (import uploads, export downloads go browser → S3 directly)
    [documents] = [
        bucket
        for bucket in synthesized.template("data").find_resources("AWS::S3::Bucket").values()
        if "LoggingConfiguration" in bucket["Properties"]
    ]
    # Then its CORS allows PUT and GET from the console's origin only
    [rule] = documents["Properties"]["CorsConfiguration"]["CorsRules"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "PUT"]
    assert len(rule["AllowedOrigins"]) == 1 and "*" not in rule["AllowedOrigins"][0]
