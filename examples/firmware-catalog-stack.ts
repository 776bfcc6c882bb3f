/**
 * The example stack: a whole catalog, from the account's prerequisites to
 * devices.
 *
 * - The prerequisites: fleet indexing with the `$package` named shadow, and
 *   the package configuration that lets jobs record versions in it.
 * - The `firmware` package, with three versions: 1.3.0 DEPRECATED, 1.4.0
 *   PUBLISHED with its firmware image (a CDK asset) and an install recipe,
 *   and the 1.5.0-beta.1 DRAFT.
 * - 1.4.0 is the package's default version, and a job deploys the default
 *   (`$default`) to the `field-devices` thing group.
 *
 * `releaseBeta` is the next release: the beta is published and becomes the
 * default, and 1.3.0 leaves the catalog, in one deployment.
 *
 * The thing group is the devices' registry, not the catalog's: the stack
 * names it (the demo creates it in the local cloud first, as your device
 * provisioning would).
 */
import * as path from 'path';
import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  DeploymentTarget,
  FleetIndexing,
  PackageConfiguration,
  PackageDeployment,
  PackageVersionArtifact,
  PackageVersionStatus,
  SoftwarePackage,
} from '../src';

/** The package of the example. */
export const PACKAGE_NAME = 'firmware';

/** The thing group the default version is deployed to. */
export const THING_GROUP_NAME = 'field-devices';

export interface FirmwareCatalogStackProps extends StackProps {
  /**
   * Release the beta: publish it with a description, make it the default,
   * and remove 1.3.0 from the catalog.
   * @default false: the beta is a draft, 1.4.0 the default
   */
  readonly releaseBeta?: boolean;
}

export class FirmwareCatalogStack extends Stack {
  constructor(scope: Construct, id: string, props: FirmwareCatalogStackProps = {}) {
    super(scope, id, props);
    const release = props.releaseBeta ?? false;

    // Account-wide prerequisites: IoT refuses CreatePackage without fleet
    // indexing, and jobs record versions in '$package' only with the package
    // configuration. Both stay enabled when the stack is deleted.
    new FleetIndexing(this, 'FleetIndexing');
    new PackageConfiguration(this, 'PackageConfiguration');

    const firmware = new SoftwarePackage(this, 'Firmware', {
      packageName: PACKAGE_NAME,
      description: 'Gateway firmware',
    });

    if (!release) {
      firmware.addVersion('Firmware130', {
        versionName: '1.3.0',
        description: 'Superseded by 1.4.0',
        status: PackageVersionStatus.DEPRECATED,
      });
    }

    const v140 = firmware.addVersion('Firmware140', {
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

    const beta = firmware.addVersion('Firmware150Beta', {
      versionName: '1.5.0-beta.1',
      description: release ? 'New radio driver' : undefined,
      status: release ? PackageVersionStatus.PUBLISHED : PackageVersionStatus.DRAFT,
    });

    // The version jobs get when they ask for the package's '$default'.
    const designation = firmware.addDefaultVersion(release ? beta : v140);

    // A job that deploys the default version to the field devices; the
    // job's executions record it in each thing's '$package' shadow.
    const rollout = new PackageDeployment(this, 'FieldRollout', {
      defaultVersionOf: [firmware],
      targets: [DeploymentTarget.thingGroupName(THING_GROUP_NAME)],
      description: 'Firmware default version to the field devices',
    });

    new CfnOutput(this, 'Firmware140Arn', { value: v140.packageVersionArn });
    new CfnOutput(this, 'Firmware140Status', { value: v140.packageVersionStatus });
    new CfnOutput(this, 'Firmware150BetaStatus', { value: beta.packageVersionStatus });
    new CfnOutput(this, 'DefaultVersion', { value: designation.defaultVersionName });
    new CfnOutput(this, 'FieldRolloutJobId', { value: rollout.jobId });
  }
}
