/**
 * The one way the handler calls AWS: within the invocation's deadline.
 *
 * Clients are created once per container with adaptive retries (a stack
 * with hundreds of versions makes hundreds of calls at once) and take their
 * endpoints from the SDK's standard configuration (`AWS_ENDPOINT_URL_IOT`,
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`, `AWS_ENDPOINT_URL`). Each call gets an
 * abort signal at the end of its phase (see ../deadline.ts) and a per-attempt
 * timeout, so the SDK's own retries stop in time; a call cut short throws a
 * DeadlineError that says what the SDK kept retrying.
 */
import { currentInvocation, MAX_ATTEMPT_MS, noteRetry, timeLeft } from '../deadline';
import { DeadlineError, errorName } from '../errors';

/** Upper bound on attempts per call, including the first; time bounds them too. */
export const MAX_ATTEMPTS = 10;

/** The SDK client configuration every client of the handler uses. */
export const CLIENT_CONFIG = { maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' } as const;

type MiddlewareStack = {
  addRelativeTo(middleware: unknown, options: { name: string; relation: 'after'; toMiddleware: string }): void;
};

/**
 * Notes each failed attempt inside the SDK's retry loop, so that a deadline
 * can say what was being retried (e.g. ThrottlingException, 9 times).
 */
export function recordRetries<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as MiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (e) {
        // An attempt the deadline cut off says nothing about why time ran out.
        if (errorName(e) !== 'AbortError') {
          noteRetry(errorName(e));
        }
        throw e;
      }
    },
    { name: 'cdkIotPackageCatalogRecordRetries', relation: 'after', toMiddleware: 'retryMiddleware' },
  );
  return client;
}

/** What every AWS call gets: the end of its phase and a per-attempt timeout. */
export interface CallOptions {
  readonly abortSignal: AbortSignal;
  readonly requestTimeout: number;
}

/**
 * Makes one AWS call within the time left, e.g.
 * `send('GetPackage', (o) => iot.send(new GetPackageCommand(input), o))`;
 * throws DeadlineError when that time runs out.
 */
export async function send<O>(operation: string, call: (options: CallOptions) => Promise<O>): Promise<O> {
  const ms = timeLeft();
  if (ms <= 0) {
    throw new DeadlineError(operation, currentInvocation().lastRetried, false);
  }
  const abortSignal = AbortSignal.timeout(ms);
  try {
    return await call({ abortSignal, requestTimeout: Math.min(MAX_ATTEMPT_MS, ms) });
  } catch (e) {
    if (abortSignal.aborted) {
      throw new DeadlineError(operation, currentInvocation().lastRetried);
    }
    throw e;
  }
}
