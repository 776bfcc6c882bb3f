/**
 * The README's main job: deploy the example app to a local cloud with the
 * real CDK CLI, update it, destroy it.
 *
 *   npx projen demo                      the whole run, then stops everything it started
 *   npx projen demo -- --keep-running    stops after the update and keeps the local cloud
 *                                        (and the stack) up until Ctrl-C, printing the
 *                                        environment for your own `cdk deploy`
 *   npx projen demo -- --port 4566       MiniStack on a port of your choice
 *
 * DEMO_APP=path/to/app.ts deploys that app instead of examples/app.ts (the
 * tests use it for a deploy that fails).
 *
 * The local cloud is MiniStack (CloudFormation, S3, IAM, Lambda, ...) and
 * moto with this project's Software Package Catalog extension (IoT): see
 * test/local-cloud/local-cloud.ts.
 */
import * as path from 'path';
import { PACKAGE_NAME, THING_GROUP_NAME } from './firmware-catalog-stack';
import { defaultVersionOf, ensureThingGroup, formatJobs, formatVersions, jobsOf, versionsOf } from '../test/local-cloud/catalog';
import { bootstrap, CdkAppOptions, CdkResult, deploy, destroy } from '../test/local-cloud/cdk-cli';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalCloud, LocalCloudError, startLocalCloud } from '../test/local-cloud/local-cloud';

const STEPS = 8;

interface DemoOptions {
  readonly keepRunning: boolean;
  readonly port?: number;
}

/** A failed step: one line for the user, the rest already printed above it. */
class DemoError extends Error {}

function parseArgs(argv: string[]): DemoOptions {
  let keepRunning = false;
  let port: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keep-running') {
      keepRunning = true;
    } else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new DemoError(`--port must be a port number (1-65535), got '${value ?? ''}'`);
      }
    } else {
      throw new DemoError(`unknown option '${arg}' (options: --keep-running, --port N)`);
    }
  }
  return { keepRunning, port };
}

let step = 0;
function heading(title: string): void {
  step++;
  console.log(`\n==> [${step}/${STEPS}] ${title}`);
}

const indent = (line: string) => console.log(`    ${line}`);

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function check(result: CdkResult, what: string): void {
  if (result.code !== 0) {
    throw new DemoError(`${what} failed (exit ${result.code}); CloudFormation's events above say why`);
  }
}

async function showCatalog(cloud: LocalCloud): Promise<void> {
  formatVersions(PACKAGE_NAME, await versionsOf(cloud.iot, PACKAGE_NAME), await defaultVersionOf(cloud.iot, PACKAGE_NAME)).forEach(indent);
  formatJobs(await jobsOf(cloud.iot)).forEach(indent);
}

function showOutputs(outputs: Record<string, Record<string, string>>): void {
  for (const [stack, values] of Object.entries(outputs)) {
    for (const [key, value] of Object.entries(values)) {
      indent(`${stack}.${key} = ${value}`);
    }
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function run(options: DemoOptions, started: number): Promise<void> {
  const app: CdkAppOptions = {
    app: process.env.DEMO_APP ?? path.join('examples', 'app.ts'),
    output: path.join('examples', 'cdk.out'),
    echo: indent,
  };

  heading('Starting the local cloud: MiniStack (CloudFormation, S3, IAM, Lambda) and moto (IoT)');
  const cloud = await startLocalCloud({ port: options.port });
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await cloud.stop();
    }
  };
  // Ctrl-C during a step: stop what was started, then leave.
  const onSignal = () => {
    console.error('\ndemo: interrupted; stopping the local cloud');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    indent(`MiniStack ${cloud.endpoint} (PID ${cloud.pid}), moto ${cloud.moto.endpoint} (PID ${cloud.moto.pid})`);
    // The devices: the registry is not the catalog's, so the stack only names the group.
    await ensureThingGroup(cloud.iot, THING_GROUP_NAME, ['gateway-001', 'gateway-002']);
    indent(`registered the thing group '${THING_GROUP_NAME}' (gateway-001, gateway-002) in IoT, as device provisioning would`);

    heading('cdk bootstrap');
    const boot = await bootstrap(cloud);
    if (boot.code !== 0) {
      boot.output.trimEnd().split('\n').slice(-20).forEach(indent);
      throw new DemoError(`cdk bootstrap failed (exit ${boot.code})`);
    }
    indent(`environment aws://${LOCAL_ACCOUNT}/${LOCAL_REGION} bootstrapped`);

    heading('cdk deploy FirmwareCatalog: the prerequisites, the package, 1.3.0 DEPRECATED, 1.4.0 PUBLISHED and the default, ' +
      '1.5.0-beta.1 a DRAFT, and a job deploying the default to the field devices');
    const first = await deploy(cloud, app);
    check(first, 'cdk deploy');

    heading('Stack outputs');
    showOutputs(first.outputs);

    heading('What IoT holds now');
    await showCatalog(cloud);

    heading('cdk deploy --context releaseBeta=true: the beta is published and becomes the default, so a new job deploys it ' +
      '(the old one is cancelled); 1.3.0 leaves the catalog');
    const update = await deploy(cloud, { ...app, context: { releaseBeta: 'true' } });
    check(update, 'cdk deploy (the update)');
    await showCatalog(cloud);

    if (options.keepRunning) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      heading('Keeping the local cloud running (Ctrl-C stops it)');
      indent('In another shell, from this directory:');
      indent('');
      for (const [k, v] of Object.entries(cloud.env)) {
        indent(`export ${k}=${v}`);
      }
      indent('export CDK_DISABLE_VERSION_CHECK=true TS_NODE_PROJECT=tsconfig.dev.json');
      indent('');
      indent('npx cdk deploy --app "npx ts-node --prefer-ts-exts examples/app.ts" --require-approval never --no-notices');
      indent('npx cdk destroy --app "npx ts-node --prefer-ts-exts examples/app.ts" --force --no-notices');
      indent(`aws iot list-package-versions --package-name ${PACKAGE_NAME}    # if you have the AWS CLI`);
      await waitForSignal();
      console.log('\nStopping the local cloud');
      await stop();
      return;
    }

    heading('cdk destroy: the job is cancelled, the default unset, 1.5.0-beta.1 deleted; 1.4.0 stays ' +
      '(RETAIN_ON_UPDATE_OR_DELETE: devices run it), and so does the package that holds it');
    check(await destroy(cloud, app), 'cdk destroy');
    await showCatalog(cloud);

    heading('Stopping the local cloud');
    await stop();
    indent(`stopped MiniStack, its function processes and moto; the demo took ${elapsed(started)}`);
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  try {
    await run(parseArgs(process.argv.slice(2)), started);
  } catch (err) {
    if (err instanceof DemoError || err instanceof LocalCloudError) {
      console.error(`\ndemo: ${err.message}`);
    } else {
      console.error(`\ndemo: ${(err as Error).name}: ${(err as Error).message}`);
    }
    process.exitCode = 1;
  }
}

void main();
