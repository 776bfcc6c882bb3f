package io.github.cdkiotpackagecatalog.consumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.cdkiotpackagecatalog.DeploymentTarget;
import io.github.cdkiotpackagecatalog.ExponentialRolloutRate;
import io.github.cdkiotpackagecatalog.IPackageVersion;
import io.github.cdkiotpackagecatalog.JobAbortCriterion;
import io.github.cdkiotpackagecatalog.JobDocument;
import io.github.cdkiotpackagecatalog.JobExecutionFailureType;
import io.github.cdkiotpackagecatalog.JobRemoval;
import io.github.cdkiotpackagecatalog.JobRetryCriterion;
import io.github.cdkiotpackagecatalog.JobRollout;
import io.github.cdkiotpackagecatalog.JobTargetSelection;
import io.github.cdkiotpackagecatalog.PackageCatalogProvider;
import io.github.cdkiotpackagecatalog.PackageCatalogProviderProps;
import io.github.cdkiotpackagecatalog.PackageDeployment;
import io.github.cdkiotpackagecatalog.FleetIndexing;
import io.github.cdkiotpackagecatalog.IPackageVersion;
import io.github.cdkiotpackagecatalog.ISoftwarePackage;
import io.github.cdkiotpackagecatalog.PackageConfiguration;
import io.github.cdkiotpackagecatalog.PackageDefaultVersion;
import io.github.cdkiotpackagecatalog.PackageVersion;
import io.github.cdkiotpackagecatalog.PackageVersionArtifact;
import io.github.cdkiotpackagecatalog.PackageVersionAttributes;
import io.github.cdkiotpackagecatalog.PackageVersionOptions;
import io.github.cdkiotpackagecatalog.PackageVersionS3ObjectConfig;
import io.github.cdkiotpackagecatalog.PackageVersionSbom;
import io.github.cdkiotpackagecatalog.PackageVersionStatus;
import io.github.cdkiotpackagecatalog.PresignedUrlOptions;
import io.github.cdkiotpackagecatalog.RolloutWait;
import io.github.cdkiotpackagecatalog.SoftwarePackage;
import io.github.cdkiotpackagecatalog.ThingIndexingMode;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iot.CfnSoftwarePackage;
import software.amazon.awscdk.services.iot.CfnThing;
import software.amazon.awscdk.services.iot.CfnThingGroup;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/** The Java consumer app: the same stack as test/consumers/typescript/app.ts. */
public final class ConsumerApp {
    private ConsumerApp() {
    }

    /**
     * Bootloader images from the signing pipeline: in its bucket, encrypted with
     * its KMS key, so the handler needs kms:Decrypt with that key.
     */
    public static final class SignedImage extends PackageVersionArtifact {
        private final IBucket bucket;
        private final IKey encryptionKey;
        private final String objectKey;
        private final String objectVersion;

        public SignedImage(final IBucket bucket, final IKey encryptionKey, final String objectKey, final String objectVersion) {
            super();
            this.bucket = bucket;
            this.encryptionKey = encryptionKey;
            this.objectKey = objectKey;
            this.objectVersion = objectVersion;
        }

        @Override
        public PackageVersionS3ObjectConfig bind(final Construct scope) {
            return PackageVersionS3ObjectConfig.builder()
                    .bucketName(bucket.getBucketName())
                    .objectKey(objectKey)
                    .objectVersion(objectVersion)
                    .bucket(bucket)
                    .encryptionKey(encryptionKey)
                    .build();
        }
    }

    /** The build's convention: an artifact's SBOM is stored next to it, as {@code <key>.sbom.zip}. */
    public static final class CompanionSbom extends PackageVersionSbom {
        private final PackageVersionArtifact artifact;

        public CompanionSbom(final PackageVersionArtifact artifact) {
            super();
            this.artifact = artifact;
        }

        @Override
        public PackageVersionS3ObjectConfig bind(final Construct scope) {
            PackageVersionS3ObjectConfig config = artifact.bind(scope);
            return PackageVersionS3ObjectConfig.builder()
                    .bucketName(config.getBucketName())
                    .objectKey(config.getObjectKey() + ".sbom.zip")
                    .bucket(config.getBucket())
                    .encryptionKey(config.getEncryptionKey())
                    .build();
        }
    }

