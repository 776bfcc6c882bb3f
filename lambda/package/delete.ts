/**
 * Delete: removes the package this resource created, and nothing else.
 *
 * - A package without this resource's marker is left alone.
 * - A package this resource took over (a moved construct, or
 *   `adoptExisting`) is handed back to its previous owner when the Delete is
 *   part of a rollback.
 * - Versions are never deleted (unlike `AWS::IoT::SoftwarePackage`, whose
 *   delete removes every version, other stacks' included). While the
 *   package has versions, it is kept: which versions remain is logged, and
 *   the Delete succeeds. The same holds when a version appears between the
 *   check and DeletePackage, and IoT refuses the delete.
 * - A Delete whose physical id is not a package ARN comes after a Create
 *   whose response was lost: the package is found from the properties and
 *   deleted if its marker names this resource.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { handBackPackage } from './made';
import { packageNameOf } from './properties';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { parseSoftwarePackageArn } from '../../src/shared/package-contract';
import { readStackStatus } from '../aws/cloudformation';
import { deletePackage, findPackage, listPackageVersionNames, listTags } from '../aws/iot';
import { callFailed } from '../errors';
import { log } from '../log';
import { callerOf, parseMarker } from '../ownership';
import { HandlerResponse } from '../response';
import { isRollback } from '../stack-status';

/** Most version names logged when a package is kept; `versionCount` gives them all. */
export const LOGGED_VERSIONS_MAX = 20;

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  const done = { PhysicalResourceId: physicalResourceId };
  const fromArn = parseSoftwarePackageArn(physicalResourceId);
  const packageName = fromArn ?? packageNameOf(event.ResourceProperties);
  if (!packageName) {
    log('physical id is not a package ARN, and the properties name no valid package: nothing to delete');
    return done;
  }

  // DeletePackage models no not-found error: look first.
  const live = await findPackage(packageName);
  if (!live?.packageArn) {
    log('package does not exist: nothing to delete', { package: packageName });
    return done;
  }
  const arn = live.packageArn;
  const marker = parseMarker((await listTags(arn))[CREATION_MARKER_TAG]);
  if (marker?.owner !== callerOf(event).owner) {
    log('package was not created by this resource (or was handed on to another): not deleting it', { package: packageName });
    return done;
  }
  if (!fromArn) {
    log('physical id is not an ARN (a create whose response was lost): deleting the package this resource created', { package: packageName });
  }
  if (marker.previous !== undefined && isRollback(await readStackStatus(event.StackId))) {
    // Taken over in the deployment now rolling back: undo the take-over.
    await handBackPackage(arn, marker.previous);
    return done;
  }

  const versions = await listPackageVersionNames(packageName);
  if (versions.length > 0) {
    keptForVersions(packageName, versions);
    return done;
  }
  try {
    await deletePackage(packageName);
  } catch (e) {
    if (await explainFailedDelete(packageName)) {
      return done;
    }
    // The delete's own error, not the re-check's, says what went wrong.
    throw callFailed('DeletePackage', `PackageName '${packageName}'`, e);
  }
  log('package deleted', { package: packageName });
  return done;
}

/**
 * Why DeletePackage failed, if it is no failure of this Delete: a version
 * appeared since the check (IoT refuses to delete a package with versions;
 * which error it gives is not documented), or the package is gone already.
 * A re-check that fails itself explains nothing.
 */
async function explainFailedDelete(packageName: string): Promise<boolean> {
  try {
    const versions = await listPackageVersionNames(packageName);
    if (versions.length > 0) {
      keptForVersions(packageName, versions);
      return true;
    }
    if (!await findPackage(packageName)) {
      log('package is gone (the delete failed, but nothing is left to delete)', { package: packageName });
      return true;
    }
  } catch {
    // Fall through to the delete's own error.
  }
  return false;
}

function keptForVersions(packageName: string, versions: string[]): void {
  log('package still has versions, which this resource never deletes: the package is kept, and the delete succeeds', {
    package: packageName,
    versionCount: versions.length,
    versions: versions.slice(0, LOGGED_VERSIONS_MAX),
  });
}
