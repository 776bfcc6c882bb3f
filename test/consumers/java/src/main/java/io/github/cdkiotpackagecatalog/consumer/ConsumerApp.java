package io.github.cdkiotpackagecatalog.consumer;

import java.util.Map;

import io.github.cdkiotpackagecatalog.IPackageVersion;
import io.github.cdkiotpackagecatalog.PackageVersion;
import io.github.cdkiotpackagecatalog.PackageVersionAttributes;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iot.CfnSoftwarePackage;

/** The Java consumer app: the same stack as test/consumers/typescript/app.ts. */
public final class ConsumerApp {
    private ConsumerApp() {
    }

    public static void main(final String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "ConsumerCatalog", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                .build());

        // README:start
        CfnSoftwarePackage firmware = CfnSoftwarePackage.Builder.create(stack, "Firmware")
                .packageName("firmware")
                .build();
        firmware.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);

        PackageVersion stable = PackageVersion.Builder.create(stack, "Firmware140")
                .packageName(firmware.getRef())
                .versionName("1.4.0")
                .description("Bootloader fix")
                .attributes(Map.of("channel", "stable", "hw:rev", "B"))
                .tags(Map.of("team", "edge"))
                .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
                .build();

        PackageVersion beta = PackageVersion.Builder.create(stack, "Firmware150Beta")
                .packageName(firmware.getRef())
                .versionName("1.5.0-beta.1")
                .build();
        Tags.of(beta).add("stage", "beta");

        CfnOutput.Builder.create(stack, "StableArn").value(stable.getPackageVersionArn()).build();
        // README:end

        CfnSoftwarePackage bootloader = CfnSoftwarePackage.Builder.create(stack, "Bootloader")
                .packageName("bootloader")
                .build();
        PackageVersion secureBoot = PackageVersion.Builder.create(stack, "Bootloader300")
                .packageName(bootloader.getRef())
                .versionName("3.0.0")
                .description("Secure boot")
                .attributes(Map.of("signed", "true"))
                .build();
        PackageVersion bootloaderNext = PackageVersion.Builder.create(stack, "Bootloader310")
                .packageName(bootloader.getRef())
                .versionName("3.1.0")
                .build();
        bootloaderNext.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
        bootloaderNext.getCdkTagManager().setTag("tier", "gold");
        // Made in the console before this stack managed it.
        PackageVersion.Builder.create(stack, "Bootloader290")
                .packageName(bootloader.getRef())
                .versionName("2.9.0")
                .adoptExisting(true)
                .build();

        IPackageVersion previous = PackageVersion.fromPackageVersionArn(stack, "Firmware130",
                "arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.3.0");
        IPackageVersion legacy = PackageVersion.fromPackageVersionAttributes(stack, "Bootloader200",
                PackageVersionAttributes.builder()
                        .packageName("bootloader")
                        .versionName("2.0.0")
                        .build());
        IPackageVersion pinned = PackageVersion.fromPackageVersionAttributes(stack, "Bootloader210",
                PackageVersionAttributes.builder()
                        .packageName("bootloader")
                        .versionName("2.1.0")
                        .packageVersionArn("arn:aws:iot:eu-west-1:123456789012:package/bootloader/version/2.1.0")
                        .build());

        Role jobRunner = Role.Builder.create(stack, "JobRunner")
                .assumedBy(new ServicePrincipal("iot.amazonaws.com"))
                .build();
        stable.grantRead(jobRunner);
        secureBoot.grant(jobRunner, "iot:GetPackageVersion");
        previous.grantRead(jobRunner);
        legacy.grant(jobRunner, "iot:GetPackageVersion", "iot:UpdatePackageVersion");
        pinned.grantRead(jobRunner);

        CfnOutput.Builder.create(stack, "StableStatus").value(stable.getPackageVersionStatus()).build();
        CfnOutput.Builder.create(stack, "StableErrorReason").value(stable.getPackageVersionErrorReason()).build();
        CfnOutput.Builder.create(stack, "BetaPackage").value(beta.getPackageName()).build();
        CfnOutput.Builder.create(stack, "BetaVersion").value(beta.getVersionName()).build();
        CfnOutput.Builder.create(stack, "PreviousVersion").value(previous.getVersionName()).build();
        CfnOutput.Builder.create(stack, "PreviousPackage").value(previous.getPackageName()).build();
        CfnOutput.Builder.create(stack, "LegacyArn").value(legacy.getPackageVersionArn()).build();

        app.synth();
    }
}
