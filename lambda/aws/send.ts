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
 *
 * Throttling is waited out until that deadline (waitOutThrottling): the
 * SDK's own budget for it (MAX_ATTEMPTS, and a retry quota per client that
 * each throttled retry draws on) runs out within about a minute when many
 * containers share one account's rate, long before the handler's time does,
 * and a throttled request is one IoT refused without acting on it.
 */
import { currentInvocation, MAX_ATTEMPT_MS, noteRetry, sleep, timeLeft } from '../deadline';
import { DeadlineError, errorName, isThrottling } from '../errors';
import { log } from '../log';

/**
 * Upper bound on attempts per call, including the first, for errors other
 * than throttling; time bounds them too. Throttling is retried until the
 * deadline (waitOutThrottling).
 */
export const MAX_ATTEMPTS = 10;

/** The pause after the SDK's first round of throttled retries; it doubles with every further round. */
export const THROTTLING_PAUSE_MS = 1_000;
/** The longest such pause (the SDK's own longest back-off). */
export const MAX_THROTTLING_PAUSE_MS = 20_000;

/** The SDK client configuration every client of the handler uses. */
export const CLIENT_CONFIG = { maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' } as const;

type MiddlewareStack = {
  addRelativeTo(middleware: unknown, options: { name: string; relation: 'before' | 'after'; toMiddleware: string }): void;
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

/** Whether an error says the service is throttling: by its name, or by HTTP 429. */
export function isThrottlingError(error: unknown): boolean {
  return isThrottling(errorName(error)) || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 429;
}

/**
 * When the SDK gives up on a throttled call (its attempts or its retry
 * quota spent), pauses and lets it start again, until the invocation's
 * deadline: the call's abort signal then ends it, and send() turns that
 * into a DeadlineError that says IoT was throttling. The pause doubles with
 * every round (with jitter, so that containers spread out), and every new
 * round goes through the SDK's adaptive rate limiter again. Any other error
 * is the SDK's to retry, up to MAX_ATTEMPTS.
 *
 * The middleware sits outside the SDK's retry loop, so a round is exactly
 * what the SDK would send for a call of its own.
 */
export function waitOutThrottling<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as MiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      for (let round = 1; ; round++) {
        try {
          return await next(args);
        } catch (e) {
          const left = timeLeft();
          if (!isThrottlingError(e) || left <= 0) {
            throw e;
          }
          const pauseMs = throttlingPause(round);
          log('still throttled after the SDK\'s retries: pausing, then retrying within the deadline', {
            operation: context.commandName?.replace(/Command$/, ''),
            error: errorName(e),
            attempts: (e as { $metadata?: { attempts?: number } }).$metadata?.attempts,
            round,
            pauseMs,
          });
          // At most until the deadline: the next round then meets the abort.
          await sleep(Math.min(pauseMs, left));
        }
      }
    },
    { name: 'cdkIotPackageCatalogWaitOutThrottling', relation: 'before', toMiddleware: 'retryMiddleware' },
  );
  return client;
}

/** The pause before round `round` + 1: half of THROTTLING_PAUSE_MS * 2^(round - 1), capped, plus up to as much again at random. */
export function throttlingPause(round: number): number {
  const ceiling = Math.min(MAX_THROTTLING_PAUSE_MS, THROTTLING_PAUSE_MS * 2 ** Math.min(round - 1, 30));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
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
