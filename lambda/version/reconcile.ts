/**
 * Brings a live version to the template's state: compares the template with
 * what IoT holds (GetPackageVersion), plans every change, and refuses the
 * ones IoT will not make before any write.
 *
 * Writes go in this order: the fields (UpdatePackageVersion), the tags, the
 * SBOM (and the wait for its validation), and last the status steps, since
 * IoT freezes attributes and artifact once a version is published.
 */
import { liveLocation, LiveObject, matches, resolveObject } from './objects';
import { changeSbom, awaitSbomValidation, SbomChange } from './sbom';
import { planStatus, Step, takeSteps } from './status';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { S3Object, s3Location, tagResource, untagResource, updatePackageVersion } from '../aws/iot';
import { errorName } from '../errors';
import { log } from '../log';
import { DesiredVersion } from '../properties';
import { VersionState } from '../response';

/** What IoT holds for a version (GetPackageVersion). */
export interface LiveVersion {
  readonly packageVersionArn?: string;
  readonly status?: string;
  readonly errorReason?: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  readonly artifact?: LiveObject;
  readonly recipe?: string;
  readonly sbom?: LiveObject;
  readonly sbomValidationStatus?: string;
}

/** Field changes, made with one UpdatePackageVersion. */
export interface FieldChanges {
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  readonly artifact?: S3Object;
  readonly recipe?: string;
}

/** What follows the field and tag changes: the SBOM, then the status. */
export interface Pending {
  readonly sbom?: SbomChange;
  readonly steps: readonly Step[];
}

/** Every change a version needs. */
export interface Plan {
  readonly fields: FieldChanges;
  /** Names of the fields to change, e.g. ['Description']. */
  readonly changed: string[];
  readonly pending: Pending;
  /** Why needed changes cannot be made (frozen fields, no way back to DRAFT), one sentence each; empty when all can. */
  readonly blocked: string[];
}

/**
 * Compares the template with what IoT holds.
 *
 * Frozen fields (attributes, artifact once a version is no longer DRAFT)
 * block the update only when the template changes them, or when there is no
 * previous template (a take-over): a difference the template did not ask
 * for was made outside CloudFormation, and is logged and kept.
 *
 * @param previous the previous template's state; undefined for a create that takes a version over or back
 */
export async function planVersion(desired: DesiredVersion, live: LiveVersion, previous: DesiredVersion | undefined): Promise<Plan> {
  const version = `${desired.packageName}/${desired.versionName}`;
  const draft = live.status === undefined || live.status === 'DRAFT';
  const changed: string[] = [];
  const blocked: string[] = [];
  const fields: { -readonly [K in keyof FieldChanges]: FieldChanges[K] } = {};
  const frozen = (field: string, templateChanged: boolean, outOfBand: boolean) => {
    if (templateChanged) {
      blocked.push(frozenMessage(field, version, live.status!, previous, outOfBand));
    } else {
      log(`${field} in IoT ${plural(field) ? 'differ' : 'differs'} from the template, which did not change ${plural(field) ? 'them' : 'it'}, ` +
        `and IoT allows no change while the version is ${live.status}: kept (changed outside CloudFormation)`, { version });
    }
  };

  if (desired.description !== undefined && desired.description !== live.description) {
    fields.description = desired.description;
    changed.push('Description');
  } else if (desired.description === undefined && live.description !== undefined && previous?.description !== undefined) {
    // IoT rejects an empty description and has no way to clear one.
    log('Description was removed from the template, but IoT cannot clear a description: the current one is kept', { version });
  }

  if (!sameMap(desired.attributes, live.attributes ?? {})) {
    if (draft) {
      fields.attributes = desired.attributes;
      changed.push('Attributes');
    } else {
      frozen('Attributes', previous === undefined || !sameMap(desired.attributes, previous.attributes),
        previous !== undefined && !sameMap(previous.attributes, live.attributes ?? {}));
    }
  }

  const heldArtifact = liveLocation(live.artifact);
  if (desired.artifact !== undefined && !matches(desired.artifact, heldArtifact)) {
    if (draft) {
      fields.artifact = await resolveObject('Artifact', desired.artifact, heldArtifact);
      changed.push('Artifact');
    } else {
      frozen('Artifact', previous === undefined || !matches(desired.artifact, previous.artifact),
        previous?.artifact !== undefined && !matches(previous.artifact, heldArtifact));
    }
  } else if (desired.artifact === undefined && heldArtifact !== undefined && previous?.artifact !== undefined) {
    log('Artifact was removed from the template, but IoT has no way to remove an artifact: the current one is kept', { version });
  }

  if (desired.recipe !== undefined && desired.recipe !== (live.recipe ?? '')) {
    fields.recipe = desired.recipe;
    changed.push('Recipe');
  } else if (desired.recipe === undefined && previous?.recipe !== undefined && live.recipe) {
    // A recipe may be empty: removing it from the template clears it.
    fields.recipe = '';
    changed.push('Recipe');
  }

  let sbom: SbomChange | undefined;
  const heldSbom = liveLocation(live.sbom);
  if (desired.sbom !== undefined && !matches(desired.sbom, heldSbom)) {
    sbom = { kind: 'associate', sbom: await resolveObject('Sbom', desired.sbom, heldSbom) };
  } else if (desired.sbom === undefined && heldSbom !== undefined && previous?.sbom !== undefined) {
    sbom = { kind: 'disassociate' };
  }

  const status = planStatus(version, desired.status, desired.statusSet, previous?.status, live.status);
  if (status.blocked) {
    blocked.push(status.blocked);
  }
  return { fields, changed, pending: { sbom, steps: status.steps }, blocked };
}

