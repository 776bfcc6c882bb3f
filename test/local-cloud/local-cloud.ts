/**
 * The local cloud: a real `cdk deploy` without an AWS account.
 *
 * - MiniStack (test/local-cloud/requirements.txt) emulates CloudFormation,
 *   S3, IAM, SSM, ECR, CloudWatch Logs and Lambda on one loopback port. It
 *   runs the stack's Node.js functions as local processes (no Docker), and
 *   passes its own environment to them: `AWS_ENDPOINT_URL_IOT` set on
 *   MiniStack sends the handler's IoT calls to moto.
 * - moto, with our Software Package Catalog extension (test/moto), serves IoT.
 *
 * Both bind 127.0.0.1 on ports free at start (or MiniStack on a port you
 * name). MiniStack runs in a process group of its own, so `stop()` ends it
 * together with the function processes it started; so does the exit of the
 * Node.js process that started it, and every failure during start.
 *
 * Used by the demo (examples/demo.ts) and the end-to-end tests (test/e2e).
 * Needs `.venv` and `.venv-local-cloud`: `npx projen setup:python`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { IoTClient } from '@aws-sdk/client-iot';
import { freePort, httpRequest, MotoServer, motoIotClient, sleep, startMotoServer, tail } from '../moto/moto-server';

/** The account MiniStack reports (its default); moto is started with the same one. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** Credentials both emulators accept. MiniStack's account comes from its own setting, not from these. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MINISTACK_PYTHON = path.join(REPO_ROOT, '.venv-local-cloud', 'bin', 'python');
const HEALTH_PATH = '/_ministack/health';
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 200;
const STOP_TIMEOUT_MS = 10_000;

/** A failure of the local cloud itself, in one line a user can act on. */
export class LocalCloudError extends Error {
  constructor(message: string, public readonly details?: string) {
    super(message);
    this.name = 'LocalCloudError';
  }
}

export interface StartLocalCloudOptions {
  /**
   * The port MiniStack binds on 127.0.0.1, e.g. to keep a fixed endpoint.
   * @default a port free at start
   */
  readonly port?: number;
}

export interface LocalCloud {
  /** MiniStack, e.g. http://127.0.0.1:45678: every service but IoT. */
  readonly endpoint: string;
  /** moto with the catalog extension: IoT. */
  readonly moto: MotoServer;
  /** An IoT client for moto, signed as the local account. */
  readonly iot: IoTClient;
  /** MiniStack's PID, also its process group. */
  readonly pid: number;
  /** MiniStack's log, with the functions' output (removed by `stop()`). */
  readonly logFile: string;
  /**
   * The environment for the CDK CLI, the AWS CLI and SDK clients: endpoints,
   * credentials and region. No profile or config file of the user's is read.
   */
  readonly env: Record<string, string>;
  /**
   * Clears moto (IoT) and applies the local cloud's catalog behaviour again.
   * MiniStack keeps its state (the bootstrap stack, deployed stacks).
   */
  resetIot(): Promise<void>;
  /** Ends MiniStack, its function processes and moto, by PID. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The artifact and SBOM objects live in MiniStack's S3 (CDK assets are
 * published there), which moto's IoT cannot read: its S3 checks are off.
 * Everything else behaves as moto's defaults.
 */
const LOCAL_BEHAVIOUR = { artifactCheck: false, sbomBucketPolicyCheck: false } as const;

/** Fails with a clear line if the port cannot be bound on 127.0.0.1. */
async function assertBindable(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new LocalCloudError(
        `cannot bind 127.0.0.1:${port} for MiniStack (${err.code ?? err.message}); choose another port or omit it to use a free one`,
      ));
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function lastLine(log: string): string {
  return log.split('\n').map((l) => l.trim()).filter((l) => l !== '').pop() ?? '(empty log)';
}

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

class RunningLocalCloud implements LocalCloud {
  public readonly endpoint: string;
  public readonly iot: IoTClient;
  public readonly pid: number;
  public readonly env: Record<string, string>;
  private stopping?: Promise<void>;
  private readonly killOnExit: () => void;

