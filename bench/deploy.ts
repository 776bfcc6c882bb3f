/**
 * Deploy and destroy on the local cloud: the real CDK CLI deploys the
 * benchmark catalog (bench/deploy-app.ts) to MiniStack's CloudFormation,
 * whose Lambda runs the provider framework and the bundled handler, against
 * moto's IoT throttled to a fixed rate (`throttleRequestsPerSecond`: one
 * limit for all catalog operations, ThrottlingException for the rest).
 *
 * The lower bound is the issue's: one IoT call per version ÷ the rate. Each
 * phase is timed from CloudFormation's own events (the stack's first
 * IN_PROGRESS to its COMPLETE), so the CLI's synthesis and asset publishing
 * are not in it; the CLI's whole run is reported beside it.
 *
 *   npx ts-node --project tsconfig.dev.json bench/deploy.ts [versions] [rate]
 *
 * Needs the handler asset (npx projen bundle:handler) and both Python
 * environments (npx projen setup:python).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand, paginateDescribeStackEvents, StackEvent } from '@aws-sdk/client-cloudformation';
import { BENCH_STACK } from './catalog';
import { RESOURCE_TYPE } from '../src/shared/contract';
import { bootstrap, CdkResult, deploy, destroy } from '../test/local-cloud/cdk-cli';
import { LocalCloud, startLocalCloud } from '../test/local-cloud/local-cloud';
import { MOTO_CREDENTIALS, RecordedRequest } from '../test/moto/moto-server';

const APP = path.join('bench', 'deploy-app.ts');

/** The handler's IoT requests in one phase, by answer. */
export interface PhaseCalls {
  /** HTTP 2xx. */
  readonly ok: number;
  /** HTTP 429, refused by the throttle. */
  readonly throttled: number;
  /** Any other answer (a 404 a lookup expects, an error). */
  readonly other: number;
}

export interface PhaseMeasurement {
  /** CloudFormation's time for the stack operation, from its events. */
  readonly cloudFormationMs: number;
  /** From the first version's IN_PROGRESS to the last version's COMPLETE. */
  readonly versionsMs: number;
  /** The median of each version's IN_PROGRESS to COMPLETE. */
  readonly perVersionMs: number;
  /** The sum of each version's IN_PROGRESS to COMPLETE: what one at a time takes at least. */
  readonly sumOfVersionsMs: number;
  /** The most versions in progress at one time. */
  readonly maxInFlight: number;
  /** The CLI's whole run (synthesis, assets, the stack operation). */
  readonly cliMs: number;
  readonly calls: PhaseCalls;
}

export interface DeployMeasurement {
  readonly versions: number;
  readonly packages: number;
  /** IoT requests accepted per second (0: no throttle). */
  readonly rate: number;
  /** One call per version ÷ the rate (0 without a throttle). */
  readonly lowerBoundMs: number;
  readonly deploy: PhaseMeasurement;
  readonly destroy: PhaseMeasurement;
}

function cloudFormation(cloud: LocalCloud): CloudFormationClient {
  const env = cloud.env;
  return new CloudFormationClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
}

/** The stack's events, oldest first. */
async function stackEvents(cfn: CloudFormationClient, stackId: string): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  for await (const page of paginateDescribeStackEvents({ client: cfn }, { StackName: stackId })) {
    events.push(...(page.StackEvents ?? []));
  }
  // DescribeStackEvents lists the newest first.
  return events.filter((e) => e.Timestamp !== undefined).reverse();
}

/**
 * The stack operation's timing, from the stack's and the versions' events
 * (the local cloud is new for each measurement: one create, one delete).
 */
