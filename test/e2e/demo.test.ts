/**
 * The README's main job, examples/demo.ts: the whole run against a local
 * cloud, and its failures (one clear line, a non-zero exit, no process left).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function startDemo(args: string[], env: Record<string, string> = {}) {
  return spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'),
    ['--project', 'tsconfig.dev.json', '--transpile-only', 'examples/demo.ts', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function runDemo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = startDemo(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => stdout += c.toString('utf8'));
    child.stderr.on('data', (c: Buffer) => stderr += c.toString('utf8'));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PIDs the demo printed for MiniStack and moto. */
function pidsOf(stdout: string): [number, number] {
  const pids = /MiniStack \S+ \(PID (\d+)\), moto \S+ \(PID (\d+)\)/.exec(stdout);
  expect(pids).not.toBeNull();
  return [Number(pids![1]), Number(pids![2])];
}

/** MiniStack, its whole process group (the function processes) and moto are gone. */
function expectStopped(stdout: string): void {
  const [ministack, moto] = pidsOf(stdout);
  expect(alive(ministack)).toBe(false);
  expect(alive(moto)).toBe(false);
  expect(() => process.kill(-ministack, 0)).toThrow();
}

/** Lines of stderr that are not empty. */
function errorLines(run: Run): string[] {
  return run.stderr.split('\n').filter((l) => l.trim() !== '');
}

test('the demo deploys, shows, updates and destroys the example, then stops every process it started', async () => {
  const run = await runDemo([]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);

  // Each step, in order.
  const headings = run.stdout.split('\n').filter((l) => l.startsWith('==> '));
  expect(headings.map((h) => h.replace(/:.*$/, ''))).toEqual([
    '==> [1/8] Starting the local cloud',
    '==> [2/8] cdk bootstrap',
    '==> [3/8] cdk deploy FirmwareCatalog',
    '==> [4/8] Stack outputs',
    '==> [5/8] What IoT holds now',
    '==> [6/8] cdk deploy --context releaseBeta=true',
    '==> [7/8] cdk destroy',
    '==> [8/8] Stopping the local cloud',
  ]);
  const section = (n: number) => run.stdout.split(/^==> /m)[n];
  // CloudFormation's progress, from the CLI: every resource type of the catalog.
  for (const [type, constructPath] of [
    ['Custom::IotFleetIndexing', 'FleetIndexing'],
    ['Custom::IotPackageConfiguration', 'PackageConfiguration'],
    ['Custom::IotSoftwarePackage', 'Firmware'],
    ['Custom::IotPackageVersion', 'Firmware/Firmware140'],
    ['Custom::IotPackageDefaultVersion', 'Firmware/DefaultVersion'],
    ['Custom::IotPackageDeployment', 'FieldRollout'],
  ]) {
    expect(section(3)).toMatch(new RegExp(`CREATE_COMPLETE\\s+\\| ${type}\\s+\\| ${constructPath}/Resource`));
  }
  // The outputs: the ARN and statuses from IoT, the default, the job.
  expect(section(4)).toContain('FirmwareCatalog.Firmware140Arn = arn:aws:iot:us-east-1:000000000000:package/firmware/version/1.4.0');
  expect(section(4)).toContain('FirmwareCatalog.Firmware140Status = PUBLISHED');
  expect(section(4)).toContain('FirmwareCatalog.Firmware150BetaStatus = DRAFT');
  expect(section(4)).toContain('FirmwareCatalog.DefaultVersion = 1.4.0');
  expect(section(4)).toMatch(/FirmwareCatalog\.FieldRolloutJobId = FieldRollout[0-9A-F]{8}-[0-9a-f]{16}/);
  // What IoT holds, before and after the update, and after destroy.
  expect(section(5)).toContain('package firmware (default version: 1.4.0):');
  expect(section(5)).toMatch(/1\.3\.0\s+DEPRECATED\s+Superseded by 1\.4\.0/);
  expect(section(5)).toMatch(/1\.4\.0\s+PUBLISHED\s+Bootloader fix\s+channel=stable, hw:rev=B\s+.*team=edge/);
  expect(section(5)).toMatch(/1\.5\.0-beta\.1\s+DRAFT\s+-\s/);
  expect(section(5)).toMatch(/job FieldRollout\S+: IN_PROGRESS, deploys firmware\/version\/\$default to thinggroup\/field-devices/);
  // One update: the beta published and made the default, 1.3.0 removed.
  expect(section(6)).toContain('package firmware (default version: 1.5.0-beta.1):');
  expect(section(6)).toMatch(/1\.5\.0-beta\.1\s+PUBLISHED\s+New radio driver/);
  expect(section(6)).not.toMatch(/^\s+1\.3\.0\s/m);
  // The job of the old default cancelled, a new one for the new default.
  expect(section(6).match(/job FieldRollout\S+: CANCELED/g)).toHaveLength(1);
  expect(section(6).match(/job FieldRollout\S+: IN_PROGRESS/g)).toHaveLength(1);
  // Destroy: the job cancelled, the default unset, the beta deleted; 1.4.0 retained, with its package.
  expect(section(7)).toMatch(/package firmware:\n\s+VERSION.*\n\s+1\.4\.0\s+PUBLISHED/);
  expect(section(7)).not.toMatch(/^\s+1\.5\.0-beta\.1\s/m);
  expect(section(7)).toMatch(/job FieldRollout\S+: CANCELED/);

  // Every process it started is gone: MiniStack's whole process group and moto.
  expectStopped(run.stdout);
}, 300_000);

