"""The Python consumer app: the same stack as test/consumers/typescript/app.ts.

Run: CDK_OUTDIR=<dir> python test/consumers/python/app.py, in a venv with the
built wheel (dist/python), aws-cdk-lib and constructs installed.
"""
from pathlib import Path

from aws_cdk import App, CfnOutput, CfnParameter, Duration, Environment, RemovalPolicy, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_iot as iot
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from cdk_iot_package_catalog import (
    DeploymentTarget,
    ExponentialRolloutRate,
    JobAbortCriterion,
    JobDocument,
    JobExecutionFailureType,
    JobRemoval,
    JobRetryCriterion,
    JobRollout,
    JobTargetSelection,
    PackageCatalogProvider,
    PackageDeployment,
    FleetIndexing,
    PackageConfiguration,
    PackageDefaultVersion,
    PackageVersion,
    PackageVersionArtifact,
    PackageVersionS3ObjectConfig,
    PackageVersionSbom,
    PackageVersionStatus,
    PresignedUrlOptions,
    RolloutWait,
    SoftwarePackage,
    ThingIndexingMode,
)
from constructs import Construct

# Shared by the three consumer apps: the firmware image and its recipe.
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class SignedImage(PackageVersionArtifact):
    """Bootloader images from the signing pipeline: in its bucket, encrypted with
    its KMS key, so the handler needs kms:Decrypt with that key."""

    def __init__(self, bucket: s3.IBucket, encryption_key: kms.IKey, object_key: str, object_version: str) -> None:
        super().__init__()
        self._bucket = bucket
        self._encryption_key = encryption_key
        self._object_key = object_key
        self._object_version = object_version

    def bind(self, scope: Construct) -> PackageVersionS3ObjectConfig:
        return PackageVersionS3ObjectConfig(
            bucket_name=self._bucket.bucket_name,
            object_key=self._object_key,
            object_version=self._object_version,
            bucket=self._bucket,
            encryption_key=self._encryption_key,
        )


class CompanionSbom(PackageVersionSbom):
    """The build's convention: an artifact's SBOM is stored next to it, as `<key>.sbom.zip`."""

    def __init__(self, artifact: PackageVersionArtifact) -> None:
        super().__init__()
        self._artifact = artifact

    def bind(self, scope: Construct) -> PackageVersionS3ObjectConfig:
        artifact = self._artifact.bind(scope)
        return PackageVersionS3ObjectConfig(
            bucket_name=artifact.bucket_name,
            object_key=f"{artifact.object_key}.sbom.zip",
            bucket=artifact.bucket,
            encryption_key=artifact.encryption_key,
        )


app = App()
stack = Stack(app, "ConsumerCatalog", env=Environment(account="123456789012", region="eu-west-1"))

# The provider's settings, before the first construct of the library.
PackageCatalogProvider.configure(stack,
    log_retention=logs.RetentionDays.ONE_MONTH,
    log_removal_policy=RemovalPolicy.RETAIN,
    memory_size=512,
    role_path="/iot-catalog/",
)
firmware = iot.CfnSoftwarePackage(stack, "Firmware", package_name="firmware")
firmware.apply_removal_policy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)

stable = PackageVersion(stack, "Firmware140",
    package_name=firmware.ref,
    version_name="1.4.0",
    description="Bootloader fix",
    attributes={"channel": "stable", "hw:rev": "B"},
    tags={"team": "edge"},
    removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
)

beta = PackageVersion(stack, "Firmware150Beta",
    package_name=firmware.ref,
    version_name="1.5.0-beta.1",
)
Tags.of(beta).add("stage", "beta")

CfnOutput(stack, "StableArn", value=stable.package_version_arn)

bootloader = iot.CfnSoftwarePackage(stack, "Bootloader", package_name="bootloader")
secure_boot = PackageVersion(stack, "Bootloader300",
    package_name=bootloader.ref,
    version_name="3.0.0",
    description="Secure boot",
    attributes={"signed": "true"},
)
bootloader_next = PackageVersion(stack, "Bootloader310",
    package_name=bootloader.ref,
    version_name="3.1.0",
)
bootloader_next.apply_removal_policy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
bootloader_next.cdk_tag_manager.set_tag("tier", "gold")
# Made in the console before this stack managed it.
PackageVersion(stack, "Bootloader290",
    package_name=bootloader.ref,
    version_name="2.9.0",
    adopt_existing=True,
)

