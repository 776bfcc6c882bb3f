/**
 * Conformance test of the moto extension for the account-wide settings
 * (iot_prerequisites.py): UpdateIndexingConfiguration replaces the thing
 * indexing configuration (moto's own merges), validates it, and the package
 * configuration exists; all recorded in the request log. Driven through the
 * real @aws-sdk/client-iot.
 */
import {
  GetIndexingConfigurationCommand,
  GetPackageConfigurationCommand,
  IoTClient,
  IoTServiceException,
  ThingIndexingConfiguration,
  UpdateIndexingConfigurationCommand,
  UpdatePackageConfigurationCommand,
} from '@aws-sdk/client-iot';
import { MotoServer, motoIotClient, startMotoServer } from './moto-server';

const ROLE = 'arn:aws:iam::123456789012:role/package-shadow';

let moto: MotoServer;
let iot: IoTClient;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  iot?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
});

async function errorOf(promise: Promise<unknown>): Promise<IoTServiceException> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(IoTServiceException);
    return err as IoTServiceException;
  }
  throw new Error('expected an error, but the call succeeded');
}

const thing = async () => (await iot.send(new GetIndexingConfigurationCommand({}))).thingIndexingConfiguration;
const update = (config: ThingIndexingConfiguration) => iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: config }));

describe('fleet indexing', () => {
  test('a fresh account has thing and thing group indexing OFF and nothing else', async () => {
    const out = await iot.send(new GetIndexingConfigurationCommand({}));
    expect(out.thingIndexingConfiguration).toEqual({ thingIndexingMode: 'OFF' });
    expect(out.thingGroupIndexingConfiguration).toEqual({ thingGroupIndexingMode: 'OFF' });
  });

  test('an update replaces the thing indexing configuration: what is not sent is gone (moto itself merges)', async () => {
    await update({
      thingIndexingMode: 'REGISTRY',
      thingConnectivityIndexingMode: 'STATUS',
      namedShadowIndexingMode: 'ON',
      customFields: [{ name: 'attributes.serial', type: 'String' }],
      filter: { namedShadowNames: ['config', '$package'], geoLocations: [{ name: 'shadow.name.config.reported.location', order: 'LatLon' }] },
    });
    expect(await thing()).toEqual({
      thingIndexingMode: 'REGISTRY',
      thingConnectivityIndexingMode: 'STATUS',
      namedShadowIndexingMode: 'ON',
      customFields: [{ name: 'attributes.serial', type: 'String' }],
      filter: { namedShadowNames: ['config', '$package'], geoLocations: [{ name: 'shadow.name.config.reported.location', order: 'LatLon' }] },
    });

    await update({ thingIndexingMode: 'REGISTRY_AND_SHADOW' });

    expect(await thing()).toEqual({ thingIndexingMode: 'REGISTRY_AND_SHADOW' });
  });

  test('an update without thingGroupIndexingConfiguration leaves it; one with it replaces it', async () => {
    await iot.send(new UpdateIndexingConfigurationCommand({ thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'ON' } }));
    await update({ thingIndexingMode: 'REGISTRY' });
    const out = await iot.send(new GetIndexingConfigurationCommand({}));
    expect(out.thingGroupIndexingConfiguration).toEqual({ thingGroupIndexingMode: 'ON' });
    expect(out.thingIndexingConfiguration).toEqual({ thingIndexingMode: 'REGISTRY' });
  });

  test.each<[string, ThingIndexingConfiguration, RegExp]>([
    ['an unknown thing mode', { thingIndexingMode: 'ALL' as never }, /Invalid thingIndexingMode 'ALL'/],
    ['an unknown named-shadow mode', { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'YES' as never }, /Invalid namedShadowIndexingMode/],
    ['named shadows with thing indexing OFF', { thingIndexingMode: 'OFF', namedShadowIndexingMode: 'ON' }, /requires thingIndexingMode REGISTRY/],
    ['connectivity with thing indexing OFF', { thingIndexingMode: 'OFF', thingConnectivityIndexingMode: 'STATUS' }, /requires thingIndexingMode/],
    ['a shadow name with a space', { thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['my shadow'] } }, /Invalid shadow name 'my shadow'/],
    ['a shadow name of 65 characters', { thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['s'.repeat(65)] } }, /1 to 64 characters/],
    ['a reserved name other than $package [U]', { thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['$other'] } }, /reserved/],
    ['11 named shadows besides $package [U]', {
      thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: [...Array.from({ length: 11 }, (_, i) => `s${i}`)] },
    }, /At most 10 named shadows/],
    ['a custom field of an unknown type', { thingIndexingMode: 'REGISTRY', customFields: [{ name: 'a', type: 'Date' as never }] }, /Invalid type 'Date'/],
  ])('refuses %s with InvalidRequestException, changing nothing', async (_label, config, message) => {
    await update({ thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['config'] } });
    const err = await errorOf(update(config));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidRequestException', 400]);
    expect(err.message).toMatch(message);
    expect(await thing()).toEqual({ thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['config'] } });
  });

  test('$package and 10 other named shadows are accepted: $package does not count [U]', async () => {
    const names = [...Array.from({ length: 10 }, (_, i) => `s${i}`), '$package'];
    await update({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: names } });
    expect((await thing())?.filter?.namedShadowNames).toEqual(names);
  });

  test('requests are recorded, with faults injectable (including IoT\'s older UnauthorizedException)', async () => {
    await moto.injectFault({ operation: 'UpdateIndexingConfiguration', errorType: 'UnauthorizedException' as never, count: 1 });
    const err = await errorOf(update({ thingIndexingMode: 'REGISTRY' }));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['UnauthorizedException', 401]);
    expect(await thing()).toEqual({ thingIndexingMode: 'OFF' });
    await update({ thingIndexingMode: 'REGISTRY' });

    const log = (await moto.requests()).map((r) => [r.operation, r.status, r.errorType, r.bodyFields]);
    expect(log).toEqual([
      ['UpdateIndexingConfiguration', 401, 'UnauthorizedException', ['thingIndexingConfiguration']],
      ['GetIndexingConfiguration', 200, null, []],
      ['UpdateIndexingConfiguration', 200, null, ['thingIndexingConfiguration']],
    ]);
  });

  test('moto\'s reset clears it', async () => {
    await update({ thingIndexingMode: 'REGISTRY' });
    await moto.reset();
    expect(await thing()).toEqual({ thingIndexingMode: 'OFF' });
  });
});

