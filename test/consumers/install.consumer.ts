/**
 * The README's Install section, run as written:
 *
 * 1. its build block in a fresh clone of this repository (the `git clone` of
 *    the GitHub URL becomes a clone of this checkout's HEAD: the machine has
 *    no GitHub), so `npm ci && npx projen package-all` must work with no
 *    .jsii, lib/ or dist/ yet;
 * 2. its npm, pip and mvn commands from new app folders beside that clone,
 *    each then checked: the library loads, and what was installed is what
 *    the clone built.
 *
 * The Java command runs with its own local Maven repository (MAVEN_OPTS), so
 * it cannot pass on a jar that another test left in ~/.m2.
 *
 * Run with `npx projen test:consumers` (it takes several minutes).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './sources';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const CLONE_URL = 'https://github.com/cdk-iot-package-catalog/cdk-iot-package-catalog.git';
const CLONE_DIR = 'cdk-iot-package-catalog';
const JAR_DIR = 'io/github/cdk-iot-package-catalog/cdk-iot-package-catalog/0.0.0';
/** What a Node.js end-of-life banner says (jsii's @jsii/check-node and the AWS SDK). */
const BANNER = /end-of-life|end of life|no longer supported|reached end/i;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-install-'));
const clone = path.join(work, CLONE_DIR);
const ENV: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', AWS_EC2_METADATA_DISABLED: 'true' };
// The clone's projen must not see this process's CI settings or jest's.
delete ENV.JEST_WORKER_ID;
delete ENV.JEST_JUNIT_OUTPUT_NAME;

/** The README's bash blocks between `## Install` and the next section. */
function installBlocks(): string[] {
  const start = README.indexOf('\n## Install\n');
  const end = README.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  const section = README.slice(start, end);
  return [...section.matchAll(/```bash\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/** The one block with a line that matches `line`. */
function block(line: RegExp): string {
  const found = installBlocks().filter((b) => b.split('\n').some((l) => line.test(l)));
  expect(found).toHaveLength(1);
  return found[0];
}

/** Runs a shell script in `cwd`; fails with its output's tail. */
function sh(label: string, script: string, cwd: string, env: NodeJS.ProcessEnv = ENV): string {
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    throw new Error(`${label} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output.trim().split('\n').slice(-40).join('\n')}`);
  }
  return output;
}

function appDir(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the build block packages every language in a fresh clone', () => {
  const lines = block(/&& npx projen package-all$/).split('\n');
  // The first line clones from GitHub: here, this checkout's HEAD instead.
  expect(lines[0]).toBe(`git clone ${CLONE_URL}`);
  sh('git clone', `git clone --quiet ${JSON.stringify(REPO_ROOT)} ${CLONE_DIR}`, work);
  for (const built of ['.jsii', 'lib', 'dist', 'node_modules']) {
    expect(fs.existsSync(path.join(clone, built))).toBe(false);
  }

  const output = sh('the README build block', lines.slice(1).join('\n'), work);

  expect(output).not.toMatch(BANNER);
  expect(fs.readdirSync(path.join(clone, 'dist', 'js'))).toContain('cdk-iot-package-catalog@0.0.0.jsii.tgz');
  expect(fs.readdirSync(path.join(clone, 'dist', 'python'))).toContain('cdk_iot_package_catalog-0.0.0-py3-none-any.whl');
  expect(fs.existsSync(path.join(clone, 'dist', 'java', JAR_DIR, 'cdk-iot-package-catalog-0.0.0.jar'))).toBe(true);
  expect(fs.existsSync(path.join(clone, 'dist', 'go', 'cdkiotpackagecatalog', 'go.mod'))).toBe(true);
}, 30 * 60_000);

test('the npm command installs the tarball; stack traces point to shipped sources', () => {
  const app = appDir('app-ts');
  sh('npm init', 'npm init -y >/dev/null', app);
  sh('the README npm command', block(/^npm install /), app);

  const installed = path.join(app, 'node_modules', 'cdk-iot-package-catalog');
  expect(fs.existsSync(path.join(installed, 'assets', 'package-version-handler', 'index.js'))).toBe(true);
  // A validation error thrown in a constructor: its stack, mapped through the
  // inline source maps, names a TypeScript file that is in the package.
  fs.writeFileSync(path.join(app, 'invalid.js'), `
    const { App, Stack } = require('aws-cdk-lib');
    const { PackageVersion } = require('cdk-iot-package-catalog');
    try {
      new PackageVersion(new Stack(new App(), 'S'), 'V', { packageName: 'firmware', versionName: '1.0.0', description: 'x'.repeat(2000) });
      console.log('NO ERROR');
    } catch (e) {
      console.log(e.stack);
    }`);
  const stack = sh('a validation error', 'node --enable-source-maps invalid.js', app);
  expect(stack).toMatch(/^Error: PackageVersion 'S\/V' has an invalid prop:\n {2}- description: has 2000 characters/m);
  const frames = [...stack.matchAll(/\((\/[^)]*?node_modules\/cdk-iot-package-catalog\/[^):]+):\d+:\d+\)/g)].map((m) => m[1]);
  expect(frames.length).toBeGreaterThan(0);
  expect(frames[0]).toMatch(/\/src\/[\w/-]+\.ts$/);
  for (const file of frames) {
    expect(fs.existsSync(file)).toBe(true);
  }
}, 10 * 60_000);

test('the pip command installs the wheel into a venv', () => {
  const app = appDir('app-py');
  sh('python venv', 'python3 -m venv .venv', app);
  const env = { ...ENV, VIRTUAL_ENV: path.join(app, '.venv'), PATH: `${path.join(app, '.venv', 'bin')}:${ENV.PATH}` };
  sh('the README pip command', `${block(/^pip install /)} --quiet --disable-pip-version-check`, app, env);

  // A construct made through the jsii runtime (node, started by Python).
  const script = 'import aws_cdk as cdk, cdk_iot_package_catalog as c; ' +
    'v = c.PackageVersion(cdk.Stack(cdk.App(), "S"), "V", package_name="firmware", version_name="1.0.0"); print(type(v).__name__)';
  const output = sh('import', `python -c '${script}'`, app, env);
  expect(output.trim()).toBe('PackageVersion');
  expect(output).not.toMatch(BANNER);
  const shown = sh('pip show', 'python -m pip show cdk-iot-package-catalog --disable-pip-version-check', app, env);
  expect(shown).toMatch(/^Version: 0\.0\.0$/m);
}, 10 * 60_000);

test('the mvn command installs the jar into the local Maven repository', () => {
  const app = appDir('app-java');
  const repository = path.join(work, 'm2');
  sh('the README mvn command', block(/^mvn /), app, { ...ENV, MAVEN_OPTS: `-Dmaven.repo.local=${repository}` });

  const jar = path.join(JAR_DIR, 'cdk-iot-package-catalog-0.0.0.jar');
  expect(fs.readFileSync(path.join(repository, jar)).equals(fs.readFileSync(path.join(clone, 'dist', 'java', jar)))).toBe(true);
  expect(fs.readFileSync(path.join(repository, JAR_DIR, 'cdk-iot-package-catalog-0.0.0.pom'), 'utf8'))
    .toContain('<artifactId>aws-cdk-lib</artifactId>');
}, 10 * 60_000);
