/**
 * Who created a package version, recorded in the creation-marker tag.
 *
 * The tag's value is `<owner>/<requestId>`: `owner` identifies the
 * CloudFormation resource (a hash of its stack id and logical id) and
 * `requestId` the request that created the version. It lets the handler tell
 * apart, without trusting IoT's clientToken:
 *
 * - a retried create (same request): use the version it already made;
 * - a version this same resource made earlier, e.g. when a rename is rolled
 *   back to the old name (same owner): take it back and reconcile it;
 * - a version that somebody else made (another owner, or no marker): never
 *   adopt, modify or delete it.
 */
import { createHash } from 'crypto';

/**
 * A CloudFormation resource (`owner`) and one of its requests: the caller of
 * a handler invocation, and what a marker tag records.
 */
export interface Caller {
  readonly owner: string;
  readonly requestId: string;
}

/** Identifies the caller of a CloudFormation event. */
export function callerOf(event: { StackId: string; LogicalResourceId: string; RequestId: string }): Caller {
  const owner = createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}`).digest('hex').slice(0, 32);
  return { owner, requestId: event.RequestId };
}

/** The marker tag's value for versions created by `caller`. */
export function markerValue(caller: Caller): string {
  return `${caller.owner}/${caller.requestId}`;
}

/** Parses a marker tag's value; undefined when absent or malformed. */
export function parseMarker(value: string | undefined): Caller | undefined {
  const m = value === undefined ? null : /^([0-9a-f]{32})\/(.+)$/s.exec(value);
  return m ? { owner: m[1], requestId: m[2] } : undefined;
}
