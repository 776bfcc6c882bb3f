"""The README's first example in Python, a complete app: the README's Python
block is the region below. The same app as test/consumers/typescript/readme-app.ts;
their templates must be equal (test/consumers/consumers.consumer.ts).

Run: CDK_OUTDIR=<dir> python test/consumers/python/readme_app.py, in a venv with
the built wheel (dist/python), aws-cdk-lib and constructs installed.
"""
# README:start
from aws_cdk import App, CfnOutput, Stack
from aws_cdk import aws_s3 as s3
from cdk_iot_package_catalog import (
    DeploymentTarget, FleetIndexing, PackageDeployment, PackageVersionArtifact, PackageVersionStatus, SoftwarePackage,
)
from constructs import Construct


class FirmwareCatalogStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        # IoT refuses to create packages until fleet indexing is on (an account-wide setting).
        FleetIndexing(self, "FleetIndexing")

        # Your release bucket; it must be versioned (IoT keeps the artifact's object version).
        releases = s3.Bucket.from_bucket_name(self, "Releases", "my-firmware-releases")

        firmware = SoftwarePackage(self, "Firmware", package_name="firmware")
        v140 = firmware.add_version("Firmware140",
            version_name="1.4.0",
            description="Bootloader fix",
            attributes={"channel": "stable", "hw:rev": "B"},
            artifact=PackageVersionArtifact.from_bucket(releases, "firmware/1.4.0.bin"),
            # IoT Jobs deploy only PUBLISHED (or DEPRECATED) versions.
            status=PackageVersionStatus.PUBLISHED,
            tags={"team": "edge"},
        )
        firmware.add_default_version(v140)

        # An IoT job that deploys the version to a thing group.
        PackageDeployment(self, "Rollout",
            versions=[v140],
            targets=[DeploymentTarget.thing_group_name("field-devices")],
        )

        CfnOutput(self, "VersionArn", value=v140.package_version_arn)


app = App()
FirmwareCatalogStack(app, "FirmwareCatalog")
app.synth()
# README:end
