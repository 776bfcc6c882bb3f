/**
 * The README's first example, a complete app: the README's TypeScript block
 * is the region below (with the library imported by its package name), and
 * test/consumers/python/readme_app.py and
 * test/consumers/java/.../FirmwareCatalogApp.java are the same app, whose
 * templates must equal this one's (test/consumers/consumers.consumer.ts).
 *
 * Run: CDK_OUTDIR=<dir> npx ts-node --project tsconfig.dev.json test/consumers/typescript/readme-app.ts
 */
// README:start
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DeploymentTarget, FleetIndexing, PackageDeployment, PackageVersionArtifact, PackageVersionStatus, SoftwarePackage,
} from '../../../src';

class FirmwareCatalogStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // IoT refuses to create packages until fleet indexing is on (an account-wide setting).
    new FleetIndexing(this, 'FleetIndexing');

    // Your release bucket; it must be versioned (IoT keeps the artifact's object version).
    const releases = s3.Bucket.fromBucketName(this, 'Releases', 'my-firmware-releases');

    const firmware = new SoftwarePackage(this, 'Firmware', { packageName: 'firmware' });
    const v140 = firmware.addVersion('Firmware140', {
      versionName: '1.4.0',
      description: 'Bootloader fix',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      artifact: PackageVersionArtifact.fromBucket(releases, 'firmware/1.4.0.bin'),
      // IoT Jobs deploy only PUBLISHED (or DEPRECATED) versions.
      status: PackageVersionStatus.PUBLISHED,
      tags: { team: 'edge' },
    });
    firmware.addDefaultVersion(v140);

    // An IoT job that deploys the version to a thing group.
    new PackageDeployment(this, 'Rollout', {
      versions: [v140],
      targets: [DeploymentTarget.thingGroupName('field-devices')],
    });

    new CfnOutput(this, 'VersionArn', { value: v140.packageVersionArn });
  }
}

const app = new App();
new FirmwareCatalogStack(app, 'FirmwareCatalog');
app.synth();
// README:end
