/**
 * One invocation's time (lambda/deadline.ts): the deadline from the Lambda
 * context less a response margin, a cleanup reserve that forward work
 * leaves, and the retry notes a DeadlineError reports.
 */
import {
  currentInvocation,
  DEFAULT_REMAINING_MS,
  inCleanup,
  Invocation,
  MAX_RESERVE_MS,
  MIN_RESERVE_MS,
  noteRetry,
  now,
  RESPONSE_MARGIN_MS,
  sleep,
  timeLeft,
  withDeadline,
} from '../../lambda/deadline';

const NOW = 1_700_000_000_000;
/** The monotonic clock's reading when the fake clock was set. */
let start: number;

function invocationFor(remainingMs: number | undefined): Promise<Invocation> {
  const context = remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => remainingMs };
  return withDeadline(context, async () => ({ ...currentInvocation() }));
}

describe('with a fixed clock', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    start = now();
  });
  afterEach(() => jest.useRealTimers());

  test('the constants', () => {
    expect([RESPONSE_MARGIN_MS, MIN_RESERVE_MS, MAX_RESERVE_MS, DEFAULT_REMAINING_MS]).toEqual([1_000, 2_000, 60_000, 300_000]);
  });

  test.each<[string, number, number, number]>([
    // remaining, deadline after NOW, forward deadline after NOW
    ['a fifth of the time is the reserve', 30_000, 29_000, 23_000],
    ['the reserve is at least 2 s', 8_000, 7_000, 5_000],
    ['the reserve is at most 60 s', 900_000, 899_000, 839_000],
    ['exactly at the lower bound', 10_000, 9_000, 7_000],
    ['exactly at the upper bound', 300_000, 299_000, 239_000],
    ['forward work gets nothing when the reserve takes all', 3_000, 2_000, 0],
    ['less than the margin: both deadlines are now', 400, 0, 0],
    ['nothing remaining', 0, 0, 0],
    ['a fraction of a millisecond is dropped (timers take whole ones)', 8_000.9, 7_000, 5_000],
  ])('%s (%d ms remaining)', async (_label, remainingMs, deadline, forward) => {
    const inv = await invocationFor(remainingMs);

    expect(inv.deadline - start).toBe(deadline);
    expect(inv.forwardDeadline - start).toBe(forward);
    expect(inv.cleanup).toBe(false);
    expect(inv.lastRetried).toBeUndefined();
  });

  test('without a context, the default of 5 minutes', async () => {
    const inv = await invocationFor(undefined);

    expect(inv.deadline - start).toBe(299_000);
    expect(inv.forwardDeadline - start).toBe(239_000);
  });

  test('outside withDeadline, each call gets a fresh default invocation', () => {
    const a = currentInvocation();
    a.cleanup = true;

    expect(currentInvocation()).toEqual({ deadline: start + 299_000, forwardDeadline: start + 239_000, cleanup: false });
  });

  test('timeLeft counts to the forward deadline, and to the deadline in cleanup', async () => {
    await withDeadline({ getRemainingTimeInMillis: () => 30_000 }, async () => {
      expect(timeLeft()).toBe(23_000);
      await inCleanup(async () => expect(timeLeft()).toBe(29_000));
      jest.advanceTimersByTime(25_000);
      expect(timeLeft()).toBe(-2_000);
      await inCleanup(async () => expect(timeLeft()).toBe(4_000));
    });
  });

  test('a step of the wall clock (time synchronization) moves no deadline', async () => {
    await withDeadline({ getRemainingTimeInMillis: () => 30_000 }, async () => {
      jest.setSystemTime(NOW + 60_000);
      expect(Date.now()).toBe(NOW + 60_000);
      expect(timeLeft()).toBe(23_000);
      jest.setSystemTime(NOW - 60_000);
      await inCleanup(async () => expect(timeLeft()).toBe(29_000));
    });
  });
});

describe('inCleanup', () => {
  test('sets the cleanup flag for the duration, and restores it after', async () => {
    await withDeadline(undefined, async () => {
      expect(currentInvocation().cleanup).toBe(false);
      await expect(inCleanup(async () => currentInvocation().cleanup)).resolves.toBe(true);
      expect(currentInvocation().cleanup).toBe(false);
    });
  });

  test('restores the flag when the work throws', async () => {
    await withDeadline(undefined, async () => {
      await expect(inCleanup(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(currentInvocation().cleanup).toBe(false);
    });
  });

  test('nested, the inner one does not end the outer one', async () => {
    await withDeadline(undefined, async () => {
      await inCleanup(async () => {
        await inCleanup(async () => undefined);
        expect(currentInvocation().cleanup).toBe(true);
      });
    });
  });
});

describe('noteRetry', () => {
  test('counts retries of the same error, and starts again at another', async () => {
    const notes = await withDeadline(undefined, async () => {
      const seen: unknown[] = [];
      noteRetry('ThrottlingException');
      seen.push(currentInvocation().lastRetried);
      noteRetry('ThrottlingException');
      noteRetry('ThrottlingException');
      seen.push(currentInvocation().lastRetried);
      noteRetry('TimeoutError');
      seen.push(currentInvocation().lastRetried);
      noteRetry('ThrottlingException');
      seen.push(currentInvocation().lastRetried);
      return seen;
    });

    expect(notes).toEqual([
      { name: 'ThrottlingException', count: 1 },
      { name: 'ThrottlingException', count: 3 },
      { name: 'TimeoutError', count: 1 },
      { name: 'ThrottlingException', count: 1 },
    ]);
  });

  test('outside an invocation it notes nothing (and does not throw)', () => {
    expect(() => noteRetry('ThrottlingException')).not.toThrow();
    expect(currentInvocation().lastRetried).toBeUndefined();
  });
});

test('two invocations running at once keep their own time and notes', async () => {
  const first = withDeadline({ getRemainingTimeInMillis: () => 10_000 }, async () => {
    noteRetry('ThrottlingException');
    await sleep(20);
    return { ...currentInvocation() };
  });
  const second = withDeadline({ getRemainingTimeInMillis: () => 100_000 }, async () => {
    await inCleanup(() => sleep(5));
    noteRetry('TimeoutError');
    return { ...currentInvocation() };
  });

  const [a, b] = await Promise.all([first, second]);

  expect(a.lastRetried).toEqual({ name: 'ThrottlingException', count: 1 });
  expect(b.lastRetried).toEqual({ name: 'TimeoutError', count: 1 });
  expect(b.deadline - a.deadline).toBeGreaterThan(80_000);
  expect(a.cleanup).toBe(false);
});

test('sleep waits about the time asked', async () => {
  const started = performance.now();
  await sleep(30);
  expect(performance.now() - started).toBeGreaterThanOrEqual(25);
});
