/**
 * Every AWS call within the invocation's time (lambda/aws/send.ts): an abort
 * signal at the end of the phase, a per-attempt timeout, and a DeadlineError
 * that says what the SDK kept retrying. The last part runs a real SDK client
 * against a request handler that answers ThrottlingException, so the SDK's
 * own retries and the recordRetries middleware take part.
 */
import { Readable } from 'stream';
import { GetPackageCommand, IoTClient } from '@aws-sdk/client-iot';
import { cloudFormation } from '../../../lambda/aws/cloudformation';
import { iot } from '../../../lambda/aws/iot';
import { s3 } from '../../../lambda/aws/s3';
import {
  CallOptions, clientConfig, isThrottlingError, isTransientError, MAX_ATTEMPTS, MAX_THROTTLING_PAUSE_MS, recordRetries, RetryBackoff, send,
  THROTTLED_RETRY_BASE_MS, throttlingPause,
  waitOutThrottling,
} from '../../../lambda/aws/send';
import { inCleanup, MAX_ATTEMPT_MS, noteRetry, withDeadline } from '../../../lambda/deadline';
import { DeadlineError } from '../../../lambda/errors';

const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

const RETRY_LATER = 'This is temporary; the deployment can be retried.';

/** A call that never answers and fails only when it is aborted. */
function hangs(options: CallOptions): Promise<never> {
  return new Promise((_resolve, reject) => options.abortSignal.addEventListener('abort', () => reject(new Error('aborted'))));
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then((value) => { throw new Error(`resolved with ${JSON.stringify(value)}`); }, (e: Error) => e);
}

describe('send', () => {
  test('gives the call an abort signal and an attempt timeout of at most 15 s, and returns its answer', async () => {
    const seen: CallOptions[] = [];

    const answer = await withDeadline(remaining(60_000), () => send('GetPackage', async (o) => { seen.push(o); return 'answer'; }));

    expect(answer).toBe('answer');
    expect(seen).toHaveLength(1);
    expect(seen[0].abortSignal.aborted).toBe(false);
    expect(seen[0].requestTimeout).toBe(MAX_ATTEMPT_MS);
  });

  test('the attempt timeout is the time left when that is shorter', async () => {
    let timeout = 0;

    // 5 s remaining: forward work has 2 s.
    await withDeadline(remaining(5_000), () => send('GetPackage', async (o) => { timeout = o.requestTimeout; }));

    expect(timeout).toBeLessThanOrEqual(2_000);
    expect(timeout).toBeGreaterThan(1_500);
  });

  test('with no time left, throws a DeadlineError without making the call', async () => {
    const call = jest.fn();

    const err = await withDeadline(remaining(3_000), () => rejectionOf(send('GetPackage', call)));

    expect(err).toBeInstanceOf(DeadlineError);
    expect(err.name).toBe('DeadlineError');
    expect(err.message).toBe(`GetPackage did not finish before the handler's time ran out: AWS did not answer in time. ${RETRY_LATER}`);
    expect(call).not.toHaveBeenCalled();
  });

  test('a call cut off at the end of its phase throws a DeadlineError, not the call\'s own error', async () => {
    // 3.2 s remaining: forward work has 0.2 s.
    const started = performance.now();
    const err = await withDeadline(remaining(3_200), () => rejectionOf(send('UpdatePackageVersion', hangs)));

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(DeadlineError);
    expect(err.message).toBe(`UpdatePackageVersion did not finish before the handler's time ran out: AWS did not answer in time. ${RETRY_LATER}`);
  });

  test.each<[string, string[], string]>([
    ['throttling, three times', ['ThrottlingException', 'ThrottlingException', 'ThrottlingException'], 'IoT was throttling requests (ThrottlingException, 3 times)'],
    ['throttling, once', ['ThrottlingException'], 'IoT was throttling requests (ThrottlingException, 1 time)'],
    ['CloudFormation\'s Throttling', ['Throttling', 'Throttling'], 'IoT was throttling requests (Throttling, 2 times)'],
    ['TooManyRequestsException', ['TooManyRequestsException'], 'IoT was throttling requests (TooManyRequestsException, 1 time)'],
    ['another error', ['InternalServerException', 'InternalServerException'], 'the call kept failing with InternalServerException (2 times)'],
    ['the last of several errors', ['ThrottlingException', 'TimeoutError'], 'the call kept failing with TimeoutError (1 time)'],
  ])('the DeadlineError names what the SDK retried: %s', async (_label, retried, why) => {
    const err = await withDeadline(remaining(3_200), () => rejectionOf(send('UpdatePackageVersion', (o) => {
      retried.forEach(noteRetry);
      return hangs(o);
    })));

    expect(err.message).toBe(`UpdatePackageVersion did not finish before the handler's time ran out: ${why}. ${RETRY_LATER}`);
  });

  test('an error before the deadline is thrown as it is', async () => {
    const error = new Error('ValidationException');

    await expect(withDeadline(remaining(60_000), () => send('GetPackage', async () => { throw error; }))).rejects.toBe(error);
  });

  test('cleanup may use the reserve that forward work may not', async () => {
    const answers = await withDeadline(remaining(3_000), async () => {
      const forward = await rejectionOf(send('GetPackage', async () => 'forward'));
      const cleanup = await inCleanup(() => send('DeletePackageVersion', async (o) => o.requestTimeout));
      return { forward, cleanup };
    });

    expect(answers.forward).toBeInstanceOf(DeadlineError);
    expect(answers.cleanup).toBeGreaterThan(1_500);
    expect(answers.cleanup).toBeLessThanOrEqual(2_000);
  });
});