function frozenMessage(field: string, version: string, status: string, previous: DesiredVersion | undefined, outOfBand: boolean): string {
  const published = previous !== undefined && previous.status !== status
    ? ` (it became ${status} outside CloudFormation: the previous template said ${previous.status})`
    : '';
  const drift = !outOfBand ? '' : plural(field)
    ? ` IoT's ${field.toLowerCase()} also differ from the previous template's: they were changed outside CloudFormation.`
    : ` IoT's ${field.toLowerCase()} also differs from the previous template's: it was changed outside CloudFormation.`;
  return `Cannot change ${field} of package version '${version}': it is ${status}${published}, and IoT allows attribute and ` +
    `artifact changes only while a version is DRAFT.${drift} Publish the change as a new version: change versionName ` +
    '(CloudFormation then replaces this version).';
}

/** Makes the field changes of a plan (one UpdatePackageVersion). */
export async function applyFields(desired: DesiredVersion, plan: Plan): Promise<void> {
  const { packageName, versionName } = desired;
  if (plan.changed.length === 0) {
    return;
  }
  const { description, attributes, artifact, recipe } = plan.fields;
  await updatePackageVersion({
    packageName,
    versionName,
    description,
    attributes,
    artifact: artifact ? s3Location(artifact) : undefined,
    recipe,
  }, plan.changed);
  log('version updated', { version: `${packageName}/${versionName}`, changed: plan.changed });
}

/** Whether the request is a rollback's: asked only where the answer matters, at most once. */
export type RollbackCheck = () => Promise<boolean>;

/** For requests known not to be (or to be) a rollback's. */
export const knownRollback = (rollingBack: boolean): RollbackCheck => async () => rollingBack;

/**
 * Makes what follows the fields and tags: the SBOM change, the wait for its
 * validation when the template asks for it, and the status steps.
 *
 * A rollback must finish: there the SBOM's validation is reported, not
 * awaited, and an SBOM that cannot be changed back (IoT still validating
 * the other one, or refusing it) is left as it is and logged.
 *
 * @returns the version's state after them
 */
export async function finish(
  desired: DesiredVersion, state: VersionState, pending: Pending, rollingBack: RollbackCheck = knownRollback(false),
): Promise<VersionState> {
  const { packageName, versionName } = desired;
  const version = `${packageName}/${versionName}`;
  let sbomValidationStatus = state.sbomValidationStatus;
  if (pending.sbom) {
    let changed = false;
    try {
      sbomValidationStatus = await changeSbom(packageName, versionName, pending.sbom);
      changed = true;
    } catch (e) {
      if (!await rollingBack()) {
        throw e;
      }
      log('rollback: the SBOM could not be changed back; it is left as it is', { version, error: errorName(e) });
    }
    if (changed && pending.sbom.kind === 'associate' && desired.waitForSbomValidation) {
      if (await rollingBack()) {
        log('rollback: the SBOM is associated again; its validation is not awaited', { version });
      } else {
        sbomValidationStatus = await awaitSbomValidation(packageName, versionName);
      }
    }
  }
  const status = pending.steps.length > 0 ? await takeSteps(packageName, versionName, pending.steps, state.status ?? 'DRAFT') : state.status;
  return { ...state, status, sbomValidationStatus };
}

/**
 * Brings a version this resource takes (back, or over) to the template's
 * state, except the SBOM and status (returned as pending). A change IoT
 * will not make fails before any write; during a rollback it is logged and
 * the rest is made.
 *
 * @param previousTags the tags the previous template set: the only ones removed
 */
export async function reconcile(
  desired: DesiredVersion, arn: string, live: LiveVersion, previousTags: Record<string, string>, rollingBack = false,
): Promise<Pending> {
  const plan = await planVersion(desired, live, undefined);
  if (plan.blocked.length > 0) {
    if (!rollingBack) {
      throw new Error(plan.blocked.join(' '));
    }
    log('rollback: what IoT cannot change is left as it is', { version: `${desired.packageName}/${desired.versionName}`, blocked: plan.blocked.length });
  }
  await applyFields(desired, plan);
  await applyTags(arn, desired.tags, previousTags);
  return plan.pending;
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

/** 'Attributes' takes a plural verb, 'Artifact' a singular one. */
function plural(field: string): boolean {
  return field.endsWith('s');
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
