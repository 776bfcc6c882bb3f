/**
 * Starts moto's server, with the IoT Software Package Catalog extension
 * (test/moto/iot_package_catalog.py), on a free loopback port for jest tests.
 *
 * Point an SDK client at `endpoint` (or set AWS_ENDPOINT_URL_IOT to it).
 * Requires <repo>/.venv, created by `npx projen setup:python`
 * (test/moto/setup-venv.sh). Uses Node built-ins and the AWS SDK clients.
 *
 * The same server is also an S3 endpoint (moto's own S3), which the emulated
 * IoT reads artifacts and SBOMs from: see ./moto-s3.ts.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { IoTClient } from '@aws-sdk/client-iot';

/** Credentials moto accepts (any will do; these are AWS's documentation examples). */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** An IoT client for a moto server. */
export function motoIotClient(endpoint: string, options: { region?: string; maxAttempts?: number } = {}): IoTClient {
  return new IoTClient({ endpoint, region: options.region ?? 'us-east-1', credentials: MOTO_CREDENTIALS, maxAttempts: options.maxAttempts });
}

/** The repository root (this file lives in <repo>/test/moto). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const VENV_PYTHON = process.platform === 'win32'
  ? path.join(REPO_ROOT, '.venv', 'Scripts', 'python.exe')
  : path.join(REPO_ROOT, '.venv', 'bin', 'python');
const SERVER_SCRIPT = path.join(REPO_ROOT, 'test', 'moto', 'server.py');

const REQUEST_LOG_PATH = '/moto-api/iot-package-catalog/requests';
const FAULTS_PATH = '/moto-api/iot-package-catalog/faults';
const HOLDS_PATH = '/moto-api/iot-package-catalog/holds';
const STACK_STATUS_PATH = '/moto-api/iot-package-catalog/stack-status';
const BEHAVIOUR_PATH = '/moto-api/iot-package-catalog/behaviour';
const RESET_PATH = '/moto-api/reset';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

export interface StartMotoServerOptions {
  /**
   * Start the server with MOTO_IOT_IGNORE_CLIENT_TOKEN=1: a repeated
   * CreatePackage/CreatePackageVersion always fails with ConflictException,
   * even with the same clientToken (as if the service ignored idempotency).
   * @default false
   */
  readonly ignoreClientToken?: boolean;
  /** Extra environment variables for the server process. */
  readonly env?: Record<string, string>;
}

/** An S3 location named in an IoT request, as sent (a member not sent, or not a string, is null). */
export interface RecordedS3Location {
  readonly bucket: string | null;
  readonly key: string | null;
  readonly version: string | null;
}

/** One package-catalog request as recorded by the extension (never body values). */
export interface RecordedRequest {
  /** 'iot', 'cloudformation' for DescribeStacks, 's3' for S3 requests (s3_hooks.py). */
  readonly service: string;
  /**
   * e.g. 'CreatePackageVersion', 'TagResource', 'DescribeStacks'; for S3 the
   * API operation, e.g. 'HeadObject', 'GetObject', 'PutObject', 'CreateBucket', 'PutBucketPolicy'.
   */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** URI labels, e.g. { packageName, versionName }. */
  readonly uriLabels: Record<string, string>;
  /** The clientToken query parameter, if sent. */
  readonly clientToken: string | null;
  /** Names of the JSON body fields, sorted. */
  readonly bodyFields: string[];
  /** Names of the query parameters, sorted. */
  readonly queryParams: string[];
  /**
   * The resource ARN, for TagResource / UntagResource / ListTagsForResource;
   * the stack for DescribeStacks; for S3 `arn:aws:s3:::bucket/key` (object
   * operations) or `arn:aws:s3:::bucket` (bucket operations).
   */
  readonly resourceArn?: string | null;
  /** S3 requests: the bucket (null for ListBuckets). */
  readonly bucket?: string | null;
  /** S3 requests: the object key (null for bucket operations). */
  readonly key?: string | null;
  /** S3 requests: the `versionId` query parameter, if sent. */
  readonly versionId?: string | null;
  /** CreatePackageVersion / UpdatePackageVersion with an `artifact.s3Location`: where it points. */
  readonly artifactS3Location?: RecordedS3Location;
  /** AssociateSbomWithPackageVersion with an `sbom.s3Location`: where it points. */
  readonly sbomS3Location?: RecordedS3Location;
  /** CreateJob (iot_jobs.py): the targets' ARNs. */
  readonly jobTargets?: string[];
  /** CreateJob: the destinationPackageVersions' ARNs. */
  readonly destinationPackageVersions?: string[];
  /** CreateJob: presignedUrlConfig.roleArn, or null. */
  readonly presignedUrlRoleArn?: string | null;
  /** CreateJob: whether the request had tags. */
  readonly tagged?: boolean;
  readonly accountId: string;
  readonly region: string;
  /**
   * The access key id the request was signed with: who made the call, as IAM
   * sees it. Tests sign with MOTO_CREDENTIALS, the handler with the
   * credentials the simulator gives it (as Lambda gives its role's).
   */
  readonly accessKeyId: string;
  /** HTTP status returned (null only while the request is in flight). */
  readonly status: number | null;
  /**
   * Error type returned, e.g. 'ConflictException', or null on success. For
   * S3, the error code of the XML body (e.g. 'AccessDenied', 'NoSuchKey'), or
   * for a response without one (HEAD) the HTTP reason phrase without spaces,
   * e.g. 'NotFound', 'Forbidden'.
   */
  readonly errorType: string | null;
}

