/**
 * Delete: unsets the package's default, only if it is still the version
 * this resource set, and no other resource has set it since.
 *
 * - The version is read from the physical id (`<packageArn>/default/<version>`),
 *   never from the properties, which may be those of a later template.
 * - A default that has moved on (a newer designation of this stack set
 *   another version, or someone set one outside CloudFormation) is left
 *   alone; so is a package without a default, or a package that is gone.
 * - A default that another resource set since, even to the same version
 *   (the package's marker tag names another resource: this construct
 *   moved within its stack, say), is left alone. A default this resource
 *   took over from another one in a deployment now rolling back is handed
 *   back to it (the marker names it again) instead of being unset.
 * - A default the package already had when this resource designated it
 *   (the marker records it as the default it replaced) is left as it was.
 * - A physical id that is not a designation id comes after a Create whose
 *   response was lost: the properties then name the version, and the
 *   default is unset if it is that version.
 * - During a rollback, CloudFormation may update a replaced designation
 *   back (its Delete of the new physical id then finds the default already
 *   set back, and leaves it), or delete what the failed deployment made
 *   without an Update: the Delete then sets the default this resource
 *   replaced back (the marker records it), or unsets it if there was none.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { packageArnOf } from './designate';
import { readDefaultMarker, removeDefaultMarker, writeDefaultMarker } from './marker';
import { designationOf } from './properties';
import { parseDefaultVersionId } from '../../src/shared/default-version-contract';
import { readStackStatus } from '../aws/cloudformation';
import { findPackage, updatePackage } from '../aws/iot';
import { errorName } from '../errors';
import { log } from '../log';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';
import { isRollback } from '../stack-status';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const done = { PhysicalResourceId: event.PhysicalResourceId };
  const fromId = parseDefaultVersionId(event.PhysicalResourceId);
  const id = fromId ?? designationOf(event.ResourceProperties);
  if (!id) {
    log('physical id is not a default-version id, and the properties name no valid version: nothing to unset');
    return done;
  }
  const { packageName, versionName } = id;
  const version = `${packageName}/${versionName}`;
  if (!fromId) {
    log('physical id is not a default-version id (a create whose response was lost): using the properties\' version', { version });
  }

  const pkg = await findPackage(packageName);
  if (!pkg) {
    log('package does not exist: nothing to unset', { version });
    return done;
  }
  const packageArn = pkg.packageArn ?? packageArnOf(event.StackId, packageName, '');
  const marker = await readDefaultMarker(packageArn);
  const { owner } = callerOf(event);
  if (marker !== undefined && marker.owner !== owner) {
    // E.g. this construct moved within its stack: the new resource set the same default.
    log('another resource set the package\'s default since: leaving it', { version, currentDefault: pkg.defaultVersionName ?? null });
    return done;
  }
  if (pkg.defaultVersionName !== versionName) {
    log('the package\'s default is not the version this resource set: leaving it', { version, currentDefault: pkg.defaultVersionName ?? null });
    return done;
  }
  if (marker?.previousDefault === versionName) {
    // The package had this default before this resource designated it: it stays as it was.
    await removeDefaultMarker(packageArn);
    log('the package had this default before this resource designated it: leaving it', { version });
    return done;
  }
  const rollingBack = marker !== undefined && (marker.previous !== undefined || marker.previousDefault !== undefined)
    && isRollback(await readStackStatus(event.StackId));
  if (rollingBack && marker.previous !== undefined) {
    // Taken over from another resource in the deployment now rolling back: hand it back.
    await writeDefaultMarker(packageArn, marker.previous);
    log('rollback: the default goes back to the resource that set it before; leaving it', { version });
    return done;
  }
  if (rollingBack && typeof marker.previousDefault === 'string' && await restoreDefault(packageName, marker.previousDefault)) {
    // CloudFormation deletes the designation a failed deployment made (or
    // replaced) instead of updating it back: the default it replaced returns.
    await writeDefaultMarker(packageArn, owner);
    log('rollback: the default this resource replaced is set again', { version, restored: marker.previousDefault });
    return done;
  }
  await updatePackage({ packageName, unsetDefaultVersion: true }, ['unsetDefaultVersion']);
  if (marker !== undefined) {
    await removeDefaultMarker(packageArn);
  }
  log('default version unset', { version });
  return done;
}

/**
 * Sets the default back to a version, if IoT still lets it be the default.
 * A rollback must finish: a version that is gone or no longer publishable
 * is logged, and the caller unsets the default instead.
 */
async function restoreDefault(packageName: string, versionName: string): Promise<boolean> {
  try {
    await updatePackage({ packageName, defaultVersionName: versionName }, ['defaultVersionName']);
    return true;
  } catch (e) {
    log('rollback: the earlier default cannot be set again; unsetting instead', { version: `${packageName}/${versionName}`, reason: errorName(e) });
    return false;
  }
}
