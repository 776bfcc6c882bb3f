/**
 * The real CDK CLI (the aws-cdk dev dependency) against a local cloud:
 * bootstrap, deploy and destroy, as a user runs them.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalCloud } from './local-cloud';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CDK_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk');

export interface CdkAppOptions {
  /** The app's entry, a TypeScript file run with ts-node. */
  readonly app: string;
  /** The cloud assembly directory. */
  readonly output: string;
  /** Context values (`--context key=value`). */
  readonly context?: Record<string, string>;
  /**
   * Show the CLI's output (CloudFormation's progress) as it comes, each line
   * passed to this function; it is captured either way.
   * @default not shown
   */
  readonly echo?: (line: string) => void;
}

export interface CdkResult {
  /** The CLI's exit code. */
  readonly code: number;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
}

/** Options every CLI run gets: nothing asked, nothing phoned home. */
const QUIET = ['--no-notices', '--no-version-reporting', '--ci'];

/** Runs `cdk <args>` with the local cloud's environment. Never rejects on a non-zero exit. */
export function runCdk(cloud: LocalCloud, args: string[], echo?: (line: string) => void): Promise<CdkResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG,
    ...cloud.env,
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // The app runs under ts-node, type-checked elsewhere (npx projen test).
    TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.dev.json'),
    TS_NODE_TRANSPILE_ONLY: 'true',
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(CDK_BIN, [...args, ...QUIET], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      if (echo) {
        const lines = (pending + text).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(echo);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      if (echo && pending !== '') {
        echo(pending);
      }
      resolve({ code: code ?? 1, output });
    });
  });
}

function appArgs(options: CdkAppOptions): string[] {
  const context = Object.entries(options.context ?? {}).flatMap(([k, v]) => ['--context', `${k}=${v}`]);
  return ['--app', `npx ts-node --prefer-ts-exts ${options.app}`, '--output', options.output, ...context];
}

/** `cdk bootstrap` of the local account and region. */
export function bootstrap(cloud: LocalCloud, echo?: (line: string) => void): Promise<CdkResult> {
  return runCdk(cloud, ['bootstrap', `aws://${LOCAL_ACCOUNT}/${LOCAL_REGION}`], echo);
}

/**
 * `cdk deploy` of every stack in the app, with no approval asked. The stack
 * outputs are read from `--outputs-file`: `{ stackName: { outputKey: value } }`
 * (empty when the deploy failed).
 */
export async function deploy(cloud: LocalCloud, options: CdkAppOptions): Promise<CdkResult & { outputs: Record<string, Record<string, string>> }> {
  const outputsFile = path.join(options.output, 'outputs.json');
  fs.rmSync(outputsFile, { force: true });
  const result = await runCdk(cloud, ['deploy', '--all', ...appArgs(options), '--require-approval', 'never', '--outputs-file', outputsFile], options.echo);
  const outputs = fs.existsSync(outputsFile) ? JSON.parse(fs.readFileSync(outputsFile, 'utf8')) : {};
  return { ...result, outputs };
}

/** `cdk destroy` of every stack in the app, without asking. */
export function destroy(cloud: LocalCloud, options: CdkAppOptions): Promise<CdkResult> {
  return runCdk(cloud, ['destroy', '--all', ...appArgs(options), '--force'], options.echo);
}
