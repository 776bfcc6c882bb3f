/**
 * How many calls the handler makes for each common operation on a
 * Custom::IotPackageVersion: the requests go through the simulator (the real
 * provider framework and the real bundled handler) to moto, and moto's
 * request log counts them.
 *
 * Counted: the handler's calls (signed with the credentials the simulator
 * gives it, as Lambda gives its role's), and only the successful ones (HTTP
 * 2xx, no error type), so that a throttled call retried counts once. IoT
 * calls are counted by operation; calls to other services (CloudFormation
 * DescribeStacks, S3) are counted apart, as 'service:Operation', and are not
 * in `total`. The test's own calls (the package it creates, the version
 * created before an update or a delete) are not counted.
 *
 * Used by call-counts.test.ts (the exact counts as a regression guard) and
 * by bench/calls.ts (outside jest); it needs no jest global.
 */
import { CfnResponse, CloudFormationSimulator, HANDLER_CREDENTIALS } from './cloudformation-simulator';
import { StandIns, startOver, VERSION_PROPS } from './harness';
import type { RecordedRequest } from '../moto/moto-server';

/** The operations measured, in the order they are reported. */
export const OPERATIONS = [
  'create DRAFT',
  'create PUBLISHED',
  'no-op update',
  'description update',
  'tag update',
  'delete',
] as const;

export type Operation = typeof OPERATIONS[number];

/** Successful calls by operation: IoT's by name, other services' as 'service:Operation'. */
export interface CallCounts {
  readonly iot: Record<string, number>;
  readonly otherServices: Record<string, number>;
}

/** The handler's successful calls during one operation. */
export interface OperationCalls extends CallCounts {
  readonly operation: Operation;
  /** IoT calls in all. */
  readonly total: number;
}

export interface CountOptions {
  /**
   * Runs once the version the operation needs exists, just before the
   * operation's request is sent; calls it makes are in the log counted
   * (e.g. to inject a fault, or to check that an extra call is counted).
   */
  readonly beforeRequest?: () => Promise<void>;
}

/** The resource's logical id in the simulator's stack. */
export const LOGICAL_ID = 'Firmware140';

/** Each operation's properties; an update's or delete's version is first created with VERSION_PROPS. */
export const OPERATION_PROPS = {
  created: VERSION_PROPS,
  published: { ...VERSION_PROPS, Status: 'PUBLISHED' },
  description: { ...VERSION_PROPS, Description: 'Bootloader fix, with the watchdog reset' },
  tags: { ...VERSION_PROPS, Tags: [{ Key: 'team', Value: 'platform' }] },
};

interface Step {
  /** Whether the version exists before the operation (created by the handler, not counted). */
  readonly existing: boolean;
  run(cfn: CloudFormationSimulator, physicalId: string): Promise<CfnResponse>;
}

const { created, published, description, tags } = OPERATION_PROPS;
const STEPS: Record<Operation, Step> = {
  'create DRAFT': { existing: false, run: (cfn) => cfn.create(LOGICAL_ID, created) },
  'create PUBLISHED': { existing: false, run: (cfn) => cfn.create(LOGICAL_ID, published) },
  'no-op update': { existing: true, run: (cfn, id) => cfn.update(LOGICAL_ID, id, created, created) },
  'description update': { existing: true, run: (cfn, id) => cfn.update(LOGICAL_ID, id, description, created) },
  'tag update': { existing: true, run: (cfn, id) => cfn.update(LOGICAL_ID, id, tags, created) },
  'delete': { existing: true, run: (cfn, id) => cfn.delete(LOGICAL_ID, id, created) },
};

/**
 * Runs one operation from a fresh moto (reset, the test package created)
 * and counts the handler's successful calls it made. Fails if the
 * operation does not succeed.
 */
export async function countCalls(env: StandIns, operation: Operation, options: CountOptions = {}): Promise<OperationCalls> {
  const step = STEPS[operation];
  await startOver(env);
  const physicalId = step.existing ? succeeded(await env.cfn.create(LOGICAL_ID, created), 'creating the version first') : '';
  const from = (await env.moto.requests()).length;
  await options.beforeRequest?.();
  succeeded(await step.run(env.cfn, physicalId), operation);
  const counts = tally((await env.moto.requests()).slice(from));
  return { operation, ...counts, total: Object.values(counts.iot).reduce((a, b) => a + b, 0) };
}

/** Every operation of OPERATIONS, in order. */
export async function countAllCalls(env: StandIns): Promise<OperationCalls[]> {
  const results: OperationCalls[] = [];
  for (const operation of OPERATIONS) {
    results.push(await countCalls(env, operation));
  }
  return results;
}

/** Counts the handler's successful calls among `requests`, by operation, in the order each was first made. */
export function tally(requests: readonly RecordedRequest[]): CallCounts {
  const iot: Record<string, number> = {};
  const otherServices: Record<string, number> = {};
  for (const r of requests) {
    if (r.accessKeyId !== HANDLER_CREDENTIALS.accessKeyId || !isSuccess(r)) {
      continue;
    }
    const [counts, key] = r.service === 'iot' ? [iot, r.operation] : [otherServices, `${r.service}:${r.operation}`];
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { iot, otherServices };
}

/** A request answered with success (an S3 HEAD's 404, e.g., has an error type). */
function isSuccess(r: RecordedRequest): boolean {
  return r.status !== null && r.status >= 200 && r.status < 300 && r.errorType === null;
}

/** The physical id of a successful response; throws with CloudFormation's reason otherwise. */
function succeeded(res: CfnResponse, what: string): string {
  if (res.Status !== 'SUCCESS') {
    throw new Error(`${what}: expected SUCCESS, got ${res.Status}: ${res.Reason}`);
  }
  return res.PhysicalResourceId;
}
