/** The fleet-indexing resource's create, update and delete, through the handler's entry point, against mocked IoT. */
import {
  GetIndexingConfigurationCommand,
  IoTServiceException,
  ThingIndexingConfiguration,
  UpdateIndexingConfigurationCommand,
} from '@aws-sdk/client-iot';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handler } from '../../../lambda';
import { FLEET_INDEXING_RESOURCE_TYPE, fleetIndexingPhysicalId } from '../../../src/shared/fleet-indexing-contract';
import { createEvent, deleteEvent, Props, updateEvent } from '../events';
import { inputsOf, iotMock, notices, rejectionOf, remaining, throttled, useMocks } from '../mocks';

useMocks();

/** The digest of no other named shadows: sha256('[]'). */
const NO_OTHERS = '4f53cda18c2baa0c';
const FROM_OFF = fleetIndexingPhysicalId({ thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', packageShadow: false, otherNamedShadows: NO_OTHERS });
const ENABLED: ThingIndexingConfiguration = { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } };

function typed<T extends CloudFormationCustomResourceEvent>(event: T): T {
  return { ...event, ResourceType: FLEET_INDEXING_RESOURCE_TYPE };
}

function stubLive(config: ThingIndexingConfiguration | undefined): void {
  iotMock.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: config, thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'ON' } });
  iotMock.on(UpdateIndexingConfigurationCommand).resolves({});
}

const written = () => inputsOf(UpdateIndexingConfigurationCommand);
const denied = () => new IoTServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized', $metadata: {} });