describe('the clients', () => {
  test.each<[string, { config: { maxAttempts: () => Promise<number>; retryStrategy: () => Promise<unknown> } }]>([
    ['IoT', iot as never],
    ['CloudFormation', cloudFormation as never],
    ['S3', s3 as never],
  ])('%s retries with adaptive back-off, up to MAX_ATTEMPTS, records its retries and waits out throttling', async (_label, client) => {
    expect(MAX_ATTEMPTS).toBe(10);
    expect(clientConfig()).toEqual({ maxAttempts: 10, retryStrategy: expect.objectContaining({ mode: 'adaptive' }) });
    // Each client its own strategy: its own rate limiter and retry quota.
    expect(clientConfig().retryStrategy).not.toBe(clientConfig().retryStrategy);
    expect(await client.config.maxAttempts()).toBe(10);
    const strategy = await client.config.retryStrategy() as { mode?: string; standardRetryStrategy?: { retryBackoffStrategy?: unknown } };
    expect(strategy.mode).toBe('adaptive');
    expect(strategy.standardRetryStrategy?.retryBackoffStrategy).toBeInstanceOf(RetryBackoff);
    const stack = (client as unknown as IoTClient).middlewareStack.identify();
    expect(stack).toEqual(expect.arrayContaining([
      expect.stringMatching(/^cdkIotPackageCatalogRecordRetries /),
      expect.stringMatching(/^cdkIotPackageCatalogWaitOutThrottling /),
    ]));
    // Throttling is waited out around the SDK's retry loop; retries are recorded inside it.
    const at = (prefix: string) => stack.findIndex((m) => m.startsWith(prefix));
    expect(at('cdkIotPackageCatalogWaitOutThrottling ')).toBeLessThan(at('retryMiddleware '));
    expect(at('retryMiddleware ')).toBeLessThan(at('cdkIotPackageCatalogRecordRetries '));
  });
});

