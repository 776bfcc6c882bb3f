/**
 * The deploy orders of a package with a default version, each in ONE
 * deployment of a whole synthesized stack, played with CloudFormation's
 * order of requests (stack-deployer.ts) against moto:
 *
 * a. move the default from v1 to v2, and remove v1 from the stack;
 * b. delete the whole stack;
 * c. remove the default designation;
 * d. roll back a failed deployment that changed the default;
 * e. a default set outside the stack, on a version the stack deletes: the
 *    version's delete refuses, clearly, and the version stays.
 *
 * The e2e suite (test/e2e/default-version.test.ts) runs the same orders
 * through the real CDK CLI and MiniStack's CloudFormation engine.
 */
import { CreatePackageVersionCommand, CreateThingGroupCommand, GetPackageCommand, ListJobsCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { App, Stack } from 'aws-cdk-lib';
import { STACK_NAME } from './cloudformation-simulator';
import { useLifecycle } from './harness';
import { PlayedRequest, ReplacementRollback, StackDeployer } from './stack-deployer';
import { DeploymentTarget, PackageDeployment, PackageVersionStatus, SoftwarePackage } from '../../src';

const env = useLifecycle();
let deployer: StackDeployer;

/** A package only the stack makes (the harness's own package is made by the test). */
const PKG = 'orders';

beforeEach(() => {
  deployer = new StackDeployer(env.cfn);
});

interface Shape {
  /** Versions, by name; all PUBLISHED. */
  readonly versions: string[];
  /** The version the stack makes the default, if any. */
  readonly defaultVersion?: string;
  /** A version added after the default designation that fails (it collides with a foreign version). */
  readonly failingVersion?: string;
}

/** The stack: the package, its versions, and the default designation. */
function stackOf(shape: Shape): Stack {
  const stack = new Stack(new App(), STACK_NAME);
  const pkg = new SoftwarePackage(stack, 'Package', { packageName: PKG });
  const versions = new Map(shape.versions.map((name) =>
    [name, pkg.addVersion(idOf(name), { versionName: name, status: PackageVersionStatus.PUBLISHED })]));
  if (shape.defaultVersion) {
    const designation = pkg.addDefaultVersion(versions.get(shape.defaultVersion)!);
    if (shape.failingVersion) {
      // After the designation's update, so that the failure rolls it back.
      pkg.addVersion(idOf(shape.failingVersion), { versionName: shape.failingVersion }).node.addDependency(designation);
    }
  }
  return stack;
}

function idOf(versionName: string): string {
  return `V${versionName.replace(/\./g, '')}`;
}

/** Each request as `phase Type ConstructId`: the logical id without its hash, and without the package's id for its children. */
function steps(requests: PlayedRequest[]): string[] {
  return requests.map((r) => {
    const id = r.logicalId.replace(/[0-9A-F]{8}$/, '');
    return `${r.phase} ${r.requestType} ${id === 'Package' ? id : id.replace(/^Package/, '')}${r.status === 'FAILED' ? ' FAILED' : ''}`;
  });
}

async function defaultOf(packageName = PKG): Promise<string | undefined> {
  return (await env.iot.send(new GetPackageCommand({ packageName }))).defaultVersionName;
}

async function packageExists(packageName = PKG): Promise<boolean> {
  try {
    await env.iot.send(new GetPackageCommand({ packageName }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') {
      return false;
    }
    throw e;
  }
}

async function expectDeployed(shape: Shape): Promise<void> {
  const result = await deployer.deploy(stackOf(shape));
  expect({ status: result.stackStatus, failure: result.failure, cleanupFailure: result.cleanupFailure })
    .toEqual({ status: expect.stringMatching(/^(CREATE|UPDATE)_COMPLETE$/), failure: undefined, cleanupFailure: undefined });
}

test('a. the default moves from v1 to v2 and v1 leaves the stack, in one deployment', async () => {
  await expectDeployed({ versions: ['1.0.0', '2.0.0'], defaultVersion: '1.0.0' });
  expect(await defaultOf()).toBe('1.0.0');

  const result = await deployer.deploy(stackOf({ versions: ['2.0.0'], defaultVersion: '2.0.0' }));

  expect(result.stackStatus).toBe('UPDATE_COMPLETE');
  expect(result.cleanupFailure).toBeUndefined();
  // The designation moves first; its old physical resource goes in the clean-up phase, before v1.
  expect(steps(result.requests)).toEqual(['deploy Update DefaultVersion', 'cleanup Delete DefaultVersion', 'cleanup Delete V100']);
  expect(await defaultOf()).toBe('2.0.0');
  expect(await env.versionExists('1.0.0', PKG)).toBe(false);
  expect(await env.versionExists('2.0.0', PKG)).toBe(true);
});

test('b. deleting the whole stack unsets the default, then deletes the versions, then the package', async () => {
  await expectDeployed({ versions: ['1.0.0', '2.0.0'], defaultVersion: '2.0.0' });

  const result = await deployer.destroy();

  expect(result.stackStatus).toBe('DELETE_COMPLETE');
  const order = steps(result.requests);
  expect(order[0]).toBe('destroy Delete DefaultVersion');
  expect(order[order.length - 1]).toBe('destroy Delete Package');
  expect(order.slice(1, -1).sort()).toEqual(['destroy Delete V100', 'destroy Delete V200']);
  expect(await packageExists()).toBe(false);
});

test('c. removing the designation unsets the default and keeps the versions', async () => {
  await expectDeployed({ versions: ['1.0.0', '2.0.0'], defaultVersion: '2.0.0' });

  const result = await deployer.deploy(stackOf({ versions: ['1.0.0', '2.0.0'] }));

  expect(steps(result.requests)).toEqual(['cleanup Delete DefaultVersion']);
  expect(result.cleanupFailure).toBeUndefined();
  expect(await defaultOf()).toBeUndefined();
  expect(await env.versionExists('2.0.0', PKG)).toBe(true);
});

describe.each<[ReplacementRollback, string[]]>([
  ['update', ['rollback Update DefaultVersion', 'rollback-cleanup Delete V900', 'rollback-cleanup Delete DefaultVersion']],
  // No request for the old designation: the new one's delete puts the old default back.
  ['delete-new', ['rollback-cleanup Delete V900', 'rollback-cleanup Delete DefaultVersion']],
])('d. a failed deployment that changed the default (a rollback that sends a replaced resource %s)', (model, rollback) => {
  test('rolls it back to the old default', async () => {
    deployer = new StackDeployer(env.cfn, { replacementRollback: model });
    await expectDeployed({ versions: ['1.0.0', '2.0.0'], defaultVersion: '1.0.0' });
    // A version made outside the stack, with the name of the stack's next one: its create fails.
    await env.iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: '9.0.0' }));

    const result = await deployer.deploy(stackOf({ versions: ['1.0.0', '2.0.0'], defaultVersion: '2.0.0', failingVersion: '9.0.0' }));

    expect(result.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(steps(result.requests)).toEqual(['deploy Update DefaultVersion', 'deploy Create V900 FAILED', ...rollback]);
    expect(await defaultOf()).toBe('1.0.0');
    expect(await env.versionExists('9.0.0', PKG)).toBe(true); // not the stack's: untouched

    // And the stack goes on from there: removing the designation unsets the default.
    await expectDeployed({ versions: ['1.0.0', '2.0.0'] });
    expect(await defaultOf()).toBeUndefined();
  });

  test('a first designation rolled back puts back the default the package had before the stack set it', async () => {
    deployer = new StackDeployer(env.cfn, { replacementRollback: model });
    await expectDeployed({ versions: ['1.0.0', '2.0.0'] });
    await env.iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));
    await env.iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: '9.0.0' }));

    const result = await deployer.deploy(stackOf({ versions: ['1.0.0', '2.0.0'], defaultVersion: '2.0.0', failingVersion: '9.0.0' }));

    expect(result.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(await defaultOf()).toBe('1.0.0');
  });
});

