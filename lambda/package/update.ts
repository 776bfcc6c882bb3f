/**
 * Update: the description in place (UpdatePackage), the tags reconciled
 * (the creation marker is never removed), and a new PackageName by
 * replacement: the new package is created and its ARN returned, and
 * CloudFormation deletes the old one in its clean-up phase.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { createOwnedPackage } from './create';
import { confirmPackageStillDeploying } from './made';
import { DesiredPackage, readDesiredPackage, readLenientPackage } from './properties';
import { applyDescription } from './reconcile';
import { respondPackage } from './response';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { parseSoftwarePackageArn } from '../../src/shared/package-contract';
import { readStackStatus } from '../aws/cloudformation';
import { findPackage, listTags } from '../aws/iot';
import { log } from '../log';
import { callerOf, parseMarker } from '../ownership';
import { HandlerResponse } from '../response';
import { isRollback, refuseUnlessRollingBack } from '../stack-status';
import { applyTags } from '../version/reconcile';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDesiredPackage(event.ResourceProperties);
  const previous = readLenientPackage(event.OldResourceProperties);
  const current = parseSoftwarePackageArn(event.PhysicalResourceId) ?? previous.packageName;
  const caller = callerOf(event);
  const { packageName } = desired;

  if (packageName !== current) {
    return replace(event, desired, previous);
  }

  const live = await findPackage(packageName);
  if (!live?.packageArn) {
    // Deleted outside CloudFormation: create it again. The ARN, and so the
    // physical id, stays the same.
    log('package no longer exists in IoT: creating it again', { package: packageName });
    const made = await createOwnedPackage(desired, caller, { previousTags: previous.tags });
    return respondPackage(made.arn, packageName);
  }
  const arn = live.packageArn;
  const marker = parseMarker((await listTags(arn))[CREATION_MARKER_TAG]);
  if (marker?.owner !== caller.owner && desired.adoptExisting) {
    // The create conflicts with the existing package and takes it over.
    const made = await createOwnedPackage(desired, caller, { previousTags: previous.tags });
    return respondPackage(made.arn, packageName);
  }
  if (marker?.owner !== caller.owner) {
    await refuseUnlessRollingBack(event.StackId,
      `Package '${packageName}' was not created by this CloudFormation resource (it was deleted outside CloudFormation and made ` +
      'again by someone else, or never had the marker tag of this library), so this stack does not modify it. Remove it from ' +
      'this stack, or set adoptExisting: true to take it over.');
    return respondPackage(arn, packageName);
  }

  await applyDescription(desired, live);
  await applyTags(arn, desired.tags, previous.tags);
  return respondPackage(arn, packageName);
}

/**
 * Replacement: creates the new package and returns its ARN. When a rename is
 * rolled back, the old package still exists with this resource's marker:
 * the create takes it back.
 */
async function replace(event: CloudFormationCustomResourceUpdateEvent, desired: DesiredPackage, previous: DesiredPackage): Promise<HandlerResponse> {
  log('PackageName changed: creating the new package', { to: desired.packageName });
  const rollingBack = isRollback(await readStackStatus(event.StackId));
  const made = await createOwnedPackage(desired, callerOf(event), { previousTags: previous.tags, rollingBack });
  if (!rollingBack) {
    await confirmPackageStillDeploying(event.StackId, made);
  }
  return respondPackage(made.arn, desired.packageName);
}
