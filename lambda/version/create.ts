/**
 * Create: makes a new version, idempotently, marked as this resource's.
 */
import { createHash } from 'crypto';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { applyFields, applyTags } from './reconcile';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { createPackageVersion, findPackageVersion, listTags } from '../aws/iot';
import { errorName, IotCallError, truncate } from '../errors';
import { log } from '../log';
import { Caller, callerOf, markerValue, parseMarker } from '../ownership';
import { DesiredVersion, readDesiredVersion } from '../properties';
import { HandlerResponse, respond, VersionState } from '../response';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredVersion(event.ResourceProperties);
  const state = await create(desired, callerOf(event));
  return respond(state.arn, desired, state);
}

/**
 * Creates a version, idempotently.
 *
 * The clientToken comes from the RequestId, so a retried request is
 * idempotent where IoT honours it. Where it does not, the retry gets a
 * ConflictException; the creation marker (see ownership.ts) then tells our
 * own earlier attempt, or a version this same resource made before, apart
 * from a version somebody else made.
 */
export async function create(desired: DesiredVersion, caller: Caller): Promise<VersionState> {
  const { packageName, versionName } = desired;
  const subject = `PackageName '${packageName}', VersionName '${versionName}'`;
  try {
    const out = await createPackageVersion({
      packageName,
      versionName,
      description: desired.description,
      attributes: desired.attributes,
      tags: { ...desired.tags, [CREATION_MARKER_TAG]: markerValue(caller) },
      clientToken: clientTokenFor(caller.requestId),
    });
    log('version created', { version: `${packageName}/${versionName}`, status: out.status });
    return { arn: out.packageVersionArn!, status: out.status, errorReason: out.errorReason };
  } catch (e) {
    const name = errorName(e);
    if (name !== 'ConflictException') {
      const hint = name === 'ValidationException' || name === 'ResourceNotFoundException'
        ? ' (the package must already exist in this account and region)'
        : '';
      throw new IotCallError('CreatePackageVersion', subject + hint, e);
    }
    const existing = await findPackageVersion(packageName, versionName);
    if (!existing?.packageVersionArn) {
      // The conflict is about something else than an existing version.
      throw new IotCallError('CreatePackageVersion', subject, e);
    }
    const tags = await listTags(existing.packageVersionArn);
    const marker = parseMarker(tags[CREATION_MARKER_TAG]);
    if (marker?.owner === caller.owner && marker.requestId === caller.requestId) {
      log('create was retried: using the version this request already created', { version: `${packageName}/${versionName}` });
      return { arn: existing.packageVersionArn, status: existing.status, errorReason: existing.errorReason };
    }
    if (marker?.owner === caller.owner) {
      log('version was created earlier by this same resource (e.g. a rename rolled back): taking it back', {
        version: `${packageName}/${versionName}`,
      });
      await applyFields(desired, existing, undefined);
      const { [CREATION_MARKER_TAG]: _marker, ...current } = tags;
      await applyTags(existing.packageVersionArn, desired.tags, current);
      return { arn: existing.packageVersionArn, status: existing.status, errorReason: existing.errorReason };
    }
    throw new Error(
      `Package version '${packageName}/${versionName}' already exists and was not created by this CloudFormation resource, ` +
      `so it is not taken over (${subject}). ` +
      'Choose another versionName, or delete the existing version first ' +
      `('aws iot delete-package-version --package-name ${packageName} --version-name ${versionName}'). ` +
      `IoT said: ConflictException: ${truncate(String((e as Error).message ?? ''), 300)}`,
    );
  }
}

/** IoT's clientToken must be 36-64 non-space characters; a CloudFormation RequestId (a UUID) already is. */
export function clientTokenFor(requestId: string): string {
  return /^\S{36,64}$/.test(requestId) ? requestId : createHash('sha256').update(requestId).digest('hex');
}

