/**
 * The moto extension's test hooks beyond the package catalog itself: request
 * holds, AccessDeniedException faults, and the CloudFormation stack status
 * that the handler reads (cloudformation_hooks.py).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreatePackageCommand, CreatePackageVersionCommand, GetPackageVersionCommand, IoTClient } from '@aws-sdk/client-iot';
import { MOTO_CREDENTIALS, MotoServer, motoIotClient, startMotoServer } from './moto-server';

let moto: MotoServer;
let iot: IoTClient;
let cfn: CloudFormationClient;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
  cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
});

describe('stack status', () => {
  test('creates the stack on first use and DescribeStacks reports the status that was set', async () => {
    const stackId = await moto.setStackStatus('Catalog', 'UPDATE_ROLLBACK_IN_PROGRESS');
    expect(stackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/Catalog\/[0-9a-f-]{36}$/);

    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(out.Stacks?.map((s) => [s.StackId, s.StackStatus])).toEqual([[stackId, 'UPDATE_ROLLBACK_IN_PROGRESS']]);

    expect(await moto.setStackStatus('Catalog', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(stackId);
    const again = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(again.Stacks?.[0].StackStatus).toBe('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  });

  test('recreate gives a stack of the same name a new id; the old id still describes the deleted stack', async () => {
    const first = await moto.setStackStatus('Catalog', 'CREATE_COMPLETE');
    const second = await moto.setStackStatus('Catalog', 'CREATE_IN_PROGRESS', { recreate: true });

    expect(second).not.toBe(first);
    expect(second).toMatch(/:stack\/Catalog\//);
    const old = await cfn.send(new DescribeStacksCommand({ StackName: first }));
    expect(old.Stacks?.[0].StackStatus).toBe('DELETE_COMPLETE');
  });

  test('rejects a status CloudFormation does not have', async () => {
    await expect(moto.setStackStatus('Catalog', 'HALF_DONE')).rejects.toThrow(/HTTP 400/);
  });

  test('DescribeStacks is recorded with the stack, and an injected fault is returned in CloudFormation\'s format', async () => {
    const stackId = await moto.setStackStatus('Catalog', 'CREATE_IN_PROGRESS');
    await moto.injectFault({ operation: 'DescribeStacks', errorType: 'Throttling', message: 'Rate exceeded' });

    await expect(cfn.send(new DescribeStacksCommand({ StackName: stackId }))).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    await cfn.send(new DescribeStacksCommand({ StackName: stackId }));

    const recorded = (await moto.requests()).map((r) => [r.service, r.operation, r.resourceArn, r.status, r.errorType, r.accessKeyId]);
    expect(recorded).toEqual([
      ['cloudformation', 'DescribeStacks', stackId, 400, 'Throttling', MOTO_CREDENTIALS.accessKeyId],
      ['cloudformation', 'DescribeStacks', stackId, 200, null, MOTO_CREDENTIALS.accessKeyId],
    ]);
  });

  test('a "*" fault matches catalog operations only', async () => {
    const stackId = await moto.setStackStatus('Catalog', 'CREATE_IN_PROGRESS');
    await moto.injectFault({ operation: '*', errorType: 'ThrottlingException' });

    await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    await expect(iot.send(new CreatePackageCommand({ packageName: 'firmware' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('holds', () => {
  test('"after" holds a request once it has changed state, until released', async () => {
    await iot.send(new CreatePackageCommand({ packageName: 'firmware' }));
    await moto.hold('CreatePackageVersion', 'after');

    let done = false;
    const create = iot.send(new CreatePackageVersionCommand({ packageName: 'firmware', versionName: '1.0.0' })).then(() => { done = true; });
    await moto.waitUntilHeld();

    // The version exists while its creator still waits for the response.
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'firmware', versionName: '1.0.0' }))).status).toBe('DRAFT');
    expect(done).toBe(false);
    await moto.releaseHolds();
    await create;
    expect(done).toBe(true);
  });

  test('"before" holds a request before it changes anything', async () => {
    await iot.send(new CreatePackageCommand({ packageName: 'firmware' }));
    await moto.hold('CreatePackageVersion', 'before');

    const create = iot.send(new CreatePackageVersionCommand({ packageName: 'firmware', versionName: '1.0.0' }));
    await moto.waitUntilHeld();

    await expect(iot.send(new GetPackageVersionCommand({ packageName: 'firmware', versionName: '1.0.0' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await moto.releaseHolds();
    await create;
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'firmware', versionName: '1.0.0' }))).status).toBe('DRAFT');
  });

  test('waitUntilHeld fails when no request arrives', async () => {
    await moto.hold('DeletePackageVersion', 'before');
    await expect(moto.waitUntilHeld(300)).rejects.toThrow(/no request reached the hold/);
  });
});

test('AccessDeniedException can be injected, with HTTP 403', async () => {
  await moto.injectFault({ operation: 'CreatePackage', errorType: 'AccessDeniedException', message: 'not authorized to perform: iot:CreatePackage' });

  await expect(iot.send(new CreatePackageCommand({ packageName: 'firmware' }))).rejects.toMatchObject({
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 403 },
  });
  expect((await moto.requests()).map((r) => [r.operation, r.status, r.errorType])).toEqual([['CreatePackage', 403, 'AccessDeniedException']]);
});

test('allRequests keeps the requests of earlier resets', async () => {
  await iot.send(new CreatePackageCommand({ packageName: 'before-reset' }));
  await moto.reset();
  await iot.send(new CreatePackageCommand({ packageName: 'after-reset' }));

  const all = (await moto.allRequests()).map((r) => r.uriLabels.packageName);
  expect(all.slice(-2)).toEqual(['before-reset', 'after-reset']);
  expect((await moto.requests()).map((r) => r.uriLabels.packageName)).toEqual(['after-reset']);
});
