/**
 * The reference consumer app. test/consumers/python/app.py and
 * test/consumers/java/.../ConsumerApp.java declare the same stack; their
 * templates must equal this one's (test/consumers/consumers.consumer.ts).
 *
 * Run: CDK_OUTDIR=<dir> npx ts-node --project tsconfig.dev.json test/consumers/typescript/app.ts
 */
import { App, CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { PackageVersion } from '../../../src';

const app = new App();
const stack = new Stack(app, 'ConsumerCatalog', { env: { account: '123456789012', region: 'eu-west-1' } });

// README:start
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
// README:end

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

app.synth();
