/**
 * Conformance of the moto extension for what the Custom::IotSoftwarePackage
 * handler relies on: CreatePackage's clientToken and ConflictException,
 * DeletePackage's refusal while versions exist (non-cascading) and its
 * success for a missing package, UpdatePackage's refusal of an empty
 * description, and tagging of package ARNs. Behaviours the IoT model leaves
 * open are marked [U] in iot_package_catalog.py.
 */
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  DeletePackageCommand,
  GetPackageCommand,
  IoTClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageCommand,
} from '@aws-sdk/client-iot';
import { MotoServer, motoIotClient, startMotoServer } from './moto-server';

const PKG = 'gateway';
const PKG_ARN = `arn:aws:iot:us-east-1:123456789012:package/${PKG}`;
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

let moto: MotoServer;
let motoNoIdempotency: MotoServer;
let iot: IoTClient;
let iotNoIdempotency: IoTClient;

beforeAll(async () => {
  [moto, motoNoIdempotency] = await Promise.all([startMotoServer(), startMotoServer({ ignoreClientToken: true })]);
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
  iotNoIdempotency = motoIotClient(motoNoIdempotency.endpoint, { maxAttempts: 1 });
}, 90_000);

afterAll(async () => {
  iot?.destroy();
  iotNoIdempotency?.destroy();
  await Promise.all([moto?.stop(), motoNoIdempotency?.stop()]);
});

beforeEach(async () => {
  await Promise.all([moto.reset(), motoNoIdempotency.reset()]);
});

async function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(() => { throw new Error('expected the call to fail'); }, (e: Error) => e);
}

const create = (c: IoTClient, clientToken?: string, description = 'd') =>
  c.send(new CreatePackageCommand({ packageName: PKG, description, tags: { team: 'edge' }, clientToken }));

describe('CreatePackage', () => {
  test('a repeat with the same clientToken and parameters returns the first response', async () => {
    const first = await create(iot, TOKEN_A);
    const again = await create(iot, TOKEN_A);
    expect(again).toMatchObject({ packageName: PKG, packageArn: PKG_ARN });
    expect(again.packageArn).toBe(first.packageArn);
  });

  test('another clientToken, or other parameters, is a ConflictException (409)', async () => {
    await create(iot, TOKEN_A);
    expect(await errorOf(create(iot, TOKEN_B))).toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    expect((await errorOf(create(iot, TOKEN_A, 'other'))).name).toBe('ConflictException');
  });

  test('with clientTokens ignored ([U] the real service\'s behaviour), every repeat is a ConflictException', async () => {
    await create(iotNoIdempotency, TOKEN_A);
    expect((await errorOf(create(iotNoIdempotency, TOKEN_A))).name).toBe('ConflictException');
  });
});

describe('DeletePackage', () => {
  test('is refused with a ValidationException while the package has versions, and deletes nothing ([U] the exact error)', async () => {
    await create(iot);
    await iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: '1.0.0' }));

    const err = await errorOf(iot.send(new DeletePackageCommand({ packageName: PKG })));
    expect(err).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((await iot.send(new GetPackageCommand({ packageName: PKG }))).packageArn).toBe(PKG_ARN);
  });

  test('of a missing package succeeds ([U]: no not-found error is modelled)', async () => {
    await expect(iot.send(new DeletePackageCommand({ packageName: 'missing' }))).resolves.toBeDefined();
  });
});

test('UpdatePackage refuses an empty description (the pattern needs a character), so a description cannot be cleared', async () => {
  await create(iot);
  expect((await errorOf(iot.send(new UpdatePackageCommand({ packageName: PKG, description: '' })))).name).toBe('ValidationException');
  expect((await iot.send(new GetPackageCommand({ packageName: PKG }))).description).toBe('d');
});

test('tags of a package ARN: TagResource, UntagResource and ListTagsForResource', async () => {
  await create(iot);
  await iot.send(new TagResourceCommand({ resourceArn: PKG_ARN, tags: [{ Key: 'cost', Value: '42' }] }));
  await iot.send(new UntagResourceCommand({ resourceArn: PKG_ARN, tagKeys: ['team'] }));
  const out = await iot.send(new ListTagsForResourceCommand({ resourceArn: PKG_ARN }));
  expect(out.tags).toEqual([{ Key: 'cost', Value: '42' }]);
});
