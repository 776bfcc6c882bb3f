/**
 * Publish and deprecate through CloudFormation: every transition, the call
 * cost of creating straight into PUBLISHED, what `Status` means when IoT
 * has moved on outside CloudFormation, the way back to DRAFT refused before
 * any write (and let through during a rollback), and a failed publish that
 * leaves nothing behind.
 */
import { UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { HANDLER_CREDENTIALS, STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle, VERSION_PROPS } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';
import type { RecordedRequest } from '../moto/moto-server';

const env = useLifecycle();

const ARN = arnOf('1.4.0');
const WRITES = new Set([
  'CreatePackageVersion', 'UpdatePackageVersion', 'DeletePackageVersion', 'TagResource', 'UntagResource',
  'AssociateSbomWithPackageVersion', 'DisassociateSbomFromPackageVersion',
]);

/** The handler's IoT writes since `from`, as 'Operation' or 'UpdatePackageVersion' with its body fields. */
async function handlerWrites(from = 0): Promise<RecordedRequest[]> {
  return (await env.moto.requests()).slice(from)
    .filter((r) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId && WRITES.has(r.operation));
}

const requestCount = async () => (await env.moto.requests()).length;

async function outOfBand(action: 'PUBLISH' | 'DEPRECATE'): Promise<void> {
  await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0', action }));
}

const withStatus = (Status?: string) => (Status === undefined ? { ...VERSION_PROPS } : { ...VERSION_PROPS, Status });

describe('create', () => {
  test('straight into PUBLISHED costs two successful IoT writes: create, then publish', async () => {
    const res = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ PackageVersionArn: ARN, Status: 'PUBLISHED' });
    expect((await env.getVersion('1.4.0')).status).toBe('PUBLISHED');
    const writes = (await handlerWrites()).filter((r) => r.status === 200);
    expect(writes.map((r) => r.operation)).toEqual(['CreatePackageVersion', 'UpdatePackageVersion']);
    expect(writes[1].bodyFields).toEqual(['action']);
  });

  test('straight into DEPRECATED goes through PUBLISHED', async () => {
    const res = await env.cfn.create('Firmware140', withStatus('DEPRECATED'));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ Status: 'DEPRECATED' });
    expect((await env.getVersion('1.4.0')).status).toBe('DEPRECATED');
    expect((await handlerWrites()).map((r) => r.operation)).toEqual(['CreatePackageVersion', 'UpdatePackageVersion', 'UpdatePackageVersion']);
  });

  // Whether IoT allows DRAFT -> DEPRECATED directly is not documented: the handler never asks, so either answer works.
  test.each(['reject', 'allow'] as const)('straight into DEPRECATED when IoT would %s a direct DRAFT -> DEPRECATED', async (draftToDeprecated) => {
    await env.moto.setBehaviour({ draftToDeprecated });

    const res = await env.cfn.create('Firmware140', withStatus('DEPRECATED'));

    expect(res.Status).toBe('SUCCESS');
    expect((await env.getVersion('1.4.0')).status).toBe('DEPRECATED');
  });

  test('without Status it stays DRAFT, as CfnSoftwarePackageVersion does', async () => {
    const res = await env.cfn.create('Firmware140', withStatus());

    expect(res.Data).toMatchObject({ Status: 'DRAFT' });
    expect((await handlerWrites()).map((r) => r.operation)).toEqual(['CreatePackageVersion']);
  });

  test('a publish that fails leaves nothing behind, and the reason says so', async () => {
    await env.moto.injectFault({ operation: 'UpdatePackageVersion', errorType: 'ValidationException', message: 'artifact cannot be read', count: 1 });

    const res = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdatePackageVersion failed');
    expect(res.Reason).toContain('artifact cannot be read');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });
});

