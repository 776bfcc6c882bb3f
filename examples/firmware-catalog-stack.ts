/**
 * The example stack: a software package with two versions. 1.4.0 is
 * published, with its firmware image as the artifact (a CDK asset) and an
 * install recipe; the beta is a minimal draft.
 */
import * as path from 'path';
import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { PackageVersion, PackageVersionArtifact, PackageVersionStatus } from '../src';

export class FirmwareCatalogStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const firmware = new iot.CfnSoftwarePackage(this, 'Firmware', {
      packageName: 'firmware',
      description: 'Device firmware',
    });
    // Deleting a package deletes all its versions: keep it, as it holds a retained version.
    firmware.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);

    const v140 = new PackageVersion(this, 'Firmware140', {
      packageName: firmware.ref,
      versionName: '1.4.0',
      description: 'Bootloader fix',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { team: 'edge' },
      artifact: PackageVersionArtifact.fromAsset(path.join(__dirname, 'firmware', 'firmware-1.4.0.bin')),
      recipe: JSON.stringify({ version: '1.0', steps: [{ action: { name: 'install', type: 'runHandler', input: { handler: 'install.sh' } } }] }),
      // IoT Jobs deploy only published versions.
      status: PackageVersionStatus.PUBLISHED,
      // Devices in the field run this version: keep it if it leaves the stack.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    new PackageVersion(this, 'Firmware150Beta', {
      packageName: firmware.ref,
      versionName: '1.5.0-beta.1',
    });

    new CfnOutput(this, 'Firmware140Arn', { value: v140.packageVersionArn });
    new CfnOutput(this, 'Firmware140Status', { value: v140.packageVersionStatus });
  }
}