describe('the retry back-off', () => {
  afterEach(() => jest.restoreAllMocks());

  test('after a throttle: up to THROTTLED_RETRY_BASE_MS at first, doubling, at most MAX_THROTTLING_PAUSE_MS; after other errors the SDK\'s 50 ms', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const backoff = new RetryBackoff();
    // The SDK sets its own throttling base (a second) before a retry after a throttle.
    backoff.setDelayBase(1_000);
    expect([0, 1, 2, 3].map((retry) => backoff.computeNextBackoffDelay(retry))).toEqual([99, 199, 399, 799]);
    expect(THROTTLED_RETRY_BASE_MS).toBe(100);
    expect(backoff.computeNextBackoffDelay(20)).toBe(Math.floor(0.999 * MAX_THROTTLING_PAUSE_MS));
    // ... and the configured base before a retry after another error.
    backoff.setDelayBase(50);
    expect([0, 1].map((retry) => backoff.computeNextBackoffDelay(retry))).toEqual([49, 99]);
  });

  test.each<[string, { statusCode: number; headers: Record<string, string> }, number]>([
    // Under 100 ms, where the SDK's own would be up to a second.
    ['throttled once waits at most the short back-off', { statusCode: 400, headers: { 'x-amzn-errortype': 'ThrottlingException' } }, 99],
    // The SDK's 50 ms, unchanged.
    ['met by a server error once waits at most the SDK\'s own back-off', { statusCode: 500, headers: { 'x-amzn-errortype': 'InternalFailureException' } }, 49],
  ])('a real client %s before its retry', async (_label, failure, wait) => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const waits: number[] = [];
    const realSetTimeout = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      waits.push(ms ?? 0);
      return realSetTimeout(fn, 0);
    }) as never);
    let attempts = 0;
    const client = new IoTClient({
      ...clientConfig(),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
      requestHandler: {
        handle: async () => {
          attempts++;
          return attempts === 1
            ? { response: { ...failure, headers: { ...failure.headers, 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"message":"Rate exceeded"}')]) } }
            : { response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"packageName":"firmware"}')]) } };
        },
      } as never,
    });

    const out = await client.send(new GetPackageCommand({ packageName: 'firmware' }));

    expect(out.packageName).toBe('firmware');
    expect(attempts).toBe(2);
    // The retry's back-off comes first. (After a throttle the adaptive rate
    // limiter then paces the client; its waits are not the back-off.)
    expect(waits.find((ms) => ms > 0)).toBe(wait);
  });
});