  constructor(
    private readonly child: ChildProcess,
    port: number,
    public readonly moto: MotoServer,
    public readonly logFile: string,
    private readonly workDir: string,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
    this.pid = child.pid!;
    this.iot = motoIotClient(moto.endpoint);
    this.env = {
      ...LOCAL_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ENDPOINT_URL_IOT: moto.endpoint,
      // Nothing of the user's own AWS set-up: no profile, no config files, no instance metadata.
      AWS_CONFIG_FILE: path.join(workDir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    this.killOnExit = () => killGroup(this.pid, 'SIGKILL');
    process.once('exit', this.killOnExit);
  }

  public async resetIot(): Promise<void> {
    await this.moto.reset();
    await this.moto.setBehaviour(LOCAL_BEHAVIOUR);
  }

  public stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.doStop();
    }
    return this.stopping;
  }

  /** Resolves when MiniStack answers its health check; rejects if it exits or the deadline passes. */
  public async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        const log = tail(this.logFile);
        throw new LocalCloudError(`MiniStack exited at start (code ${this.child.exitCode}): ${lastLine(log)}`, log);
      }
      try {
        const res = await httpRequest(this.endpoint, 'GET', HEALTH_PATH, undefined, 2_000);
        if (res.status === 200) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(POLL_MS);
    }
    const log = tail(this.logFile);
    throw new LocalCloudError(`MiniStack did not answer on ${this.endpoint} within ${READY_TIMEOUT_MS / 1000} s: ${lastLine(log)}`, log);
  }

  private async doStop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    killGroup(this.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (groupAlive(this.pid) && Date.now() < deadline) {
      await sleep(100);
    }
    if (groupAlive(this.pid)) {
      killGroup(this.pid, 'SIGKILL');
      while (groupAlive(this.pid)) {
        await sleep(100);
      }
    }
    await this.moto.stop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/**
 * Starts moto, then MiniStack with `AWS_ENDPOINT_URL_IOT` pointing at moto,
 * and resolves once both answer. Always call `stop()`.
 */
export async function startLocalCloud(options: StartLocalCloudOptions = {}): Promise<LocalCloud> {
  if (!fs.existsSync(MINISTACK_PYTHON)) {
    throw new LocalCloudError(`${path.relative(process.cwd(), MINISTACK_PYTHON)} not found: run \`npx projen setup:python\` first`);
  }
  if (options.port !== undefined) {
    await assertBindable(options.port);
  }
  const port = options.port ?? await freePort();

  const moto = await startMotoServer({ env: { MOTO_ACCOUNT_ID: LOCAL_ACCOUNT } });
  let cloud: RunningLocalCloud | undefined;
  try {
    await moto.setBehaviour(LOCAL_BEHAVIOUR);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-local-cloud-'));
    // MiniStack writes each function's code under TMPDIR: keep it in workDir, removed on stop.
    fs.mkdirSync(path.join(workDir, 'tmp'));
    const logFile = path.join(workDir, 'ministack.log');
    const logFd = fs.openSync(logFile, 'w');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: process.env.LANG,
      TMPDIR: path.join(workDir, 'tmp'),
      PYTHONUNBUFFERED: '1',
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      LOG_LEVEL: 'WARNING',
      // Reaches the function processes: the handler's IoT calls go to moto.
      AWS_ENDPOINT_URL_IOT: moto.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      // The functions run on this machine's Node.js; its end-of-life notice is not theirs to print.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    let child: ChildProcess;
    try {
      // detached: a new session and process group, which stop() signals as a whole.
      child = spawn(MINISTACK_PYTHON, ['-m', 'ministack'], { cwd: workDir, env, stdio: ['ignore', logFd, logFd], detached: true });
    } finally {
      fs.closeSync(logFd);
    }
    if (child.pid === undefined) {
      const spawnError = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new LocalCloudError(`cannot start MiniStack with ${MINISTACK_PYTHON}: ${spawnError.message}`);
    }
    cloud = new RunningLocalCloud(child, port, moto, logFile, workDir);
    await cloud.waitUntilReady();
    return cloud;
  } catch (err) {
    if (cloud) {
      await cloud.stop();
    } else {
      await moto.stop();
    }
    throw err;
  }
}
