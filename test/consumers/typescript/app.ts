/**
 * The reference consumer app. test/consumers/python/app.py and
 * test/consumers/java/.../ConsumerApp.java declare the same stack; their
 * templates must equal this one's (test/consumers/consumers.consumer.ts).
 *
 * Run: CDK_OUTDIR=<dir> npx ts-node --project tsconfig.dev.json test/consumers/typescript/app.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DeploymentTarget,
  JobDocument,
  JobExecutionFailureType,
  JobRemoval,
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
  SoftwarePackage,
  ThingIndexingMode,
} from '../../../src';

/** Shared by the three consumer apps: the firmware image and its recipe. */
const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * Bootloader images from the signing pipeline: in its bucket, encrypted with
 * its KMS key, so the handler needs kms:Decrypt with that key.
 */
class SignedImage extends PackageVersionArtifact {
  constructor(
    private readonly bucket: s3.IBucket,
    private readonly encryptionKey: kms.IKey,
    private readonly objectKey: string,
    private readonly objectVersion: string,
  ) {
    super();
  }

  public bind(_scope: Construct): PackageVersionS3ObjectConfig {
    return {
      bucketName: this.bucket.bucketName,
      objectKey: this.objectKey,
      objectVersion: this.objectVersion,
      bucket: this.bucket,
      encryptionKey: this.encryptionKey,
    };
  }
}

/** The build's convention: an artifact's SBOM is stored next to it, as `<key>.sbom.zip`. */
class CompanionSbom extends PackageVersionSbom {
  constructor(private readonly artifact: PackageVersionArtifact) {
    super();
  }

  public bind(scope: Construct): PackageVersionS3ObjectConfig {
    const artifact = this.artifact.bind(scope);
    return {
      bucketName: artifact.bucketName,
      objectKey: `${artifact.objectKey}.sbom.zip`,
      bucket: artifact.bucket,
      encryptionKey: artifact.encryptionKey,
    };
  }
}

const app = new App();
const stack = new Stack(app, 'ConsumerCatalog', { env: { account: '123456789012', region: 'eu-west-1' } });

// The provider's settings, before the first construct of the library.
PackageCatalogProvider.configure(stack, {
  logRetention: logs.RetentionDays.ONE_MONTH,
  logRemovalPolicy: RemovalPolicy.RETAIN,
  memorySize: 512,
  rolePath: '/iot-catalog/',
});
const firmware = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
firmware.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);

const stable = new PackageVersion(stack, 'Firmware140', {
  packageName: firmware.ref,
  versionName: '1.4.0',
  description: 'Bootloader fix',
  attributes: { 'channel': 'stable', 'hw:rev': 'B' },
  tags: { team: 'edge' },
  removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
});

const beta = new PackageVersion(stack, 'Firmware150Beta', {
  packageName: firmware.ref,
  versionName: '1.5.0-beta.1',
});
Tags.of(beta).add('stage', 'beta');

new CfnOutput(stack, 'StableArn', { value: stable.packageVersionArn });

const bootloader = new iot.CfnSoftwarePackage(stack, 'Bootloader', { packageName: 'bootloader' });
const secureBoot = new PackageVersion(stack, 'Bootloader300', {
  packageName: bootloader.ref,
  versionName: '3.0.0',
  description: 'Secure boot',
  attributes: { signed: 'true' },
});
const bootloaderNext = new PackageVersion(stack, 'Bootloader310', {
  packageName: bootloader.ref,
  versionName: '3.1.0',
});
bootloaderNext.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
bootloaderNext.cdkTagManager.setTag('tier', 'gold');
// Made in the console before this stack managed it.
new PackageVersion(stack, 'Bootloader290', {
  packageName: bootloader.ref,
  versionName: '2.9.0',
  adoptExisting: true,
});

const previous = PackageVersion.fromPackageVersionArn(stack, 'Firmware130',
  'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.3.0');
const legacy = PackageVersion.fromPackageVersionAttributes(stack, 'Bootloader200', {
  packageName: 'bootloader',
  versionName: '2.0.0',
});
const pinned = PackageVersion.fromPackageVersionAttributes(stack, 'Bootloader210', {
  packageName: 'bootloader',
  versionName: '2.1.0',
  packageVersionArn: 'arn:aws:iot:eu-west-1:123456789012:package/bootloader/version/2.1.0',
});

