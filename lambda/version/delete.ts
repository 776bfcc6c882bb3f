/**
 * Delete: removes the version this resource created, and nothing else.
 *
 * - A version without this resource's marker is left alone: another
 *   resource's, one made outside CloudFormation, or one this resource's
 *   construct handed on when it moved within its stack.
 * - A version this resource took over (a moved construct, or
 *   `adoptExisting`) is handed back to its previous owner when the Delete
 *   is part of a rollback: the take-over is then undone, not the version.
 * - A Delete whose physical id is not an ARN comes after a Create whose
 *   response was lost (or that CloudFormation gave up on): the version is
 *   found from the properties and deleted if its marker names this resource.
 * - The package's default version is not deleted: jobs that target
 *   `$default` would silently lose their target. Outside a rollback that
 *   fails with instructions; during a rollback it is logged and kept.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { handBack } from './made';
import { readMarker } from './owner';
import { parsePackageVersionArn } from '../../src/shared/contract';
import { readStackStatus } from '../aws/cloudformation';
import { deletePackageVersion, findPackage, findPackageVersion } from '../aws/iot';
import { log } from '../log';
import { callerOf } from '../ownership';
import { identityOf } from '../properties';
import { HandlerResponse } from '../response';
import { isRollback, refuseUnlessRollingBack } from '../stack-status';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  const done = { PhysicalResourceId: physicalResourceId };
  const fromArn = parsePackageVersionArn(physicalResourceId);
  const id = fromArn ?? identityOf(event.ResourceProperties);
  if (!id) {
    log('physical id is not a package version ARN, and the properties name no valid version: nothing to delete');
    return done;
  }
  const { packageName, versionName } = id;
  const version = `${packageName}/${versionName}`;

  const live = await findPackageVersion(packageName, versionName);
  if (!live?.packageVersionArn) {
    // Already gone, e.g. deleted with its package (AWS::IoT::SoftwarePackage deletes all versions).
    log('version does not exist: nothing to delete', { version });
    return done;
  }
  const arn = live.packageVersionArn;
  const marker = await readMarker(arn);
  if (marker?.owner !== callerOf(event).owner) {
    log('version was not created by this resource (or was handed on to another): not deleting it', { version });
    return done;
  }
  if (!fromArn) {
    log('physical id is not an ARN (a create whose response was lost): deleting the version this resource created', { version });
  }

  if (marker.previous !== undefined && isRollback(await readStackStatus(event.StackId))) {
    // Taken over in the deployment now rolling back: undo the take-over.
    await handBack(arn, marker.previous);
    return done;
  }

  const pkg = await findPackage(packageName);
  if (pkg?.defaultVersionName === versionName) {
    await refuseUnlessRollingBack(event.StackId,
      `Cannot delete package version '${version}': it is the default version of package '${packageName}', ` +
      'and IoT does not delete a default version. Make another version the default, or unset it with ' +
      `'aws iot update-package --package-name ${packageName} --unset-default-version', then retry. ` +
      'To keep this version instead, give the PackageVersion removalPolicy RETAIN_ON_UPDATE_OR_DELETE.');
    return done;
  }

  await deletePackageVersion(packageName, versionName);
  log('version deleted', { version });
  return done;
}