/** An error the server returns instead of handling the next matching request(s). */
export interface InjectedFault {
  /** Operation name, e.g. 'CreatePackageVersion' or 'DescribeStacks', or '*' for any catalog operation. */
  readonly operation: string;
  /**
   * e.g. 'ThrottlingException', 'ServiceQuotaExceededException',
   * 'InternalServerException', 'ConflictException', 'ValidationException',
   * 'AccessDeniedException'; for DescribeStacks any CloudFormation error code, e.g. 'Throttling';
   * for an S3 operation (e.g. 'HeadObject', 'GetObject') any S3 error code, e.g.
   * 'AccessDenied' (403), 'NoSuchKey' (404), 'SlowDown' (503).
   */
  readonly errorType: string;
  readonly message?: string;
  /** How many requests fail. @default 1 */
  readonly count?: number;
  /**
   * Other services only (S3, CloudFormation): the HTTP status to answer with.
   * @default for S3 the code's usual status (AccessDenied 403, NoSuchKey 404, ...; else 400)
   */
  readonly httpStatus?: number;
}

/**
 * Switches for behaviour of the real service that the sources leave open
 * ([U] in shared/docs/iot-package-catalog.md). moto's reset restores DEFAULT_BEHAVIOUR.
 */
export interface CatalogBehaviour {
  /** 'reject': updating a DEPRECATED version's recipe is a ValidationException. */
  readonly recipeWhileDeprecated: 'allow' | 'reject';
  /** 'allow': DEPRECATE on a DRAFT version makes it DEPRECATED (else ValidationException). */
  readonly draftToDeprecated: 'reject' | 'allow';
  /** How long an SBOM validation is IN_PROGRESS after AssociateSbomWithPackageVersion (0..3600). */
  readonly sbomValidationSeconds: number;
  /** Association requires a bucket policy that lets iot.amazonaws.com read the SBOM object. */
  readonly sbomBucketPolicyCheck: boolean;
  /** 'conflict': an SBOM change while a validation is IN_PROGRESS is a ConflictException; 'allow': it replaces that validation. */
  readonly sbomChangeWhileValidating: 'conflict' | 'allow';
  /** CreatePackageVersion / UpdatePackageVersion require the artifact's object to exist in moto's S3. */
  readonly artifactCheck: boolean;
  /**
   * Load tests: at most this many IoT catalog requests are accepted in any
   * one-second window; the others get ThrottlingException (HTTP 429) before
   * they touch any state. One limit for all catalog operations and callers.
   * An integer 0..10000; 0 turns it off.
   */
  readonly throttleRequestsPerSecond: number;
  /**
   * Load tests: the share (0..1) of accepted IoT catalog requests answered
   * with InternalServerException (HTTP 500) before they touch any state;
   * 0 turns it off.
   */
  readonly serverErrorRate: number;
  /**
   * Seed (an integer) of the random generator that picks the failing
   * requests. It is seeded again whenever serverErrorRate or serverErrorSeed
   * is set: the same requests in the same order then fail the same way.
   */
  readonly serverErrorSeed: number;
}

