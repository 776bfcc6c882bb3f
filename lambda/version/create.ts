/**
 * Create: makes a new version, idempotently, marked as this resource's; or,
 * where ownership allows, takes an existing one (see ../ownership.ts).
 */
import { createHash } from 'crypto';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { completeOrUndo, Made, Undo } from './made';
import { resolveObject } from './objects';
import { readMarker } from './owner';
import { finish, knownRollback, planVersion, reconcile } from './reconcile';
import { stepsBetween } from './status';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { readStackStatus } from '../aws/cloudformation';
import { createPackageVersion, deletePackageVersion, findPackage, findPackageVersion, listTags, tagResource } from '../aws/iot';
import { inCleanup, now, sleep, timeLeft } from '../deadline';
import { callFailed, DeadlineError, errorName, sentence, truncate } from '../errors';
import { log } from '../log';
import { Caller, callerOf, markerValue, parseMarker, sameStack } from '../ownership';
import { DesiredVersion, readDesiredVersion } from '../properties';
import { HandlerResponse, respond, stateOf, VersionState } from '../response';
import { isDeploying } from '../stack-status';

/** How long a create retries IoT's AccessDenied while a new IAM policy propagates. */
export const IAM_PROPAGATION_MS = 90_000;

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredVersion(event.ResourceProperties);
  const { made, state } = await createAndFinish(desired, callerOf(event), {});
  await confirmStillDeploying(event.StackId, made);
  return respond(state.arn, desired, state);
}

/** How a create treats what it finds. */
export interface CreateOptions {
  /** Tags the previous template gave the version, if any: the only ones a take-back removes. */
  readonly previousTags?: Record<string, string>;
  /**
   * The request is a rollback's (a rename rolled back): a version this
   * resource may not take is left as it is instead of failing the rollback.
   */
  readonly rollingBack?: boolean;
}

/**
 * Creates (or takes) a version, then makes what follows the create (the
 * SBOM, the status steps); if that fails, undoes what the create made.
 */
export async function createAndFinish(desired: DesiredVersion, caller: Caller, options: CreateOptions): Promise<{ made: Made; state: VersionState }> {
  const made = await createVersion(desired, caller, options);
  const state = await completeOrUndo(made, () => finish(desired, made.state, made.pending, knownRollback(options.rollingBack ?? false)));
  return { made, state };
}

/**
 * Creates a version, idempotently.
 *
 * The clientToken comes from the RequestId, so a retried request is
 * idempotent where IoT honours it. Where it does not, the retry gets a
 * ConflictException; the creation marker then tells our own earlier
 * attempt, or a version this same resource made before, apart from a
 * version somebody else made.
 */
export async function createVersion(desired: DesiredVersion, caller: Caller, options: CreateOptions): Promise<Made> {
  const { packageName, versionName } = desired;
  // Object versions are resolved before anything is made, so that an
  // unreadable object or an unversioned bucket fails the create cleanly.
  const artifact = desired.artifact && await resolveObject('Artifact', desired.artifact, undefined);
  const sbom = desired.sbom && await resolveObject('Sbom', desired.sbom, undefined);
  try {
    const out = await retryWhileAccessDenied(() => createPackageVersion({
      packageName,
      versionName,
      description: desired.description,
      attributes: desired.attributes,
      tags: { ...desired.tags, [CREATION_MARKER_TAG]: markerValue(caller) },
      clientToken: clientTokenFor(caller.requestId),
      artifact,
      recipe: desired.recipe,
    }));
    log('version created', { version: `${packageName}/${versionName}`, status: out.status });
    const state = stateOf(out.packageVersionArn!, out);
    return {
      state,
      undo: { kind: 'delete', packageName, versionName },
      pending: { sbom: sbom && { kind: 'associate', sbom }, steps: stepsBetween(out.status ?? 'DRAFT', desired.status) ?? [] },
    };
  } catch (e) {
    if (errorName(e) === 'ConflictException') {
      return resolveConflict(desired, caller, options, e);
    }
    const failure = await createFailure(desired, e);
    const unanswered = e instanceof DeadlineError ? e.sent : !REJECTED_BEFORE_CREATING.has(errorName(e));
    const cleanup = unanswered ? await undoUnansweredCreate(desired, caller) : '';
    throw cleanup ? new Error(`${sentence(failure.message)}${cleanup}`) : failure;
  }
}