describe('a real SDK client against IoT that throttles', () => {
  /**
   * An IoT client whose every attempt is answered ThrottlingException; from
   * attempt `hangFrom` on, the attempt hangs until it is aborted, as a slow
   * request does in node-http-handler.
   */
  function throttledClient(hangFrom = Infinity): { client: IoTClient; attempts: () => number } {
    let attempts = 0;
    const client = recordRetries(new IoTClient({
      ...clientConfig(),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
      requestHandler: {
        handle: async (_request: unknown, options?: { abortSignal?: AbortSignal }) => {
          attempts++;
          const signal = options?.abortSignal;
          if (attempts >= hangFrom && signal && !signal.aborted) {
            await new Promise((resolve) => signal.addEventListener('abort', resolve));
          }
          if (signal?.aborted) {
            throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
          }
          return {
            response: {
              statusCode: 400,
              headers: { 'x-amzn-errortype': 'ThrottlingException', 'content-type': 'application/json' },
              body: Readable.from([Buffer.from('{"message":"Rate exceeded"}')]),
            },
          };
        },
      } as never,
    }));
    return { client, attempts: () => attempts };
  }

  function getPackage(client: IoTClient): Promise<unknown> {
    return send('GetPackage', (o) => client.send(new GetPackageCommand({ packageName: 'firmware' }), o));
  }

  test('the SDK retries until the deadline, and the DeadlineError says IoT was throttling', async () => {
    const { client, attempts } = throttledClient();

    // 4.5 s remaining: forward work has 1.5 s.
    const err = await withDeadline(remaining(4_500), () => rejectionOf(getPackage(client)));

    expect(err).toBeInstanceOf(DeadlineError);
    expect(err.message).toMatch(/^GetPackage did not finish before the handler's time ran out: IoT was throttling requests \(ThrottlingException, \d+ times?\)\./);
    expect(attempts()).toBeGreaterThanOrEqual(1);
    expect(attempts()).toBeLessThan(MAX_ATTEMPTS);
  });

  // BUG (handler): recordRetries notes every failed attempt, including the
  // one the deadline's abort cuts off (node-http-handler's "AbortError").
  // When the deadline falls during an attempt rather than during a back-off
  // delay, the DeadlineError blames AbortError instead of the throttling.
  test('a deadline that cuts off an attempt in flight still says IoT was throttling', async () => {
    const { client, attempts } = throttledClient(2);

    // 6 s remaining: forward work has 3 s; adaptive back-off starts the
    // second attempt after about 2 s, and it hangs until the deadline.
    const err = await withDeadline(remaining(6_000), () => rejectionOf(getPackage(client)));

    expect(err.message).toMatch(/IoT was throttling requests \(ThrottlingException, 1 time\)/);
    expect(attempts()).toBe(2);
  });

  test('a single attempt cut off by the deadline says AWS did not answer in time', async () => {
    const { client } = throttledClient(1);

    const err = await withDeadline(remaining(3_500), () => rejectionOf(getPackage(client)));

    expect(err.message).toBe(`GetPackage did not finish before the handler's time ran out: AWS did not answer in time. ${RETRY_LATER}`);
  });
});

/**
 * The storm (test/load): 25 containers sharing IoT's rate get about half
 * their attempts throttled. The SDK gives a call MAX_ATTEMPTS attempts
 * (up to about 45 s of back-off) and each client a retry quota that every
 * retry draws on, throttled or not; a call still throttled after those, or
 * whose last attempt met a server error, failed its resource with minutes of
 * the handler's time left. Now the handler waits throttling out until its
 * deadline. These tests use an SDK client with standard retries and no
 * jitter, so that the SDK's back-off is 0 and its budget runs out at once.
 */
describe('throttling beyond the SDK\'s retries', () => {
  type Answer = { status: number; type?: string };
  const throttle: Answer = { status: 400, type: 'ThrottlingException' };
  const serverError: Answer = { status: 500, type: 'InternalServerException' };
  const ok: Answer = { status: 200 };
  const times = (n: number, answer: Answer) => Array<Answer>(n).fill(answer);

  /** An IoT client that waits out throttling, answering each attempt with the next of `answers` (the last one repeats). */
  function scriptedClient(answers: Answer[]): { client: IoTClient; attempts: () => number } {
    let attempts = 0;
    const client = waitOutThrottling(recordRetries(new IoTClient({
      maxAttempts: MAX_ATTEMPTS,
      retryMode: 'standard',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
      requestHandler: {
        handle: async (_request: unknown, options?: { abortSignal?: AbortSignal }) => {
          const answer = answers[Math.min(attempts++, answers.length - 1)];
          if (options?.abortSignal?.aborted) {
            throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
          }
          const body = answer.type ? `{"message":"${answer.type} here"}` : '{"packageName":"firmware"}';
          return {
            response: {
              statusCode: answer.status,
              headers: { 'content-type': 'application/json', ...(answer.type ? { 'x-amzn-errortype': answer.type } : {}) },
              body: Readable.from([Buffer.from(body)]),
            },
          };
        },
      } as never,
    })));
    return { client, attempts: () => attempts };
  }

  function getPackage(client: IoTClient): Promise<{ packageName?: string }> {
    return send('GetPackage', (o) => client.send(new GetPackageCommand({ packageName: 'firmware' }), o));
  }

  const notices = (logged: jest.SpyInstance) => logged.mock.calls
    .map(([line]) => JSON.parse(line as string) as Record<string, unknown>)
    .filter((l) => String(l.notice).startsWith('the SDK\'s retries ran out'));

  let logged: jest.SpyInstance;
  beforeEach(() => {
    // No jitter: the SDK's back-off is 0, a pause is half its ceiling.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    logged = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test('a throttled call the SDK gave up on goes on after a pause, and answers when IoT does', async () => {
    const { client, attempts } = scriptedClient([...times(MAX_ATTEMPTS + 5, throttle), ok]);

    const started = performance.now();
    const out = await withDeadline(remaining(60_000), () => getPackage(client));

    expect(out.packageName).toBe('firmware');
    expect(attempts()).toBe(MAX_ATTEMPTS + 6);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(notices(logged)).toEqual([
      { notice: expect.any(String), operation: 'GetPackage', error: 'ThrottlingException', attempts: MAX_ATTEMPTS, throttled: MAX_ATTEMPTS, round: 1, pauseMs: 500 },
    ]);
  });

  test('a server error that meets a budget spent on throttling starts another round', async () => {
    const { client, attempts } = scriptedClient([...times(MAX_ATTEMPTS - 1, throttle), serverError, ok]);

    await expect(withDeadline(remaining(60_000), () => getPackage(client))).resolves.toEqual(expect.objectContaining({ packageName: 'firmware' }));
    expect(attempts()).toBe(MAX_ATTEMPTS + 1);
    expect(notices(logged)).toEqual([expect.objectContaining({ error: 'InternalServerException', attempts: MAX_ATTEMPTS, throttled: MAX_ATTEMPTS - 1, round: 1 })]);
  });

  test('an HTTP 429 is throttling whatever its name', async () => {
    const { client, attempts } = scriptedClient([...times(MAX_ATTEMPTS, { status: 429, type: 'RequestLimitReached' }), ok]);

    await expect(withDeadline(remaining(60_000), () => getPackage(client))).resolves.toEqual(expect.objectContaining({ packageName: 'firmware' }));
    expect(attempts()).toBe(MAX_ATTEMPTS + 1);
  });

  test('server errors alone end the call after MAX_ATTEMPTS attempts, as before', async () => {
    const { client, attempts } = scriptedClient([serverError]);

    const err = await withDeadline(remaining(60_000), () => rejectionOf(getPackage(client)));

    expect(err.name).toBe('InternalServerException');
    expect(attempts()).toBe(MAX_ATTEMPTS);
    expect(notices(logged)).toEqual([]);
  });

  test('an error the SDK does not retry ends the call at once', async () => {
    const { client, attempts } = scriptedClient([throttle, { status: 400, type: 'ValidationException' }]);

    const err = await withDeadline(remaining(60_000), () => rejectionOf(getPackage(client)));

    expect(err.name).toBe('ValidationException');
    expect(attempts()).toBe(2);
    expect(notices(logged)).toEqual([]);
  });

  test('throttling that does not end is cut off by the deadline, and the DeadlineError says IoT was throttling', async () => {
    const { client, attempts } = scriptedClient([throttle]);

    // 4.5 s remaining: forward work has 1.5 s, time for a pause of 0.5 s and one of 1 s.
    const started = performance.now();
    const err = await withDeadline(remaining(4_500), () => rejectionOf(getPackage(client)));

    expect(err).toBeInstanceOf(DeadlineError);
    expect(err.message).toMatch(/^GetPackage did not finish before the handler's time ran out: IoT was throttling requests \(ThrottlingException, \d+ times\)\./);
    expect(attempts()).toBeGreaterThan(MAX_ATTEMPTS);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  test('pauses double from 0.5-1 s up to 10-20 s', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect([1, 2, 3, 5, 6, 100].map(throttlingPause)).toEqual([999, 1_999, 3_999, 15_999, 19_999, 19_999]);
    jest.spyOn(Math, 'random').mockReturnValue(0);
    expect([1, 2, 6].map(throttlingPause)).toEqual([500, 1_000, MAX_THROTTLING_PAUSE_MS / 2]);
  });

  test.each<[string, boolean, unknown]>([
    ['ThrottlingException', true, { name: 'ThrottlingException' }],
    ['CloudFormation\'s Throttling', true, { name: 'Throttling' }],
    ['S3\'s SlowDown', true, { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }],
    ['any HTTP 429', true, { name: 'Whatever', $metadata: { httpStatusCode: 429 } }],
    ['InternalServerException', false, { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }],
    ['IoT tagging\'s LimitExceededException (too many tags)', false, { name: 'LimitExceededException', $metadata: { httpStatusCode: 410 } }],
    ['ServiceQuotaExceededException', false, { name: 'ServiceQuotaExceededException', $metadata: { httpStatusCode: 402 } }],
  ])('%s is throttling: %s', (_label, expected, error) => {
    expect(isThrottlingError(error)).toBe(expected);
  });

  test.each<[string, boolean, unknown]>([
    ['InternalServerException (500)', true, { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }],
    ['a 503', true, { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }],
    ['a per-attempt timeout', true, { name: 'TimeoutError' }],
    ['a lost connection', true, { name: 'Error', code: 'ECONNRESET' }],
    ['a 501', false, { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } }],
    ['ValidationException', false, { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }],
    ['the deadline\'s abort', false, { name: 'AbortError' }],
  ])('%s is transient: %s', (_label, expected, error) => {
    expect(isTransientError(error)).toBe(expected);
  });
});