async function timing(cfn: CloudFormationClient, stackId: string, op: 'CREATE' | 'DELETE'): Promise<Omit<PhaseMeasurement, 'cliMs' | 'calls'>> {
  const events = await stackEvents(cfn, stackId);
  const at = (e: StackEvent) => e.Timestamp!.getTime();
  const ofStack = events.filter((e) => e.LogicalResourceId === BENCH_STACK);
  const start = ofStack.find((e) => e.ResourceStatus === `${op}_IN_PROGRESS`);
  const end = ofStack.find((e) => e.ResourceStatus === `${op}_COMPLETE`);
  if (!start || !end) {
    throw new Error(`the stack's events have no ${op}_IN_PROGRESS and ${op}_COMPLETE: ${ofStack.map((e) => e.ResourceStatus).join(', ') || 'none'}`);
  }
  const spans = new Map<string, { from?: number; to?: number }>();
  for (const e of events.filter((v) => v.ResourceType === RESOURCE_TYPE)) {
    const span = spans.get(e.LogicalResourceId!) ?? {};
    if (e.ResourceStatus === `${op}_IN_PROGRESS` && span.from === undefined) {
      span.from = at(e);
    } else if (e.ResourceStatus === `${op}_COMPLETE`) {
      span.to = at(e);
    }
    spans.set(e.LogicalResourceId!, span);
  }
  const complete = [...spans.values()].filter((s): s is { from: number; to: number } => s.from !== undefined && s.to !== undefined);
  const durations = complete.map((s) => s.to - s.from).sort((a, b) => a - b);
  // Versions in progress at once: +1 at each start, -1 at each end (ends first at equal times).
  const changes = complete.flatMap((s) => [[s.from, 1], [s.to, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  let maxInFlight = 0;
  for (const [, change] of changes) {
    inFlight += change;
    maxInFlight = Math.max(maxInFlight, inFlight);
  }
  return {
    cloudFormationMs: at(end) - at(start),
    versionsMs: complete.length === 0 ? 0 : Math.max(...complete.map((s) => s.to)) - Math.min(...complete.map((s) => s.from)),
    perVersionMs: durations.length === 0 ? 0 : durations[Math.floor(durations.length / 2)],
    sumOfVersionsMs: durations.reduce((sum, d) => sum + d, 0),
    maxInFlight,
  };
}

function countCalls(requests: RecordedRequest[]): PhaseCalls {
  const handler = requests.filter((r) => r.service === 'iot' && r.accessKeyId !== MOTO_CREDENTIALS.accessKeyId);
  const ok = handler.filter((r) => r.status !== null && r.status >= 200 && r.status < 300).length;
  const throttled = handler.filter((r) => r.status === 429).length;
  return { ok, throttled, other: handler.length - ok - throttled };
}

function check(what: string, result: CdkResult): void {
  if (result.code !== 0) {
    throw new Error(`cdk ${what} exited ${result.code}:\n${result.output.split('\n').slice(-30).join('\n')}`);
  }
}

/** Deploys and destroys `versions` versions in `packages` packages with IoT at `rate` requests per second (0: unthrottled). */
export async function measureDeploy(
  versions: number, packages: number, rate: number, log: (line: string) => void = () => {},
): Promise<DeployMeasurement> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-bench-'));
  let cloud: LocalCloud | undefined;
  // Ctrl-C ends no 'exit' handler: stop MiniStack (its own process group) and moto first.
  const interrupted = (signal: NodeJS.Signals) => {
    void (cloud?.stop() ?? Promise.resolve()).finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    log('starting the local cloud ...');
    cloud = await startLocalCloud();
    check('bootstrap', await bootstrap(cloud));
    const cfn = cloudFormation(cloud);
    const app = { app: APP, output: path.join(workDir, 'cdk.out'), context: { versions: String(versions), packages: String(packages) } };
    await cloud.moto.setBehaviour({ throttleRequestsPerSecond: rate });

    const phase = async (what: 'deploy' | 'destroy', run: () => Promise<CdkResult>, stackId: () => Promise<string>): Promise<PhaseMeasurement> => {
      log(`${what}: ${versions} versions in ${packages} packages, IoT ${rate > 0 ? `at ${rate} requests per second` : 'unthrottled'} ...`);
      const mark = (await cloud!.moto.requests()).length;
      const started = Date.now();
      const result = await run();
      const cliMs = Date.now() - started;
      check(what, result);
      const times = await timing(cfn, await stackId(), what === 'deploy' ? 'CREATE' : 'DELETE');
      return { ...times, cliMs, calls: countCalls((await cloud!.moto.requests()).slice(mark)) };
    };

    let id = '';
    const stackIdNow = async () => {
      const out = await cfn.send(new DescribeStacksCommand({ StackName: BENCH_STACK }));
      id = out.Stacks![0].StackId!;
      return id;
    };
    const deployed = await phase('deploy', () => deploy(cloud!, app), stackIdNow);
    const destroyed = await phase('destroy', () => destroy(cloud!, app), async () => id);
    return { versions, packages, rate, lowerBoundMs: rate > 0 ? versions / rate * 1000 : 0, deploy: deployed, destroy: destroyed };
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await cloud?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const versions = Number(process.argv[2] ?? 450);
  const rate = Number(process.argv[3] ?? 10);
  measureDeploy(versions, 5, rate, console.log).then((m) => console.log(JSON.stringify(m, null, 2)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