test('--keep-running keeps the cloud and the stack up, and the environment it prints works for the CDK CLI', async () => {
  const child = startDemo(['--keep-running']);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => stderr += c.toString('utf8'));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        if (/^ {4}npx cdk destroy .*$/m.test(stdout)) {
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`the demo exited (${code}) before it kept running:\n${stdout}\n${stderr}`)));
    });
    expect(stdout).not.toContain('[7/8] cdk destroy');
    expect(stdout).toContain('==> [7/8] Keeping the local cloud running (Ctrl-C stops it)');

    // Run the printed destroy command with the printed environment, as a user would.
    const exports = stdout.split('\n').filter((l) => l.startsWith('    export ')).map((l) => l.trim());
    expect(exports.join('\n')).toMatch(/AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    const destroyCommand = /^ {4}(npx cdk destroy .*)$/m.exec(stdout)![1];
    const destroy = spawnSync('bash', ['-c', [...exports, destroyCommand].join('\n')], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(destroy.status).toBe(0);
    expect(destroy.stdout + destroy.stderr).toContain('FirmwareCatalog: destroyed');

    // Ctrl-C stops everything.
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopping the local cloud');
    expectStopped(stdout);
  } finally {
    child.kill('SIGKILL');
  }
}, 300_000);

test('a port that cannot be bound: one clear line, a non-zero exit, nothing started', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const run = await runDemo(['--port', String(port)]);
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      `demo: cannot bind 127.0.0.1:${port} for MiniStack (EADDRINUSE); choose another port or omit it to use a free one`,
    ]);
    // It failed before starting anything: no PID was printed.
    expect(run.stdout).not.toContain('PID');
  } finally {
    server.close();
  }
}, 60_000);

test('a failed deploy: CloudFormation\'s reason shown, then one line, a non-zero exit, every process stopped', async () => {
  const run = await runDemo([], { DEMO_APP: 'test/e2e/fixtures/missing-package-app.ts' });
  expect(run.code).toBe(1);
  expect(errorLines(run)).toEqual(["demo: cdk deploy failed (exit 1); CloudFormation's events above say why"]);
  // The reason is the handler's, as CloudFormation shows it in the deploy's progress.
  expect(run.stdout).toMatch(/_FAILED .*Orphan.*Package no-such-package does not exist/);
  expect(run.stdout).not.toContain('==> [4/8]');
  expectStopped(run.stdout);
}, 300_000);

test('an unknown option: one line naming it and the options there are', async () => {
  const run = await runDemo(['--keep']);
  expect(run.code).toBe(1);
  expect(errorLines(run)).toEqual(["demo: unknown option '--keep' (options: --keep-running, --port N)"]);
}, 60_000);

test('no Python: the venv set-up says so in one line and fails', () => {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'no-python-'));
  fs.rmSync(venv, { recursive: true });
  const result = spawnSync('bash', ['test/setup-venv.sh', 'test/local-cloud/requirements.txt', venv], {
    cwd: REPO_ROOT,
    env: { ...process.env, PYTHON: '/nonexistent/python3' },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    "setup-venv: '/nonexistent/python3' not found; install Python 3 (or set PYTHON=/path/to/python3)",
  ]);
  expect(fs.existsSync(venv)).toBe(false);
});
