/**
 * Conformance of the moto extension (iot_package_catalog.py) on what the
 * default-version handler relies on: UpdatePackage's default rules, the
 * unset when there is none, and DeletePackageVersion's refusal of the
 * default. [U] marks behaviour the real service has not been seen to have.
 */
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  IoTClient,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { MotoServer, motoIotClient, startMotoServer } from './moto-server';

const PKG = 'firmware';

let moto: MotoServer;
let iot: IoTClient;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
}, 90_000);

afterAll(async () => {
  iot?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await iot.send(new CreatePackageCommand({ packageName: PKG }));
});

async function version(versionName: string, ...actions: ('PUBLISH' | 'DEPRECATE')[]): Promise<void> {
  await iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName }));
  for (const action of actions) {
    await iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName, action }));
  }
}

async function defaultOf(packageName = PKG): Promise<string | undefined> {
  return (await iot.send(new GetPackageCommand({ packageName }))).defaultVersionName;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

test('naming a default and unsetting it in one call is refused, and changes nothing', async () => {
  await version('1.0.0', 'PUBLISH');
  await iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));

  const err = await errorOf(iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0', unsetDefaultVersion: true })));

  expect(err).toMatchObject({ name: 'ValidationException', status: 400 });
  expect(await defaultOf()).toBe('1.0.0');
});

test('a DRAFT version cannot be the default; a missing one neither', async () => {
  await version('1.0.0');

  expect(await errorOf(iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }))))
    .toMatchObject({ name: 'ValidationException', status: 400, message: expect.stringContaining('DRAFT') });
  expect(await errorOf(iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '9.9.9' }))))
    .toMatchObject({ name: 'ValidationException', status: 400 });
  expect(await defaultOf()).toBeUndefined();
});

test('[U] setting the version that is already the default again succeeds and keeps it', async () => {
  await version('1.0.0', 'PUBLISH', 'DEPRECATE');
  await iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));

  await iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));

  expect(await defaultOf()).toBe('1.0.0');
});

test('[U] unsetting when there is no default succeeds', async () => {
  await iot.send(new UpdatePackageCommand({ packageName: PKG, unsetDefaultVersion: true }));

  expect(await defaultOf()).toBeUndefined();
});

test('setting or unsetting the default of a missing package is a ResourceNotFoundException', async () => {
  expect(await errorOf(iot.send(new UpdatePackageCommand({ packageName: 'nope', unsetDefaultVersion: true }))))
    .toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  expect(await errorOf(iot.send(new GetPackageCommand({ packageName: 'nope' }))))
    .toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
});

test('moving the default frees the old version for deletion; the new default stays undeletable', async () => {
  await version('1.0.0', 'PUBLISH');
  await version('2.0.0', 'PUBLISH');
  await iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '1.0.0' }));
  expect(await errorOf(iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: '1.0.0' }))))
    .toMatchObject({ name: 'ValidationException', message: expect.stringContaining('default version') });

  await iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: '2.0.0' }));

  await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: '1.0.0' }));
  expect(await defaultOf()).toBe('2.0.0');
  expect(await errorOf(iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: '2.0.0' }))))
    .toMatchObject({ name: 'ValidationException' });
});
