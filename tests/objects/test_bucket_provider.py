"""AWS::S3::Bucket and AWS::S3::BucketPolicy from a SAM template, through the deployer."""
from __future__ import annotations

import json
import textwrap

import pytest

from fogbank.deploy import Deployer, load_template
from fogbank.deploy.providers import default_providers
from fogbank.deploy.providers.buckets import BucketPolicyProvider, BucketProvider
from fogbank.gateway.website import website_url
from fogbank.objects import BucketConfig, access, errors

pytestmark = pytest.mark.anyio
ENDPOINT = "http://127.0.0.1:4566"

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-site
      PublicAccessBlockConfiguration:
        BlockPublicPolicy: false
        RestrictPublicBuckets: false
      WebsiteConfiguration:
        IndexDocument: index.html
        ErrorDocument: error.html
        RoutingRules:
          - RoutingRuleCondition: {KeyPrefixEquals: old/}
            RedirectRule: {ReplaceKeyPrefixWith: new/}
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [GET, PUT]
            AllowedOrigins: ["*"]
            AllowedHeaders: ["*"]
            ExposedHeaders: [ETag]
            MaxAge: 300
      LifecycleConfiguration:
        Rules:
          - Id: tmp
            Status: Enabled
            Prefix: tmp/
            ExpirationInDays: 7
      Tags:
        - {Key: team, Value: web}
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Site.Arn}/*"
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: alias/up}
            BucketKeyEnabled: true
  Thumbnail:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - {Name: suffix, Value: .jpg}
Outputs:
  Url:
    Value: !GetAtt Site.WebsiteURL
  UploadsName:
    Value: !Ref Uploads
"""


class Runtime:
    def deploy(self, spec):
        pass

    def remove(self, name):
        pass


@pytest.fixture
def app(tmp_path):
    directory = tmp_path / "photo-app"
    (directory / "src").mkdir(parents=True)
    (directory / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (directory / "template.yaml").write_text(textwrap.dedent(TEMPLATE))
    return directory


@pytest.fixture
def deployer(engine, tmp_path):
    providers = [*default_providers(Runtime(), "us-east-1", "000000000000"),
                 BucketProvider(engine, lambda b: website_url(b, ENDPOINT)),
                 BucketPolicyProvider(engine)]
    return Deployer(tmp_path / "state", providers, "us-east-1", "000000000000")


def deploy(deployer, path):
    tpl = load_template(path, parameter_overrides={}, region="us-east-1",
                        account_id="000000000000")
    return deployer.apply(deployer.plan(tpl))


async def test_template_buckets_and_their_configuration(engine, deployer, app):
    result = deploy(deployer, app / "template.yaml")
    assert result.outputs["Url"] == "http://my-site.s3-website.localhost:4566"
    uploads = result.outputs["UploadsName"]
    assert uploads.startswith("photo-app-uploads-") and uploads == uploads.lower()
    assert {b.name for b in await engine.buckets.list()} == {"my-site", uploads}

    website = await engine.configs.get("my-site", BucketConfig.WEBSITE)
    assert website == {"IndexDocument": {"Suffix": "index.html"},
                       "ErrorDocument": {"Key": "error.html"},
                       "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"},
                                         "Redirect": {"ReplaceKeyPrefixWith": "new/"}}]}
    cors = await engine.configs.get("my-site", BucketConfig.CORS)
    assert cors == {"CORSRules": [{"AllowedHeaders": ["*"], "AllowedMethods": ["GET", "PUT"],
                                   "AllowedOrigins": ["*"], "ExposeHeaders": ["ETag"],
                                   "MaxAgeSeconds": 300}]}
    lifecycle = await engine.configs.get("my-site", BucketConfig.LIFECYCLE)
    assert lifecycle == {"Rules": [{"ID": "tmp", "Status": "Enabled",
                                    "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 7}}]}
    assert await engine.configs.get("my-site", BucketConfig.TAGGING) == {
        "TagSet": [{"Key": "team", "Value": "web"}]}
    assert await engine.anonymous.allows("my-site", "s3:GetObject", "index.html")
    assert await engine.configs.get("my-site", BucketConfig.PUBLIC_ACCESS_BLOCK) == {
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}

    assert await engine.configs.get(uploads, BucketConfig.ENCRYPTION) == {"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": "alias/up"},
        "BucketKeyEnabled": True}]}

    notification = await engine.configs.get(uploads, BucketConfig.NOTIFICATION)
    [target] = notification["LambdaFunctionConfigurations"]
    assert target["LambdaFunctionArn"].endswith(":function:" + result_function(deployer))
    assert target["Events"] == ["s3:ObjectCreated:*"]
    assert target["Filter"] == {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}


def result_function(deployer):
    [name] = [physical for _, kind, physical in deployer.resources()
              if kind == "AWS::Lambda::Function"]
    return name


async def test_removing_configuration_on_update(engine, deployer, app):
    deploy(deployer, app / "template.yaml")
    text = (app / "template.yaml").read_text()
    start = text.index("      CorsConfiguration:")
    end = text.index("      LifecycleConfiguration:")
    (app / "template.yaml").write_text(text[:start] + text[end:])
    deploy(deployer, app / "template.yaml")
    with pytest.raises(errors.NoSuchCORSConfiguration):
        await engine.configs.get("my-site", BucketConfig.CORS)


async def test_removed_bucket_is_deleted(engine, deployer, app, s3):
    deploy(deployer, app / "template.yaml")
    text = (app / "template.yaml").read_text()
    (app / "template.yaml").write_text(text.replace("  SitePolicy:", "  Unused:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: spare-bucket}\n  SitePolicy:"))
    deploy(deployer, app / "template.yaml")
    assert "spare-bucket" in {b.name for b in await engine.buckets.list()}
    (app / "template.yaml").write_text(text)
    deploy(deployer, app / "template.yaml")
    assert "spare-bucket" not in {b.name for b in await engine.buckets.list()}


async def test_bad_configuration_fails_the_deploy(engine, deployer, app):
    text = (app / "template.yaml").read_text().replace("ExpirationInDays: 7",
                                                       "ExpirationInDays: 0")
    (app / "template.yaml").write_text(text)
    with pytest.raises(errors.InvalidArgument):
        deploy(deployer, app / "template.yaml")


async def test_policy_document_given_as_text(engine):
    from fogbank.types import Resource
    await engine.buckets.create("pol-bucket")
    await engine.configs.delete("pol-bucket", BucketConfig.PUBLIC_ACCESS_BLOCK)
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                             "Resource": "arn:aws:s3:::pol-bucket/*"}]}
    provider = BucketPolicyProvider(engine)
    res = Resource("P", "AWS::S3::BucketPolicy",
                   {"Bucket": "pol-bucket", "PolicyDocument": json.dumps(policy)},
                   template_dir=None, stack_name="s")
    deployed = provider.create(res)
    assert await engine.anonymous.allows("pol-bucket", "s3:GetObject", "x")
    provider.delete(res, deployed)
    assert not await engine.anonymous.allows("pol-bucket", "s3:GetObject", "x")


LEGACY_SITE = """
Resources:
  Legacy:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: legacy-site
      AccessControl: PublicRead
{extra}
"""


async def test_a_public_read_bucket_acl_fails_as_on_a_new_bucket(engine, deployer, tmp_path):
    # Old website templates: since April 2023 S3 refuses the ACL of a bucket with ACLs disabled.
    (tmp_path / "template.yaml").write_text(LEGACY_SITE.format(extra=""))
    with pytest.raises(errors.InvalidBucketAclWithObjectOwnership) as failed:
        deploy(deployer, tmp_path / "template.yaml")
    assert failed.value.message == ("Bucket cannot have ACLs set with ObjectOwnership's "
                                    "BucketOwnerEnforced setting")
    assert "legacy-site" not in {b.name for b in await engine.buckets.list()}


async def test_a_public_read_bucket_acl_needs_acls_and_public_acls_allowed(engine, deployer,
                                                                           tmp_path):
    ownership = """      OwnershipControls:
        Rules: [{ObjectOwnership: ObjectWriter}]"""
    (tmp_path / "template.yaml").write_text(LEGACY_SITE.format(extra=ownership))
    with pytest.raises(errors.InvalidBucketAclWithBlockPublicAccessError):
        deploy(deployer, tmp_path / "template.yaml")
    opened = ownership + """
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        IgnorePublicAcls: false"""
    (tmp_path / "template.yaml").write_text(LEGACY_SITE.format(extra=opened))
    deploy(deployer, tmp_path / "template.yaml")
    acl = await engine.configs.get("legacy-site", BucketConfig.ACL)
    assert acl["Grants"] == [{"Grantee": {"Type": "Group", "URI": access.ALL_USERS},
                              "Permission": "READ"}]
    assert await engine.configs.get("legacy-site", BucketConfig.OWNERSHIP) == {
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    assert await engine.anonymous.allows("legacy-site", "s3:ListBucket")
