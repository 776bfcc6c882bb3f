/**
 * Who created a package version, recorded in the creation-marker tag.
 *
 * The tag's value is `<owner>/<requestId>`, or `<owner>/<requestId>/<previous>`
 * for a version taken over from someone else:
 *
 * - `owner` names the CloudFormation resource: 16 hex digits of the stack
 *   (a hash of its name) and 16 of the resource (a hash of the stack name and
 *   logical id). Both stay the same when a stack is deleted and deployed
 *   again under the same name, so a version retained from the earlier stack
 *   can be managed again. "The same resource" is the same logical id in a
 *   stack of the same name, in the version's account and region.
 * - `requestId` is the CloudFormation request that created (or took over)
 *   the version.
 * - `previous` is the owner the version had before this resource took it
 *   over (a construct moved within its stack, or `adoptExisting`), or `-`
 *   when it had no marker. During a rollback, the version is handed back.
 *
 * It lets the handler tell apart, without trusting IoT's clientToken:
 *
 * - a retried create (same request): use the version it already made;
 * - a version this same resource made earlier, e.g. when a rename is rolled
 *   back to the old name (same owner): take it back and reconcile it;
 * - a version another resource of the same stack made (a construct moved
 *   within its stack): take it over; the old resource's delete then leaves it;
 * - a version somebody else made (another stack, or no marker at all): never
 *   modify or delete it, unless the user opts in with `adoptExisting`.
 */
import { createHash } from 'crypto';

/** A CloudFormation resource (`owner`) and one of its requests: the caller of a handler invocation. */
export interface Caller {
  readonly owner: string;
  readonly requestId: string;
}

/** What a marker tag records. */
export interface Marker extends Caller {
  /**
   * The owner before a take-over: another owner, `null` if the version had
   * no marker, undefined if this owner created the version.
   */
  readonly previous?: string | null;
}

const UNMARKED = '-';
const MARKER_VALUE = /^([0-9a-f]{32})\/([^/]+)(?:\/([0-9a-f]{32}|-))?$/;

/** Identifies the caller of a CloudFormation event. */
export function callerOf(event: { StackId: string; LogicalResourceId: string; RequestId: string }): Caller {
  const stackName = stackNameOf(event.StackId);
  const owner = hash(stackName) + hash(`${stackName}|${event.LogicalResourceId}`);
  return { owner, requestId: event.RequestId };
}

/** The stack's name, from its id (`arn:…:stack/NAME/UUID`); the id itself if it is not an ARN. */
export function stackNameOf(stackId: string): string {
  return /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)\//.exec(stackId)?.[1] ?? stackId;
}

/** Whether two owners are resources of the same stack. */
export function sameStack(a: string, b: string): boolean {
  return a.slice(0, 16) === b.slice(0, 16);
}

/**
 * The marker tag's value for versions created by `caller`.
 *
 * @param previous for a take-over, the owner before it (`null`: none)
 */
export function markerValue(caller: Caller, previous?: string | null): string {
  const base = `${caller.owner}/${caller.requestId}`;
  return previous === undefined ? base : `${base}/${previous ?? UNMARKED}`;
}

/** Parses a marker tag's value; undefined when absent or malformed (then the version is not ours). */
export function parseMarker(value: string | undefined): Marker | undefined {
  const m = value === undefined ? null : MARKER_VALUE.exec(value);
  if (!m) {
    return undefined;
  }
  const previous = m[3] === undefined ? undefined : m[3] === UNMARKED ? null : m[3];
  return { owner: m[1], requestId: m[2], previous };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
