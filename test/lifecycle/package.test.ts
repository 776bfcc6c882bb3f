/**
 * The Custom::IotSoftwarePackage resource through the real provider
 * framework, the real bundled handler and moto: create and its retry,
 * adoption (and its hand-back on rollback), refusal of foreign packages,
 * updates in place and by replacement, and deletes that never delete
 * versions.
 */
import { randomUUID } from 'crypto';
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageCommandOutput,
} from '@aws-sdk/client-iot';
import { CfnResponse, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle } from './harness';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { PACKAGE_RESOURCE_TYPE } from '../../src/shared/package-contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle();

const NAME = 'gateway';
const ARN = `arn:aws:iot:us-east-1:123456789012:package/${NAME}`;
const LOGICAL_ID = 'GatewayPackage';
const PROPS = { PackageName: NAME, Description: 'Gateway firmware', Tags: [{ Key: 'team', Value: 'edge' }] };

type Props = Record<string, unknown>;

function create(props: Props, requestId = randomUUID(), stackStatus?: string): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Create', RequestId: requestId, ResourceType: PACKAGE_RESOURCE_TYPE, LogicalResourceId: LOGICAL_ID, ResourceProperties: props,
  }, stackStatus ? { stackStatus } : {});
}

function update(physicalId: string, props: Props, oldProps: Props, stackStatus?: string): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Update',
    RequestId: randomUUID(),
    ResourceType: PACKAGE_RESOURCE_TYPE,
    LogicalResourceId: LOGICAL_ID,
    PhysicalResourceId: physicalId,
    ResourceProperties: props,
    OldResourceProperties: oldProps,
  }, stackStatus ? { stackStatus } : {});
}

function remove(physicalId: string, props: Props, stackStatus?: string): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Delete',
    RequestId: randomUUID(),
    ResourceType: PACKAGE_RESOURCE_TYPE,
    LogicalResourceId: LOGICAL_ID,
    PhysicalResourceId: physicalId,
    ResourceProperties: props,
  }, stackStatus ? { stackStatus } : {});
}

async function getPackage(name = NAME): Promise<GetPackageCommandOutput | undefined> {
  try {
    return await env.iot.send(new GetPackageCommand({ packageName: name }));
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw e;
  }
}

function makeVersion(versionName: string, packageName = NAME): Promise<unknown> {
  return env.iot.send(new CreatePackageVersionCommand({ packageName, versionName }));
}

describe('create', () => {
  test('creates the package with its description, tags and this resource\'s marker; Ref and PackageArn are the ARN', async () => {
    const requestId = randomUUID();
    const res = await create(PROPS, requestId);

    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ARN, Data: { PackageArn: ARN, PackageName: NAME } });
    expect((await getPackage())?.description).toBe('Gateway firmware');
    expect(await env.tagsOf(ARN)).toEqual({ team: 'edge', [CREATION_MARKER_TAG]: env.marker(LOGICAL_ID, requestId) });
  });

  test('a retried create (same RequestId) succeeds with the same package', async () => {
    const requestId = randomUUID();
    const first = await create(PROPS, requestId);
    const retry = await create(PROPS, requestId);

    expect(first.Status).toBe('SUCCESS');
    expect(retry).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ARN });
  });

  test('a package made outside CloudFormation is refused, naming adoptExisting, and left untouched', async () => {
    await env.iot.send(new CreatePackageCommand({ packageName: NAME, description: 'Console', tags: { owner: 'ops' } }));

    const res = await create(PROPS);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain(`Package '${NAME}' already exists and was not created by this CloudFormation resource`);
    expect(res.Reason).toContain('adoptExisting: true');
    expect((await getPackage())?.description).toBe('Console');
    expect(await env.tagsOf(ARN)).toEqual({ owner: 'ops' });
  });

  test('adoptExisting takes it over (outside tags kept), and a rollback of that deployment hands it back', async () => {
    await env.iot.send(new CreatePackageCommand({ packageName: NAME, description: 'Console', tags: { owner: 'ops' } }));
    const requestId = randomUUID();

    const res = await create({ ...PROPS, AdoptExisting: 'true' }, requestId);

    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ARN });
    expect((await getPackage())?.description).toBe('Gateway firmware');
    expect(await env.tagsOf(ARN)).toEqual({ owner: 'ops', team: 'edge', [CREATION_MARKER_TAG]: `${env.marker(LOGICAL_ID, requestId)}/-` });

    const rollback = await remove(ARN, { ...PROPS, AdoptExisting: 'true' }, 'ROLLBACK_IN_PROGRESS');
    expect(rollback.Status).toBe('SUCCESS');
    expect(await getPackage()).toBeDefined();
    expect(await env.tagsOf(ARN)).toEqual({ owner: 'ops', team: 'edge' });
  });
});