previous = PackageVersion.from_package_version_arn(stack, "Firmware130",
    "arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.3.0")
legacy = PackageVersion.from_package_version_attributes(stack, "Bootloader200",
    package_name="bootloader",
    version_name="2.0.0",
)
pinned = PackageVersion.from_package_version_attributes(stack, "Bootloader210",
    package_name="bootloader",
    version_name="2.1.0",
    package_version_arn="arn:aws:iot:eu-west-1:123456789012:package/bootloader/version/2.1.0",
)

job_runner = iam.Role(stack, "JobRunner", assumed_by=iam.ServicePrincipal("iot.amazonaws.com"))
stable.grant_read(job_runner)
secure_boot.grant(job_runner, "iot:GetPackageVersion")
previous.grant_read(job_runner)
legacy.grant(job_runner, "iot:GetPackageVersion", "iot:UpdatePackageVersion")
pinned.grant_read(job_runner)

CfnOutput(stack, "StableStatus", value=stable.package_version_status)
CfnOutput(stack, "StableErrorReason", value=stable.package_version_error_reason)
CfnOutput(stack, "BetaPackage", value=beta.package_name)
CfnOutput(stack, "BetaVersion", value=beta.version_name)
CfnOutput(stack, "PreviousVersion", value=previous.version_name)
CfnOutput(stack, "PreviousPackage", value=previous.package_name)
CfnOutput(stack, "LegacyArn", value=legacy.package_version_arn)

# A release: published as it is created, with the image uploaded as an asset,
# an installation recipe, and an SBOM in a bucket of this stack (which gets a
# bucket policy for IoT) that IoT must validate before the deployment goes on.
sboms = s3.Bucket(stack, "Sboms", versioned=True, enforce_ssl=True)
image = PackageVersionArtifact.from_asset(str(FIXTURES / "firmware-2.0.0.bin"))
release = PackageVersion(stack, "Firmware200",
    package_name=firmware.ref,
    version_name="2.0.0",
    status=PackageVersionStatus.PUBLISHED,
    artifact=image,
    recipe=(FIXTURES / "firmware-2.0.0.recipe.json").read_text(encoding="utf-8"),
    sbom=PackageVersionSbom.from_bucket(sboms, "firmware/2.0.0/sbom.zip"),
    wait_for_sbom_validation=True,
)
uploaded = image.bind(release)
CfnOutput(stack, "ReleaseImage", value=f"s3://{uploaded.bucket_name}/{uploaded.object_key}")
CfnOutput(stack, "ReleaseSbomValidation", value=release.sbom_validation_status)

# A release candidate from the build bucket, with the SBOM the security team
# keeps; whether it is published is decided when the stack is deployed.
candidate_status = CfnParameter(stack, "CandidateStatus",
    allowed_values=[PackageVersionStatus.DRAFT.value, PackageVersionStatus.PUBLISHED.value],
    default=PackageVersionStatus.DRAFT.to_string(),
)
builds = s3.Bucket.from_bucket_name(stack, "Builds", "acme-firmware-builds")
PackageVersion(stack, "Firmware210Rc1",
    package_name=firmware.ref,
    version_name="2.1.0-rc.1",
    status=PackageVersionStatus.of(candidate_status.value_as_string),
    artifact=PackageVersionArtifact.from_bucket(builds, "firmware/2.1.0-rc.1.bin"),
    sbom=PackageVersionSbom.from_s3_location("acme-security-sboms", "firmware/2.1.0-rc.1.zip", "Wq3Ld0dXSWNvQmVtZ2pGb3ZmZXJzaW9u"),
)

