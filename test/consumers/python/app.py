"""The Python consumer app: the same stack as test/consumers/typescript/app.ts.

Run: CDK_OUTDIR=<dir> python test/consumers/python/app.py, in a venv with the
built wheel (dist/python), aws-cdk-lib and constructs installed.
"""
from aws_cdk import App, CfnOutput, Environment, RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_iot as iot
from cdk_iot_package_catalog import PackageVersion

app = App()
stack = Stack(app, "ConsumerCatalog", env=Environment(account="123456789012", region="eu-west-1"))

# README:start
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
# README:end

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

app.synth()
