/**
 * The example stack: two versions of the `firmware` package. 1.4.0 is
 * published, with its firmware image as the artifact (a CDK asset) and an
 * install recipe; the beta is a draft until `releaseBeta` publishes it.
 *
 * The package itself exists before the stack (the demo creates it, as
 * `aws iot create-package --package-name firmware` would).
 */
import * as path from 'path';
import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PackageVersion, PackageVersionArtifact, PackageVersionStatus } from '../src';

/** The package the example's versions belong to. */
export const PACKAGE_NAME = 'firmware';

export interface FirmwareCatalogStackProps extends StackProps {
  /**
   * Publish the beta, with a description of what it brings.
   * @default false: the beta is a draft without a description
   */
  readonly releaseBeta?: boolean;
}

export class FirmwareCatalogStack extends Stack {
  constructor(scope: Construct, id: string, props: FirmwareCatalogStackProps = {}) {
    super(scope, id, props);

    const v140 = new PackageVersion(this, 'Firmware140', {
      packageName: PACKAGE_NAME,
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

    const beta = new PackageVersion(this, 'Firmware150Beta', {
      packageName: PACKAGE_NAME,
      versionName: '1.5.0-beta.1',
      description: props.releaseBeta ? 'New radio driver' : undefined,
      status: props.releaseBeta ? PackageVersionStatus.PUBLISHED : PackageVersionStatus.DRAFT,
    });

    new CfnOutput(this, 'Firmware140Arn', { value: v140.packageVersionArn });
    new CfnOutput(this, 'Firmware140Status', { value: v140.packageVersionStatus });
    new CfnOutput(this, 'Firmware150BetaStatus', { value: beta.packageVersionStatus });
  }
}