# An old release, uploaded by hand before this stack existed, now deprecated.
PackageVersion(stack, "Firmware120",
    package_name=firmware.ref,
    version_name="1.2.0",
    status=PackageVersionStatus.DEPRECATED,
    artifact=PackageVersionArtifact.from_s3_location("acme-firmware-archive", "firmware-1.2.0.bin", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH"),
)

# A signed bootloader, with its SBOM next to the image.
signed_images = s3.Bucket.from_bucket_name(stack, "SignedImages", "acme-signed-images")
signing_key = kms.Key.from_key_arn(stack, "SigningKey",
    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
signed_bootloader = SignedImage(signed_images, signing_key, "bootloader/3.2.0.img", "Hk0tE9jxY1Kq2vB5sRzWfN8uQ3mL6pDa")
PackageVersion(stack, "Bootloader320",
    package_name=bootloader.ref,
    version_name="3.2.0",
    artifact=signed_bootloader,
    sbom=CompanionSbom(signed_bootloader),
)

# The release deployed to the EU fleet, a test rig and the lab; IoT presigns
# the artifact's URL with a role the deployment creates.
test_rig = iot.CfnThing(stack, "TestRig", thing_name="test-rig")
lab = iot.CfnThingGroup(stack, "Lab", thing_group_name="lab")
rollout = PackageDeployment(stack, "Rollout200",
    versions=[release],
    targets=[
        DeploymentTarget.thing_group_name("fleet-eu"),
        DeploymentTarget.thing_name("bench-1"),
        DeploymentTarget.from_cfn_thing(test_rig),
        DeploymentTarget.from_cfn_thing_group(lab),
    ],
    document=JobDocument.from_object({"steps": ["${aws:iot:package:firmware:version:2.0.0:artifact-location:s3-presigned-url}"]}),
    description="Firmware 2.0.0",
    rollout=JobRollout(
        maximum_per_minute=50,
        exponential_rate=ExponentialRolloutRate(base_rate_per_minute=5, increment_factor=1.5, number_of_succeeded_things=10),
    ),
    abort_criteria=[JobAbortCriterion(failure_type=JobExecutionFailureType.FAILED, threshold_percentage=10, min_executed_things=20)],
    in_progress_timeout=Duration.hours(1),
    retries=[JobRetryCriterion(failure_type=JobExecutionFailureType.TIMED_OUT, number_of_retries=2)],
    wait_for_rollout=RolloutWait(min_success_percent=5, timeout=PackageDeployment.MAX_ROLLOUT_WAIT, poll_interval=Duration.seconds(10)),
    tags={"release": "2.0.0"},
)
CfnOutput(stack, "RolloutJob", value=rollout.job_arn)
CfnOutput(stack, "RolloutJobId", value=rollout.job_id)
CfnOutput(stack, "RolloutPresignRole", value=rollout.presigned_url_role.role_arn)

# The previous version, kept on the canary things that join the group later,
# with the job runner's role presigning the URL.
PackageDeployment(stack, "Canary130",
    versions=[previous],
    default_version_of=[],
    targets=[
        DeploymentTarget.thing_arn("arn:aws:iot:eu-west-1:123456789012:thing/canary-1"),
        DeploymentTarget.thing_group_arn("arn:aws:iot:eu-west-1:123456789012:thinggroup/canaries"),
    ],
    document=JobDocument.from_string('{"url":"${aws:iot:package:firmware:version:1.3.0:artifact:s3-presigned-url}"}'),
    presigned_url=PresignedUrlOptions(role=job_runner, expires_in=Duration.minutes(10)),
    target_selection=JobTargetSelection.CONTINUOUS,
    rollout=JobRollout(exponential_rate=ExponentialRolloutRate(base_rate_per_minute=1, increment_factor=2, number_of_notified_things=5)),
    on_removal=JobRemoval.LEAVE_RUNNING,
)

# A whole catalog. First the account's prerequisites: fleet indexing (IoT
# refuses CreatePackage without it), and the role jobs use to record
# deployed versions in each thing's $package shadow.
fleet_indexing = FleetIndexing(stack, "FleetIndexing",
    thing_indexing_mode=ThingIndexingMode.REGISTRY_AND_SHADOW,
    restore_on_delete=True,
)
# The native packages above need it too (the library's constructs wait for it themselves).
firmware.node.add_dependency(fleet_indexing)
bootloader.node.add_dependency(fleet_indexing)
shadow_role = iam.Role(stack, "PackageShadowRole",
    assumed_by=iam.ServicePrincipal("iot.amazonaws.com"),
    inline_policies={
        "PackageShadow": iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    actions=["iot:GetThingShadow", "iot:UpdateThingShadow"],
                    resources=["arn:aws:iot:eu-west-1:123456789012:thing/*/$package"],
                ),
                iam.PolicyStatement(actions=["iot:DescribeEndpoint"], resources=["*"]),
            ],
        ),
    },
)
package_configuration = PackageConfiguration(stack, "PackageConfiguration",
    role=shadow_role,
    disable_on_delete=True,
    replace_existing_role=True,
)
CfnOutput(stack, "ThingIndexingMode", value=FleetIndexing.of(stack).thing_indexing_mode)
CfnOutput(stack, "PackageShadowRoleArn", value=PackageConfiguration.of(stack).role_arn)
CfnOutput(stack, "PackageShadowRoleName", value=package_configuration.role.role_name)

