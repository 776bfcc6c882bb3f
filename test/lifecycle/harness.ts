/**
 * What every lifecycle suite sets up: a moto server (IoT and CloudFormation),
 * the CloudFormation simulator, and an IoT client for the test's own checks;
 * moto is reset before each test and the test's package created.
 * `startStandIns`, `stopStandIns` and `startOver` do the same without jest
 * (bench/calls.ts).
 */
import {
  CreatePackageCommand,
  GetPackageVersionCommand,
  GetPackageVersionCommandOutput,
  IoTClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-iot';
import { CloudFormationSimulator, SimulatorOptions } from './cloudformation-simulator';
import { callerOf, markerValue } from '../../lambda/ownership';
import { MotoServer, motoIotClient, startMotoServer, StartMotoServerOptions } from '../moto/moto-server';

/** The package every lifecycle test starts with. */
export const PACKAGE = 'firmware';

/** The properties of a typical version of the test package, as the construct writes them. */
export const VERSION_PROPS = {
  PackageName: PACKAGE,
  VersionName: '1.4.0',
  Description: 'Bootloader fix',
  Attributes: { channel: 'stable' },
  Tags: [{ Key: 'team', Value: 'edge' }],
};

export interface LifecycleOptions {
  readonly moto?: StartMotoServerOptions;
  readonly simulator?: Omit<SimulatorOptions, 'moto'>;
}

/** The running stand-ins: moto, the simulator, and an IoT client for the test's own calls. */
export interface StandIns {
  moto: MotoServer;
  cfn: CloudFormationSimulator;
  iot: IoTClient;
}

/** The running stand-ins and the test's helpers; set in beforeAll. */
export interface Lifecycle extends StandIns {
  /** GetPackageVersion in the test package. */
  getVersion(versionName: string, packageName?: string): Promise<GetPackageVersionCommandOutput>;
  versionExists(versionName: string, packageName?: string): Promise<boolean>;
  /** All tags of a resource. */
  tagsOf(arn: string): Promise<Record<string, string>>;
  /** The creation marker the handler writes for a resource's create request in the simulator's stack. */
  marker(logicalId: string, requestId: string): string;
}

/** Starts moto and the simulator (no jest needed); stop them with `stopStandIns`. */
export async function startStandIns(options: LifecycleOptions = {}): Promise<StandIns> {
  const moto = await startMotoServer(options.moto);
  try {
    const cfn = await CloudFormationSimulator.start({ ...options.simulator, moto });
    return { moto, cfn, iot: motoIotClient(moto.endpoint) };
  } catch (e) {
    await moto.stop();
    throw e;
  }
}

/** Stops what `startStandIns` started (whatever of it is set). */
export async function stopStandIns(env: Partial<StandIns>): Promise<void> {
  await env.cfn?.stop();
  await env.moto?.stop();
}

/** What every lifecycle test starts from: moto reset, and the test package created (by the test, not the handler). */
export async function startOver(env: StandIns): Promise<void> {
  await env.moto.reset();
  await env.iot.send(new CreatePackageCommand({ packageName: PACKAGE }));
}

/** Registers beforeAll/afterAll/beforeEach for a lifecycle suite. */
export function useLifecycle(options: LifecycleOptions = {}): Lifecycle {
  const env = {} as Lifecycle;

  beforeAll(async () => {
    Object.assign(env, await startStandIns(options));
  });

  afterAll(() => stopStandIns(env));

  beforeEach(() => startOver(env));

  env.getVersion = (versionName, packageName = PACKAGE) =>
    env.iot.send(new GetPackageVersionCommand({ packageName, versionName }));

  env.versionExists = async (versionName, packageName = PACKAGE) => {
    try {
      await env.getVersion(versionName, packageName);
      return true;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') {
        return false;
      }
      throw e;
    }
  };

  env.tagsOf = async (arn) => {
    const out = await env.iot.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return Object.fromEntries((out.tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
  };

  env.marker = (logicalId, requestId) =>
    markerValue(callerOf({ StackId: env.cfn.stackId, LogicalResourceId: logicalId, RequestId: requestId }));

  return env;
}

/** The version ARN moto gives a version of the test package. */
export function arnOf(versionName: string, packageName = PACKAGE): string {
  return `arn:aws:iot:us-east-1:123456789012:package/${packageName}/version/${versionName}`;
}
