/**
 * API calls per operation: how many successful IoT calls the real bundled
 * handler makes to create (DRAFT, PUBLISHED), update (no change, the
 * description, a tag) and delete a version, counted from the request log of
 * moto's server (see test/lifecycle/call-counts.ts). Starts moto and the
 * CloudFormation simulator itself, outside jest, and stops them.
 *
 *   npx ts-node --project tsconfig.dev.json bench/calls.ts   # prints a markdown table
 *
 * Needs the handler asset (npx projen bundle:handler) and .venv (npx projen setup:python).
 */
import { countAllCalls } from '../test/lifecycle/call-counts';
import { startStandIns, StandIns, stopStandIns } from '../test/lifecycle/harness';

export interface CallMeasurement {
  readonly operation: string;
  /** Successful IoT calls by operation, in the order each was first made. */
  readonly calls: Record<string, number>;
  /** All successful IoT calls. */
  readonly total: number;
  /** Successful calls to other services (e.g. 'cloudformation:DescribeStacks'), not in `total`. */
  readonly otherServices: Record<string, number>;
}

/** Runs the six operations against a moto server of its own and returns the handler's successful calls for each. */
export async function measureCalls(): Promise<CallMeasurement[]> {
  let env: StandIns | undefined;
  try {
    env = await startStandIns();
    return (await countAllCalls(env)).map(({ operation, iot, total, otherServices }) => ({ operation, calls: iot, total, otherServices }));
  } finally {
    await stopStandIns(env ?? {});
  }
}

/** The measurements as a markdown table. */
export function callsTable(rows: readonly CallMeasurement[]): string {
  const list = (calls: Record<string, number>) => Object.entries(calls).map(([op, n]) => `${op} × ${n}`).join(', ') || 'none';
  return [
    '| Operation | Calls by IoT operation | Total | Other services (not in total) |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.operation} | ${list(r.calls)} | ${r.total} | ${list(r.otherServices)} |`),
  ].join('\n');
}

if (require.main === module) {
  measureCalls().then((rows) => console.log(callsTable(rows)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
