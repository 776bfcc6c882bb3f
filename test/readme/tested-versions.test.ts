/**
 * The README's "Tested versions" are what the tests run with: the minimum
 * aws-cdk-lib of .projenrc.ts, the versions in node_modules, this machine's
 * Node.js and Python, the handler's Lambda runtime and the Java consumer's
 * release. When one changes, this fails until the README says so.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { REPO_ROOT, tableAfter } from './markdown';

const README = path.join(REPO_ROOT, 'README.md');
const rows = new Map(tableAfter(README, '## Tested versions').map(([what, version]) => [what, version]));
const installed = (pkg: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

test('aws-cdk-lib: the minimum peer version of .projenrc.ts, and the one in node_modules', () => {
  const minimum = /const CDK_MIN_VERSION = '([^']+)'/.exec(fs.readFileSync(path.join(REPO_ROOT, '.projenrc.ts'), 'utf8'))![1];
  expect(rows.get('`aws-cdk-lib`')).toBe(`${minimum}, the minimum peer version, and ${installed('aws-cdk-lib')}, the version the tests run`);
});

test('constructs and TypeScript: the versions in node_modules', () => {
  expect(rows.get('`constructs`')).toBe(installed('constructs'));
  expect(rows.get('TypeScript')).toBe(installed('typescript'));
});

test('Node.js: the major version running the tests, and the handler\'s Lambda runtime', () => {
  const handlerRuntime = fs.readFileSync(path.join(REPO_ROOT, 'src', 'private', 'provider.ts'), 'utf8');
  const runtime = /runtime: lambda\.Runtime\.(NODEJS_\w+)/.exec(handlerRuntime)![1] as keyof typeof lambda.Runtime;
  const lambdaMajor = (lambda.Runtime[runtime] as lambda.Runtime).name.replace(/^nodejs(\d+)\.x$/, '$1');
  const major = process.versions.node.split('.')[0];
  expect(rows.get('Node.js')).toBe(`${major} for \`cdk synth\` and the tests; the handler runs on Node.js ${lambdaMajor} in Lambda`);
});

test('Python: the python3 the consumer test runs', () => {
  const result = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(rows.get('Python')).toBe(`${result.stdout.trim()} (the Python consumer app)`);
});

test('Java: the release the Java consumer app is compiled for', () => {
  const pom = fs.readFileSync(path.join(REPO_ROOT, 'test', 'consumers', 'java', 'pom.xml'), 'utf8');
  const release = /<maven\.compiler\.release>(\d+)<\/maven\.compiler\.release>/.exec(pom)![1];
  expect(rows.get('Java')).toBe(`${release} (the Java consumer app)`);
});
