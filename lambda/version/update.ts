/**
 * Update: in place, or by replacement when PackageName or VersionName change.
 *
 * Custom-resource events carry no rollback flag: a rollback's Update (old
 * and new properties swapped) looks exactly like a user's. Where the handler
 * would refuse an update, it reads the stack's status first, and during a
 * rollback it succeeds, logs what stayed as it was, and reports the live
 * state, so that the rollback can finish.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { confirmStillDeploying, createAndFinish } from './create';
import { readMarker } from './owner';
import { applyFields, applyTags, finish, knownRollback, planVersion, RollbackCheck } from './reconcile';
import { parsePackageVersionArn } from '../../src/shared/contract';
import { readStackStatus } from '../aws/cloudformation';
import { findPackageVersion } from '../aws/iot';
import { log } from '../log';
import { callerOf } from '../ownership';
import { DesiredVersion, readDesiredVersion, readLenient } from '../properties';
import { HandlerResponse, respond, stateOf } from '../response';
import { isRollback, refuseUnlessRollingBack } from '../stack-status';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDesiredVersion(event.ResourceProperties);
  const previous = readLenient(event.OldResourceProperties);
  const current = parsePackageVersionArn(event.PhysicalResourceId) ?? previous;
  const caller = callerOf(event);
  const version = `${desired.packageName}/${desired.versionName}`;

  if (desired.packageName !== current.packageName || desired.versionName !== current.versionName) {
    return replace(event, desired, previous.tags);
  }

  const live = await findPackageVersion(desired.packageName, desired.versionName);
  if (!live) {
    // Deleted outside CloudFormation: re-apply the desired state. The ARN,
    // and so the physical id, stays the same, so CloudFormation knows it
    // whatever happens next.
    log('version no longer exists in IoT: creating it again', { version });
    const { state } = await createAndFinish(desired, caller, { previousTags: previous.tags });
    return respond(event.PhysicalResourceId, desired, state);
  }

  const arn = live.packageVersionArn ?? event.PhysicalResourceId;
  const liveState = stateOf(arn, live);
  const marker = await readMarker(arn);
  if (marker?.owner !== caller.owner && desired.adoptExisting) {
    // The create conflicts with the existing version and takes it over.
    const { state } = await createAndFinish(desired, caller, { previousTags: previous.tags });
    return respond(event.PhysicalResourceId, desired, state);
  }
  if (marker?.owner !== caller.owner) {
    await refuseUnlessRollingBack(event.StackId,
      `Package version '${version}' was not created by this CloudFormation resource (it was deleted outside CloudFormation ` +
      'and made again by someone else, or never had the marker tag of this library), so this stack does not modify it. ' +
      'Remove it from this stack, delete that version and deploy again, or set adoptExisting: true to take it over.');
    return respond(event.PhysicalResourceId, desired, liveState);
  }

  const plan = await planVersion(desired, live, previous);
  const blocked = plan.blocked.length > 0;
  if (blocked) {
    // Fails before any IoT write, except during a rollback, where what
    // can be restored is, and the rest is logged.
    await refuseUnlessRollingBack(event.StackId, plan.blocked.join(' '));
  }
  await applyFields(desired, plan);
  await applyTags(arn, desired.tags, previous.tags);
  // Past a refusal, this is known to be a rollback; otherwise the status is read only if it matters.
  const state = await finish(desired, liveState, plan.pending, blocked ? knownRollback(true) : rollbackCheck(event.StackId));
  return respond(event.PhysicalResourceId, desired, state);
}

/**
 * Replacement: creates the new version and returns its ARN; CloudFormation
 * then deletes the old one in its clean-up phase. When a rename is rolled
 * back, the old version still exists and carries this resource's marker:
 * the create takes it back.
 *
 * Renames read the stack's status twice: before, to know whether this
 * update is itself a rollback, and after the create, to undo it if
 * CloudFormation began rolling back meanwhile (it would never learn the new
 * version's ARN).
 */
async function replace(
  event: CloudFormationCustomResourceUpdateEvent,
  desired: DesiredVersion,
  previousTags: Record<string, string>,
): Promise<HandlerResponse> {
  log('PackageName or VersionName changed: creating the new version', { to: `${desired.packageName}/${desired.versionName}` });
  const rollingBack = isRollback(await readStackStatus(event.StackId));
  const { made, state } = await createAndFinish(desired, callerOf(event), { previousTags, rollingBack });
  if (!rollingBack) {
    await confirmStillDeploying(event.StackId, made);
  }
  return respond(state.arn, desired, state);
}

/** Reads the stack's status the first time it is asked, and only then. */
function rollbackCheck(stackId: string): RollbackCheck {
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= readStackStatus(stackId).then(isRollback));
}