describe('update', () => {
  test.each([
    ['DRAFT', 'PUBLISHED', ['PUBLISH']],
    ['DRAFT', 'DEPRECATED', ['PUBLISH', 'DEPRECATE']],
    ['PUBLISHED', 'DEPRECATED', ['DEPRECATE']],
    ['DEPRECATED', 'PUBLISHED', ['PUBLISH']],
  ])('%s -> %s takes the legal steps', async (from, to, steps) => {
    const created = await env.cfn.create('Firmware140', withStatus(from));
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withStatus(to), withStatus(from));

    expect(res.Status).toBe('SUCCESS');
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(res.Data).toMatchObject({ Status: to });
    expect((await env.getVersion('1.4.0')).status).toBe(to);
    const writes = await handlerWrites(mark);
    expect(writes.map((r) => r.operation)).toEqual(steps.map(() => 'UpdatePackageVersion'));
  });

  test('a description change and a publish in one update: the fields first, then the action', async () => {
    const created = await env.cfn.create('Firmware140', withStatus());
    const mark = await requestCount();
    const next = { ...withStatus('PUBLISHED'), Description: 'Released', Attributes: { channel: 'stable', build: '7' } };

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, next, withStatus());

    expect(res.Status).toBe('SUCCESS');
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.description, live.attributes]).toEqual(['PUBLISHED', 'Released', { channel: 'stable', build: '7' }]);
    expect((await handlerWrites(mark)).map((r) => r.bodyFields)).toEqual([['attributes', 'description'], ['action']]);
  });

  test('published outside CloudFormation, with Status unchanged: later deploys succeed and report PUBLISHED', async () => {
    const created = await env.cfn.create('Firmware140', withStatus());
    await outOfBand('PUBLISH');

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...withStatus(), Description: 'Notes' }, withStatus());

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ Status: 'PUBLISHED' });
    expect(env.cfn.logs.some((l) => l.includes('status unchanged in the template, but IoT reports another'))).toBe(true);
    expect((await env.getVersion('1.4.0')).description).toBe('Notes');
  });

  test('back to DRAFT fails before any IoT write, saying a new versionName is needed', async () => {
    const created = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      { ...withStatus('DRAFT'), Description: 'Changed', Tags: [{ Key: 'team', Value: 'ops' }] }, withStatus('PUBLISHED'));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('Cannot make package version \'firmware/1.4.0\' DRAFT: it is PUBLISHED, and IoT has no way back to DRAFT');
    expect(res.Reason).toContain('change versionName');
    expect(await handlerWrites(mark)).toEqual([]);
    expect((await env.getVersion('1.4.0')).description).toBe(VERSION_PROPS.Description);
  });

  test('removing Status from a published version\'s template asks for DRAFT, and fails the same way', async () => {
    const created = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withStatus(), withStatus('PUBLISHED'));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('no way back to DRAFT');
  });

  test('the rollback of a publish succeeds, restores the fields, keeps PUBLISHED and reports it', async () => {
    const created = await env.cfn.create('Firmware140', withStatus());
    const published = { ...withStatus('PUBLISHED'), Description: 'Released' };
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, published, withStatus())).Status).toBe('SUCCESS');

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, withStatus(), published,
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.Data).toMatchObject({ Status: 'PUBLISHED' });
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.description]).toEqual(['PUBLISHED', VERSION_PROPS.Description]);
    expect(env.cfn.logs.some((l) => l.includes('rollback: not failing it'))).toBe(true);
  });

  test('the rollback of a deprecation publishes again', async () => {
    const created = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, withStatus('DEPRECATED'), withStatus('PUBLISHED'))).Status).toBe('SUCCESS');

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, withStatus('PUBLISHED'), withStatus('DEPRECATED'),
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect((await env.getVersion('1.4.0')).status).toBe('PUBLISHED');
  });

  test('a frozen attribute change fails before any write, and the deprecation asked for with it is not made either', async () => {
    const created = await env.cfn.create('Firmware140', withStatus('PUBLISHED'));
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      { ...withStatus('DEPRECATED'), Attributes: { channel: 'beta' } }, withStatus('PUBLISHED'));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('Cannot change Attributes of package version \'firmware/1.4.0\': it is PUBLISHED');
    expect(await handlerWrites(mark)).toEqual([]);
    expect((await env.getVersion('1.4.0')).status).toBe('PUBLISHED');
  });

  test('attributes changed and published outside CloudFormation: the failure reports both', async () => {
    const created = await env.cfn.create('Firmware140', withStatus());
    await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0', attributes: { channel: 'edge' } }));
    await outOfBand('PUBLISH');

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...withStatus(), Attributes: { channel: 'beta' } }, withStatus());

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('it became PUBLISHED outside CloudFormation: the previous template said DRAFT');
    expect(res.Reason).toContain('IoT\'s attributes also differ from the previous template\'s');
  });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