describe('create', () => {
  test('turns indexing on from OFF, records the state before in the physical id, and sends no thing group configuration', async () => {
    stubLive({ thingIndexingMode: 'OFF' });
    const res = await handler(typed(createEvent({})));
    expect(res).toEqual({ PhysicalResourceId: FROM_OFF, Data: { ThingIndexingMode: 'REGISTRY', NamedShadowIndexingMode: 'ON' } });
    expect(written()).toEqual([{ thingIndexingConfiguration: ENABLED }]);
  });

  test('an account that never configured indexing counts as OFF', async () => {
    stubLive(undefined);
    expect((await handler(typed(createEvent({})))).PhysicalResourceId).toBe(FROM_OFF);
    expect(written()).toEqual([{ thingIndexingConfiguration: ENABLED }]);
  });

  test('raises the mode to the minimum asked for', async () => {
    stubLive({ thingIndexingMode: 'REGISTRY' });
    const res = await handler(typed(createEvent({ ThingIndexingMode: 'REGISTRY_AND_SHADOW' })));
    expect(res.Data).toEqual({ ThingIndexingMode: 'REGISTRY_AND_SHADOW', NamedShadowIndexingMode: 'ON' });
    expect(written()[0]).toEqual({ thingIndexingConfiguration: { ...ENABLED, thingIndexingMode: 'REGISTRY_AND_SHADOW' } });
  });

  test('writes nothing when the account already has it', async () => {
    stubLive({ ...ENABLED, thingIndexingMode: 'REGISTRY_AND_SHADOW' });
    const res = await handler(typed(createEvent({})));
    expect(res.Data).toEqual({ ThingIndexingMode: 'REGISTRY_AND_SHADOW', NamedShadowIndexingMode: 'ON' });
    expect(written()).toEqual([]);
    expect(notices('nothing to write')).toHaveLength(1);
  });

  test('fails for an invalid mode without any IoT call', async () => {
    const err = await rejectionOf(handler(typed(createEvent({ ThingIndexingMode: 'OFF' }))));
    expect(err.message).toContain('Invalid ThingIndexingMode "OFF"');
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('names the operation and IoT\'s error when the write fails', async () => {
    stubLive({ thingIndexingMode: 'OFF' });
    iotMock.on(UpdateIndexingConfigurationCommand).rejects(new IoTServiceException({ name: 'InvalidRequestException', $fault: 'client', message: 'bad filter', $metadata: {} }));
    const err = await rejectionOf(handler(typed(createEvent({}))));
    expect(err.message).toContain('UpdateIndexingConfiguration failed for the account\'s fleet indexing (changing thingIndexingMode OFF -> REGISTRY');
    expect(err.message).toContain('InvalidRequestException: bad filter');
  });

  test('hints at the named-shadow quota when IoT refuses a long filter', async () => {
    stubLive({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: Array.from({ length: 10 }, (_, i) => `s${i}`) } });
    iotMock.on(UpdateIndexingConfigurationCommand).rejects(new IoTServiceException({ name: 'InvalidRequestException', $fault: 'client', message: 'too many', $metadata: {} }));
    const err = await rejectionOf(handler(typed(createEvent({}))));
    expect(err.message).toContain('the filter names 11 named shadows; IoT indexes 10 by default');
  });

  test('retries IAM\'s denial while a new policy propagates', async () => {
    stubLive({ thingIndexingMode: 'OFF' });
    iotMock.on(UpdateIndexingConfigurationCommand).rejectsOnce(denied()).resolves({});
    await handler(typed(createEvent({})), remaining(60_000));
    expect(written()).toHaveLength(2);
    expect(notices('maybe because a new IAM policy')).toHaveLength(1);
  });

  test('a failed read fails the create, naming the operation, without any write', async () => {
    iotMock.on(GetIndexingConfigurationCommand).rejects(throttled('Rate exceeded'));
    const err = await rejectionOf(handler(typed(createEvent({}))));
    expect(err.message).toContain('GetIndexingConfiguration failed for the account\'s fleet indexing: ThrottlingException: Rate exceeded');
    expect(written()).toEqual([]);
  });
});

describe('update', () => {
  const update = (props: Props, old: Props, physicalResourceId = FROM_OFF) => handler(typed(updateEvent(props, old, { physicalResourceId })));

  test('keeps the physical id and enables again what someone turned off', async () => {
    stubLive({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'OFF', filter: { namedShadowNames: [] } });
    const res = await update({}, {});
    expect(res.PhysicalResourceId).toBe(FROM_OFF);
    expect(written()).toEqual([{ thingIndexingConfiguration: ENABLED }]);
  });

  test('lowers a mode this resource raised when the minimum is lowered (a rollback, too)', async () => {
    stubLive({ ...ENABLED, thingIndexingMode: 'REGISTRY_AND_SHADOW' });
    await update({ ThingIndexingMode: 'REGISTRY' }, { ThingIndexingMode: 'REGISTRY_AND_SHADOW' });
    expect(written()).toEqual([{ thingIndexingConfiguration: ENABLED }]);
  });

  test('never lowers a mode someone else raised', async () => {
    stubLive({ ...ENABLED, thingIndexingMode: 'REGISTRY_AND_SHADOW' });
    await update({}, {});
    expect(written()).toEqual([]);
  });
});

describe('delete', () => {
  const del = (props: Props, physicalResourceId = FROM_OFF) => handler(typed(deleteEvent(physicalResourceId, props)));

  test('leaves indexing enabled by default, without any IoT call', async () => {
    expect(await del({})).toEqual({ PhysicalResourceId: FROM_OFF });
    expect(iotMock.calls()).toHaveLength(0);
    expect(notices('stays enabled')).toHaveLength(1);
  });

  test('with RestoreOnDelete, undoes what it changed', async () => {
    stubLive(ENABLED);
    await del({ RestoreOnDelete: 'true' });
    expect(written()).toEqual([{ thingIndexingConfiguration: { thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', filter: { namedShadowNames: [] } } }]);
  });

  test('with RestoreOnDelete, writes nothing when it changed nothing', async () => {
    stubLive(ENABLED);
    await del({ RestoreOnDelete: 'true' }, fleetIndexingPhysicalId({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', packageShadow: true, otherNamedShadows: NO_OTHERS }));
    expect(written()).toEqual([]);
  });

  test('with RestoreOnDelete, a physical id that records nothing (not ours) leaves indexing alone', async () => {
    await del({ RestoreOnDelete: 'true' }, 'some-request-id');
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('properties that no longer parse leave indexing alone', async () => {
    await del({ RestoreOnDelete: 'maybe' });
    expect(iotMock.calls()).toHaveLength(0);
  });
});
