/**
 * The time one invocation has, and how it is shared between forward work and
 * cleanup.
 *
 * At entry the handler turns the Lambda context's remaining time into one
 * absolute deadline (less a margin to send the response). Forward work
 * (creating, updating, publishing) must stop a reserve earlier, so that a
 * failed create can still undo what it made; cleanup may use the reserve.
 * Every AWS call gets an abort signal at the deadline of its phase and a
 * per-attempt timeout, so the SDK's own retries stop in time (see aws/send.ts).
 *
 * The deadline lives in an AsyncLocalStorage, not a module variable: in
 * tests two invocations of the same module may run at once (a Delete that
 * overtakes its Create).
 *
 * Deadlines are kept on the monotonic clock (`now()`), not the wall clock: a
 * wall clock stepped by time synchronization would otherwise end the work
 * early, or let it run past Lambda's timeout.
 */
import { AsyncLocalStorage } from 'async_hooks';

/** Kept back from Lambda's remaining time to return the response. */
export const RESPONSE_MARGIN_MS = 1_000;
/** The cleanup reserve: a fifth of the time, within these bounds. */
export const MIN_RESERVE_MS = 2_000;
export const MAX_RESERVE_MS = 60_000;
/** Longest single HTTP attempt: IoT answers in well under a second. */
export const MAX_ATTEMPT_MS = 15_000;
/** What the handler assumes when no context is given (Lambda always gives one). */
export const DEFAULT_REMAINING_MS = 5 * 60_000;

/** What the handler needs of Lambda's context object. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** One invocation's time. */
export interface Invocation {
  /** The time (`now()`) by which every call, cleanup included, has ended. */
  readonly deadline: number;
  /** The time (`now()`) by which forward work stops. */
  readonly forwardDeadline: number;
  /** Whether cleanup is running: calls may then use the reserve. */
  cleanup: boolean;
  /** The last error the SDK retried, and how many retries there were. */
  lastRetried?: { readonly name: string; readonly count: number };
}

const storage = new AsyncLocalStorage<Invocation>();

/** Whole milliseconds on the monotonic clock (the global `performance`); only differences between two readings mean anything. */
export function now(): number {
  return Math.floor(performance.now());
}

/** Runs `fn` with the deadline the Lambda context gives. */
export function withDeadline<T>(context: RemainingTime | undefined, fn: () => Promise<T>): Promise<T> {
  return storage.run(newInvocation(context), fn);
}

/** The current invocation's time; outside `withDeadline` (unit tests), a full default invocation. */
export function currentInvocation(): Invocation {
  return storage.getStore() ?? newInvocation(undefined);
}

/** Milliseconds left in the current phase (forward work, or cleanup). */
export function timeLeft(): number {
  const inv = currentInvocation();
  return (inv.cleanup ? inv.deadline : inv.forwardDeadline) - now();
}

/** Runs cleanup work, which may use the reserve that forward work leaves. */
export async function inCleanup<T>(fn: () => Promise<T>): Promise<T> {
  const inv = currentInvocation();
  const previous = inv.cleanup;
  inv.cleanup = true;
  try {
    return await fn();
  } finally {
    inv.cleanup = previous;
  }
}

/** Notes that the SDK is retrying after `name`, to explain a deadline later. */
export function noteRetry(name: string): void {
  const inv = storage.getStore();
  if (inv) {
    inv.lastRetried = { name, count: inv.lastRetried?.name === name ? inv.lastRetried.count + 1 : 1 };
  }
}

function newInvocation(context: RemainingTime | undefined): Invocation {
  const remaining = Math.floor(context?.getRemainingTimeInMillis() ?? DEFAULT_REMAINING_MS);
  const start = now();
  const deadline = start + Math.max(0, remaining - RESPONSE_MARGIN_MS);
  const reserve = Math.min(MAX_RESERVE_MS, Math.max(MIN_RESERVE_MS, Math.floor(remaining / 5)));
  return { deadline, forwardDeadline: Math.max(start, deadline - reserve), cleanup: false };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
