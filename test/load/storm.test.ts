/**
 * The storm: one stack with 450 package versions, created and then deleted
 * through the real provider-framework runtime and the bundled handler,
 * 25 requests in flight at once, against an IoT (moto) that accepts 10
 * requests per second (ThrottlingException, HTTP 429, for the rest) and
 * fails 5% of the accepted ones with InternalServerException (HTTP 500),
 * drawn from a seeded generator.
 *
 * Each of the 25 slots is its own Lambda container: the simulator loads
 * the framework and the bundled handler afresh per slot (jest.isolateModules,
 * see CloudFormationSimulator.loadContainer), so every slot has its own SDK
 * clients, adaptive rate limiter and retry quota, as 25 concurrent Lambda
 * containers would; a slot handles its requests one after another, as a
 * container does. The delete phase reuses the same (warm) containers.
 *
 * Asserts counts only. The times are printed: elapsed per phase, the IoT
 * calls the handler made (from moto's request log), the lower bound that
 * 10 requests per second puts on them, and the ratio.
 */
import { CreatePackageCommand, ListPackageVersionsCommand } from '@aws-sdk/client-iot';
import { inFlight } from './pool';
import { CfnResponse, CloudFormationSimulator, HANDLER_CREDENTIALS } from '../lifecycle/cloudformation-simulator';
import { CatalogBehaviour, MotoServer, motoIotClient, RecordedRequest, startMotoServer } from '../moto/moto-server';

const VERSIONS = 450;
const IN_FLIGHT = 25;
const PACKAGES = ['storm-bootloader', 'storm-firmware', 'storm-modem'];
const RATE_LIMIT = 10;
const STORM: Partial<CatalogBehaviour> = { throttleRequestsPerSecond: RATE_LIMIT, serverErrorRate: 0.05, serverErrorSeed: 20250611 };
const CALM: Partial<CatalogBehaviour> = { throttleRequestsPerSecond: 0, serverErrorRate: 0 };

/** What the test prints: the simulator captures console.log while it runs. */
const print = console.log.bind(console);

interface Resource {
  readonly logicalId: string;
  readonly packageName: string;
  readonly versionName: string;
  readonly props: Record<string, unknown>;
  physicalId?: string;
}

const resources: Resource[] = Array.from({ length: VERSIONS }, (_, i) => {
  const packageName = PACKAGES[i % PACKAGES.length];
  const versionName = `1.${Math.floor(i / PACKAGES.length)}.0`;
  return {
    logicalId: `Version${i}`,
    packageName,
    versionName,
    props: {
      PackageName: packageName,
      VersionName: versionName,
      Description: `Storm build ${i}`,
      Attributes: { channel: i % 2 ? 'beta' : 'stable' },
      Tags: [{ Key: 'team', Value: 'edge' }],
    },
  };
});

/** One phase's handler calls to IoT, from moto's request log. */
interface PhaseCalls {
  readonly elapsedMs: number;
  /** HTTP 2xx. */
  readonly ok: number;
  /** HTTP 429 ThrottlingException. */
  readonly throttled: number;
  /** HTTP 5xx. */
  readonly serverErrors: number;
  /** Any other answer (e.g. a 404 a lookup expects). */
  readonly other: number;
}

let moto: MotoServer;
let cfn: CloudFormationSimulator;
const summary: string[] = [];

beforeAll(async () => {
  moto = await startMotoServer();
  cfn = await CloudFormationSimulator.start({ moto, stackName: 'StormStack' });
  // 25 containers, loaded before any clock starts (cold starts are not measured).
  cfn.loadContainers(IN_FLIGHT);
  const iot = motoIotClient(moto.endpoint);
  try {
    for (const packageName of PACKAGES) {
      await iot.send(new CreatePackageCommand({ packageName }));
    }
  } finally {
    iot.destroy();
  }
}, 120_000);

afterAll(async () => {
  if (summary.length > 0) {
    print(`The storm (${VERSIONS} versions, ${IN_FLIGHT} in flight, ${RATE_LIMIT} rps, 5% HTTP 500):\n${summary.join('\n')}`);
  }
  await cfn?.stop();
  await moto?.stop();
});

test('creates 450 versions, 25 at once, through throttling and server errors: every event succeeds, no version is created twice', async () => {
  await cfn.setStackStatus('CREATE_IN_PROGRESS');
  const { responses, calls } = await phase('create', (r, slot) =>
    cfn.create(r.logicalId, r.props, undefined, { stackStatus: null, container: slot }));

  expect(failures(responses)).toEqual([]);
  responses.forEach((res, i) => { resources[i].physicalId = res.PhysicalResourceId; });
  expect(resources.filter((r) => r.physicalId !== arnOf(r))).toEqual([]);

  // No version got more than one successful CreatePackageVersion.
  const created = new Map<string, number>();
  for (const r of (await handlerCalls()).filter((c) => c.operation === 'CreatePackageVersion' && c.status === 200)) {
    const key = `${r.uriLabels.packageName}/${r.uriLabels.versionName}`;
    created.set(key, (created.get(key) ?? 0) + 1);
  }
  expect([...created].filter(([, n]) => n > 1)).toEqual([]);
  expect(created.size).toBe(VERSIONS);

  // Every version exists.
  expect(await liveVersions()).toEqual(resources.map(nameOf).sort());
  // The storm was real: the handler was throttled and hit server errors.
  expect(calls.throttled).toBeGreaterThan(0);
  expect(calls.serverErrors).toBeGreaterThan(0);
}, 4 * 60_000);