describe('update', () => {
  test('description and tags are updated in place; the marker stays', async () => {
    const requestId = randomUUID();
    await create(PROPS, requestId);
    const next = { PackageName: NAME, Description: 'New text', Tags: [{ Key: 'cost', Value: '42' }] };

    const res = await update(ARN, next, PROPS);

    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ARN });
    expect((await getPackage())?.description).toBe('New text');
    expect(await env.tagsOf(ARN)).toEqual({ cost: '42', [CREATION_MARKER_TAG]: env.marker(LOGICAL_ID, requestId) });
  });

  test('a removed description stays: IoT cannot clear one', async () => {
    await create(PROPS);
    const res = await update(ARN, { PackageName: NAME }, PROPS);
    expect(res.Status).toBe('SUCCESS');
    expect((await getPackage())?.description).toBe('Gateway firmware');
  });

  test('a new name replaces the package: the new one is created, and CloudFormation\'s clean-up Delete removes the old one', async () => {
    await create(PROPS);
    const renamed = { ...PROPS, PackageName: 'gateway-v2' };

    const res = await update(ARN, renamed, PROPS);
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${ARN}-v2`, Data: { PackageArn: `${ARN}-v2` } });
    expect((await getPackage('gateway-v2'))?.description).toBe('Gateway firmware');

    const cleanup = await remove(ARN, PROPS, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(cleanup.Status).toBe('SUCCESS');
    expect(await getPackage()).toBeUndefined();
    expect(await getPackage('gateway-v2')).toBeDefined();
  });
});

describe('delete', () => {
  test('a package without versions is deleted', async () => {
    await create(PROPS);
    const res = await remove(ARN, PROPS);
    expect(res.Status).toBe('SUCCESS');
    expect(await getPackage()).toBeUndefined();
  });

  test('a package with versions of others is kept, with its versions, and the delete succeeds; once they are gone it can be deleted', async () => {
    await create(PROPS);
    await makeVersion('1.0.0');
    await makeVersion('2.0.0');

    const res = await remove(ARN, PROPS);

    expect(res.Status).toBe('SUCCESS');
    expect(await getPackage()).toBeDefined();
    expect(await env.versionExists('1.0.0', NAME)).toBe(true);
    expect(await env.versionExists('2.0.0', NAME)).toBe(true);

    for (const versionName of ['1.0.0', '2.0.0']) {
      await env.iot.send(new DeletePackageVersionCommand({ packageName: NAME, versionName }));
    }
    expect((await remove(ARN, PROPS)).Status).toBe('SUCCESS');
    expect(await getPackage()).toBeUndefined();
  });

  test('with a version resource of the same stack: the version goes first (it depends on the package), then the package', async () => {
    await create(PROPS);
    const version = await env.cfn.create('GatewayV1', { PackageName: NAME, VersionName: '1.0.0' });
    expect(version.Status).toBe('SUCCESS');

    expect((await env.cfn.delete('GatewayV1', version.PhysicalResourceId, { PackageName: NAME, VersionName: '1.0.0' })).Status).toBe('SUCCESS');
    expect((await remove(ARN, PROPS)).Status).toBe('SUCCESS');
    expect(await getPackage()).toBeUndefined();
  });

  test('a package this resource did not create is not deleted', async () => {
    await env.iot.send(new CreatePackageCommand({ packageName: NAME }));
    expect((await remove(ARN, PROPS)).Status).toBe('SUCCESS');
    expect(await getPackage()).toBeDefined();
  });

  test('RETAIN: CloudFormation sends no Delete; the same resource of a re-created stack takes the package back', async () => {
    await create(PROPS);
    // The stack is deleted with the package retained, then deployed again under the same name.
    await env.cfn.setStackStatus('CREATE_IN_PROGRESS', { recreate: true });
    const requestId = randomUUID();

    const res = await create({ ...PROPS, Description: 'Back again' }, requestId);

    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ARN });
    expect((await getPackage())?.description).toBe('Back again');
  });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME, softwarePackages: true });