const jobRunner = new iam.Role(stack, 'JobRunner', { assumedBy: new iam.ServicePrincipal('iot.amazonaws.com') });
stable.grantRead(jobRunner);
secureBoot.grant(jobRunner, 'iot:GetPackageVersion');
previous.grantRead(jobRunner);
legacy.grant(jobRunner, 'iot:GetPackageVersion', 'iot:UpdatePackageVersion');
pinned.grantRead(jobRunner);

new CfnOutput(stack, 'StableStatus', { value: stable.packageVersionStatus });
new CfnOutput(stack, 'StableErrorReason', { value: stable.packageVersionErrorReason });
new CfnOutput(stack, 'BetaPackage', { value: beta.packageName });
new CfnOutput(stack, 'BetaVersion', { value: beta.versionName });
new CfnOutput(stack, 'PreviousVersion', { value: previous.versionName });
new CfnOutput(stack, 'PreviousPackage', { value: previous.packageName });
new CfnOutput(stack, 'LegacyArn', { value: legacy.packageVersionArn });

// A release: published as it is created, with the image uploaded as an asset,
// an installation recipe, and an SBOM in a bucket of this stack (which gets a
// bucket policy for IoT) that IoT must validate before the deployment goes on.
const sboms = new s3.Bucket(stack, 'Sboms', { versioned: true, enforceSSL: true });
const image = PackageVersionArtifact.fromAsset(path.join(FIXTURES, 'firmware-2.0.0.bin'));
const release = new PackageVersion(stack, 'Firmware200', {
  packageName: firmware.ref,
  versionName: '2.0.0',
  status: PackageVersionStatus.PUBLISHED,
  artifact: image,
  recipe: fs.readFileSync(path.join(FIXTURES, 'firmware-2.0.0.recipe.json'), 'utf8'),
  sbom: PackageVersionSbom.fromBucket(sboms, 'firmware/2.0.0/sbom.zip'),
  waitForSbomValidation: true,
});
const uploaded = image.bind(release);
new CfnOutput(stack, 'ReleaseImage', { value: `s3://${uploaded.bucketName}/${uploaded.objectKey}` });
new CfnOutput(stack, 'ReleaseSbomValidation', { value: release.sbomValidationStatus });

// A release candidate from the build bucket, with the SBOM the security team
// keeps; whether it is published is decided when the stack is deployed.
const candidateStatus = new CfnParameter(stack, 'CandidateStatus', {
  allowedValues: [PackageVersionStatus.DRAFT.value, PackageVersionStatus.PUBLISHED.value],
  default: PackageVersionStatus.DRAFT.toString(),
});
const builds = s3.Bucket.fromBucketName(stack, 'Builds', 'acme-firmware-builds');
new PackageVersion(stack, 'Firmware210Rc1', {
  packageName: firmware.ref,
  versionName: '2.1.0-rc.1',
  status: PackageVersionStatus.of(candidateStatus.valueAsString),
  artifact: PackageVersionArtifact.fromBucket(builds, 'firmware/2.1.0-rc.1.bin'),
  sbom: PackageVersionSbom.fromS3Location('acme-security-sboms', 'firmware/2.1.0-rc.1.zip', 'Wq3Ld0dXSWNvQmVtZ2pGb3ZmZXJzaW9u'),
});

// An old release, uploaded by hand before this stack existed, now deprecated.
new PackageVersion(stack, 'Firmware120', {
  packageName: firmware.ref,
  versionName: '1.2.0',
  status: PackageVersionStatus.DEPRECATED,
  artifact: PackageVersionArtifact.fromS3Location('acme-firmware-archive', 'firmware-1.2.0.bin', '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH'),
});