test('deletes all 450, 25 at once, through throttling and server errors: every event succeeds, nothing is left', async () => {
  expect(resources.every((r) => r.physicalId)).toBe(true);
  await cfn.setStackStatus('DELETE_IN_PROGRESS');
  const { responses, calls } = await phase('delete', (r, slot) =>
    cfn.delete(r.logicalId, r.physicalId!, r.props, { stackStatus: null, container: slot }));

  expect(failures(responses)).toEqual([]);
  expect(await liveVersions()).toEqual([]);
  expect(calls.throttled).toBeGreaterThan(0);
  // One invocation per event: the framework retried nothing.
  expect(cfn.invocations).toBe(2 * VERSIONS);
}, 7 * 60_000);

/**
 * Sends one request per resource, IN_FLIGHT at once (slot i in container i),
 * under the storm; then calms moto, reads what the handler called, and adds
 * a line to the summary.
 */
async function phase(
  name: string, send: (r: Resource, slot: number) => Promise<CfnResponse>,
): Promise<{ responses: CfnResponse[]; calls: PhaseCalls }> {
  const from = (await moto.requests()).length;
  const logsFrom = cfn.logs.length;
  await moto.setBehaviour(STORM);
  const started = performance.now();
  const responses = await inFlight(resources, IN_FLIGHT, (r, slot) => send(r, slot).catch((e: Error) => failedResponse(r, e)));
  const elapsedMs = performance.now() - started;
  await moto.setBehaviour(CALM);

  const iotCalls = (await handlerCalls()).filter((r) => r.index >= from);
  const count = (test: (status: number) => boolean) => iotCalls.filter((r) => test(r.status ?? 0)).length;
  const calls: PhaseCalls = {
    elapsedMs,
    ok: count((s) => s >= 200 && s < 300),
    throttled: count((s) => s === 429),
    serverErrors: count((s) => s >= 500),
    other: count((s) => s < 200 || (s >= 300 && s < 500 && s !== 429)),
  };
  // Calls the SDK gave up on while IoT throttled them, which the handler waited out (lambda/aws/send.ts).
  const waitedOut = cfn.logs.slice(logsFrom).filter((l) => l.includes('the SDK\'s retries ran out while IoT was throttling')).length;
  const lowerBoundMs = (calls.ok / RATE_LIMIT) * 1000;
  summary.push(`  ${name}: ${(elapsedMs / 1000).toFixed(1)} s; IoT calls ${calls.ok} successful, ${calls.throttled} throttled (429), ` +
    `${calls.serverErrors} server errors (5xx), ${calls.other} other; lower bound ${(lowerBoundMs / 1000).toFixed(1)} s ` +
    `(${calls.ok} successful / ${RATE_LIMIT} rps); ratio ${(elapsedMs / lowerBoundMs).toFixed(2)}; ` +
    `${waitedOut} rounds of SDK retries ran out and were waited out`);
  return { responses, calls };
}

/** The handler's IoT calls since moto started, each with its place in the whole log. */
async function handlerCalls(): Promise<(RecordedRequest & { index: number })[]> {
  return (await moto.requests())
    .map((r, index) => ({ ...r, index }))
    .filter((r) => r.service === 'iot' && r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId);
}

/** Every version of the storm's packages, as `package/version`. */
async function liveVersions(): Promise<string[]> {
  const iot = motoIotClient(moto.endpoint);
  const names: string[] = [];
  try {
    for (const packageName of PACKAGES) {
      let nextToken: string | undefined;
      do {
        const page = await iot.send(new ListPackageVersionsCommand({ packageName, nextToken, maxResults: 100 }));
        names.push(...(page.packageVersionSummaries ?? []).map((v) => `${packageName}/${v.versionName}`));
        nextToken = page.nextToken;
      } while (nextToken);
    }
  } finally {
    iot.destroy();
  }
  return names.sort();
}

/** The failed events, with their reasons: an empty list is what the test wants. */
function failures(responses: CfnResponse[]): string[] {
  return responses.flatMap((res, i) => (res.Status === 'SUCCESS' ? [] : [`${resources[i].logicalId}: ${res.Reason}`]));
}

function failedResponse(r: Resource, e: Error): CfnResponse {
  return { Status: 'FAILED', Reason: `no response: ${e.message}`, PhysicalResourceId: '', RequestId: '', LogicalResourceId: r.logicalId, bodyBytes: 0 };
}

function nameOf(r: Resource): string {
  return `${r.packageName}/${r.versionName}`;
}

function arnOf(r: Resource): string {
  return `arn:aws:iot:us-east-1:123456789012:package/${r.packageName}/version/${r.versionName}`;
}
