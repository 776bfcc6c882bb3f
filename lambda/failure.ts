/**
 * Failures as CloudFormation receives them: short, true, and within its limit.
 *
 * The provider framework answers CloudFormation with
 * `Reason = <error message> + "\n\nLogs: /aws/lambda/<framework function>\n"`
 * followed by the error's stack trace minus its first line. CloudFormation
 * rejects a response over 4,096 bytes and then shows its own error instead
 * of ours. So every error leaves the handler as one whose stack is a single
 * line (the trace adds nothing), and whose message is cut to what fits
 * beside this event's ids.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** CloudFormation's limit on a custom resource's response. */
export const MAX_RESPONSE_BYTES = 4096;
/** What the framework answers as the physical id of a failed Create. */
export const CREATE_FAILED_PHYSICAL_ID = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
/** The framework's line naming its log group; Lambda function names have at most 64 characters. */
const LOGS_LINE = `\n\nLogs: /aws/lambda/${'x'.repeat(64)}\n`;
/** Room for whatever the framework may add that is not counted above. */
const SAFETY_BYTES = 64;
const CUT = ' [...]';

/** The error to throw for `error`, bounded for `event`'s response. */
export function boundedFailure(error: unknown, event: CloudFormationCustomResourceEvent): Error {
  const message = (error as Error)?.message || String(error);
  const failure = new Error(fitJson(message, messageBudget(event)));
  failure.name = 'Error';
  // One line: the framework appends the trace after its first line.
  failure.stack = failure.name;
  return failure;
}

/** Bytes left for the message in `event`'s failure response. */
export function messageBudget(event: CloudFormationCustomResourceEvent): number {
  const skeleton = JSON.stringify({
    Status: 'FAILED',
    Reason: '',
    StackId: event.StackId,
    RequestId: event.RequestId,
    PhysicalResourceId: ('PhysicalResourceId' in event && event.PhysicalResourceId) || CREATE_FAILED_PHYSICAL_ID,
    LogicalResourceId: event.LogicalResourceId,
  });
  return MAX_RESPONSE_BYTES - bytes(skeleton) - jsonBytes(LOGS_LINE) - SAFETY_BYTES;
}

/** `text`, cut so that its JSON encoding takes at most `max` bytes. */
export function fitJson(text: string, max: number): string {
  if (jsonBytes(text) <= max) {
    return text;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(cut(text, mid) + CUT) <= max) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return cut(text, lo) + CUT;
}

/** The first `n` UTF-16 units of `text`, without splitting a surrogate pair. */
function cut(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, n - 1) : text.slice(0, n);
}

function jsonBytes(text: string): number {
  return bytes(JSON.stringify(text)) - 2;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