    public static void main(final String[] args) throws IOException {
        // Shared by the three consumer apps: the firmware image and its recipe
        // (pom.xml sets the property to test/consumers/fixtures).
        Path fixtures = Path.of(System.getProperty("consumer.fixtures")).toAbsolutePath().normalize();

        App app = new App();
        Stack stack = new Stack(app, "ConsumerCatalog", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                .build());

        // The provider's settings, before the first construct of the library.
        PackageCatalogProvider.configure(stack, PackageCatalogProviderProps.builder()
                .logRetention(RetentionDays.ONE_MONTH)
                .logRemovalPolicy(RemovalPolicy.RETAIN)
                .memorySize(512)
                .rolePath("/iot-catalog/")
                .build());
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

        // A release: published as it is created, with the image uploaded as an asset,
        // an installation recipe, and an SBOM in a bucket of this stack (which gets a
        // bucket policy for IoT) that IoT must validate before the deployment goes on.
        Bucket sboms = Bucket.Builder.create(stack, "Sboms").versioned(true).enforceSsl(true).build();
        PackageVersionArtifact image = PackageVersionArtifact.fromAsset(fixtures.resolve("firmware-2.0.0.bin").toString());
        PackageVersion release = PackageVersion.Builder.create(stack, "Firmware200")
                .packageName(firmware.getRef())
                .versionName("2.0.0")
                .status(PackageVersionStatus.PUBLISHED)
                .artifact(image)
                .recipe(Files.readString(fixtures.resolve("firmware-2.0.0.recipe.json")))
                .sbom(PackageVersionSbom.fromBucket(sboms, "firmware/2.0.0/sbom.zip"))
                .waitForSbomValidation(true)
                .build();
        PackageVersionS3ObjectConfig uploaded = image.bind(release);
        CfnOutput.Builder.create(stack, "ReleaseImage")
                .value("s3://" + uploaded.getBucketName() + "/" + uploaded.getObjectKey())
                .build();
        CfnOutput.Builder.create(stack, "ReleaseSbomValidation").value(release.getSbomValidationStatus()).build();

        // A release candidate from the build bucket, with the SBOM the security team
        // keeps; whether it is published is decided when the stack is deployed.
        CfnParameter candidateStatus = CfnParameter.Builder.create(stack, "CandidateStatus")
                .allowedValues(List.of(PackageVersionStatus.DRAFT.getValue(), PackageVersionStatus.PUBLISHED.getValue()))
                .defaultValue(PackageVersionStatus.DRAFT.toString())
                .build();
        IBucket builds = Bucket.fromBucketName(stack, "Builds", "acme-firmware-builds");
        PackageVersion.Builder.create(stack, "Firmware210Rc1")
                .packageName(firmware.getRef())
                .versionName("2.1.0-rc.1")
                .status(PackageVersionStatus.of(candidateStatus.getValueAsString()))
                .artifact(PackageVersionArtifact.fromBucket(builds, "firmware/2.1.0-rc.1.bin"))
                .sbom(PackageVersionSbom.fromS3Location("acme-security-sboms", "firmware/2.1.0-rc.1.zip",
                        "Wq3Ld0dXSWNvQmVtZ2pGb3ZmZXJzaW9u"))
                .build();

        // An old release, uploaded by hand before this stack existed, now deprecated.
        PackageVersion.Builder.create(stack, "Firmware120")
                .packageName(firmware.getRef())
                .versionName("1.2.0")
                .status(PackageVersionStatus.DEPRECATED)
                .artifact(PackageVersionArtifact.fromS3Location("acme-firmware-archive", "firmware-1.2.0.bin",
                        "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH"))
                .build();

        // A signed bootloader, with its SBOM next to the image.
        IBucket signedImages = Bucket.fromBucketName(stack, "SignedImages", "acme-signed-images");
        IKey signingKey = Key.fromKeyArn(stack, "SigningKey",
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        SignedImage signedBootloader = new SignedImage(signedImages, signingKey, "bootloader/3.2.0.img",
                "Hk0tE9jxY1Kq2vB5sRzWfN8uQ3mL6pDa");
        PackageVersion.Builder.create(stack, "Bootloader320")
                .packageName(bootloader.getRef())
                .versionName("3.2.0")
                .artifact(signedBootloader)
                .sbom(new CompanionSbom(signedBootloader))
                .build();

        // The release deployed to the EU fleet, a test rig and the lab; IoT presigns
        // the artifact's URL with a role the deployment creates.
        CfnThing testRig = CfnThing.Builder.create(stack, "TestRig").thingName("test-rig").build();
        CfnThingGroup lab = CfnThingGroup.Builder.create(stack, "Lab").thingGroupName("lab").build();
        PackageDeployment rollout = PackageDeployment.Builder.create(stack, "Rollout200")
                .versions(List.of(release))
                .targets(List.of(
                        DeploymentTarget.thingGroupName("fleet-eu"),
                        DeploymentTarget.thingName("bench-1"),
                        DeploymentTarget.fromCfnThing(testRig),
                        DeploymentTarget.fromCfnThingGroup(lab)))
                .document(JobDocument.fromObject(Map.of("steps",
                        List.of("${aws:iot:package:firmware:version:2.0.0:artifact-location:s3-presigned-url}"))))
                .description("Firmware 2.0.0")
                .rollout(JobRollout.builder()
                        .maximumPerMinute(50)
                        .exponentialRate(ExponentialRolloutRate.builder()
                                .baseRatePerMinute(5).incrementFactor(1.5).numberOfSucceededThings(10).build())
                        .build())
                .abortCriteria(List.of(JobAbortCriterion.builder()
                        .failureType(JobExecutionFailureType.FAILED).thresholdPercentage(10).minExecutedThings(20).build()))
                .inProgressTimeout(Duration.hours(1))
                .retries(List.of(JobRetryCriterion.builder()
                        .failureType(JobExecutionFailureType.TIMED_OUT).numberOfRetries(2).build()))
                .waitForRollout(RolloutWait.builder()
                        .minSuccessPercent(5).timeout(PackageDeployment.MAX_ROLLOUT_WAIT).pollInterval(Duration.seconds(10)).build())
                .tags(Map.of("release", "2.0.0"))
                .build();
        CfnOutput.Builder.create(stack, "RolloutJob").value(rollout.getJobArn()).build();
        CfnOutput.Builder.create(stack, "RolloutJobId").value(rollout.getJobId()).build();
        CfnOutput.Builder.create(stack, "RolloutPresignRole").value(rollout.getPresignedUrlRole().getRoleArn()).build();

        // The previous version, kept on the canary things that join the group later,
        // with the job runner's role presigning the URL.
        PackageDeployment.Builder.create(stack, "Canary130")
                .versions(List.of(previous))
                .defaultVersionOf(List.of())
                .targets(List.of(
                        DeploymentTarget.thingArn("arn:aws:iot:eu-west-1:123456789012:thing/canary-1"),
                        DeploymentTarget.thingGroupArn("arn:aws:iot:eu-west-1:123456789012:thinggroup/canaries")))
                .document(JobDocument.fromString("{\"url\":\"${aws:iot:package:firmware:version:1.3.0:artifact:s3-presigned-url}\"}"))
                .presignedUrl(PresignedUrlOptions.builder().role(jobRunner).expiresIn(Duration.minutes(10)).build())
                .targetSelection(JobTargetSelection.CONTINUOUS)
                .rollout(JobRollout.builder()
                        .exponentialRate(ExponentialRolloutRate.builder()
                                .baseRatePerMinute(1).incrementFactor(2).numberOfNotifiedThings(5).build())
                        .build())
                .onRemoval(JobRemoval.LEAVE_RUNNING)
                .build();

        // A whole catalog. First the account's prerequisites: fleet indexing (IoT
        // refuses CreatePackage without it), and the role jobs use to record
        // deployed versions in each thing's $package shadow.
        FleetIndexing fleetIndexing = FleetIndexing.Builder.create(stack, "FleetIndexing")
                .thingIndexingMode(ThingIndexingMode.REGISTRY_AND_SHADOW)
                .restoreOnDelete(true)
                .build();
        // The native packages above need it too (the library's constructs wait for it themselves).
        firmware.getNode().addDependency(fleetIndexing);
        bootloader.getNode().addDependency(fleetIndexing);
        Role shadowRole = Role.Builder.create(stack, "PackageShadowRole")
                .assumedBy(new ServicePrincipal("iot.amazonaws.com"))
                .inlinePolicies(Map.of("PackageShadow", PolicyDocument.Builder.create()
                        .statements(List.of(
                                PolicyStatement.Builder.create()
                                        .actions(List.of("iot:GetThingShadow", "iot:UpdateThingShadow"))
                                        .resources(List.of("arn:aws:iot:eu-west-1:123456789012:thing/*/$package"))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .actions(List.of("iot:DescribeEndpoint"))
                                        .resources(List.of("*"))
                                        .build()))
                        .build()))
                .build();
        PackageConfiguration packageConfiguration = PackageConfiguration.Builder.create(stack, "PackageConfiguration")
                .role(shadowRole)
                .disableOnDelete(true)
                .replaceExistingRole(true)
                .build();
        CfnOutput.Builder.create(stack, "ThingIndexingMode")
                .value(FleetIndexing.of(stack).getThingIndexingMode())
                .build();
        CfnOutput.Builder.create(stack, "PackageShadowRoleArn")
                .value(PackageConfiguration.of(stack).getRoleArn())
                .build();
        CfnOutput.Builder.create(stack, "PackageShadowRoleName")
                .value(packageConfiguration.getRole().getRoleName())
                .build();

        // Then a package with three versions: the next one as a draft, the current
        // one published and made the default, and an old one deprecated.
        SoftwarePackage agent = SoftwarePackage.Builder.create(stack, "Agent")
                .packageName("gateway-agent")
                .description("Gateway agent")
                .tags(Map.of("team", "edge"))
                .adoptExisting(true)
                .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
                .build();
        Tags.of(agent).add("product", "gateway");
        agent.addVersion("V110", PackageVersionOptions.builder()
                .versionName("1.1.0")
                .description("Next release")
                .status(PackageVersionStatus.DRAFT)
                .build());
        // `package` is a reserved word in Java: the builder method is packageValue.
        PackageVersion agentCurrent = PackageVersion.Builder.create(stack, "Agent100")
                .packageValue(agent)
                .versionName("1.0.0")
                .status(PackageVersionStatus.PUBLISHED)
                .attributes(Map.of("channel", "stable"))
                .build();
        PackageVersion agentOld = agent.addVersion("V090", PackageVersionOptions.builder()
                .versionName("0.9.0")
                .status(PackageVersionStatus.DEPRECATED)
                .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
                .build());
        PackageDefaultVersion agentDefault = agent.addDefaultVersion(agentCurrent);
        CfnOutput.Builder.create(stack, "AgentArn").value(agent.getPackageArn()).build();
        CfnOutput.Builder.create(stack, "AgentDefaultVersion").value(agentDefault.getDefaultVersionName()).build();
        CfnOutput.Builder.create(stack, "AgentDefaultVersionArn").value(agentDefault.getDefaultVersionArn()).build();
        CfnOutput.Builder.create(stack, "AgentOldVersion").value(agentOld.getPackageVersionArn()).build();

        // A package another stack manages: its default version, set from here.
        ISoftwarePackage tools = SoftwarePackage.fromPackageName(stack, "Tools", "diagnostics-tools");
        IPackageVersion toolsRelease = PackageVersion.fromPackageVersionAttributes(stack, "Tools300",
                PackageVersionAttributes.builder()
                        .packageName(tools.getPackageName())
                        .versionName("3.0.0")
                        .build());
        PackageDefaultVersion toolsDefault = PackageDefaultVersion.Builder.create(stack, "ToolsDefault")
                .packageValue(tools)
                .version(toolsRelease)
                .build();
        CfnOutput.Builder.create(stack, "ToolsDefaultId").value(toolsDefault.getPackageDefaultVersionId()).build();
        CfnOutput.Builder.create(stack, "ToolsArn").value(tools.getPackageArn()).build();
        // A package of another account.
        ISoftwarePackage runtime = SoftwarePackage.fromPackageArn(stack, "SharedRuntime",
                "arn:aws:iot:eu-west-1:210987654321:package/shared-runtime");

        // What the job runner may do with them.
        agent.grantRead(jobRunner);
        agent.grantCreateJob(jobRunner);
        tools.grant(jobRunner, "iot:GetPackage");
        tools.grantCreateJob(jobRunner);
        runtime.grantRead(jobRunner);

        // A second stack whose provider runs in a VPC, logs to a log group of the
        // platform team, and has named roles within a permissions boundary.
        Stack network = new Stack(app, "ConsumerNetwork", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                .build());
        IVpc vpc = Vpc.fromVpcAttributes(network, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0a1b2c3d")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .privateSubnetIds(List.of("subnet-0a1b2c3d", "subnet-4e5f6a7b"))
                .build());
        PackageCatalogProvider networkProvider = PackageCatalogProvider.configure(network, PackageCatalogProviderProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(network, "ProviderSecurityGroup", "sg-0a1b2c3d")))
                .logGroup(LogGroup.fromLogGroupName(network, "PlatformLogs", "platform/iot-catalog"))
                .permissionsBoundary(ManagedPolicy.fromManagedPolicyName(network, "Boundary", "platform-boundary"))
                .roleNamePrefix("acme-")
                .timeout(Duration.minutes(10))
                .build());
        PackageVersion.Builder.create(network, "Firmware200").packageName("firmware").versionName("2.0.0").build();
        networkProvider.getHandlerRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("xray:PutTraceSegments"))
                .resources(List.of("*"))
                .build());
        CfnOutput.Builder.create(network, "HandlerArn")
                .value(PackageCatalogProvider.of(network).getHandlerFunction().getFunctionArn()).build();
        CfnOutput.Builder.create(network, "FrameworkRoleName").value(networkProvider.getFrameworkRole().getRoleName()).build();
        CfnOutput.Builder.create(network, "HandlerTimeout")
                .value(String.valueOf(networkProvider.getTimeout().toSeconds().intValue())).build();
        CfnOutput.Builder.create(network, "ServiceTimeout")
                .value(String.valueOf(networkProvider.getServiceTimeout().toSeconds().intValue())).build();

        app.synth();
    }
}
