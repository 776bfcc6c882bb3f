/**
 * Conformance test of the moto extension test/moto/iot_package_catalog.py,
 * driven through the real @aws-sdk/client-iot.
 */
import {
  ConflictException,
  CreatePackageCommand,
  CreatePackageVersionCommand,
  CreatePackageVersionCommandInput,
  DeletePackageCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  IoTServiceException,
  ListPackagesCommand,
  ListPackageVersionsCommand,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { createBucket, motoS3Client, putObject } from './moto-s3';
import { MOTO_CREDENTIALS, MotoServer, motoIotClient, startMotoServer } from './moto-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012'; // moto's default account
const PKG = 'firmware';
const VER = '1.0.0';
const PKG_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:package/${PKG}`;
const VER_ARN = `${PKG_ARN}/version/${VER}`;
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

function client(endpoint: string, region = REGION, maxAttempts = 1): IoTClient {
  // maxAttempts 1: the SDK would otherwise retry throttling and 5xx errors.
  return motoIotClient(endpoint, { region, maxAttempts });
}

/** Resolves to the error the promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<IoTServiceException> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(IoTServiceException);
    return err as IoTServiceException;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function expectError(promise: Promise<unknown>, name: string, status: number, message?: RegExp | string): Promise<IoTServiceException> {
  const err = await failure(promise);
  expect(err.name).toBe(name);
  expect(err.$metadata.httpStatusCode).toBe(status);
  if (message !== undefined) {
    expect(err.message).toMatch(message);
  }
  return err;
}

let moto: MotoServer;
let motoNoIdempotency: MotoServer;
let iot: IoTClient;
let iotNoIdempotency: IoTClient;
let s3: S3Client;

beforeAll(async () => {
  [moto, motoNoIdempotency] = await Promise.all([
    startMotoServer(),
    startMotoServer({ ignoreClientToken: true }),
  ]);
  iot = client(moto.endpoint);
  iotNoIdempotency = client(motoNoIdempotency.endpoint);
  s3 = motoS3Client(moto.endpoint, { maxAttempts: 1 });
}, 90_000);

afterAll(async () => {
  s3?.destroy();
  iot?.destroy();
  iotNoIdempotency?.destroy();
  await Promise.all([moto?.stop(), motoNoIdempotency?.stop()]);
});

beforeEach(async () => {
  await Promise.all([moto.reset(), motoNoIdempotency.reset()]);
});

async function createPackage(c: IoTClient = iot, packageName = PKG): Promise<void> {
  await c.send(new CreatePackageCommand({ packageName }));
}

async function createVersion(input: Partial<CreatePackageVersionCommandInput> = {}, c: IoTClient = iot) {
  return c.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: VER, ...input }));
}

async function getVersion(versionName = VER) {
  return iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName }));
}

/** An artifact location whose object exists in moto's S3 (the extension checks it). */
async function artifactAt(key: string, bucket = 'artifacts') {
  await createBucket(s3, bucket).catch((err: Error) => {
    if (err.name !== 'BucketAlreadyOwnedByYou') {
      throw err;
    }
  });
  const version = await putObject(s3, bucket, key, `content of ${key}`);
  return { s3Location: { bucket, key, version } };
}

async function act(action: 'PUBLISH' | 'DEPRECATE', versionName = VER) {
  return iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName, action }));
}

describe('packages', () => {
  test('create, get, update, list, delete', async () => {
    const created = await iot.send(new CreatePackageCommand({ packageName: PKG, description: 'The firmware', tags: { team: 'iot' } }));
    expect(created).toMatchObject({ packageName: PKG, packageArn: PKG_ARN, description: 'The firmware' });

    const got = await iot.send(new GetPackageCommand({ packageName: PKG }));
    expect(got).toMatchObject({ packageName: PKG, packageArn: PKG_ARN, description: 'The firmware' });
    expect(got.defaultVersionName).toBeUndefined();
    expect(got.creationDate).toBeInstanceOf(Date);
    expect(got.lastModifiedDate).toBeInstanceOf(Date);

    await iot.send(new UpdatePackageCommand({ packageName: PKG, description: 'New' }));
    expect((await iot.send(new GetPackageCommand({ packageName: PKG }))).description).toBe('New');

    const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: PKG_ARN }));
    expect(tags.tags).toEqual([{ Key: 'team', Value: 'iot' }]);

    const listed = await iot.send(new ListPackagesCommand({}));
    expect(listed.packageSummaries?.map((p) => p.packageName)).toEqual([PKG]);

    await iot.send(new DeletePackageCommand({ packageName: PKG }));
    await expectError(iot.send(new GetPackageCommand({ packageName: PKG })), 'ResourceNotFoundException', 404);
    // Deleting a missing package succeeds (idempotent).
    await iot.send(new DeletePackageCommand({ packageName: PKG }));
  });

  test('CreatePackage of an existing package is a ConflictException', async () => {
    await createPackage();
    const err = await expectError(createPackage(), 'ConflictException', 409, PKG);
    expect((err as ConflictException).resourceId).toBe(PKG);
  });

  test('UpdatePackage of a missing package is a ResourceNotFoundException', async () => {
    await expectError(iot.send(new UpdatePackageCommand({ packageName: 'nope', description: 'x' })), 'ResourceNotFoundException', 404);
  });

  test('ListPackages paginates', async () => {
    for (const name of ['e', 'a', 'd', 'b', 'c']) {
      await createPackage(iot, name);
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await iot.send(new ListPackagesCommand({ maxResults: 2, nextToken }));
      names.push(...(page.packageSummaries ?? []).map((p) => p.packageName!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    await expectError(iot.send(new ListPackagesCommand({ maxResults: 101 })), 'ValidationException', 400, 'maxResults');
  });

  test('state is per region', async () => {
    await createPackage();
    const euWest = client(moto.endpoint, 'eu-west-1');
    try {
      expect((await euWest.send(new ListPackagesCommand({}))).packageSummaries).toEqual([]);
      const created = await euWest.send(new CreatePackageCommand({ packageName: PKG }));
      expect(created.packageArn).toBe(`arn:aws:iot:eu-west-1:${ACCOUNT}:package/${PKG}`);
    } finally {
      euWest.destroy();
    }
  });
});

describe('CreatePackageVersion', () => {
  beforeEach(async () => {
    await createPackage();
    await createPackage(iotNoIdempotency);
  });

  test('creates a DRAFT version; GetPackageVersion returns it without tags', async () => {
    const artifact = await artifactAt('fw/1.0.0.bin');
    const created = await createVersion({
      description: 'First',
      attributes: { 'board': 'rev-b', 'os:flavour': 'linux' },
      artifact,
      recipe: '{"steps":[]}',
      tags: { env: 'test' },
    });
    expect(created).toMatchObject({
      packageVersionArn: VER_ARN,
      packageName: PKG,
      versionName: VER,
      description: 'First',
      attributes: { 'board': 'rev-b', 'os:flavour': 'linux' },
      status: 'DRAFT',
    });
    expect(created.errorReason).toBeUndefined();

    const got = await getVersion();
    expect(got).toMatchObject({
      packageVersionArn: VER_ARN,
      packageName: PKG,
      versionName: VER,
      description: 'First',
      attributes: { 'board': 'rev-b', 'os:flavour': 'linux' },
      artifact,
      recipe: '{"steps":[]}',
      status: 'DRAFT',
    });
    expect(got.creationDate).toBeInstanceOf(Date);
    expect(got.lastModifiedDate).toBeInstanceOf(Date);
    expect(Math.abs(got.creationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(got).not.toHaveProperty('tags');
  });

  test('a repeat with the same clientToken and parameters returns the original response', async () => {
    const input = { description: 'd', attributes: { a: '1' }, clientToken: TOKEN_A };
    const first = await createVersion(input);
    await act('PUBLISH'); // later changes do not alter the replayed response
    const second = await createVersion(input);
    const strip = ({ $metadata, ...rest }: typeof first) => rest;
    expect(strip(second)).toEqual(strip(first));
    expect(second.status).toBe('DRAFT');

    const creates = (await moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
    expect(creates).toHaveLength(2);
    expect(creates.map((r) => [r.clientToken, r.status])).toEqual([[TOKEN_A, 200], [TOKEN_A, 200]]);
    const versions = await iot.send(new ListPackageVersionsCommand({ packageName: PKG }));
    expect(versions.packageVersionSummaries).toHaveLength(1);
  });

  test('a repeat with the same clientToken but other parameters is a ConflictException', async () => {
    await createVersion({ description: 'd', clientToken: TOKEN_A });
    await expectError(createVersion({ description: 'other', clientToken: TOKEN_A }), 'ConflictException', 409);
  });

  test('a repeat with another clientToken is a ConflictException naming the version', async () => {
    await createVersion({ clientToken: TOKEN_A });
    const err = await expectError(createVersion({ clientToken: TOKEN_B }), 'ConflictException', 409, VER);
    expect((err as ConflictException).resourceId).toBe(VER);
    // The SDK fills in a fresh clientToken when none is given: also a conflict.
    await expectError(createVersion(), 'ConflictException', 409);
  });

  test('with MOTO_IOT_IGNORE_CLIENT_TOKEN=1 even the same clientToken is a ConflictException', async () => {
    const input = { description: 'd', clientToken: TOKEN_A };
    await createVersion(input, iotNoIdempotency);
    await expectError(createVersion(input, iotNoIdempotency), 'ConflictException', 409, VER);
    const creates = (await motoNoIdempotency.requests()).filter((r) => r.operation === 'CreatePackageVersion');
    expect(creates.map((r) => [r.clientToken, r.status, r.errorType])).toEqual([
      [TOKEN_A, 200, null],
      [TOKEN_A, 409, 'ConflictException'],
    ]);
  });

  test('the parent package must exist', async () => {
    await expectError(
      iot.send(new CreatePackageVersionCommand({ packageName: 'missing', versionName: VER })),
      'ValidationException', 400, 'Package missing does not exist',
    );
  });

  test('tags given at create are stored', async () => {
    await createVersion({ tags: { env: 'test', owner: 'me' } });
    const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: VER_ARN }));
    expect(tags.tags).toEqual(expect.arrayContaining([{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'me' }]));
    expect(tags.tags).toHaveLength(2);
  });
});

describe('validation errors name the field', () => {
  beforeEach(async () => {
    await createPackage();
  });

  const manyTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  // 3 keys of 1 byte + 3 values of 1023 bytes = 3072 bytes: allowed; one more byte is not.
  const attributes3072 = { a: 'x'.repeat(1023), b: 'x'.repeat(1023), c: 'x'.repeat(1023) };
  const attributes3073 = { ...attributes3072, c: 'x'.repeat(1024) };

  const cases: Array<[string, Partial<CreatePackageVersionCommandInput>, string]> = [
    ['package name too long', { packageName: 'p'.repeat(129) }, 'packageName'],
    ['version name with a space', { versionName: 'bad name' }, 'versionName'],
    ['version name too long', { versionName: 'v'.repeat(65) }, 'versionName'],
    ['empty description', { description: '' }, 'description'],
    ['description with a control character', { description: 'line\nbreak' }, 'description'],
    ['description too long', { description: 'd'.repeat(1025) }, 'description'],
    ['attribute key with a space', { attributes: { 'bad key': 'v' } }, 'attributes'],
    ['attribute key ending with a newline', { attributes: { 'key\n': 'v' } }, 'attributes'],
    ['description with a noncharacter', { description: 'a\uffff' }, 'description'],
    ['empty attribute value', { attributes: { k: '' } }, 'attributes'],
    ['attribute value with a control character', { attributes: { k: 'a\tb' } }, 'attributes'],
    ['attributes over 3072 bytes', { attributes: attributes3073 }, 'attributes'],
    ['multi-byte attributes over 3072 bytes', { attributes: { k: 'é'.repeat(1536) } }, 'attributes'],
    ['recipe too long', { recipe: 'r'.repeat(3073) }, 'recipe'],
    ['51 tags', { tags: manyTags }, 'tags'],
    ['tag key too long', { tags: { ['k'.repeat(129)]: 'v' } }, 'tags'],
    ['tag key with a bad character', { tags: { 'a*b': 'v' } }, 'tags'],
    ['tag value too long', { tags: { k: 'v'.repeat(257) } }, 'tags'],
    ['clientToken too short', { clientToken: 'x'.repeat(35) }, 'clientToken'],
    ['clientToken too long', { clientToken: 'x'.repeat(65) }, 'clientToken'],
    ['clientToken with a space', { clientToken: `${'x'.repeat(20)} ${'x'.repeat(20)}` }, 'clientToken'],
    ['empty artifact bucket', { artifact: { s3Location: { bucket: '', key: 'k', version: '1' } } }, 'artifact.s3Location.bucket'],
  ];

  test.each(cases)('%s', async (_label, input, field) => {
    await expectError(createVersion(input), 'ValidationException', 400, field);
    // Nothing was created.
    await expectError(getVersion(), 'ResourceNotFoundException', 404);
  });

  test('limits are inclusive', async () => {
    await createVersion({
      description: 'd'.repeat(1024),
      attributes: attributes3072,
      recipe: 'r'.repeat(3072),
      tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(256)])),
      clientToken: 'x'.repeat(64),
    });
    await createVersion({ versionName: 'v'.repeat(64), description: 'Ünïcödé ✓', attributes: { 'a:b_c-D9': 'any value ✓' } });
    // Characters newer than Python 3.11's Unicode 14 tables (U+1F6DC: 15.0, a Kawi letter: 15.0), which Node knows.
    await createVersion({ versionName: 'recent', description: 'Wi-Fi \u{1F6DC}', attributes: { k: '\u{1F6DC}' }, tags: { '\u{11F04}': 'v' } });
  });

  test('UpdatePackageVersion validates too', async () => {
    await createVersion();
    await expectError(
      iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName: VER, attributes: { 'no/slash': 'v' } })),
      'ValidationException', 400, 'attributes',
    );
    await expectError(
      iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName: VER, action: 'UNPUBLISH' as unknown as 'PUBLISH' })),
      'ValidationException', 400, 'action',
    );
  });
});

describe('lifecycle', () => {
  beforeEach(async () => {
    await createPackage();
    await createVersion({ attributes: { a: '1' } });
  });

  test('DRAFT -> PUBLISHED -> DEPRECATED -> PUBLISHED', async () => {
    const draft = await getVersion();
    expect(draft.status).toBe(PackageVersionStatus.DRAFT);
    await new Promise((resolve) => setTimeout(resolve, 5));

    await act('PUBLISH');
    const published = await getVersion();
    expect(published.status).toBe('PUBLISHED');
    expect(published.lastModifiedDate!.getTime()).toBeGreaterThan(draft.lastModifiedDate!.getTime());
    expect(published.creationDate).toEqual(draft.creationDate);

    await act('DEPRECATE');
    expect((await getVersion()).status).toBe('DEPRECATED');

    await act('PUBLISH');
    expect((await getVersion()).status).toBe('PUBLISHED');
  });

  test('DEPRECATE from DRAFT is rejected', async () => {
    await expectError(act('DEPRECATE'), 'ValidationException', 400, 'DRAFT');
    expect((await getVersion()).status).toBe('DRAFT');
  });

  test('repeating the current state is rejected', async () => {
    await act('PUBLISH');
    await expectError(act('PUBLISH'), 'ValidationException', 400);
    await act('DEPRECATE');
    await expectError(act('DEPRECATE'), 'ValidationException', 400);
  });

  test('attributes and artifact are editable only in DRAFT; description and recipe always', async () => {
    const update = (input: object) => iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName: VER, ...input }));
    // DRAFT: attributes replace the whole map.
    await update({ attributes: { b: '2' }, artifact: await artifactAt('k') });
    expect((await getVersion()).attributes).toEqual({ b: '2' });

    // Field edits and PUBLISH in one call, judged against the DRAFT state.
    await update({ attributes: { c: '3' }, action: 'PUBLISH' });
    expect(await getVersion()).toMatchObject({ attributes: { c: '3' }, status: 'PUBLISHED' });

    await expectError(update({ attributes: { d: '4' } }), 'ValidationException', 400, /attributes can only be updated when the package version is in DRAFT/);
    await expectError(update({ artifact: await artifactAt('k2') }), 'ValidationException', 400, /artifact can only be updated/);
    expect((await getVersion()).attributes).toEqual({ c: '3' });

    await update({ description: 'published', recipe: 'r1' });
    expect(await getVersion()).toMatchObject({ description: 'published', recipe: 'r1' });
    await act('DEPRECATE');
    await update({ description: 'deprecated', recipe: 'r2' });
    expect(await getVersion()).toMatchObject({ description: 'deprecated', recipe: 'r2', status: 'DEPRECATED' });
    await expectError(update({ attributes: { e: '5' } }), 'ValidationException', 400, 'attributes');
  });

  test('the default version must be published and blocks its deletion until unset', async () => {
    const setDefault = () => iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: VER }));
    await expectError(setDefault(), 'ValidationException', 400, 'defaultVersionName');
    await expectError(
      iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: 'missing' })),
      'ValidationException', 400, 'defaultVersionName',
    );

    await act('PUBLISH');
    await setDefault();
    expect((await iot.send(new GetPackageCommand({ packageName: PKG }))).defaultVersionName).toBe(VER);
    const summaries = (await iot.send(new ListPackagesCommand({}))).packageSummaries;
    expect(summaries?.[0].defaultVersionName).toBe(VER);

    await expectError(
      iot.send(new UpdatePackageCommand({ packageName: PKG, defaultVersionName: VER, unsetDefaultVersion: true })),
      'ValidationException', 400,
    );
    // A DEPRECATED version may stay (or become) the default.
    await act('DEPRECATE');
    await setDefault();

    const deleteVersion = () => iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: VER }));
    await expectError(deleteVersion(), 'ValidationException', 400, /default version/);
    await expectError(iot.send(new DeletePackageCommand({ packageName: PKG })), 'ValidationException', 400, PKG);

    await iot.send(new UpdatePackageCommand({ packageName: PKG, unsetDefaultVersion: true }));
    expect((await iot.send(new GetPackageCommand({ packageName: PKG }))).defaultVersionName).toBeUndefined();
    await deleteVersion();
    await expectError(getVersion(), 'ResourceNotFoundException', 404);
    await iot.send(new DeletePackageCommand({ packageName: PKG }));
  });

  test('deleting a missing version (or a version of a missing package) succeeds', async () => {
    await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: '9.9.9' }));
    await iot.send(new DeletePackageVersionCommand({ packageName: 'no-such-package', versionName: VER }));
    await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: VER }));
    await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: VER }));
  });

  test('missing versions are a ResourceNotFoundException for Get and Update', async () => {
    await expectError(getVersion('2.0.0'), 'ResourceNotFoundException', 404);
    await expectError(
      iot.send(new GetPackageVersionCommand({ packageName: 'no-such-package', versionName: VER })),
      'ResourceNotFoundException', 404,
    );
    await expectError(act('PUBLISH', '2.0.0'), 'ResourceNotFoundException', 404);
  });

  test('ListPackageVersions paginates and filters by status', async () => {
    for (const v of ['1.0.1', '1.0.2', '1.0.3', '1.0.4']) {
      await createVersion({ versionName: v });
    }
    await act('PUBLISH', '1.0.2');
    await act('PUBLISH', '1.0.4');

    const first = await iot.send(new ListPackageVersionsCommand({ packageName: PKG, maxResults: 3 }));
    expect(first.packageVersionSummaries?.map((v) => v.versionName)).toEqual(['1.0.0', '1.0.1', '1.0.2']);
    expect(first.nextToken).toBeDefined();
    const second = await iot.send(new ListPackageVersionsCommand({ packageName: PKG, maxResults: 3, nextToken: first.nextToken }));
    expect(second.packageVersionSummaries?.map((v) => v.versionName)).toEqual(['1.0.3', '1.0.4']);
    expect(second.nextToken).toBeUndefined();

    const published = await iot.send(new ListPackageVersionsCommand({ packageName: PKG, status: 'PUBLISHED' }));
    expect(published.packageVersionSummaries).toEqual([
      expect.objectContaining({ packageName: PKG, versionName: '1.0.2', status: 'PUBLISHED' }),
      expect.objectContaining({ packageName: PKG, versionName: '1.0.4', status: 'PUBLISHED' }),
    ]);
    expect(published.packageVersionSummaries?.[0].creationDate).toBeInstanceOf(Date);
  });
});

describe('tags on a package version ARN', () => {
  beforeEach(async () => {
    await createPackage();
    await createVersion({ tags: { a: '1' } });
  });

  const listTags = async (resourceArn = VER_ARN) => (await iot.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? [];

  test('add, overwrite, remove, list', async () => {
    await iot.send(new TagResourceCommand({ resourceArn: VER_ARN, tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
    expect(await listTags()).toEqual(expect.arrayContaining([{ Key: 'a', Value: 'one' }, { Key: 'b', Value: '2' }]));
    expect(await listTags()).toHaveLength(2);

    await iot.send(new UntagResourceCommand({ resourceArn: VER_ARN, tagKeys: ['a', 'not-there'] }));
    expect(await listTags()).toEqual([{ Key: 'b', Value: '2' }]);
    // Package tags are separate.
    expect(await listTags(PKG_ARN)).toEqual([]);
  });

  test('unknown package or version ARNs are a ResourceNotFoundException', async () => {
    const missing = `${PKG_ARN}/version/9.9.9`;
    await expectError(iot.send(new ListTagsForResourceCommand({ resourceArn: missing })), 'ResourceNotFoundException', 404);
    await expectError(iot.send(new TagResourceCommand({ resourceArn: missing, tags: [{ Key: 'k', Value: 'v' }] })), 'ResourceNotFoundException', 404);
    await expectError(iot.send(new UntagResourceCommand({ resourceArn: missing, tagKeys: ['k'] })), 'ResourceNotFoundException', 404);
    await expectError(
      iot.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:iot:${REGION}:${ACCOUNT}:package/nope` })),
      'ResourceNotFoundException', 404,
    );
  });

  test('at most 50 tags per resource', async () => {
    const tags = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await iot.send(new TagResourceCommand({ resourceArn: VER_ARN, tags })); // 1 + 49 = 50
    await expectError(
      iot.send(new TagResourceCommand({ resourceArn: VER_ARN, tags: [{ Key: 'one-too-many', Value: 'v' }] })),
      'LimitExceededException', 410,
    );
    expect(await listTags()).toHaveLength(50);
  });

  test('invalid tag keys are an InvalidRequestException', async () => {
    await expectError(
      iot.send(new TagResourceCommand({ resourceArn: VER_ARN, tags: [{ Key: 'k'.repeat(129), Value: 'v' }] })),
      'InvalidRequestException', 400, 'Key',
    );
  });

  test('deleting a version deletes its tags', async () => {
    await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: VER }));
    await expectError(iot.send(new ListTagsForResourceCommand({ resourceArn: VER_ARN })), 'ResourceNotFoundException', 404);
    await createVersion();
    expect(await listTags()).toEqual([]);
  });
});