// A signed bootloader, with its SBOM next to the image.
const signedImages = s3.Bucket.fromBucketName(stack, 'SignedImages', 'acme-signed-images');
const signingKey = kms.Key.fromKeyArn(stack, 'SigningKey',
  'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
const signedBootloader = new SignedImage(signedImages, signingKey, 'bootloader/3.2.0.img', 'Hk0tE9jxY1Kq2vB5sRzWfN8uQ3mL6pDa');
new PackageVersion(stack, 'Bootloader320', {
  packageName: bootloader.ref,
  versionName: '3.2.0',
  artifact: signedBootloader,
  sbom: new CompanionSbom(signedBootloader),
});

// The release deployed to the EU fleet, a test rig and the lab; IoT presigns
// the artifact's URL with a role the deployment creates.
const testRig = new iot.CfnThing(stack, 'TestRig', { thingName: 'test-rig' });
const lab = new iot.CfnThingGroup(stack, 'Lab', { thingGroupName: 'lab' });
const rollout = new PackageDeployment(stack, 'Rollout200', {
  versions: [release],
  targets: [
    DeploymentTarget.thingGroupName('fleet-eu'),
    DeploymentTarget.thingName('bench-1'),
    DeploymentTarget.fromCfnThing(testRig),
    DeploymentTarget.fromCfnThingGroup(lab),
  ],
  document: JobDocument.fromObject({ steps: ['${aws:iot:package:firmware:version:2.0.0:artifact-location:s3-presigned-url}'] }),
  description: 'Firmware 2.0.0',
  rollout: {
    maximumPerMinute: 50,
    exponentialRate: { baseRatePerMinute: 5, incrementFactor: 1.5, numberOfSucceededThings: 10 },
  },
  abortCriteria: [{ failureType: JobExecutionFailureType.FAILED, thresholdPercentage: 10, minExecutedThings: 20 }],
  inProgressTimeout: Duration.hours(1),
  retries: [{ failureType: JobExecutionFailureType.TIMED_OUT, numberOfRetries: 2 }],
  waitForRollout: { minSuccessPercent: 5, timeout: PackageDeployment.MAX_ROLLOUT_WAIT, pollInterval: Duration.seconds(10) },
  tags: { release: '2.0.0' },
});
new CfnOutput(stack, 'RolloutJob', { value: rollout.jobArn });
new CfnOutput(stack, 'RolloutJobId', { value: rollout.jobId });
new CfnOutput(stack, 'RolloutPresignRole', { value: rollout.presignedUrlRole!.roleArn });

// The previous version, kept on the canary things that join the group later,
// with the job runner's role presigning the URL.
new PackageDeployment(stack, 'Canary130', {
  versions: [previous],
  defaultVersionOf: [],
  targets: [
    DeploymentTarget.thingArn('arn:aws:iot:eu-west-1:123456789012:thing/canary-1'),
    DeploymentTarget.thingGroupArn('arn:aws:iot:eu-west-1:123456789012:thinggroup/canaries'),
  ],
  document: JobDocument.fromString('{"url":"${aws:iot:package:firmware:version:1.3.0:artifact:s3-presigned-url}"}'),
  presignedUrl: { role: jobRunner, expiresIn: Duration.minutes(10) },
  targetSelection: JobTargetSelection.CONTINUOUS,
  rollout: { exponentialRate: { baseRatePerMinute: 1, incrementFactor: 2, numberOfNotifiedThings: 5 } },
  onRemoval: JobRemoval.LEAVE_RUNNING,
});

// A whole catalog. First the account's prerequisites: fleet indexing (IoT
// refuses CreatePackage without it), and the role jobs use to record
// deployed versions in each thing's $package shadow.
const fleetIndexing = new FleetIndexing(stack, 'FleetIndexing', {
  thingIndexingMode: ThingIndexingMode.REGISTRY_AND_SHADOW,
  restoreOnDelete: true,
});
// The native packages above need it too (the library's constructs wait for it themselves).
firmware.node.addDependency(fleetIndexing);
bootloader.node.addDependency(fleetIndexing);
const shadowRole = new iam.Role(stack, 'PackageShadowRole', {
  assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
  inlinePolicies: {
    PackageShadow: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          actions: ['iot:GetThingShadow', 'iot:UpdateThingShadow'],
          resources: ['arn:aws:iot:eu-west-1:123456789012:thing/*/$package'],
        }),
        new iam.PolicyStatement({ actions: ['iot:DescribeEndpoint'], resources: ['*'] }),
      ],
    }),
  },
});
const packageConfiguration = new PackageConfiguration(stack, 'PackageConfiguration', {
  role: shadowRole,
  disableOnDelete: true,
  replaceExistingRole: true,
});
new CfnOutput(stack, 'ThingIndexingMode', { value: FleetIndexing.of(stack)!.thingIndexingMode });
new CfnOutput(stack, 'PackageShadowRoleArn', { value: PackageConfiguration.of(stack)!.roleArn });
new CfnOutput(stack, 'PackageShadowRoleName', { value: packageConfiguration.role.roleName });

