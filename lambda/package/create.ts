/**
 * Create: makes a new package, idempotently, marked as this resource's; or,
 * where ownership allows, takes an existing one (see ../ownership.ts). The
 * rules are the version's (../version/create.ts):
 *
 * - the clientToken comes from the RequestId, so a retried request is
 *   idempotent where IoT honours it;
 * - on ConflictException, the creation marker tells this request's own
 *   earlier attempt, a package this same resource made before, a package of
 *   another resource of the same stack (a construct moved within its stack)
 *   and a package somebody else made (refused unless `adoptExisting`) apart.
 */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { confirmPackageStillDeploying, MadePackage } from './made';
import { DesiredPackage, readDesiredPackage } from './properties';
import { reconcilePackage } from './reconcile';
import { respondPackage } from './response';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { createPackage, deletePackage, findPackage, listPackageVersionNames, listTags, tagResource } from '../aws/iot';
import { inCleanup } from '../deadline';
import { callFailed, DeadlineError, errorName, sentence, truncate } from '../errors';
import { log } from '../log';
import { Caller, callerOf, markerValue, parseMarker, sameStack } from '../ownership';
import { HandlerResponse } from '../response';
import { clientTokenFor, retryWhileAccessDenied } from '../version/create';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredPackage(event.ResourceProperties);
  const made = await createOwnedPackage(desired, callerOf(event), {});
  await confirmPackageStillDeploying(event.StackId, made);
  return respondPackage(made.arn, desired.packageName);
}

/** How a create treats what it finds. */
export interface PackageCreateOptions {
  /** Tags the previous template gave the package, if any: the only ones a take-back removes. */
  readonly previousTags?: Record<string, string>;
  /** The request is a rollback's: a package this resource may not take is left as it is. */
  readonly rollingBack?: boolean;
}

/** Errors with which IoT refuses a create without making anything. */
const REJECTED_BEFORE_CREATING = new Set([
  'ValidationException', 'AccessDeniedException', 'UnauthorizedException', 'ServiceQuotaExceededException', 'ThrottlingException',
]);

/** Creates (or takes) a package, idempotently. */
export async function createOwnedPackage(desired: DesiredPackage, caller: Caller, options: PackageCreateOptions): Promise<MadePackage> {
  const { packageName } = desired;
  try {
    const out = await retryWhileAccessDenied(() => createPackage({
      packageName,
      description: desired.description,
      tags: { ...desired.tags, [CREATION_MARKER_TAG]: markerValue(caller) },
      clientToken: clientTokenFor(caller.requestId),
    }));
    log('package created', { package: packageName });
    return { arn: out.packageArn!, packageName, undo: { kind: 'delete', packageName } };
  } catch (e) {
    if (errorName(e) === 'ConflictException') {
      return resolveConflict(desired, caller, options, e);
    }
    const hint = errorName(e) === 'AccessDeniedException'
      ? ' (IAM did not allow the call, even after waiting for a new policy to take effect: check permission boundaries and SCPs)'
      : '';
    const failure = callFailed('CreatePackage', `PackageName '${packageName}'`, e, hint);
    const unanswered = e instanceof DeadlineError ? e.sent : !REJECTED_BEFORE_CREATING.has(errorName(e));
    const cleanup = unanswered ? await undoUnansweredCreate(packageName, caller) : '';
    throw cleanup ? new Error(`${sentence(failure.message)}${cleanup}`) : failure;
  }
}

/**
 * A CreatePackage that failed without an answer may still have made the
 * package, which CloudFormation would then never learn of: delete it again
 * if this request's marker says this request made it (and it has no versions).
 *
 * @returns what to add to the failure, if anything
 */
async function undoUnansweredCreate(packageName: string, caller: Caller): Promise<string> {
  try {
    return await inCleanup(async () => {
      const live = await findPackage(packageName);
      if (!live?.packageArn) {
        return '';
      }
      const marker = parseMarker((await listTags(live.packageArn))[CREATION_MARKER_TAG]);
      if (marker?.owner !== caller.owner || marker.requestId !== caller.requestId || marker.previous !== undefined) {
        return '';
      }
      if ((await listPackageVersionNames(packageName)).length > 0) {
        return ` IoT had made the package nonetheless, and it already has versions, so it was kept: ${live.packageArn}.`;
      }
      await deletePackage(packageName);
      log('undone: the create had reached IoT; package deleted again', { package: packageName });
      return ' IoT had made the package nonetheless; it was deleted again, so nothing is left behind.';
    });
  } catch (e) {
    return ` IoT may have made the package nonetheless, and it could not be checked or deleted (${truncate((e as Error).message, 300)}); ` +
      `if package '${packageName}' exists with this resource's ownership tag, delete it with 'aws iot delete-package --package-name ${packageName}'.`;
  }
}

/** CreatePackage said the package exists: whose is it? */
async function resolveConflict(desired: DesiredPackage, caller: Caller, options: PackageCreateOptions, conflict: unknown): Promise<MadePackage> {
  const { packageName } = desired;
  const existing = await findPackage(packageName);
  if (!existing?.packageArn) {
    throw callFailed('CreatePackage', `PackageName '${packageName}'`, conflict);
  }
  const arn = existing.packageArn;
  const marker = parseMarker((await listTags(arn))[CREATION_MARKER_TAG]);

  if (marker?.owner === caller.owner && marker.requestId === caller.requestId) {
    log('create was retried: using the package this request already created or took over', { package: packageName });
    await reconcilePackage(desired, arn, existing, {});
    return { arn, packageName, undo: marker.previous === undefined ? { kind: 'delete', packageName } : { kind: 'hand-back', previous: marker.previous } };
  }
  if (marker?.owner === caller.owner) {
    log('package was created earlier by this same resource (e.g. a rename rolled back, or a stack re-created): taking it back', { package: packageName });
    await reconcilePackage(desired, arn, existing, options.previousTags ?? {});
    return { arn, packageName };
  }
  const moved = marker !== undefined && sameStack(marker.owner, caller.owner);
  if (moved || desired.adoptExisting) {
    const previous = marker?.owner ?? null;
    log(moved ? 'package belongs to another resource of this stack (a construct moved within its stack): taking it over'
      : 'adoptExisting: taking over a package this resource did not create', { package: packageName, previousOwner: previous ?? 'none' });
    await reconcilePackage(desired, arn, existing, {});
    await tagResource(arn, { [CREATION_MARKER_TAG]: markerValue(caller, previous) });
    return { arn, packageName, undo: { kind: 'hand-back', previous } };
  }
  if (options.rollingBack) {
    log('rollback: the package now belongs to someone else; left as it is, not taken over', { package: packageName });
    return { arn, packageName };
  }
  throw new Error(
    `Package '${packageName}' already exists and was not created by this CloudFormation resource, so it is not taken over. ` +
    'Choose another packageName; or, if this stack should manage it from now on (a package made by the console, CI or ' +
    'CfnSoftwarePackage), set adoptExisting: true. ' +
    `IoT said: ConflictException: ${truncate(String((conflict as Error).message ?? ''), 300)}`,
  );
}