/** The behaviour after start and after every reset. */
export const DEFAULT_BEHAVIOUR: CatalogBehaviour = {
  recipeWhileDeprecated: 'allow',
  draftToDeprecated: 'reject',
  sbomValidationSeconds: 2,
  sbomBucketPolicyCheck: true,
  sbomChangeWhileValidating: 'conflict',
  artifactCheck: true,
  throttleRequestsPerSecond: 0,
  serverErrorRate: 0,
  serverErrorSeed: 0,
};

export interface MotoServer {
  /** e.g. http://127.0.0.1:45678 */
  readonly endpoint: string;
  readonly port: number;
  /** PID of the server process. */
  readonly pid: number;
  /** The server's log file (in the OS temp directory), named in start-up errors. */
  readonly logFile: string;
  /** POST /moto-api/reset: clears all moto state, the request log, faults and holds, and restores DEFAULT_BEHAVIOUR. */
  reset(): Promise<void>;
  /** The package-catalog requests received since the last reset, oldest first. */
  requests(): Promise<RecordedRequest[]>;
  /** Every request received since the server started, across resets, oldest first. */
  allRequests(): Promise<RecordedRequest[]>;
  /** Make the next request(s) of an operation fail with the given error. */
  injectFault(fault: InjectedFault): Promise<void>;
  /**
   * Hold the next request of an operation, before it changes any state or
   * after it has, until `releaseHolds()`.
   */
  hold(operation: string, when: 'before' | 'after'): Promise<void>;
  /** Resolves once a request has reached every hold; rejects after `timeoutMs`. */
  waitUntilHeld(timeoutMs?: number): Promise<void>;
  /** Lets every held request go on. */
  releaseHolds(): Promise<void>;
  /**
   * Creates the stack in moto's CloudFormation if needed and sets the status
   * DescribeStacks reports for it (us-east-1, account 123456789012).
   * `recreate` deletes an existing stack of that name first, so the new one
   * has a new id (a stack deleted and deployed again).
   *
   * @returns the stack's id (its ARN)
   */
  setStackStatus(stackName: string, status: string, options?: { recreate?: boolean }): Promise<string>;
  /** Sets the named behaviour switches (the others keep their values); resolves to all of them. */
  setBehaviour(behaviour: Partial<CatalogBehaviour>): Promise<CatalogBehaviour>;
  /** The current behaviour switches. */
  getBehaviour(): Promise<CatalogBehaviour>;
  /** Kills the server process (by PID) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

export function httpRequest(endpoint: string, method: string, urlPath: string, body?: unknown, timeoutMs = 5_000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${endpoint}${urlPath}`, {
      method,
      agent: false, // no keep-alive sockets left open for jest
      timeout: timeoutMs,
      headers: payload === undefined ? {} : {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(payload),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function expectOk(endpoint: string, method: string, urlPath: string, body?: unknown): Promise<string> {
  const res = await httpRequest(endpoint, method, urlPath, body);
  if (res.status !== 200) {
    throw new Error(`moto: ${method} ${urlPath} returned HTTP ${res.status}: ${res.body}`);
  }
  return res.body;
}

/** A free loopback port: listen on port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** The server process exited before it answered (e.g. its port was taken). */
class ServerExitedError extends Error {}

class RunningMotoServer implements MotoServer {
  public readonly endpoint: string;
  public readonly pid: number;
  private stopping?: Promise<void>;
  private readonly history: RecordedRequest[] = [];
  private readonly killOnExit: () => void;

