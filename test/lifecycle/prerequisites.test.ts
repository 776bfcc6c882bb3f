/**
 * The account prerequisites against moto (with iot_prerequisites.py: an
 * UpdateIndexingConfiguration replaces the thing indexing configuration, as
 * IoT's does), through the real provider framework and the bundled handler.
 */
import { randomUUID } from 'crypto';
import {
  GetIndexingConfigurationCommand,
  GetPackageConfigurationCommand,
  ThingIndexingConfiguration,
  UpdateIndexingConfigurationCommand,
  UpdatePackageConfigurationCommand,
} from '@aws-sdk/client-iot';
import { CfnResponse, SendOptions, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle } from './harness';
import { FLEET_INDEXING_RESOURCE_TYPE } from '../../src/shared/fleet-indexing-contract';
import { PACKAGE_CONFIGURATION_RESOURCE_TYPE } from '../../src/shared/package-configuration-contract';
import { handlerCalls, testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle();

const ROLE = 'arn:aws:iam::123456789012:role/PrereqStack-PackageShadowRole';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/aws-iot-role-update-shadows-console';
/** The digest of no other named shadows: sha256('[]'). */
const NO_OTHERS = '4f53cda18c2baa0c';
const FROM_OFF = `iot-fleet-indexing:before:thingIndexingMode=OFF,namedShadowIndexingMode=OFF,packageShadow=absent,otherNamedShadows=${NO_OTHERS}`;
const ENABLED: ThingIndexingConfiguration = { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } };

/** Someone's existing indexing: everything IoT has, none of it the catalog's. */
const EXISTING: ThingIndexingConfiguration = {
  thingIndexingMode: 'REGISTRY',
  thingConnectivityIndexingMode: 'STATUS',
  deviceDefenderIndexingMode: 'VIOLATIONS',
  customFields: [{ name: 'attributes.serial', type: 'String' }],
  managedFields: [{ name: 'thingName', type: 'String' }],
  filter: {
    namedShadowNames: ['config'],
    geoLocations: [{ name: 'shadow.name.config.reported.location', order: 'LatLon' }],
    connectivity: { includeSocketInformation: ['GET_THING_CONNECTIVITY_DATA'] },
  },
};

type Props = Record<string, unknown>;

function send(type: string, partial: Record<string, unknown>, options?: SendOptions): Promise<CfnResponse> {
  return env.cfn.send({ RequestId: randomUUID(), LogicalResourceId: 'Prerequisite', ResourceType: type, ...partial }, options);
}

const indexing = {
  create: (props: Props, requestId = randomUUID()) =>
    send(FLEET_INDEXING_RESOURCE_TYPE, { RequestType: 'Create', RequestId: requestId, ResourceProperties: props }),
  update: (id: string, props: Props, old: Props, options?: SendOptions) => send(FLEET_INDEXING_RESOURCE_TYPE,
    { RequestType: 'Update', PhysicalResourceId: id, ResourceProperties: props, OldResourceProperties: old }, options),
  delete: (id: string, props: Props) => send(FLEET_INDEXING_RESOURCE_TYPE, { RequestType: 'Delete', PhysicalResourceId: id, ResourceProperties: props }),
};

const configuration = {
  create: (props: Props) => send(PACKAGE_CONFIGURATION_RESOURCE_TYPE, { RequestType: 'Create', ResourceProperties: props }),
  update: (props: Props, old: Props, options?: SendOptions) => send(PACKAGE_CONFIGURATION_RESOURCE_TYPE,
    { RequestType: 'Update', PhysicalResourceId: 'iot-package-configuration', ResourceProperties: props, OldResourceProperties: old }, options),
  delete: (props: Props) => send(PACKAGE_CONFIGURATION_RESOURCE_TYPE,
    { RequestType: 'Delete', PhysicalResourceId: 'iot-package-configuration', ResourceProperties: props }),
};

async function thingIndexing(): Promise<ThingIndexingConfiguration | undefined> {
  return (await env.iot.send(new GetIndexingConfigurationCommand({}))).thingIndexingConfiguration;
}

async function setThingIndexing(config: ThingIndexingConfiguration): Promise<void> {
  await env.iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: config }));
}

async function handlerWrites(operation: string): Promise<number> {
  return handlerCalls(await env.moto.requests()).filter((r) => r.operation === operation && r.status === 200).length;
}