test.each<[string, Shape]>([
  ['removing the designation', { versions: ['1.0.0', '2.0.0'] }],
  ['deleting the stack', { versions: [] }],
])('a default the package already had, designated by the stack: %s leaves it as it was', async (label, after) => {
  await expectDeployed({ versions: ['1.0.0', '2.0.0'] });
  await env.iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));
  await expectDeployed({ versions: ['1.0.0', '2.0.0'], defaultVersion: '1.0.0' });

  if (label === 'deleting the stack') {
    // The versions are the stack's, and 1.0.0 is the default: its delete refuses, clearly (order e).
    const result = await deployer.destroy();
    expect(result.failure).toMatch(/it is the default version of package 'orders'/);
  } else {
    await expectDeployed(after);
  }

  expect(await defaultOf()).toBe('1.0.0');
});

test('e. a default set outside the stack, on a version the stack deletes: the delete refuses clearly and the version stays', async () => {
  await expectDeployed({ versions: ['1.0.0', '2.0.0'] });
  await env.iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));

  const result = await deployer.deploy(stackOf({ versions: ['2.0.0'] }));

  expect(steps(result.requests)).toEqual(['cleanup Delete V100 FAILED']);
  expect(result.cleanupFailure).toMatch(/Cannot delete package version 'orders\/1.0.0': it is the default version of package 'orders'/);
  expect(await defaultOf()).toBe('1.0.0');
  expect(await env.versionExists('1.0.0', PKG)).toBe(true);
});

test('a deployment of the package\'s $default makes a new job when the default moves, and the old job is cancelled', async () => {
  await env.iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet' }));
  const withRollout = (shape: Shape): Stack => {
    const stack = stackOf(shape);
    new PackageDeployment(stack, 'Rollout', {
      defaultVersionOf: [stack.node.findChild('Package') as SoftwarePackage],
      targets: [DeploymentTarget.thingGroupName('fleet')],
    });
    return stack;
  };
  expect((await deployer.deploy(withRollout({ versions: ['1.0.0', '2.0.0'], defaultVersion: '1.0.0' }))).failure).toBeUndefined();
  const [first] = await jobs();

  const moved = await deployer.deploy(withRollout({ versions: ['1.0.0', '2.0.0'], defaultVersion: '2.0.0' }));

  expect(moved.stackStatus).toBe('UPDATE_COMPLETE');
  expect(steps(moved.requests)).toEqual([
    'deploy Update DefaultVersion', 'deploy Update Rollout', 'cleanup Delete Rollout', 'cleanup Delete DefaultVersion',
  ]);
  expect(await defaultOf()).toBe('2.0.0');
  const after = await jobs();
  expect(after).toHaveLength(2);
  expect(after.find((j) => j.jobId === first.jobId)?.status).toBe('CANCELED');
  expect(after.find((j) => j.jobId !== first.jobId)?.status).toBe('IN_PROGRESS');
});

async function jobs(): Promise<Array<{ jobId: string; status: string }>> {
  const out = await env.iot.send(new ListJobsCommand({}));
  return (out.jobs ?? []).map((j) => ({ jobId: j.jobId!, status: j.status! }));
}
