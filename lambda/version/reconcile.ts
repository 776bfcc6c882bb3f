/**
 * Brings a live version's fields and tags to the template's state.
 */
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { tagResource, untagResource, updatePackageVersion } from '../aws/iot';
import { log } from '../log';
import { DesiredVersion } from '../properties';

/** What IoT holds for a version (GetPackageVersion). */
export interface LiveVersion {
  readonly packageVersionArn?: string;
  readonly status?: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
}

/** The field changes a version needs, and those IoT will not make in its state. */
export interface FieldPlan {
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  /** Names of the fields to change, e.g. ['Description']. */
  readonly changed: string[];
  /** Why a needed change cannot be made (a frozen field), if one cannot. */
  readonly blocked?: string;
}

/**
 * Compares the template with what IoT holds.
 *
 * @param previousDescription the description in the previous template, if any
 */
export function planFields(desired: DesiredVersion, live: LiveVersion, previousDescription: string | undefined): FieldPlan {
  const { packageName, versionName } = desired;
  const changed: string[] = [];
  let description: string | undefined;
  let attributes: Record<string, string> | undefined;
  let blocked: string | undefined;

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
      blocked = `Cannot change Attributes of package version '${packageName}/${versionName}': it is ${live.status}, and IoT allows ` +
        'attribute changes only while a version is DRAFT. Publish the new attributes as a new version: change versionName ' +
        '(CloudFormation then replaces this version).';
    } else {
      attributes = desired.attributes;
      changed.push('Attributes');
    }
  }
  return { description, attributes, changed, blocked };
}

/** Makes the changes of a plan (not the blocked ones). */
export async function applyFields(desired: DesiredVersion, plan: FieldPlan): Promise<void> {
  const { packageName, versionName } = desired;
  if (plan.changed.length > 0) {
    await updatePackageVersion({ packageName, versionName, description: plan.description, attributes: plan.attributes }, plan.changed);
    log('version updated', { version: `${packageName}/${versionName}`, changed: plan.changed });
  }
}

/**
 * Brings a version this resource takes (back, or over) to the template's
 * state. A change IoT will not make (a frozen field) fails before any write.
 *
 * @param previousTags the tags the previous template set: the only ones removed
 */
export async function reconcile(desired: DesiredVersion, arn: string, live: LiveVersion, previousTags: Record<string, string>): Promise<void> {
  const plan = planFields(desired, live, undefined);
  if (plan.blocked) {
    throw new Error(plan.blocked);
  }
  await applyFields(desired, plan);
  await applyTags(arn, desired.tags, previousTags);
}

/**
 * Applies the difference between `previous` and `desired` tags: tags set
 * outside the stack are left alone, and the creation marker is never removed.
 */
export async function applyTags(arn: string, desired: Record<string, string>, previous: Record<string, string>): Promise<void> {
  const toSet: Record<string, string> = Object.create(null);
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
    // Counts only: the removed keys come from the previous template, which was never validated.
    log('tags updated', { arn, set: Object.keys(toSet).length, removed: toRemove.length });
  }
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
