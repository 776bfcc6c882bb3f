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
 * each throttled retry draws on, shared with server errors) runs out within
 * a minute or less when many containers share one account's rate, long before
 * the handler's time does; a throttled request is one IoT refused without
 * acting on it.
 */
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
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

/**
 * The first retry after a throttle waits up to this long, at random; each
 * further retry of the call up to twice as long as the one before, at most
 * MAX_THROTTLING_PAUSE_MS. The SDK's own base is a second; the adaptive rate
 * limiter already paces a client that was throttled, so the back-off only
 * needs to spread the retries, and a serial caller (CloudFormation engines
 * that run one resource at a time) no longer waits a second for a window
 * that frees sooner.
 */
export const THROTTLED_RETRY_BASE_MS = 100;

/** The SDK's base for retries after other errors, kept as it is. */
const RETRY_BASE_MS = 50;

/**
 * The retry back-off: the SDK's (random, doubling, capped), with
 * THROTTLED_RETRY_BASE_MS after a throttle. The SDK sets the base before each
 * retry: RETRY_BASE_MS, as configured below, for other errors, and its own
 * throttling base otherwise.
 */
export class RetryBackoff {
  private base = RETRY_BASE_MS;

  public setDelayBase(delay: number): void {
    this.base = delay === RETRY_BASE_MS ? RETRY_BASE_MS : THROTTLED_RETRY_BASE_MS;
  }

  public computeNextBackoffDelay(retry: number): number {
    return Math.floor(Math.random() * Math.min(this.base * 2 ** Math.min(retry, 30), MAX_THROTTLING_PAUSE_MS));
  }
}

/**
 * The SDK client configuration of every client of the handler: adaptive
 * retries (a client-side rate limiter), up to MAX_ATTEMPTS, with RetryBackoff.
 * A new strategy per client: the rate limiter and the retry quota are a
 * client's own.
 */
export function clientConfig(): { maxAttempts: number; retryStrategy: AdaptiveRetryStrategy } {
  return {
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy: new AdaptiveRetryStrategy(MAX_ATTEMPTS, { maxAttempts: MAX_ATTEMPTS, baseDelay: RETRY_BASE_MS, backoff: new RetryBackoff() }),
  };
}

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

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether the SDK retries an error that is not throttling (as @smithy's
 * isTransientError): a server error (500, 502-504), a timeout, a lost
 * connection, or an error the model marks retryable. Never an abort.
 */
export function isTransientError(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; $retryable?: unknown } | undefined;
  return errorName(error) !== 'AbortError' && (
    TRANSIENT_STATUS.has(e?.$metadata?.httpStatusCode ?? 0) ||
    TRANSIENT_NAMES.has(errorName(error)) ||
    TRANSIENT_CODES.has(e?.code ?? '') ||
    e?.$retryable !== undefined);
}

/** The failed attempts of one call, by kind, across rounds. */
interface Failures {
  throttled: number;
  other: number;
}

/** Each call's failures, by the SDK's context object of the call (one per `client.send`). */
const failuresOf = new WeakMap<object, Failures>();

type Middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>;

/**
 * Keeps a throttled call going until the invocation's deadline.
 *
 * The SDK shares one budget between throttling and other errors: a call
 * gets MAX_ATTEMPTS attempts, and each client a retry quota that every
 * retry draws on (throttled ones too). When many containers share one
 * account's rate, that budget is spent on throttling within a minute or less,
 * and the SDK then gives up on a throttled call, or on a server error it
 * would otherwise have retried, with minutes of the handler's time left.
 *
 * So, around the SDK's retry loop: when the SDK gives up on throttling, or
 * on a transient error while fewer than MAX_ATTEMPTS of the call's attempts
 * failed with anything but throttling, pause and start another round of
 * the SDK's retries (which goes through its adaptive rate limiter again).
 * The pause doubles with every round, with jitter so that containers spread
 * out. The deadline ends it: the next round meets the call's abort signal,
 * and send() throws a DeadlineError that says IoT was throttling. Anything
 * else is thrown as the SDK threw it.
 */
export function waitOutThrottling<T extends { middlewareStack: unknown }>(client: T): T {
  const stack = client.middlewareStack as MiddlewareStack;
  const around: Middleware = (next, context) => async (args) => {
    const failures: Failures = { throttled: 0, other: 0 };
    failuresOf.set(context, failures);
    for (let round = 1; ; round++) {
      try {
        return await next(args);
      } catch (e) {
        const left = timeLeft();
        const again = isThrottlingError(e) || (isTransientError(e) && failures.other < MAX_ATTEMPTS);
        if (!again || left <= 0) {
          throw e;
        }
        const pauseMs = throttlingPause(round);
        log('the SDK\'s retries ran out while IoT was throttling: pausing, then retrying within the deadline', {
          operation: context.commandName?.replace(/Command$/, ''),
          error: errorName(e),
          attempts: (e as { $metadata?: { attempts?: number } }).$metadata?.attempts,
          throttled: failures.throttled,
          round,
          pauseMs,
        });
        // At most until the deadline: the next round then meets the abort.
        await sleep(Math.min(pauseMs, left));
      }
    }
  };
  const inside: Middleware = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (e) {
      const failures = failuresOf.get(context);
      if (failures && errorName(e) !== 'AbortError') {
        failures[isThrottlingError(e) ? 'throttled' : 'other']++;
      }
      throw e;
    }
  };
  stack.addRelativeTo(around, { name: 'cdkIotPackageCatalogWaitOutThrottling', relation: 'before', toMiddleware: 'retryMiddleware' });
  stack.addRelativeTo(inside, { name: 'cdkIotPackageCatalogCountFailures', relation: 'after', toMiddleware: 'retryMiddleware' });
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
