/**
 * Lifecycle of one IoT package version, driven by CloudFormation events that
 * the aws-cdk-lib provider framework passes on.
 *
 * - Physical id: the version ARN, so `Ref` works in IoT Jobs'
 *   `destinationPackageVersions`. It changes only when PackageName or
 *   VersionName change (a replacement); CloudFormation then deletes the old
 *   version in its clean-up phase.
 * - Failures are thrown, never returned: the framework reports the message to
 *   CloudFormation.
 */
import { createHash } from 'crypto';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { errorName, IotCallError, truncate } from './errors';
import {
  createPackageVersion,
  deletePackageVersion,
  findPackage,
  findPackageVersion,
  listTags,
  tagResource,
  untagResource,
  updatePackageVersion,
} from './iot';
import { describeEvent, log } from './log';
import { Caller, callerOf, markerValue, parseMarker } from './ownership';
import { DesiredVersion, readDesiredVersion, readLenient } from './properties';
import {
  ATTR_ERROR_REASON,
  ATTR_PACKAGE_NAME,
  ATTR_PACKAGE_VERSION_ARN,
  ATTR_STATUS,
  ATTR_VERSION_NAME,
  CREATION_MARKER_TAG,
  PackageVersionResponseData,
  parsePackageVersionArn,
} from '../src/shared/contract';

/** What the provider framework expects back. */
export interface HandlerResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: PackageVersionResponseData;
}

/** Entry point: one exhaustive switch over the request type. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<HandlerResponse> {
  log('CloudFormation request', describeEvent(event));
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event);
    case 'Update':
      return onUpdate(event);
    case 'Delete':
      return onDelete(event);
  }
}

interface VersionState {
  readonly arn: string;
  readonly status?: string;
  readonly errorReason?: string;
}

async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredVersion(event.ResourceProperties);
  const state = await create(desired, callerOf(event));
  return respond(state.arn, desired, state);
}

async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
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

async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  const id = parsePackageVersionArn(physicalResourceId);
  if (!id) {
    // Only a create that failed before IoT made anything leaves such an id.
    log('physical id is not a package version ARN: nothing to delete', { physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  const { packageName, versionName } = id;

  const live = await findPackageVersion(packageName, versionName);
  if (!live) {
    // Already gone, e.g. deleted with its package (AWS::IoT::SoftwarePackage deletes all versions).
    log('version already deleted', { version: `${packageName}/${versionName}` });
    return { PhysicalResourceId: physicalResourceId };
  }

  if (await ownedByAnother(live.packageVersionArn ?? physicalResourceId, callerOf(event))) {
    // Ours was deleted outside CloudFormation and somebody else made a new
    // version with the same name: it is theirs to keep.
    log('version was created by another stack or resource: not deleting it', { version: `${packageName}/${versionName}` });
    return { PhysicalResourceId: physicalResourceId };
  }

  const pkg = await findPackage(packageName);
  if (pkg?.defaultVersionName === versionName) {
    // Deliberately not unset here: jobs that target '$default' would silently
    // lose their target. The user decides.
    throw new Error(
      `Cannot delete package version '${packageName}/${versionName}': it is the default version of package '${packageName}', ` +
      'and IoT does not delete a default version. Make another version the default, or unset it with ' +
      `'aws iot update-package --package-name ${packageName} --unset-default-version', then retry. ` +
      'To keep this version instead, give the PackageVersion removalPolicy RETAIN.',
    );
  }

  await deletePackageVersion(packageName, versionName);
  log('version deleted', { version: `${packageName}/${versionName}` });
  return { PhysicalResourceId: physicalResourceId };
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
async function create(desired: DesiredVersion, caller: Caller): Promise<VersionState> {
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

/**
 * Whether the version's creation marker names another CloudFormation
 * resource. A version without a marker counts as ours: the physical id says so.
 */
async function ownedByAnother(arn: string, caller: Caller): Promise<boolean> {
  const owner = parseMarker((await listTags(arn))[CREATION_MARKER_TAG])?.owner;
  return owner !== undefined && owner !== caller.owner;
}

interface LiveVersion {
  readonly status?: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
}

/**
 * Brings description and attributes to the desired state, comparing with what IoT holds.
 *
 * @param previousDescription the description in the previous template, if any
 */
async function applyFields(desired: DesiredVersion, live: LiveVersion, previousDescription: string | undefined): Promise<void> {
  const { packageName, versionName } = desired;
  const changed: string[] = [];
  let description: string | undefined;
  let attributes: Record<string, string> | undefined;

  if (desired.description !== undefined && desired.description !== live.description) {
    description = desired.description;
    changed.push('Description');
  } else if (desired.description === undefined && live.description !== undefined && previousDescription !== undefined) {
    // IoT rejects an empty description and has no way to clear one.
    log('Description was removed from the template, but IoT cannot clear a description: the current one is kept', {
      version: `${packageName}/${versionName}`,
    });
  }

  if (!sameMap(desired.attributes, live.attributes ?? {})) {
    if (live.status !== undefined && live.status !== 'DRAFT') {
      throw new Error(
        `Cannot change Attributes of package version '${packageName}/${versionName}': it is ${live.status}, and IoT allows ` +
        'attribute changes only while a version is DRAFT. Publish the new attributes as a new version: change versionName ' +
        '(CloudFormation then replaces this version).',
      );
    }
    attributes = desired.attributes;
    changed.push('Attributes');
  }

  if (changed.length > 0) {
    await updatePackageVersion({ packageName, versionName, description, attributes }, changed);
    log('version updated', { version: `${packageName}/${versionName}`, changed });
  }
}

/**
 * Applies the difference between `previous` and `desired` tags: tags set
 * outside the stack are left alone, and the creation marker is never removed.
 */
async function applyTags(arn: string, desired: Record<string, string>, previous: Record<string, string>): Promise<void> {
  const toSet: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (previous[key] !== value) {
      toSet[key] = value;
    }
  }
  const toRemove = Object.keys(previous).filter((key) => !(key in desired) && key !== CREATION_MARKER_TAG);
  if (Object.keys(toSet).length > 0) {
    await tagResource(arn, toSet);
  }
  if (toRemove.length > 0) {
    await untagResource(arn, toRemove);
  }
  if (Object.keys(toSet).length > 0 || toRemove.length > 0) {
    log('tags updated', { arn, set: Object.keys(toSet), removed: toRemove });
  }
}

function respond(physicalResourceId: string, desired: DesiredVersion, state: VersionState): HandlerResponse {
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      [ATTR_PACKAGE_VERSION_ARN]: state.arn,
      [ATTR_STATUS]: state.status ?? '',
      // Bounded so the whole response stays far below CloudFormation's 4 KB.
      [ATTR_ERROR_REASON]: truncate(state.errorReason ?? '', 1000),
      [ATTR_PACKAGE_NAME]: desired.packageName,
      [ATTR_VERSION_NAME]: desired.versionName,
    },
  };
}

/** IoT's clientToken must be 36-64 non-space characters; a CloudFormation RequestId (a UUID) already is. */
export function clientTokenFor(requestId: string): string {
  return /^\S{36,64}$/.test(requestId) ? requestId : createHash('sha256').update(requestId).digest('hex');
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
