/**
 * Failed work leaves nothing behind, and time is bounded: the deadline under
 * throttling, cleanup after a failed create and after a failed replacing
 * update, a Delete whose Create's response was lost, a Delete that
 * overtakes its Create, and IAM's eventual consistency.
 */
import { STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle } from './harness';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle();

const props = {
  PackageName: PACKAGE,
  VersionName: '1.4.0',
  Description: 'Bootloader fix',
  Tags: [{ Key: 'team', Value: 'edge' }],
};
const ARN = arnOf('1.4.0');
/** A physical id CloudFormation makes up for a resource whose create never answered. */
const MADE_UP_ID = 'LifecycleStack-Firmware140-1A2B3C4D5E6F';

describe('the deadline', () => {
  test('an update throttled until the time runs out fails in time, saying IoT was throttling and the deploy can be retried', async () => {
    const created = await env.cfn.create('Firmware140', props);
    await env.moto.injectFault({ operation: 'UpdatePackageVersion', errorType: 'ThrottlingException', message: 'Rate exceeded', count: 1000 });

    // The monotonic clock, as the handler's deadline: a step of the wall clock (time synchronization) must not fail it.
    const started = performance.now();
    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...props, Description: 'Changed' }, props, { remainingTimeMs: 8_000 });
    const took = performance.now() - started;

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdatePackageVersion did not finish before the handler\'s time ran out: IoT was throttling requests (ThrottlingException');
    expect(res.Reason).toContain('the deployment can be retried');
    // Lambda would have killed it at 8 s.
    expect(took).toBeLessThan(8_000);
  }, 20_000);

  test('a create whose follow-up is throttled until the forward deadline deletes its version with the reserve', async () => {
    await env.moto.injectFault({ operation: 'DescribeStacks', errorType: 'Throttling', message: 'Rate exceeded', count: 1000 });

    const res = await env.cfn.create('Firmware140', props, undefined, { remainingTimeMs: 8_000 });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('DescribeStacks did not finish before the handler\'s time ran out');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    expect(await env.versionExists('1.4.0')).toBe(false);
  }, 20_000);
});

describe('cleanup after a failed create', () => {
  test('a failure after CreatePackageVersion deletes the version before failing', async () => {
    await env.moto.injectFault({ operation: 'DescribeStacks', errorType: 'AccessDenied', message: 'not authorized to perform: cloudformation:DescribeStacks', count: 20 });

    const res = await env.cfn.create('Firmware140', props);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('DescribeStacks failed');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });

  test('when the cleanup fails too, the reason names the leaked ARN and the command that deletes it', async () => {
    await env.moto.injectFault({ operation: 'DescribeStacks', errorType: 'AccessDenied', message: 'not authorized', count: 20 });
    await env.moto.injectFault({ operation: 'DeletePackageVersion', errorType: 'ValidationException', message: 'cannot delete now', count: 20 });

    const res = await env.cfn.create('Firmware140', props);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain(`The version this request created, ${ARN}, could not be deleted again`);
    expect(res.Reason).toContain('aws iot delete-package-version --package-name firmware --version-name 1.4.0');
  });

  test('a create that CloudFormation gave up on while it ran (a rollback began) deletes its version and fails', async () => {
    await env.moto.hold('CreatePackageVersion', 'after');
    const create = env.cfn.create('Firmware140', props);
    await env.moto.waitUntilHeld();
    await env.cfn.setStackStatus('ROLLBACK_IN_PROGRESS');
    await env.moto.releaseHolds();

    const res = await create;

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('CloudFormation stopped deploying this resource while the version was being created (stack status ROLLBACK_IN_PROGRESS)');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });
});

describe('cleanup after a failed replacing update', () => {
  test('a rename that CloudFormation gave up on deletes the new version and keeps the old one', async () => {
    const created = await env.cfn.create('Firmware', props);
    await env.moto.hold('CreatePackageVersion', 'after');
    const rename = env.cfn.update('Firmware', created.PhysicalResourceId, { ...props, VersionName: '1.4.1' }, props);
    await env.moto.waitUntilHeld();
    await env.cfn.setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    await env.moto.releaseHolds();

    const res = await rename;

    expect(res.Status).toBe('FAILED');
    expect(await env.versionExists('1.4.1')).toBe(false);
    expect(await env.versionExists('1.4.0')).toBe(true);
  });
});

describe('a Delete without the ARN', () => {
  test('after a create whose response was lost, the Delete finds the version from its properties and deletes it', async () => {
    const created = await env.cfn.create('Firmware140', props);
    expect(created.Status).toBe('SUCCESS');

    const res = await env.cfn.delete('Firmware140', MADE_UP_ID, props);

    expect(res.Status).toBe('SUCCESS');
    expect(res.PhysicalResourceId).toBe(MADE_UP_ID);
    expect(await env.versionExists('1.4.0')).toBe(false);
  });

  test('such a Delete leaves a version another resource created', async () => {
    await env.cfn.create('Other', props);

    const res = await env.cfn.delete('Firmware140', MADE_UP_ID, props);

    expect(res.Status).toBe('SUCCESS');
    expect(await env.versionExists('1.4.0')).toBe(true);
  });
});

describe('a Delete that overtakes its Create', () => {
  test.each<['before' | 'after', string]>([
    ['after', 'arriving while the Create is paused after CreatePackageVersion: nothing is left'],
    ['before', 'arriving before CreatePackageVersion: the Create undoes what it then makes'],
  ])('(held %s the create) %s', async (when) => {
    await env.moto.hold('CreatePackageVersion', when);
    const create = env.cfn.create('Firmware140', props);
    await env.moto.waitUntilHeld();

    // A sibling failed: CloudFormation cancels the create and deletes it.
    const del = await env.cfn.delete('Firmware140', MADE_UP_ID, props, { stackStatus: 'ROLLBACK_IN_PROGRESS' });
    expect(del.Status).toBe('SUCCESS');
    await env.moto.releaseHolds();
    const res = await create;

    expect(res.Status).toBe('FAILED');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });
});

test('IAM propagation: AccessDenied on a create\'s first call is retried for a while, and logged', async () => {
  await env.moto.injectFault({ operation: 'CreatePackageVersion', errorType: 'AccessDeniedException', message: 'not authorized', count: 2 });

  const res = await env.cfn.create('Firmware140', props);

  expect(res.Status).toBe('SUCCESS');
  expect((await env.tagsOf(ARN))[CREATION_MARKER_TAG]).toBe(env.marker('Firmware140', res.RequestId));
  expect(env.cfn.logs.filter((l) => l.includes('IoT denied access')).length).toBe(2);
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
