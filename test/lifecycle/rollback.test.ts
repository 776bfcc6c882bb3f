/**
 * Rollbacks: custom-resource events carry no rollback flag, so the handler
 * reads its stack's status on the paths where it would refuse. A refused
 * update fails the deployment; its rollback then succeeds, leaving what IoT
 * cannot undo as it is, instead of leaving the stack UPDATE_ROLLBACK_FAILED.
 */
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle, VERSION_PROPS } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle();

const props = VERSION_PROPS;
const ARN = arnOf('1.4.0');

async function publish(versionName = '1.4.0'): Promise<void> {
  await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName, action: 'PUBLISH' }));
}

function describeStacksCalls(requests: { operation: string }[]): number {
  return requests.filter((r) => r.operation === 'DescribeStacks').length;
}

test('a refused update of a foreign version fails, and its rollback succeeds, reporting the live state', async () => {
  const created = await env.cfn.create('Firmware140', props);
  await env.iot.send(new DeletePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0' }));
  await env.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0', description: 'Someone else\'s' }));
  await publish();
  const next = { ...props, Description: 'Changed' };

  const forward = await env.cfn.update('Firmware140', created.PhysicalResourceId, next, props);
  expect(forward.Status).toBe('FAILED');
  expect(forward.Reason).toContain('was not created by this CloudFormation resource');

  const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, props, next, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
  expect(rollback.Status).toBe('SUCCESS');
  expect(rollback.PhysicalResourceId).toBe(ARN);
  expect(rollback.Data).toMatchObject({ PackageVersionArn: ARN, Status: 'PUBLISHED' });
  expect((await env.getVersion('1.4.0')).description).toBe('Someone else\'s');
  expect(env.cfn.logs.some((l) => l.includes('rollback: not failing it'))).toBe(true);
});

test('a frozen attribute change fails before any IoT write', async () => {
  const created = await env.cfn.create('Firmware140', props);
  await publish();
  const writesBefore = (await env.moto.requests()).filter((r) => r.operation === 'UpdatePackageVersion').length;

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...props, Attributes: { channel: 'beta' }, Description: 'New' }, props);

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('Cannot change Attributes of package version \'firmware/1.4.0\': it is PUBLISHED');
  expect((await env.moto.requests()).filter((r) => r.operation === 'UpdatePackageVersion').length).toBe(writesBefore);
  expect((await env.getVersion('1.4.0')).description).toBe('Bootloader fix');
});

test('a rollback that would change frozen attributes succeeds, restores what it can and logs the rest', async () => {
  const created = await env.cfn.create('Firmware140', props);
  const next = { ...props, Attributes: { channel: 'beta' }, Description: 'Beta build' };
  expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, next, props)).Status).toBe('SUCCESS');
  // Published outside CloudFormation; then another resource of the stack failed.
  await publish();

  const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, props, next, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

  expect(rollback.Status).toBe('SUCCESS');
  expect(rollback.Data).toMatchObject({ Status: 'PUBLISHED' });
  const live = await env.getVersion('1.4.0');
  expect(live.attributes).toEqual({ channel: 'beta' });
  expect(live.description).toBe('Bootloader fix');
});

test('deleting the default version during a rollback succeeds and keeps the version', async () => {
  const created = await env.cfn.create('Firmware140', props);
  await publish();
  await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: '1.4.0' }));

  const res = await env.cfn.delete('Firmware140', created.PhysicalResourceId, props, { stackStatus: 'ROLLBACK_IN_PROGRESS' });

  expect(res.Status).toBe('SUCCESS');
  expect(await env.versionExists('1.4.0')).toBe(true);
});

test('deleting the default version outside a rollback fails with instructions', async () => {
  const created = await env.cfn.create('Firmware140', props);
  await publish();
  await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: '1.4.0' }));

  const res = await env.cfn.delete('Firmware140', created.PhysicalResourceId, props, { stackStatus: 'DELETE_IN_PROGRESS' });

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('--unset-default-version');
  expect(await env.versionExists('1.4.0')).toBe(true);
});

test('a refusal whose stack status cannot be read fails: a rollback is never assumed', async () => {
  const created = await env.cfn.create('Firmware140', props);
  await publish();
  await env.moto.injectFault({ operation: 'DescribeStacks', errorType: 'AccessDenied', message: 'not authorized', count: 20 });

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...props, Attributes: { channel: 'beta' } }, props,
    { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('DescribeStacks failed');
});

test('an in-place update that needs no refusal does not read the stack status', async () => {
  const created = await env.cfn.create('Firmware140', props);
  const before = describeStacksCalls(await env.moto.requests());

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
    { ...props, Description: 'Retagged', Tags: [{ Key: 'team', Value: 'platform' }] }, props);

  expect(res.Status).toBe('SUCCESS');
  expect(describeStacksCalls(await env.moto.requests())).toBe(before);
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
