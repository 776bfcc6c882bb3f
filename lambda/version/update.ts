/**
 * Update: in place, or by replacement when PackageName or VersionName change.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { create } from './create';
import { ownedByAnother } from './owner';
import { applyFields, applyTags } from './reconcile';
import { parsePackageVersionArn } from '../../src/shared/contract';
import { findPackageVersion } from '../aws/iot';
import { log } from '../log';
import { callerOf } from '../ownership';
import { readDesiredVersion, readLenient } from '../properties';
import { HandlerResponse, respond } from '../response';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDesiredVersion(event.ResourceProperties);
  const previous = readLenient(event.OldResourceProperties);
  const current = parsePackageVersionArn(event.PhysicalResourceId) ?? previous;
  const caller = callerOf(event);

  if (desired.packageName !== current.packageName || desired.versionName !== current.versionName) {
    // Replacement: create the new version and return its ARN. CloudFormation
    // then sends a Delete for the old ARN in its clean-up phase. When a
    // rename is rolled back, the old version still exists and carries this
    // resource's marker: create() takes it back.
    log('PackageName or VersionName changed: creating the new version', {
      from: `${current.packageName}/${current.versionName}`,
      to: `${desired.packageName}/${desired.versionName}`,
    });
    const state = await create(desired, caller);
    return respond(state.arn, desired, state);
  }

  const live = await findPackageVersion(desired.packageName, desired.versionName);
  if (!live) {
    // Deleted outside CloudFormation: re-apply the desired state. The ARN,
    // and so the physical id, stays the same.
    log('version no longer exists in IoT: creating it again', { version: `${desired.packageName}/${desired.versionName}` });
    const state = await create(desired, caller);
    return respond(event.PhysicalResourceId, desired, state);
  }

  const arn = live.packageVersionArn ?? event.PhysicalResourceId;
  if (await ownedByAnother(arn, caller)) {
    throw new Error(
      `Package version '${desired.packageName}/${desired.versionName}' was deleted outside CloudFormation and created again by ` +
      'another stack or resource, so this stack does not modify it. Remove it from this stack, or delete the other version ' +
      'and deploy again.',
    );
  }

  await applyFields(desired, live, previous.description);
  await applyTags(arn, desired.tags, previous.tags);
  return respond(event.PhysicalResourceId, desired, { arn, status: live.status, errorReason: live.errorReason });
}