describe('FleetIndexing', () => {
  test('create turns indexing on in a fresh account, recording it was OFF', async () => {
    const res = await indexing.create({});
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FROM_OFF, Data: { ThingIndexingMode: 'REGISTRY', NamedShadowIndexingMode: 'ON' } });
    expect(await thingIndexing()).toEqual(ENABLED);
  });

  test('create keeps every existing setting and shadow filter, and thing group indexing', async () => {
    await setThingIndexing(EXISTING);
    await env.iot.send(new UpdateIndexingConfigurationCommand({ thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'ON' } }));

    const res = await indexing.create({ ThingIndexingMode: 'REGISTRY' });

    expect(res.Status).toBe('SUCCESS');
    const out = await env.iot.send(new GetIndexingConfigurationCommand({}));
    expect(out.thingIndexingConfiguration).toEqual({
      ...EXISTING, namedShadowIndexingMode: 'ON', filter: { ...EXISTING.filter, namedShadowNames: ['config', '$package'] },
    });
    expect(out.thingGroupIndexingConfiguration).toEqual({ thingGroupIndexingMode: 'ON' });
  });

  test('create writes nothing when the account already has it', async () => {
    await setThingIndexing({ ...ENABLED, thingIndexingMode: 'REGISTRY_AND_SHADOW' });
    const res = await indexing.create({});
    expect(res.Data).toEqual({ ThingIndexingMode: 'REGISTRY_AND_SHADOW', NamedShadowIndexingMode: 'ON' });
    expect(await handlerWrites('UpdateIndexingConfiguration')).toBe(0);
  });

  test('delete leaves indexing enabled by default', async () => {
    const created = await indexing.create({});
    const res = await indexing.delete(created.PhysicalResourceId, {});
    expect(res.Status).toBe('SUCCESS');
    expect(await thingIndexing()).toEqual(ENABLED);
  });

  test('restoreOnDelete restores exactly the account as it was', async () => {
    await setThingIndexing(EXISTING);
    const created = await indexing.create({ RestoreOnDelete: 'true' });
    const res = await indexing.delete(created.PhysicalResourceId, { RestoreOnDelete: 'true' });
    expect(res.Status).toBe('SUCCESS');
    // EXISTING left namedShadowIndexingMode out, which is OFF; the restore names it.
    expect(await thingIndexing()).toEqual({ ...EXISTING, namedShadowIndexingMode: 'OFF' });
  });

  test('restoreOnDelete keeps what others added since: named-shadow and thing indexing stay for their shadow', async () => {
    const created = await indexing.create({ RestoreOnDelete: 'true' });
    await setThingIndexing({ ...ENABLED, filter: { namedShadowNames: ['$package', 'config'] } });

    await indexing.delete(created.PhysicalResourceId, { RestoreOnDelete: 'true' });

    expect(await thingIndexing()).toEqual({ ...ENABLED, filter: { namedShadowNames: ['config'] } });
  });

  test('restoreOnDelete changes nothing this resource did not change', async () => {
    await setThingIndexing(ENABLED);
    const created = await indexing.create({ RestoreOnDelete: 'true' });
    await indexing.delete(created.PhysicalResourceId, { RestoreOnDelete: 'true' });
    expect(await thingIndexing()).toEqual(ENABLED);
    expect(await handlerWrites('UpdateIndexingConfiguration')).toBe(0);
  });

  test('a throttled write is retried; a create retried after its write records the account as enabled, and never disables it', async () => {
    await env.moto.injectFault({ operation: 'UpdateIndexingConfiguration', errorType: 'ThrottlingException', count: 2 });
    const requestId = randomUUID();
    const first = await indexing.create({ RestoreOnDelete: 'true' }, requestId);
    expect(first.Status).toBe('SUCCESS');
    expect(await thingIndexing()).toEqual(ENABLED);

    const retried = await indexing.create({ RestoreOnDelete: 'true' }, requestId);
    expect(retried.PhysicalResourceId)
      .toBe(`iot-fleet-indexing:before:thingIndexingMode=REGISTRY,namedShadowIndexingMode=ON,packageShadow=present,otherNamedShadows=${NO_OTHERS}`);
    await indexing.delete(retried.PhysicalResourceId, { RestoreOnDelete: 'true' });
    expect(await thingIndexing()).toEqual(ENABLED);
  });

  test('an update raises the mode; its rollback lowers it again, to what the resource had written', async () => {
    const created = await indexing.create({});
    const raised = await indexing.update(created.PhysicalResourceId, { ThingIndexingMode: 'REGISTRY_AND_SHADOW' }, {});
    expect(raised).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FROM_OFF });
    expect((await thingIndexing())?.thingIndexingMode).toBe('REGISTRY_AND_SHADOW');

    const rollback = await indexing.update(created.PhysicalResourceId, {}, { ThingIndexingMode: 'REGISTRY_AND_SHADOW' },
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(await thingIndexing()).toEqual(ENABLED);
  });

  test('an update enables again what someone turned off', async () => {
    const created = await indexing.create({});
    await setThingIndexing({ thingIndexingMode: 'REGISTRY' });
    await indexing.update(created.PhysicalResourceId, {}, {});
    expect(await thingIndexing()).toEqual(ENABLED);
  });

  test('IoT\'s refusal fails the create with its message', async () => {
    await setThingIndexing({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: Array.from({ length: 10 }, (_, i) => `s${i}`) } });
    await env.moto.injectFault({ operation: 'UpdateIndexingConfiguration', errorType: 'InvalidRequestException', message: 'Too many named shadows' });
    const res = await indexing.create({});
    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdateIndexingConfiguration failed for the account\'s fleet indexing');
    expect(res.Reason).toContain('InvalidRequestException: Too many named shadows');
  });
});