/** Errors with which IoT refuses a create without making anything. */
const REJECTED_BEFORE_CREATING = new Set([
  'ValidationException', 'AccessDeniedException', 'UnauthorizedException', 'ServiceQuotaExceededException',
  'ThrottlingException', 'ResourceNotFoundException',
]);

/**
 * A CreatePackageVersion that failed without an answer (cut off by the
 * deadline, a server error, a lost connection) may still have made the
 * version, which CloudFormation would then never learn of. Using the cleanup
 * reserve, delete it if this request's marker says this request made it.
 *
 * @returns what to add to the failure, if anything
 */
async function undoUnansweredCreate(desired: DesiredVersion, caller: Caller): Promise<string> {
  const { packageName, versionName } = desired;
  try {
    return await inCleanup(async () => {
      const live = await findPackageVersion(packageName, versionName);
      if (!live?.packageVersionArn) {
        return '';
      }
      const marker = await readMarker(live.packageVersionArn);
      if (marker?.owner !== caller.owner || marker.requestId !== caller.requestId || marker.previous !== undefined) {
        return '';
      }
      await deletePackageVersion(packageName, versionName);
      log('undone: the create had reached IoT; version deleted again', { version: `${packageName}/${versionName}` });
      return ' IoT had made the version nonetheless; it was deleted again, so nothing is left behind.';
    });
  } catch (e) {
    return ` IoT may have made the version nonetheless, and it could not be checked or deleted (${truncate((e as Error).message, 300)}); ` +
      `if version '${packageName}/${versionName}' exists with this resource's ownership tag, delete it with ` +
      `'aws iot delete-package-version --package-name ${packageName} --version-name ${versionName}'.`;
  }
}

/** CreatePackageVersion said the version exists: whose is it? */
async function resolveConflict(desired: DesiredVersion, caller: Caller, options: CreateOptions, conflict: unknown): Promise<Made> {
  const { packageName, versionName } = desired;
  const version = `${packageName}/${versionName}`;
  const existing = await findPackageVersion(packageName, versionName);
  if (!existing?.packageVersionArn) {
    // The conflict is about something else than an existing version.
    throw callFailed('CreatePackageVersion', subjectOf(desired), conflict);
  }
  const arn = existing.packageVersionArn;
  const tags = await listTags(arn);
  const marker = parseMarker(tags[CREATION_MARKER_TAG]);
  const state = stateOf(arn, existing);

  if (marker?.owner === caller.owner && marker.requestId === caller.requestId) {
    log('create was retried: using the version this request already created or took over', { version });
    // A take-over (the marker records the previous owner) is undone by handing back, never by deleting.
    const undo: Undo = marker.previous === undefined
      ? { kind: 'delete', packageName, versionName }
      : { kind: 'hand-back', arn, previous: marker.previous };
    // What the earlier attempt did not get to (the SBOM, the status steps) is still to do.
    const { pending, blocked } = await planVersion(desired, existing, undefined);
    if (blocked.length > 0) {
      throw new Error(blocked.join(' '));
    }
    return { state, undo, pending };
  }
  if (marker?.owner === caller.owner) {
    log('version was created earlier by this same resource (e.g. a rename rolled back, or a stack re-created): taking it back', { version });
    const pending = await reconcile(desired, arn, existing, options.previousTags ?? {}, options.rollingBack);
    return { state, pending };
  }
  const moved = marker !== undefined && sameStack(marker.owner, caller.owner);
  if (moved || desired.adoptExisting) {
    const previous = marker?.owner ?? null;
    log(moved ? 'version belongs to another resource of this stack (a construct moved within its stack): taking it over'
      : 'adoptExisting: taking over a version this resource did not create', { version, previousOwner: previous ?? 'none' });
    const pending = await reconcile(desired, arn, existing, {});
    await tagResource(arn, { [CREATION_MARKER_TAG]: markerValue(caller, previous) });
    return { state, undo: { kind: 'hand-back', arn, previous }, pending };
  }
  if (options.rollingBack) {
    // The rollback goes on; the version stays its owner's.
    log('rollback: the version now belongs to someone else; left as it is, not taken over', { version });
    return { state, pending: { steps: [] } };
  }
  throw new Error(
    `Package version '${version}' already exists and was not created by this CloudFormation resource, so it is not ` +
    `taken over (${subjectOf(desired)}). Choose another versionName; or, if this stack should manage it from now on ` +
    '(a version made by the console, CI or CfnSoftwarePackageVersion), set adoptExisting: true. ' +
    `IoT said: ConflictException: ${truncate(String((conflict as Error).message ?? ''), 300)}`,
  );
}

