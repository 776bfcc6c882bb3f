/**
 * Errors the handler throws. The provider framework passes their message to
 * CloudFormation as the failure reason, so they name the operation, the
 * service's error and the properties concerned, and stay short: failure.ts
 * bounds the whole response to what CloudFormation accepts.
 */

/** Longest message the handler throws for invalid properties. */
export const MAX_VALIDATION_MESSAGE = 2000;

/** An AWS call failed: the operation, the service's error and the properties it concerns. */
export class AwsCallError extends Error {
  /** The service's error name, e.g. 'ThrottlingException'. */
  public readonly errorName: string;

  constructor(operation: string, subject: string, cause: unknown, hint = '') {
    super(`${operation} failed for ${subject}: ${errorName(cause)}: ${truncate(errorMessage(cause), 600)}${hint}`);
    this.name = 'AwsCallError';
    this.errorName = errorName(cause);
  }
}

/** The handler's time ran out while the SDK was still retrying. */
export class DeadlineError extends Error {
  /**
   * @param sent whether the call went out before time ran out: if it did,
   * the service may have acted on it
   */
  constructor(operation: string, lastRetried?: { readonly name: string; readonly count: number }, public readonly sent = true) {
    const why = lastRetried === undefined
      ? 'AWS did not answer in time'
      : isThrottling(lastRetried.name)
        ? `IoT was throttling requests (${lastRetried.name}, ${lastRetried.count} ${lastRetried.count === 1 ? 'time' : 'times'})`
        : `the call kept failing with ${lastRetried.name} (${lastRetried.count} ${lastRetried.count === 1 ? 'time' : 'times'})`;
    super(`${operation} did not finish before the handler's time ran out: ${why}. This is temporary; the deployment can be retried.`);
    this.name = 'DeadlineError';
  }
}

/**
 * The error to throw when an AWS call failed: a deadline passes through
 * unchanged, anything else is wrapped with the operation and subject.
 */
export function callFailed(operation: string, subject: string, cause: unknown, hint = ''): Error {
  return cause instanceof DeadlineError ? cause : new AwsCallError(operation, subject, cause, hint);
}

export function errorName(error: unknown): string {
  if (error instanceof AwsCallError) {
    return error.errorName;
  }
  return (error as { name?: string })?.name ?? 'Error';
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: string })?.message;
  return message && message.trim() ? message : '(no message)';
}

/** Whether an error name says the service is throttling (IoT's ThrottlingException, CloudFormation's Throttling, S3's SlowDown, ...). */
export function isThrottling(name: string): boolean {
  return /throttl|toomanyrequests|ratelimit|slowdown/i.test(name);
}

/** `text` ending with a full stop, to add a sentence after it. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** A list of keys for a message: all of them when few, else a count and the first few. */
export function summarizeKeys(keys: readonly string[], shown = 3): string {
  const quoted = keys.slice(0, shown).map((k) => `'${truncate(k, 40)}'`);
  if (keys.length <= shown) {
    return quoted.join(', ');
  }
  return `${keys.length} keys: ${quoted.join(', ')} and ${keys.length - shown} more`;
}
