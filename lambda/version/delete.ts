/**
 * Delete: removes the version this resource created, and nothing else.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { ownedByAnother } from './owner';
import { parsePackageVersionArn } from '../../src/shared/contract';
import { deletePackageVersion, findPackage, findPackageVersion } from '../aws/iot';
import { log } from '../log';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  const id = parsePackageVersionArn(physicalResourceId);
  if (!id) {
    // Only a create that failed before IoT made anything leaves such an id.
    log('physical id is not a package version ARN: nothing to delete', { physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  const { packageName, versionName } = id;

  const live = await findPackageVersion(packageName, versionName);
  if (!live) {
    // Already gone, e.g. deleted with its package (AWS::IoT::SoftwarePackage deletes all versions).
    log('version already deleted', { version: `${packageName}/${versionName}` });
    return { PhysicalResourceId: physicalResourceId };
  }

  if (await ownedByAnother(live.packageVersionArn ?? physicalResourceId, callerOf(event))) {
    // Ours was deleted outside CloudFormation and somebody else made a new
    // version with the same name: it is theirs to keep.
    log('version was created by another stack or resource: not deleting it', { version: `${packageName}/${versionName}` });
    return { PhysicalResourceId: physicalResourceId };
  }

  const pkg = await findPackage(packageName);
  if (pkg?.defaultVersionName === versionName) {
    // Deliberately not unset here: jobs that target '$default' would silently
    // lose their target. The user decides.
    throw new Error(
      `Cannot delete package version '${packageName}/${versionName}': it is the default version of package '${packageName}', ` +
      'and IoT does not delete a default version. Make another version the default, or unset it with ' +
      `'aws iot update-package --package-name ${packageName} --unset-default-version', then retry. ` +
      'To keep this version instead, give the PackageVersion removalPolicy RETAIN.',
    );
  }

  await deletePackageVersion(packageName, versionName);
  log('version deleted', { version: `${packageName}/${versionName}` });
  return { PhysicalResourceId: physicalResourceId };
}

