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
 *
 * A normal delete makes two IoT calls, ListTagsForResource and
 * DeletePackageVersion (stacks delete hundreds of versions at once, all
 * under one account's IoT rate):
 *
 * - The physical id is the version's ARN, as IoT returned it at create, so
 *   its tags are read directly, without a GetPackageVersion first: the
 *   marker check is the one read a delete cannot do without. A version that
 *   is gone answers with ResourceNotFoundException (moto's answer; real
 *   IoT's is unverified). Were IoT to answer with an empty tag list instead,
 *   the result would be right as well: no marker, so the version is left
 *   alone, and it does not exist (or is not this resource's) anyway.
 * - The package is not read before the delete: IoT refuses to delete a
 *   package's default version (its API reference says the designation must
 *   be removed first), so the delete is tried, and only when it fails is
 *   the package read, to tell a default version (refused as above) from any
 *   other failure (thrown as the delete's own error). The error IoT gives
 *   for a default version is unverified (moto: ValidationException), so
 *   any failure leads to that check.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { handBack } from './made';
import { findMarker, readMarker } from './owner';
import { parsePackageVersionArn } from '../../src/shared/contract';
import { readStackStatus } from '../aws/cloudformation';
import { deletePackageVersion, findPackage, findPackageVersion } from '../aws/iot';
import { errorName } from '../errors';
import { log } from '../log';
import { callerOf, Marker } from '../ownership';
import { identityOf } from '../properties';
import { HandlerResponse } from '../response';
import { isRollback, refuseUnlessRollingBack } from '../stack-status';

/** A version IoT holds: its ARN and its marker (undefined: none, so not this resource's). */
interface HeldVersion {
  readonly arn: string;
  readonly marker: Marker | undefined;
}

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

  const live = fromArn ? await liveAt(physicalResourceId, packageName, versionName) : await liveNamed(packageName, versionName);
  if (!live) {
    // Already gone, e.g. deleted with its package (AWS::IoT::SoftwarePackage deletes all versions).
    log('version does not exist: nothing to delete', { version });
    return done;
  }
  const { arn, marker } = live;
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

  try {
    // A version gone meanwhile counts as deleted (see deletePackageVersion).
    await deletePackageVersion(packageName, versionName);
  } catch (e) {
    if (!await isDefaultVersion(packageName, versionName)) {
      throw e;
    }
    await refuseUnlessRollingBack(event.StackId,
      `Cannot delete package version '${version}': it is the default version of package '${packageName}', ` +
      'and IoT does not delete a default version. Make another version the default, or unset it with ' +
      `'aws iot update-package --package-name ${packageName} --unset-default-version', then retry. ` +
      'To keep this version instead, give the PackageVersion removalPolicy RETAIN_ON_UPDATE_OR_DELETE.');
    return done;
  }
  log('version deleted', { version });
  return done;
}

/**
 * The version at `arn` (the physical id), read with one call: its tags.
 * Undefined when IoT reports it not found. Which error IoT gives for the
 * tags of a version that is gone is unverified: moto answers
 * ResourceNotFoundException, and the SDK also models InvalidRequestException
 * for ListTagsForResource. On the latter the version is read by its names
 * (GetPackageVersion, whose not-found is modelled) before anything is
 * concluded; any other error is thrown.
 */
async function liveAt(arn: string, packageName: string, versionName: string): Promise<HeldVersion | undefined> {
  let lookup;
  try {
    lookup = await findMarker(arn);
  } catch (e) {
    if (errorName(e) !== 'InvalidRequestException') {
      throw e;
    }
    log('IoT refused to list the version\'s tags: reading the version by its names', { error: errorName(e) });
    return liveNamed(packageName, versionName).catch(() => {
      throw e;
    });
  }
  return lookup.found ? { arn, marker: lookup.marker } : undefined;
}

/** The version found by its names (no ARN to read the tags of): its ARN as IoT reports it, then its marker. */
async function liveNamed(packageName: string, versionName: string): Promise<HeldVersion | undefined> {
  const live = await findPackageVersion(packageName, versionName);
  if (!live?.packageVersionArn) {
    return undefined;
  }
  return { arn: live.packageVersionArn, marker: await readMarker(live.packageVersionArn) };
}

/**
 * After a failed delete: whether the version is its package's default.
 * False when the package cannot be read: that failure must not hide the
 * delete's own error, which the caller then throws.
 */
async function isDefaultVersion(packageName: string, versionName: string): Promise<boolean> {
  try {
    const pkg = await findPackage(packageName);
    return pkg?.defaultVersionName === versionName;
  } catch (e) {
    log('could not read the package after the delete failed: reporting the delete\'s own error', { packageName, error: errorName(e) });
    return false;
  }
}