# Then a package with three versions: the next one as a draft, the current
# one published and made the default, and an old one deprecated.
agent = SoftwarePackage(stack, "Agent",
    package_name="gateway-agent",
    description="Gateway agent",
    tags={"team": "edge"},
    adopt_existing=True,
    removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
)
Tags.of(agent).add("product", "gateway")
agent.add_version("V110",
    version_name="1.1.0",
    description="Next release",
    status=PackageVersionStatus.DRAFT,
)
agent_current = PackageVersion(stack, "Agent100",
    package=agent,
    version_name="1.0.0",
    status=PackageVersionStatus.PUBLISHED,
    attributes={"channel": "stable"},
)
agent_old = agent.add_version("V090",
    version_name="0.9.0",
    status=PackageVersionStatus.DEPRECATED,
    removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
)
agent_default = agent.add_default_version(agent_current)
CfnOutput(stack, "AgentArn", value=agent.package_arn)
CfnOutput(stack, "AgentDefaultVersion", value=agent_default.default_version_name)
CfnOutput(stack, "AgentDefaultVersionArn", value=agent_default.default_version_arn)
CfnOutput(stack, "AgentOldVersion", value=agent_old.package_version_arn)

# A package another stack manages: its default version, set from here.
tools = SoftwarePackage.from_package_name(stack, "Tools", "diagnostics-tools")
tools_release = PackageVersion.from_package_version_attributes(stack, "Tools300",
    package_name=tools.package_name,
    version_name="3.0.0",
)
tools_default = PackageDefaultVersion(stack, "ToolsDefault", package=tools, version=tools_release)
CfnOutput(stack, "ToolsDefaultId", value=tools_default.package_default_version_id)
CfnOutput(stack, "ToolsArn", value=tools.package_arn)
# A package of another account.
runtime = SoftwarePackage.from_package_arn(stack, "SharedRuntime",
    "arn:aws:iot:eu-west-1:210987654321:package/shared-runtime")

# What the job runner may do with them.
agent.grant_read(job_runner)
agent.grant_create_job(job_runner)
tools.grant(job_runner, "iot:GetPackage")
tools.grant_create_job(job_runner)
runtime.grant_read(job_runner)

# A second stack whose provider runs in a VPC, logs to a log group of the
# platform team, and has named roles within a permissions boundary.
network = Stack(app, "ConsumerNetwork", env=Environment(account="123456789012", region="eu-west-1"))
vpc = ec2.Vpc.from_vpc_attributes(network, "Vpc",
    vpc_id="vpc-0a1b2c3d",
    availability_zones=["eu-west-1a", "eu-west-1b"],
    private_subnet_ids=["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
)
network_provider = PackageCatalogProvider.configure(network,
    vpc=vpc,
    vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
    security_groups=[ec2.SecurityGroup.from_security_group_id(network, "ProviderSecurityGroup", "sg-0a1b2c3d")],
    log_group=logs.LogGroup.from_log_group_name(network, "PlatformLogs", "platform/iot-catalog"),
    permissions_boundary=iam.ManagedPolicy.from_managed_policy_name(network, "Boundary", "platform-boundary"),
    role_name_prefix="acme-",
    timeout=Duration.minutes(10),
)
PackageVersion(network, "Firmware200", package_name="firmware", version_name="2.0.0")
network_provider.handler_role.add_to_principal_policy(iam.PolicyStatement(actions=["xray:PutTraceSegments"], resources=["*"]))
CfnOutput(network, "HandlerArn", value=PackageCatalogProvider.of(network).handler_function.function_arn)
CfnOutput(network, "FrameworkRoleName", value=network_provider.framework_role.role_name)
CfnOutput(network, "HandlerTimeout", value=str(int(network_provider.timeout.to_seconds())))
CfnOutput(network, "ServiceTimeout", value=str(int(network_provider.service_timeout.to_seconds())))

app.synth()
