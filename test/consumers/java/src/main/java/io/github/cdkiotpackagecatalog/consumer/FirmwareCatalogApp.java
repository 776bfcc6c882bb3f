package io.github.cdkiotpackagecatalog.consumer;

/*
 * The README's first example in Java, a complete app: the README's Java block
 * is the region below. The same app as test/consumers/typescript/readme-app.ts;
 * their templates must be equal (test/consumers/consumers.consumer.ts).
 */
// README:start
import java.util.List;
import java.util.Map;

import io.github.cdkiotpackagecatalog.DeploymentTarget;
import io.github.cdkiotpackagecatalog.FleetIndexing;
import io.github.cdkiotpackagecatalog.PackageDeployment;
import io.github.cdkiotpackagecatalog.PackageVersion;
import io.github.cdkiotpackagecatalog.PackageVersionArtifact;
import io.github.cdkiotpackagecatalog.PackageVersionOptions;
import io.github.cdkiotpackagecatalog.PackageVersionStatus;
import io.github.cdkiotpackagecatalog.SoftwarePackage;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

public class FirmwareCatalogApp {
    static class FirmwareCatalogStack extends Stack {
        FirmwareCatalogStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);

            // IoT refuses to create packages until fleet indexing is on (an account-wide setting).
            new FleetIndexing(this, "FleetIndexing");

            // Your release bucket; it must be versioned (IoT keeps the artifact's object version).
            IBucket releases = Bucket.fromBucketName(this, "Releases", "my-firmware-releases");

            SoftwarePackage firmware = SoftwarePackage.Builder.create(this, "Firmware")
                    .packageName("firmware")
                    .build();
            PackageVersion v140 = firmware.addVersion("Firmware140", PackageVersionOptions.builder()
                    .versionName("1.4.0")
                    .description("Bootloader fix")
                    .attributes(Map.of("channel", "stable", "hw:rev", "B"))
                    .artifact(PackageVersionArtifact.fromBucket(releases, "firmware/1.4.0.bin"))
                    // IoT Jobs deploy only PUBLISHED (or DEPRECATED) versions.
                    .status(PackageVersionStatus.PUBLISHED)
                    .tags(Map.of("team", "edge"))
                    .build());
            firmware.addDefaultVersion(v140);

            // An IoT job that deploys the version to a thing group.
            PackageDeployment.Builder.create(this, "Rollout")
                    .versions(List.of(v140))
                    .targets(List.of(DeploymentTarget.thingGroupName("field-devices")))
                    .build();

            CfnOutput.Builder.create(this, "VersionArn").value(v140.getPackageVersionArn()).build();
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        new FirmwareCatalogStack(app, "FirmwareCatalog", null);
        app.synth();
    }
}
// README:end