describe('request log', () => {
  test('records operation, labels, clientToken and body field names but no values', async () => {
    await createPackage();
    await createVersion({ description: 'secret-description', attributes: { key: 'secret-value' }, clientToken: TOKEN_A });
    await iot.send(new TagResourceCommand({ resourceArn: VER_ARN, tags: [{ Key: 'k', Value: 'secret-tag' }] }));
    await failure(getVersion('2.0.0'));

    const log = await moto.requests();
    expect(log.map((r) => r.operation)).toEqual(['CreatePackage', 'CreatePackageVersion', 'TagResource', 'GetPackageVersion']);
    expect(log[1]).toMatchObject({
      method: 'PUT',
      path: `/packages/${PKG}/versions/${VER}`,
      uriLabels: { packageName: PKG, versionName: VER },
      clientToken: TOKEN_A,
      bodyFields: ['attributes', 'description'],
      queryParams: ['clientToken'],
      accountId: ACCOUNT,
      region: REGION,
      accessKeyId: MOTO_CREDENTIALS.accessKeyId,
      status: 200,
      errorType: null,
    });
    expect(log[2]).toMatchObject({ resourceArn: VER_ARN, bodyFields: ['resourceArn', 'tags'] });
    expect(log[3]).toMatchObject({ status: 404, errorType: 'ResourceNotFoundException', clientToken: null });
    expect(JSON.stringify(log)).not.toMatch(/secret/);

    await moto.reset();
    expect(await moto.requests()).toEqual([]);
  });
});

describe('injected faults map to the SDK exception classes', () => {
  test.each([
    ['ThrottlingException', 400],
    ['ServiceQuotaExceededException', 402],
    ['InternalServerException', 500],
    ['ConflictException', 409],
    ['ValidationException', 400],
  ])('%s', async (errorType, status) => {
    await createPackage();
    await moto.injectFault({ operation: 'CreatePackageVersion', errorType, message: 'injected' });
    await expectError(createVersion(), errorType, status, 'injected');
    // The fault was consumed before touching any state.
    await expectError(getVersion(), 'ResourceNotFoundException', 404);
    await createVersion();
  });

  test('the SDK retries a throttled CreatePackageVersion with the same clientToken', async () => {
    await createPackage();
    const retrying = client(moto.endpoint, REGION, 3);
    try {
      await moto.injectFault({ operation: 'CreatePackageVersion', errorType: 'ThrottlingException' });
      await createVersion({}, retrying);
    } finally {
      retrying.destroy();
    }
    const creates = (await moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
    expect(creates.map((r) => r.status)).toEqual([400, 200]);
    expect(creates[0].clientToken).toMatch(/^\S{36,64}$/);
    expect(creates[1].clientToken).toBe(creates[0].clientToken);
  });
});
