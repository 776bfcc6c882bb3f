/**
 * The built packages, consumed the way users consume them:
 *
 * - Python: a fresh venv installs the wheel from dist/python plus aws-cdk-lib
 *   and constructs from PyPI, and runs test/consumers/python/app.py;
 * - Java: Maven resolves the jar from dist/java (laid out as a Maven
 *   repository by jsii-pacmak) plus aws-cdk-lib from Maven Central, and runs
 *   test/consumers/java;
 * - TypeScript: test/consumers/typescript/app.ts, the reference.
 *
 * All three declare the same stack; their templates must be equal. Each uses
 * the same aws-cdk-lib version (the one in node_modules), since a different
 * aws-cdk-lib legitimately changes its own framework function's asset.
 *
 * Run with `npx projen test:consumers` after `npx projen package-all`.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONSUMER_SOURCES, JAVA_PROJECT, REPO_ROOT } from './sources';

const DIST = path.join(REPO_ROOT, 'dist');
const STACK = 'ConsumerCatalog';
const HANDLER_IN_TARBALL = 'package/assets/package-version-handler/index.js';

const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), 'utf8')).version as string;
const LIBRARY_VERSION = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
const CDK_VERSION = versionOf('aws-cdk-lib');
const CONSTRUCTS_VERSION = versionOf('constructs');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-consumers-'));
const timings: Record<string, number> = {};
const ENV = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', AWS_EC2_METADATA_DISABLED: 'true' };

/** Runs a command; fails the test with its output if it fails. Returns seconds taken. */
function run(label: string, command: string, args: string[], options: SpawnSyncOptions = {}): number {
  const start = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', env: ENV, maxBuffer: 64 * 1024 * 1024, ...options });
  const seconds = (Date.now() - start) / 1000;
  timings[label] = (timings[label] ?? 0) + seconds;
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${label}: '${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return seconds;
}

function template(outdir: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8'));
}

function only(dir: string, suffix: string): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)) : [];
  if (files.length !== 1) {
    throw new Error(`expected one *${suffix} in ${dir}, found ${files.length}: run 'npx projen package-all' first`);
  }
  return path.join(dir, files[0]);
}

/** Names of the files in the jsii tarball embedded in a wheel or jar. */
function embeddedTarballFiles(archive: string): string[] {
  const script = [
    'import io, sys, tarfile, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'name = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))',
    'print("\\n".join(tarfile.open(fileobj=io.BytesIO(z.read(name))).getnames()))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, archive], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`cannot read ${archive}: ${result.stderr}`);
  }
  return result.stdout.split('\n');
}

const wheel = () => only(path.join(DIST, 'python'), '.whl');
const jar = () => only(path.join(DIST, 'java', 'io', 'github', 'cdk-iot-package-catalog', 'cdk-iot-package-catalog', LIBRARY_VERSION),
  `${LIBRARY_VERSION}.jar`);

// A cold machine downloads aws-cdk-lib for Python and for Java.
jest.setTimeout(15 * 60 * 1000);

let reference: unknown;

beforeAll(() => {
  const outdir = path.join(work, 'typescript');
  run('typescript synth', 'npx', ['ts-node', '--project', 'tsconfig.dev.json', CONSUMER_SOURCES.typescript], {
    cwd: REPO_ROOT, env: { ...ENV, CDK_OUTDIR: outdir },
  });
  reference = template(outdir);
});

afterAll(() => {
  fs.mkdirSync(path.join(REPO_ROOT, 'test-reports'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, 'test-reports', 'consumer-timings.json'), JSON.stringify(timings, null, 2));
  console.log(`consumer timings (s): ${JSON.stringify(timings)}`);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the wheel and the jar carry the bundled handler', () => {
  expect(embeddedTarballFiles(wheel())).toContain(HANDLER_IN_TARBALL);
  expect(embeddedTarballFiles(jar())).toContain(HANDLER_IN_TARBALL);
});

test('the TypeScript reference declares the expected stack', () => {
  const resources = Object.values((reference as { Resources: Record<string, { Type: string }> }).Resources);
  expect(resources.filter((r) => r.Type === 'Custom::IotPackageVersion')).toHaveLength(5);
  expect(resources.filter((r) => r.Type === 'AWS::IoT::SoftwarePackage')).toHaveLength(2);
});

test('the Python app, with the wheel in a fresh venv, synthesizes the same template', () => {
  const venv = path.join(work, 'venv');
  run('python venv', 'python3', ['-m', 'venv', venv]);
  const python = path.join(venv, 'bin', 'python');
  run('python install', python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
    wheel(), `aws-cdk-lib==${CDK_VERSION}`, `constructs==${CONSTRUCTS_VERSION}`]);
  const outdir = path.join(work, 'python');
  run('python synth', python, [CONSUMER_SOURCES.python], { env: { ...ENV, CDK_OUTDIR: outdir } });

  expect(template(outdir)).toEqual(reference);
});

test('the Java app, with the jar from dist/java, synthesizes the same template', () => {
  expect(fs.existsSync(jar())).toBe(true);
  const outdir = path.join(work, 'java');
  run('java build and synth', 'mvn', [
    '-B', '-q',
    `-Dlibrary.repository=file://${path.join(DIST, 'java')}`,
    `-Dlibrary.version=${LIBRARY_VERSION}`,
    `-Dcdk.version=${CDK_VERSION}`,
    `-Dconstructs.version=${CONSTRUCTS_VERSION}`,
    // Build outside the source tree.
    `-Dbuild.dir=${path.join(work, 'java-target')}`,
    '-f', path.join(JAVA_PROJECT, 'pom.xml'),
    'compile', 'exec:java',
  ], { env: { ...ENV, CDK_OUTDIR: outdir } });

  expect(template(outdir)).toEqual(reference);
});