describe('PackageConfiguration', () => {
  const live = async () => (await env.iot.send(new GetPackageConfigurationCommand({}))).versionUpdateByJobsConfig;

  test('create enables it with the role; delete leaves it enabled by default', async () => {
    const created = await configuration.create({ RoleArn: ROLE });
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'iot-package-configuration', Data: { RoleArn: ROLE, Enabled: 'true' } });
    expect(await live()).toEqual({ enabled: true, roleArn: ROLE });

    expect((await configuration.delete({ RoleArn: ROLE })).Status).toBe('SUCCESS');
    expect(await live()).toEqual({ enabled: true, roleArn: ROLE });
  });

  test('disableOnDelete disables it while it names this role, and leaves a role someone set since', async () => {
    await configuration.create({ RoleArn: ROLE, DisableOnDelete: 'true' });
    await configuration.delete({ RoleArn: ROLE, DisableOnDelete: 'true' });
    expect(await live()).toEqual({ enabled: false, roleArn: ROLE });

    await configuration.create({ RoleArn: ROLE, DisableOnDelete: 'true' });
    await env.iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: OTHER_ROLE } }));
    await configuration.delete({ RoleArn: ROLE, DisableOnDelete: 'true' });
    expect(await live()).toEqual({ enabled: true, roleArn: OTHER_ROLE });
  });

  test('create refuses to replace another enabled role, unless told to', async () => {
    await env.iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: OTHER_ROLE } }));
    const refused = await configuration.create({ RoleArn: ROLE });
    expect(refused.Status).toBe('FAILED');
    expect(refused.Reason).toContain('set replaceExistingRole: true');
    expect(await live()).toEqual({ enabled: true, roleArn: OTHER_ROLE });

    expect((await configuration.create({ RoleArn: ROLE, ReplaceExistingRole: 'true' })).Status).toBe('SUCCESS');
    expect(await live()).toEqual({ enabled: true, roleArn: ROLE });
  });

  test('an update changes its own role; its rollback changes it back', async () => {
    const NEW_ROLE = `${ROLE}-2`;
    await configuration.create({ RoleArn: ROLE });
    expect((await configuration.update({ RoleArn: NEW_ROLE }, { RoleArn: ROLE })).Status).toBe('SUCCESS');
    expect(await live()).toEqual({ enabled: true, roleArn: NEW_ROLE });
    const rollback = await configuration.update({ RoleArn: ROLE }, { RoleArn: NEW_ROLE }, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
    expect(rollback.Status).toBe('SUCCESS');
    expect(await live()).toEqual({ enabled: true, roleArn: ROLE });
  });

  test('a rollback is not failed for a role someone else set meanwhile', async () => {
    await configuration.create({ RoleArn: ROLE });
    await env.iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: { enabled: true, roleArn: OTHER_ROLE } }));
    const rollback = await configuration.update({ RoleArn: ROLE }, { RoleArn: `${ROLE}-2` }, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
    expect(rollback).toMatchObject({ Status: 'SUCCESS', Data: { RoleArn: OTHER_ROLE, Enabled: 'true' } });
    expect(await live()).toEqual({ enabled: true, roleArn: OTHER_ROLE });
  });

  test('a throttled write is retried', async () => {
    await env.moto.injectFault({ operation: 'UpdatePackageConfiguration', errorType: 'ThrottlingException', count: 2 });
    expect((await configuration.create({ RoleArn: ROLE })).Status).toBe('SUCCESS');
    expect(await live()).toEqual({ enabled: true, roleArn: ROLE });
  });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