  constructor(private readonly child: ChildProcess, public readonly port: number, public readonly logFile: string) {
    this.endpoint = `http://127.0.0.1:${port}`;
    this.pid = child.pid!;
    // Should the test process exit without stop(), do not leave the server behind.
    this.killOnExit = () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(this.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    process.once('exit', this.killOnExit);
  }

  public async reset(): Promise<void> {
    this.history.push(...await this.requests());
    await expectOk(this.endpoint, 'POST', RESET_PATH);
  }

  public async requests(): Promise<RecordedRequest[]> {
    const body = await expectOk(this.endpoint, 'GET', REQUEST_LOG_PATH);
    return (JSON.parse(body) as { requests: RecordedRequest[] }).requests;
  }

  public async allRequests(): Promise<RecordedRequest[]> {
    return [...this.history, ...await this.requests()];
  }

  public async injectFault(fault: InjectedFault): Promise<void> {
    await expectOk(this.endpoint, 'POST', FAULTS_PATH, fault);
  }

  public async hold(operation: string, when: 'before' | 'after'): Promise<void> {
    await expectOk(this.endpoint, 'POST', HOLDS_PATH, { operation, when });
  }

  public async waitUntilHeld(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { holds } = JSON.parse(await expectOk(this.endpoint, 'GET', HOLDS_PATH)) as { holds: { reached: boolean }[] };
      if (holds.every((h) => h.reached)) {
        return;
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`moto: no request reached the hold within ${timeoutMs} ms`);
  }

  public async releaseHolds(): Promise<void> {
    await expectOk(this.endpoint, 'DELETE', HOLDS_PATH);
  }

  public async setStackStatus(stackName: string, status: string, options: { recreate?: boolean } = {}): Promise<string> {
    const body = await expectOk(this.endpoint, 'POST', STACK_STATUS_PATH, { stackName, status, recreate: options.recreate ?? false });
    return (JSON.parse(body) as { stackId: string }).stackId;
  }

  public async setBehaviour(behaviour: Partial<CatalogBehaviour>): Promise<CatalogBehaviour> {
    return JSON.parse(await expectOk(this.endpoint, 'POST', BEHAVIOUR_PATH, behaviour)) as CatalogBehaviour;
  }

  public async getBehaviour(): Promise<CatalogBehaviour> {
    return JSON.parse(await expectOk(this.endpoint, 'GET', BEHAVIOUR_PATH)) as CatalogBehaviour;
  }

  public stop(): Promise<void> {
    if (!this.stopping) {
      // The log is for start-up failures; a server that ran is cleaned up.
      this.stopping = this.doStop().then(() => fs.rmSync(this.logFile, { force: true }));
    }
    return this.stopping;
  }

  /** Resolves when the server answers; rejects if it exits or the deadline passes. */
  public async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new ServerExitedError(
          `moto server exited early (code ${this.child.exitCode}, signal ${this.child.signalCode}); log ${this.logFile}:\n${tail(this.logFile)}`,
        );
      }
      try {
        const res = await httpRequest(this.endpoint, 'GET', REQUEST_LOG_PATH, undefined, 1_000);
        if (res.status === 200) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`moto server did not answer on ${this.endpoint} within ${READY_TIMEOUT_MS} ms; log ${this.logFile}:\n${tail(this.logFile)}`);
  }

  private async doStop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    if (!(await waitForExit(this.child, STOP_TIMEOUT_MS))) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        return;
      }
      await waitForExit(this.child, STOP_TIMEOUT_MS);
    }
  }
}


/**
 * Starts `<repo>/.venv/bin/python test/moto/server.py --host 127.0.0.1 --port <free port>`
 * and resolves once it answers. Always call `stop()` (e.g. in afterAll).
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  if (!fs.existsSync(VENV_PYTHON)) {
    throw new Error(
      `moto server: ${VENV_PYTHON} not found. Run \`npx projen setup:python\` (or \`bash test/moto/setup-venv.sh\`) first.`,
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PYTHONUNBUFFERED: '1' };
  delete env.MOTO_PORT;
  if (options.ignoreClientToken) {
    env.MOTO_IOT_IGNORE_CLIENT_TOKEN = '1';
  } else if (!options.env?.MOTO_IOT_IGNORE_CLIENT_TOKEN) {
    delete env.MOTO_IOT_IGNORE_CLIENT_TOKEN;
  }

  let lastError: unknown;
  // The free port can be taken between closing our probe and moto binding it:
  // retry with a new port if the server exits at start-up.
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const logFile = path.join(os.tmpdir(), `cdk-iot-package-catalog-moto-${port}.log`);
    const logFd = fs.openSync(logFile, 'w');
    let child: ChildProcess;
    try {
      child = spawn(VENV_PYTHON, [SERVER_SCRIPT, '--host', '127.0.0.1', '--port', String(port)], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      fs.closeSync(logFd); // the child has its own copy
    }
    if (child.pid === undefined) {
      const spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`moto server: could not start ${VENV_PYTHON}: ${spawnError.message}`);
    }
    const server = new RunningMotoServer(child, port, logFile);
    try {
      await server.waitUntilReady();
      return server;
    } catch (err) {
      await server.stop();
      lastError = err;
      if (!(err instanceof ServerExitedError)) {
        break;
      }
    }
  }
  throw lastError;
}
