/**
 * Shared settings of the property tests: a fixed seed, so every run checks
 * the same inputs, and a bounded number of runs.
 *
 * On failure the error names the seed, fast-check's replay path and the
 * (shrunk) counterexample. To reproduce a failure, or to explore other
 * inputs, set FC_SEED (an integer), e.g.
 *
 *   FC_SEED=12345 npx jest test/property --coverage=false
 *
 * FC_NUM_RUNS multiplies the number of runs of every property (e.g. 10 for
 * a longer, local exploration).
 */
import * as fc from 'fast-check';

/** The seed used when FC_SEED is not set. */
export const DEFAULT_SEED = 20_260_517;

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The seed of every property in this directory (FC_SEED overrides it). */
export const SEED = integerFromEnv('FC_SEED', DEFAULT_SEED);

/** Multiplier of the number of runs (FC_NUM_RUNS, default 1). */
const RUNS_FACTOR = Math.max(1, integerFromEnv('FC_NUM_RUNS', 1));

/** Runs of a cheap, synchronous property. */
export const NUM_RUNS = 300 * RUNS_FACTOR;

/** Runs of a property that synthesizes a CDK app per run (~50 ms each). */
export const NUM_RUNS_SYNTH = 80 * RUNS_FACTOR;

/** Runs of a property that talks to the moto server per run. */
export const NUM_RUNS_MOTO = 60 * RUNS_FACTOR;

function withSeed(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  // fast-check's own message has the seed, the replay path and the
  // counterexample; the assertion that failed is its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `\nCaused by: ${error.cause.message}` : '';
  const wrapped = new Error(`Property failed with seed ${SEED}; reproduce with FC_SEED=${SEED}.\n${message}${cause}`);
  const frames = (error instanceof Error && error.cause instanceof Error ? error.cause : error as Error)?.stack?.split('\n').filter((l) => /^\s+at /.test(l)) ?? [];
  wrapped.stack = [wrapped.message, ...frames].join('\n');
  return wrapped;
}

/** fc.assert with the shared seed; the error names the seed and the counterexample. */
export function assertProperty<T>(property: fc.IProperty<T>, numRuns = NUM_RUNS, params: fc.Parameters<T> = {}): void {
  try {
    fc.assert(property, { seed: SEED, numRuns, ...params });
  } catch (e) {
    throw withSeed(e);
  }
}

/** fc.assert of an async property with the shared seed; the error names the seed and the counterexample. */
export async function assertAsyncProperty<T>(property: fc.IAsyncProperty<T>, numRuns = NUM_RUNS_MOTO, params: fc.Parameters<T> = {}): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns, ...params });
  } catch (e) {
    throw withSeed(e);
  }
}
