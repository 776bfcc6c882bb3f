/**
 * Shared set-up and assertions of the end-to-end tests: the real CDK CLI
 * deploys test/e2e/app.ts to a local cloud (test/local-cloud), and the tests
 * check what IoT (moto) holds and what CloudFormation (MiniStack) reports.
 *
 * `useLocalCloud()` gives a test file one local cloud: started and
 * bootstrapped in beforeAll, stopped in afterAll.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  paginateDescribeStackEvents,
  StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { outputKeys, SPEC_CONTEXT_KEY, StackSpec } from './spec';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { CatalogVersion, versionsOf } from '../local-cloud/catalog';
import { bootstrap, CdkResult, deploy, destroy } from '../local-cloud/cdk-cli';
import { LocalCloud, startLocalCloud } from '../local-cloud/local-cloud';
import { MOTO_CREDENTIALS, RecordedRequest } from '../moto/moto-server';

/** One deploy (synth under ts-node, asset publishing, CloudFormation) on a busy 2-core machine. */
export const STEP_TIMEOUT_MS = 240_000;
/** Starting the local cloud and bootstrapping it. */
export const SETUP_TIMEOUT_MS = 240_000;

const APP = path.join('test', 'e2e', 'app.ts');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A deploy's result, with the outputs of the stack (empty when it failed). */
export interface DeployResult extends CdkResult {
  readonly outputs: Record<string, string>;
}

/** The local cloud of one test file, and the CLI runs against it. */
export class E2e {
  private started?: LocalCloud;
  private workDir?: string;
  private specs = 0;

  /** The running local cloud (between beforeAll and afterAll). */
  public get cloud(): LocalCloud {
    if (!this.started) {
      throw new Error('the local cloud is not running: call useLocalCloud() at the top of the test file');
    }
    return this.started;
  }

  /** Starts the local cloud and bootstraps it; fails with the CLI's output if the bootstrap fails. */
  public async start(): Promise<void> {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-e2e-'));
    this.started = await startLocalCloud();
    const boot = await bootstrap(this.started);
    if (boot.code !== 0) {
      throw new Error(`cdk bootstrap exited ${boot.code}:\n${failureSummary(boot.output)}`);
    }
  }

  public async stop(): Promise<void> {
    await this.started?.stop();
    if (this.workDir) {
      fs.rmSync(this.workDir, { recursive: true, force: true });
    }
  }

  /** `cdk deploy` of the stack `spec` describes. */
  public async deploy(spec: StackSpec): Promise<DeployResult> {
    const result = await deploy(this.cloud, this.appOptions(spec));
    return { ...result, outputs: result.outputs[spec.stackName] ?? {} };
  }

  /** `cdk destroy` of the stack `spec` describes. */
  public destroy(spec: StackSpec): Promise<CdkResult> {
    return destroy(this.cloud, this.appOptions(spec));
  }

  /** A CloudFormation client for MiniStack, with the local cloud's endpoint and credentials. */
  public cloudFormation(): CloudFormationClient {
    const env = this.cloud.env;
    return new CloudFormationClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
  }

  /** The position in moto's request log now; pass it to `handlerWritesSince`. */
  public async mark(): Promise<number> {
    return (await this.cloud.moto.requests()).length;
  }

  /** The IoT requests since `mark` that the handler (not the test) made. */
  public async handlerRequestsSince(mark: number): Promise<RecordedRequest[]> {
    return (await this.cloud.moto.requests()).slice(mark)
      .filter((r) => r.service === 'iot' && r.accessKeyId !== MOTO_CREDENTIALS.accessKeyId);
  }

  /**
   * The handler's IoT writes since `mark`, one line each, sorted (CloudFormation
   * runs independent resources in parallel): e.g.
   * `UpdatePackageVersion[action] pkg/1.0.0`, `DeletePackageVersion pkg/2.0.0`,
   * `CreatePackageVersion pkg/2.0.0 -> ConflictException`.
   */
  public async handlerWritesSince(mark: number): Promise<string[]> {
    return (await this.handlerRequestsSince(mark)).filter((r) => WRITES.has(r.operation)).map(describeWrite).sort();
  }