// Then a package with three versions: the next one as a draft, the current
// one published and made the default, and an old one deprecated.
const agent = new SoftwarePackage(stack, 'Agent', {
  packageName: 'gateway-agent',
  description: 'Gateway agent',
  tags: { team: 'edge' },
  adoptExisting: true,
  removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
});
Tags.of(agent).add('product', 'gateway');
agent.addVersion('V110', {
  versionName: '1.1.0',
  description: 'Next release',
  status: PackageVersionStatus.DRAFT,
});
const agentCurrent = new PackageVersion(stack, 'Agent100', {
  package: agent,
  versionName: '1.0.0',
  status: PackageVersionStatus.PUBLISHED,
  attributes: { channel: 'stable' },
});
const agentOld = agent.addVersion('V090', {
  versionName: '0.9.0',
  status: PackageVersionStatus.DEPRECATED,
  removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
});
const agentDefault = agent.addDefaultVersion(agentCurrent);
new CfnOutput(stack, 'AgentArn', { value: agent.packageArn });
new CfnOutput(stack, 'AgentDefaultVersion', { value: agentDefault.defaultVersionName });
new CfnOutput(stack, 'AgentDefaultVersionArn', { value: agentDefault.defaultVersionArn });
new CfnOutput(stack, 'AgentOldVersion', { value: agentOld.packageVersionArn });

// A package another stack manages: its default version, set from here.
const tools = SoftwarePackage.fromPackageName(stack, 'Tools', 'diagnostics-tools');
const toolsRelease = PackageVersion.fromPackageVersionAttributes(stack, 'Tools300', {
  packageName: tools.packageName,
  versionName: '3.0.0',
});
const toolsDefault = new PackageDefaultVersion(stack, 'ToolsDefault', { package: tools, version: toolsRelease });
new CfnOutput(stack, 'ToolsDefaultId', { value: toolsDefault.packageDefaultVersionId });
new CfnOutput(stack, 'ToolsArn', { value: tools.packageArn });
// A package of another account.
const runtime = SoftwarePackage.fromPackageArn(stack, 'SharedRuntime',
  'arn:aws:iot:eu-west-1:210987654321:package/shared-runtime');

// What the job runner may do with them.
agent.grantRead(jobRunner);
agent.grantCreateJob(jobRunner);
tools.grant(jobRunner, 'iot:GetPackage');
tools.grantCreateJob(jobRunner);
runtime.grantRead(jobRunner);

// A second stack whose provider runs in a VPC, logs to a log group of the
// platform team, and has named roles within a permissions boundary.
const network = new Stack(app, 'ConsumerNetwork', { env: { account: '123456789012', region: 'eu-west-1' } });
const platformVpc = ec2.Vpc.fromVpcAttributes(network, 'Vpc', {
  vpcId: 'vpc-0a1b2c3d',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
});
const networkProvider = PackageCatalogProvider.configure(network, {
  vpc: platformVpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(network, 'ProviderSecurityGroup', 'sg-0a1b2c3d')],
  logGroup: logs.LogGroup.fromLogGroupName(network, 'PlatformLogs', 'platform/iot-catalog'),
  permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(network, 'Boundary', 'platform-boundary'),
  roleNamePrefix: 'acme-',
  timeout: Duration.minutes(10),
});
new PackageVersion(network, 'Firmware200', { packageName: 'firmware', versionName: '2.0.0' });
networkProvider.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
new CfnOutput(network, 'HandlerArn', { value: PackageCatalogProvider.of(network).handlerFunction.functionArn });
new CfnOutput(network, 'FrameworkRoleName', { value: networkProvider.frameworkRole.roleName });
new CfnOutput(network, 'HandlerTimeout', { value: `${networkProvider.timeout.toSeconds()}` });
new CfnOutput(network, 'ServiceTimeout', { value: `${networkProvider.serviceTimeout.toSeconds()}` });

app.synth();