/**
 * After a create, and before anything irreversible: CloudFormation may
 * have given up on this request (a sibling failed, or the stack is being
 * deleted) while it ran, and then never learns what it made. If so, undo
 * it and fail.
 */
export async function confirmStillDeploying(stackId: string, made: Made): Promise<void> {
  if (!made.undo) {
    return; // nothing made that could leak
  }
  await completeOrUndo(made, async () => {
    const status = await readStackStatus(stackId);
    if (!isDeploying(status)) {
      throw new Error(`CloudFormation stopped deploying this resource while the version was being created (stack status ${status})`);
    }
  });
}

/** The error for a failed CreatePackageVersion, with a hint when the package is missing. */
async function createFailure(desired: DesiredVersion, cause: unknown): Promise<Error> {
  const name = errorName(cause);
  let hint = '';
  if (name === 'ValidationException' || name === 'ResourceNotFoundException') {
    const pkg = await findPackage(desired.packageName).catch(() => 'unknown' as const);
    if (pkg === undefined) {
      hint = ` (package '${desired.packageName}' does not exist in this account and region; create it first, e.g. with CfnSoftwarePackage)`;
    }
  } else if (name === 'AccessDeniedException') {
    hint = ' (IAM did not allow the call, even after waiting for a new policy to take effect: check permission boundaries and SCPs)';
  }
  return callFailed('CreatePackageVersion', subjectOf(desired), cause, hint);
}

/**
 * Runs a create's first call, retrying IoT's AccessDenied for a bounded
 * time: the package's IAM policy is created just before its first version,
 * and IAM is eventually consistent.
 */
export async function retryWhileAccessDenied<T>(call: () => Promise<T>): Promise<T> {
  const until = now() + Math.min(IAM_PROPAGATION_MS, timeLeft());
  for (let attempt = 1, delay = 1_000; ; attempt++, delay = Math.min(delay * 2, 8_000)) {
    try {
      return await call();
    } catch (e) {
      if (errorName(e) !== 'AccessDeniedException' || now() + delay >= until) {
        throw e;
      }
      log('IoT denied access, maybe because a new IAM policy has not taken effect yet: retrying', { attempt, delayMs: delay });
      await sleep(delay);
    }
  }
}

function subjectOf(desired: DesiredVersion): string {
  return `PackageName '${desired.packageName}', VersionName '${desired.versionName}'`;
}

/** IoT's clientToken must be 36-64 non-space characters; a CloudFormation RequestId (a UUID) already is. */
export function clientTokenFor(requestId: string): string {
  return /^\S{36,64}$/.test(requestId) ? requestId : createHash('sha256').update(requestId).digest('hex');
}