  /**
   * The logical id of version `id`'s custom resource in the template last
   * synthesized for `stackName` (also for a deploy that failed, which has no outputs).
   */
  public synthesizedLogicalId(stackName: string, id: string): string {
    const file = path.join(this.workDir!, 'cdk.out', `${stackName}.template.json`);
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources: Record<string, { Metadata?: Record<string, unknown> }> };
    const wanted = `${stackName}/${id}/Resource/Default`;
    const found = Object.entries(template.Resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === wanted);
    if (found.length !== 1) {
      throw new Error(`expected one resource at ${wanted} in ${file}, found ${found.length}`);
    }
    return found[0][0];
  }

  /**
   * What the handler's IoT requests since `mark` were about, reads included,
   * sorted: `pkg/version`, or the package for package calls. A resource
   * CloudFormation did not send a request for is not among them.
   */
  public async handlerSubjectsSince(mark: number): Promise<string[]> {
    return [...new Set((await this.handlerRequestsSince(mark)).map(subjectOf))].sort();
  }

  private appOptions(spec: StackSpec) {
    const dir = this.workDir!;
    const file = path.join(dir, `spec-${++this.specs}.json`);
    fs.writeFileSync(file, JSON.stringify(spec, undefined, 2));
    return { app: APP, output: path.join(dir, 'cdk.out'), context: { [SPEC_CONTEXT_KEY]: file } };
  }
}

/** One local cloud for the test file: started and bootstrapped before its tests, stopped after them. */
export function useLocalCloud(): E2e {
  const e2e = new E2e();
  beforeAll(() => e2e.start(), SETUP_TIMEOUT_MS);
  afterAll(() => e2e.stop(), SETUP_TIMEOUT_MS);
  return e2e;
}

/** The last lines of a CLI run, for a failure message. */
export function tailOf(output: string, lines = 60): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * What a failed CLI run says about why: CloudFormation's *_FAILED events (with
 * their reasons), then the last lines. The rest of a failed deploy's output
 * is mostly rollback progress and the provider framework's log.
 */
export function failureSummary(output: string): string {
  const failed = output.split('\n').filter((line) => /_FAILED\b/.test(line)).slice(0, 10).map((line) => line.slice(0, 1500));
  return [...failed, '...', tailOf(output, 15)].join('\n');
}

/** Asserts that the CLI exited 0, showing why if it did not. */
export function expectSuccess(result: CdkResult): void {
  expect({ code: result.code, output: result.code === 0 ? '' : failureSummary(result.output) }).toEqual({ code: 0, output: '' });
}

const WRITES = new Set([
  'CreatePackage', 'UpdatePackage', 'DeletePackage',
  'CreatePackageVersion', 'UpdatePackageVersion', 'DeletePackageVersion',
  'TagResource', 'UntagResource',
  'AssociateSbomWithPackageVersion', 'DisassociateSbomFromPackageVersion',
]);

const VERSION_ARN = /^arn:[^:]+:iot:[^:]*:[^:]*:package\/([^/]+)\/version\/([^/]+)$/;

/** `pkg/version` a request is about, from its URI or its resource ARN. */
export function subjectOf(r: RecordedRequest): string {
  const fromArn = r.resourceArn ? VERSION_ARN.exec(r.resourceArn) : null;
  if (fromArn) {
    return `${fromArn[1]}/${fromArn[2]}`;
  }
  const { packageName, versionName } = r.uriLabels;
  return versionName === undefined ? packageName ?? r.path : `${packageName}/${versionName}`;
}

function describeWrite(r: RecordedRequest): string {
  // UpdatePackageVersion: `action` for a status step; the field names for the rest.
  const fields = r.operation === 'UpdatePackageVersion' ? `[${r.bodyFields.filter((f) => f !== 'clientToken').join(',')}]` : '';
  return `${r.operation}${fields} ${subjectOf(r)}${r.errorType ? ` -> ${r.errorType}` : ''}`;
}

// ---------------------------------------------------------------------------
// What IoT holds
// ---------------------------------------------------------------------------

/** The creation-marker owner of a resource: 16 hex digits of the stack's name, 16 of the stack's name and the logical id (lambda/ownership.ts). */
export function ownerOf(stackName: string, logicalId: string): string {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
  return hash(stackName) + hash(`${stackName}|${logicalId}`);
}

/** A version as a test expects IoT to hold it. */
export interface ExpectedVersion {
  readonly versionName: string;
  readonly status: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  /** Every tag but the creation marker, stack tags included. */
  readonly tags?: Record<string, string>;
  /** The logical id of the resource whose creation marker it carries; null for a version without a marker. */
  readonly createdBy: string | null;
}

/** The creation marker of a version, parsed: `<owner>/<requestId>` for a version the handler created. */
interface SeenMarker {
  readonly owner?: string;
  readonly requestId?: string;
  /** A value of another shape, as found. */
  readonly raw?: string;
}

