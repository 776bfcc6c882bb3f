/**
 * Publish and deprecate: the lifecycle state a version should reach, and
 * the legal steps that get it there.
 *
 * IoT moves a version DRAFT -> PUBLISHED -> DEPRECATED, and DEPRECATED ->
 * PUBLISHED, with UpdatePackageVersion's `action` (PUBLISH, DEPRECATE).
 * Nothing leads back to DRAFT. DRAFT -> DEPRECATED is not documented, so
 * the handler goes through PUBLISHED.
 */
import { DEFAULT_STATUS, STATUSES, StatusValue } from '../../src/shared/contract';
import { findPackageVersion, updatePackageVersion } from '../aws/iot';
import { log } from '../log';

/** One UpdatePackageVersion action. */
export type Step = 'PUBLISH' | 'DEPRECATE';

const REACHED_BY: Record<Step, StatusValue> = { PUBLISH: 'PUBLISHED', DEPRECATE: 'DEPRECATED' };

/**
 * The steps from one state to another; undefined when there are none
 * (back to DRAFT, or from a state this handler does not know).
 */
export function stepsBetween(from: string, to: StatusValue): Step[] | undefined {
  if (from === to) {
    return [];
  }
  switch (`${from}>${to}`) {
    case 'DRAFT>PUBLISHED':
    case 'DEPRECATED>PUBLISHED':
      return ['PUBLISH'];
    case 'DRAFT>DEPRECATED':
      return ['PUBLISH', 'DEPRECATE'];
    case 'PUBLISHED>DEPRECATED':
      return ['DEPRECATE'];
    default:
      return undefined;
  }
}

/** What a request does about the version's state. */
export interface StatusPlan {
  readonly steps: Step[];
  /** Why the requested state cannot be reached, if it cannot. */
  readonly blocked?: string;
}

/**
 * Plans the state change of a version.
 *
 * `status` is applied when the template changes it, or when there is no
 * previous template to compare with (a create, a take-over) and the
 * template sets it. When the
 * template's status is unchanged, IoT may have moved the version on
 * outside CloudFormation: that is logged and left, so later deploys do not
 * fail for it.
 *
 * @param version 'package/version', for messages
 * @param desiredSet whether the template sets Status (else `desired` is the default)
 * @param previous the previous template's status; undefined for a create or take-over
 * @param live the state IoT reports; DRAFT for a version just created
 */
export function planStatus(
  version: string, desired: StatusValue, desiredSet: boolean, previous: StatusValue | undefined, live: string | undefined,
): StatusPlan {
  const current = live ?? DEFAULT_STATUS;
  if (previous === undefined && !desiredSet) {
    // A version taken over or back, by a template that sets no status:
    // whatever state IoT holds is kept.
    if (current !== desired) {
      log('the template sets no status; the version keeps the one IoT reports', { version, live: current });
    }
    return { steps: [] };
  }
  if (previous !== undefined && previous === desired) {
    if (current !== desired) {
      log('status unchanged in the template, but IoT reports another: left as it is (changed outside CloudFormation)', {
        version, template: desired, live: current,
      });
    }
    return { steps: [] };
  }
  const steps = stepsBetween(current, desired);
  if (steps !== undefined) {
    return { steps };
  }
  const outOfBand = previous !== undefined && previous !== current
    ? ` IoT reports ${current} while the previous template said ${previous}: it was changed outside CloudFormation.`
    : '';
  const why = (STATUSES as readonly string[]).includes(current)
    ? `it is ${current}, and IoT has no way back to DRAFT.${outOfBand} To have a draft, create a new version: change versionName ` +
      `(CloudFormation then replaces this version), or set status to ${current}.`
    : `IoT reports status '${current}', which this library does not know how to leave.`;
  return { steps: [], blocked: `Cannot make package version '${version}' ${desired}: ${why}` };
}

/**
 * Takes the steps, in order.
 *
 * A step whose response was lost may have been applied already: IoT then
 * refuses to repeat it. When a step fails, the state is read back, and a
 * version already in the step's target state counts as done.
 *
 * @returns the state reached
 */
export async function takeSteps(packageName: string, versionName: string, steps: readonly Step[], from: string): Promise<string> {
  let status = from;
  for (const action of steps) {
    try {
      await updatePackageVersion({ packageName, versionName, action }, [`status (${action})`]);
    } catch (e) {
      const live = await findPackageVersion(packageName, versionName).catch(() => undefined);
      if (live?.status !== REACHED_BY[action]) {
        throw e;
      }
      log('status step had been applied already (a retried request)', { version: `${packageName}/${versionName}`, action });
    }
    status = REACHED_BY[action];
    log('status changed', { version: `${packageName}/${versionName}`, action, status });
  }
  return status;
}