describe('package configuration', () => {
  const get = async () => (await iot.send(new GetPackageConfigurationCommand({}))).versionUpdateByJobsConfig;
  const set = (config: { enabled?: boolean; roleArn?: string }, clientToken?: string) =>
    iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: config, clientToken }));

  test('a fresh account has it disabled, without a role [U]', async () => {
    expect(await get()).toEqual({ enabled: false });
  });

  test('enabling with a role, then disabling keeps the role (PATCH [U])', async () => {
    await set({ enabled: true, roleArn: ROLE });
    expect(await get()).toEqual({ enabled: true, roleArn: ROLE });
    await set({ enabled: false });
    expect(await get()).toEqual({ enabled: false, roleArn: ROLE });
  });

  test.each<[string, { enabled?: boolean; roleArn?: string }, RegExp]>([
    ['a role ARN under 20 characters', { enabled: true, roleArn: 'arn:aws:iam::1:r/x' }, /length between 20 and 2048/],
    ['a role ARN over 2048 characters', { enabled: true, roleArn: `arn:aws:iam::123456789012:role/${'r'.repeat(2020)}` }, /length between 20 and 2048/],
    ['an ARN that is not a role [U]', { enabled: true, roleArn: 'arn:aws:iam::123456789012:user/someone' }, /expected an IAM role ARN/],
    ['enabling without any role [U]', { enabled: true }, /roleArn is required/],
  ])('refuses %s with ValidationException, changing nothing', async (_label, config, message) => {
    const err = await errorOf(set(config));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(err.message).toMatch(message);
    expect(await get()).toEqual({ enabled: false });
  });

  test('refuses enabled that is not a boolean', async () => {
    const res = await fetch(`${moto.endpoint}/package-configuration`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/iot/aws4_request' },
      body: JSON.stringify({ versionUpdateByJobsConfig: { enabled: 'yes', roleArn: ROLE } }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('ValidationException');
  });

  test('requests are recorded with their clientToken', async () => {
    const token = '11111111-2222-4333-8444-555555555555';
    await set({ enabled: true, roleArn: ROLE }, token);
    await get();
    const log = (await moto.requests()).map((r) => [r.operation, r.method, r.clientToken, r.bodyFields, r.status]);
    expect(log).toEqual([
      ['UpdatePackageConfiguration', 'PATCH', token, ['versionUpdateByJobsConfig'], 200],
      ['GetPackageConfiguration', 'GET', null, [], 200],
    ]);
  });
});