function parseMarker(value: string | undefined): SeenMarker | undefined {
  if (value === undefined) {
    return undefined;
  }
  const m = /^([0-9a-f]{32})\/([^/]+)$/.exec(value);
  return m ? { owner: m[1], requestId: m[2] } : { raw: value };
}

/**
 * Asserts exactly which versions the package holds and each one's status,
 * description, attributes, tags and creation marker (its owner: the stack
 * and resource; its request: a CloudFormation RequestId).
 *
 * @returns the versions as read, by name, e.g. to compare markers across steps
 */
export async function expectCatalog(
  cloud: LocalCloud, stackName: string, packageName: string, expected: ExpectedVersion[],
): Promise<Record<string, CatalogVersion>> {
  const versions = await versionsOf(cloud.iot, packageName);
  const seen = versions.map((v) => {
    const { [CREATION_MARKER_TAG]: marker, ...tags } = v.tags;
    return {
      versionName: v.versionName,
      status: v.status,
      description: v.description,
      attributes: v.attributes,
      tags,
      marker: parseMarker(marker),
    };
  });
  const want = [...expected].sort((a, b) => a.versionName.localeCompare(b.versionName)).map((e) => ({
    versionName: e.versionName,
    status: e.status,
    description: e.description,
    attributes: e.attributes ?? {},
    tags: e.tags ?? {},
    marker: e.createdBy === null ? undefined : { owner: ownerOf(stackName, e.createdBy), requestId: expect.stringMatching(UUID) },
  }));
  expect(seen).toEqual(want);
  return Object.fromEntries(versions.map((v) => [v.versionName, v]));
}

/** The creation marker's value of a version as read by `expectCatalog`. */
export function markerOf(version: CatalogVersion | undefined): string | undefined {
  return version?.tags[CREATION_MARKER_TAG];
}

/** The logical id of a version's custom resource, from the deploy's outputs. */
export function logicalIdOf(result: DeployResult, id: string): string {
  const logicalId = result.outputs[outputKeys(id).logicalId];
  if (!logicalId) {
    throw new Error(`no output ${outputKeys(id).logicalId}: was '${id}' deployed? Outputs: ${JSON.stringify(result.outputs)}`);
  }
  return logicalId;
}

// ---------------------------------------------------------------------------
// What CloudFormation reports
// ---------------------------------------------------------------------------

/** The stack's status, as DescribeStacks reports it; `'(no such stack)'` once it is gone. */
export async function stackStatusOf(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.StackStatus;
  } catch (err) {
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) {
      return '(no such stack)';
    }
    throw err;
  }
}

/** Every event of the stack, oldest first. */
export async function stackEventsOf(cfn: CloudFormationClient, stackName: string): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  for await (const page of paginateDescribeStackEvents({ client: cfn }, { StackName: stackName })) {
    events.push(...(page.StackEvents ?? []));
  }
  // DescribeStackEvents lists the newest first.
  return events.reverse();
}

// ---------------------------------------------------------------------------
// What the handler logged
// ---------------------------------------------------------------------------

/**
 * The log group of the provider's handler function: the `AWS::Logs::LogGroup`
 * the provider declares for it (its logical id ends HandlerLogGroup + hash).
 */
export async function handlerLogGroupOf(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const groups = (out.StackResources ?? [])
    .filter((r) => r.ResourceType === 'AWS::Logs::LogGroup' && /HandlerLogGroup[0-9A-F]{8}$/.test(r.LogicalResourceId ?? ''));
  if (groups.length !== 1 || !groups[0].PhysicalResourceId) {
    throw new Error(`expected one handler log group in stack ${stackName}, found ${groups.map((g) => g.LogicalResourceId).join(', ') || 'none'}`);
  }
  return groups[0].PhysicalResourceId;
}

/**
 * The handler's JSON log lines (lambda/log.ts: `{"notice": ..., ...}`), oldest
 * first, read with CloudWatch Logs' FilterLogEvents from the log group
 * MiniStack writes the function's output to. (MiniStack's own log file has no
 * function output at LOG_LEVEL WARNING, see local-cloud.ts.)
 */
export async function handlerLogLines(cloud: LocalCloud, logGroupName: string): Promise<Record<string, unknown>[]> {
  const env = cloud.env;
  const logs = new CloudWatchLogsClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  const lines: Record<string, unknown>[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName })) {
    for (const event of page.events ?? []) {
      const message = event.message ?? '';
      if (message.startsWith('{"notice":')) {
        try {
          lines.push(JSON.parse(message) as Record<string, unknown>);
        } catch {
          // a line that only starts like ours
        }
      }
    }
  }
  return lines;
}
