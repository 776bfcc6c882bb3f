/**
 * Conformance test of the moto extension's behaviour switches (the cases the
 * sources leave open, [U]) and of its artifact check against moto's own S3,
 * driven through the real @aws-sdk/client-iot.
 */
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  CreatePackageVersionCommandInput,
  GetPackageVersionCommand,
  IoTClient,
  IoTServiceException,
  UpdatePackageVersionCommand,
  UpdatePackageVersionCommandInput,
} from '@aws-sdk/client-iot';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createBucket, motoS3Client, putObject } from './moto-s3';
import { DEFAULT_BEHAVIOUR, MotoServer, motoIotClient, startMotoServer } from './moto-server';

const PKG = 'firmware';
const VER = '1.0.0';
const BUCKET = 'artifacts';

let moto: MotoServer;
let iot: IoTClient;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
  s3 = motoS3Client(moto.endpoint, { maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  iot?.destroy();
  s3?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await iot.send(new CreatePackageCommand({ packageName: PKG }));
});

async function expectError(promise: Promise<unknown>, name: string, status: number, message?: RegExp | string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (error === undefined) {
    throw new Error(`expected ${name}, but the call succeeded`);
  }
  expect(error).toBeInstanceOf(IoTServiceException);
  const err = error as IoTServiceException;
  expect([err.name, err.$metadata.httpStatusCode]).toEqual([name, status]);
  if (message !== undefined) {
    expect(err.message).toMatch(message);
  }
}

function createVersion(input: Partial<CreatePackageVersionCommandInput> = {}, versionName = VER) {
  return iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName, ...input }));
}

function update(input: Partial<UpdatePackageVersionCommandInput>, versionName = VER) {
  return iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName, ...input }));
}

async function statusOf(versionName = VER) {
  return (await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName }))).status;
}

describe('the behaviour hook', () => {
  test('starts with the defaults', async () => {
    expect(await moto.getBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
    expect(DEFAULT_BEHAVIOUR).toEqual({
      recipeWhileDeprecated: 'allow',
      draftToDeprecated: 'reject',
      sbomValidationSeconds: 2,
      sbomBucketPolicyCheck: true,
      sbomChangeWhileValidating: 'conflict',
      artifactCheck: true,
    });
  });

  test('sets only the named switches and answers with all of them; reset restores the defaults', async () => {
    expect(await moto.setBehaviour({ recipeWhileDeprecated: 'reject', sbomValidationSeconds: 0.5 }))
      .toEqual({ ...DEFAULT_BEHAVIOUR, recipeWhileDeprecated: 'reject', sbomValidationSeconds: 0.5 });
    expect(await moto.setBehaviour({ artifactCheck: false }))
      .toEqual({ ...DEFAULT_BEHAVIOUR, recipeWhileDeprecated: 'reject', sbomValidationSeconds: 0.5, artifactCheck: false });

    await moto.reset();
    expect(await moto.getBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
  });

  test.each([
    ['an unknown switch', { recipeWhileDraft: 'allow' }],
    ['an unknown value', { recipeWhileDeprecated: 'maybe' }],
    ['a negative time', { sbomValidationSeconds: -1 }],
    ['a time over an hour', { sbomValidationSeconds: 3601 }],
    ['a boolean time', { sbomValidationSeconds: true }],
    ['a string for a boolean', { artifactCheck: 'false' }],
    ['an unknown SBOM-change answer', { sbomChangeWhileValidating: 'queue' }],
  ])('rejects %s (HTTP 400) and changes nothing', async (_name, behaviour) => {
    await expect(moto.setBehaviour({ draftToDeprecated: 'allow', ...behaviour } as never)).rejects.toThrow(/HTTP 400/);
    expect(await moto.getBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
  });
});

describe('recipeWhileDeprecated', () => {
  beforeEach(async () => {
    await createVersion({ recipe: 'r0' });
    await update({ action: 'PUBLISH' });
  });

  test('"allow" (default): a DEPRECATED version\'s recipe can be updated', async () => {
    await update({ action: 'DEPRECATE' });
    await update({ recipe: 'r-deprecated' });
    const got = await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect([got.status, got.recipe]).toEqual(['DEPRECATED', 'r-deprecated']);
  });

  test('"reject": updating a DEPRECATED version\'s recipe is a ValidationException; PUBLISHED is unaffected', async () => {
    await moto.setBehaviour({ recipeWhileDeprecated: 'reject' });
    await update({ recipe: 'r-published' });
    await update({ action: 'DEPRECATE' });

    await expectError(update({ recipe: 'r-deprecated' }), 'ValidationException', 400, /recipe cannot be updated when the package version is DEPRECATED/);
    // Judged against the state before the call's action, like the other field rules.
    await expectError(update({ recipe: 'r-republished', action: 'PUBLISH' }), 'ValidationException', 400, /DEPRECATED/);
    // The description still may change.
    await update({ description: 'still editable' });
    const got = await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect([got.status, got.recipe, got.description]).toEqual(['DEPRECATED', 'r-published', 'still editable']);
  });
});

describe('draftToDeprecated', () => {
  test('"reject" (default): DEPRECATE on a DRAFT is a ValidationException', async () => {
    await createVersion();
    await expectError(update({ action: 'DEPRECATE' }), 'ValidationException', 400, /Invalid action DEPRECATE .* in status DRAFT/);
    expect(await statusOf()).toBe('DRAFT');
  });

  test('"allow": DEPRECATE on a DRAFT makes it DEPRECATED, and it can be published from there', async () => {
    await moto.setBehaviour({ draftToDeprecated: 'allow' });
    await createVersion();
    await update({ action: 'DEPRECATE' });
    expect(await statusOf()).toBe('DEPRECATED');
    await update({ action: 'PUBLISH' });
    expect(await statusOf()).toBe('PUBLISHED');
    // Other invalid transitions stay invalid.
    await expectError(update({ action: 'PUBLISH' }), 'ValidationException', 400);
  });
});

describe('the artifact check', () => {
  let version: string | undefined;

  beforeEach(async () => {
    await createBucket(s3, BUCKET);
    version = await putObject(s3, BUCKET, 'fw/1.0.0.bin', 'firmware');
  });

  const at = (s3Location: { bucket?: string; key?: string; version?: string }) => ({ artifact: { s3Location } });

  test('an existing object version is accepted by CreatePackageVersion and UpdatePackageVersion', async () => {
    await createVersion(at({ bucket: BUCKET, key: 'fw/1.0.0.bin', version }));
    const newer = await putObject(s3, BUCKET, 'fw/1.0.0.bin', 'firmware, rebuilt');
    await update(at({ bucket: BUCKET, key: 'fw/1.0.0.bin', version: newer }));
    // An older version still exists and can be named.
    await update(at({ bucket: BUCKET, key: 'fw/1.0.0.bin', version }));
    const got = await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect(got.artifact).toEqual({ s3Location: { bucket: BUCKET, key: 'fw/1.0.0.bin', version } });
  });

  test.each([
    ['a missing bucket', { bucket: 'no-such-bucket', key: 'fw/1.0.0.bin', version: 'v' }, /S3 bucket no-such-bucket of the artifact .* does not exist/],
    ['a missing key', { bucket: BUCKET, key: 'fw/2.0.0.bin', version: 'v' }, /artifact s3:\/\/artifacts\/fw\/2\.0\.0\.bin has no object version v/],
    ['a missing object version', { bucket: BUCKET, key: 'fw/1.0.0.bin', version: 'not-a-version' }, /has no object version not-a-version/],
    ['no version and no object', { bucket: BUCKET, key: 'fw/2.0.0.bin' }, /artifact s3:\/\/artifacts\/fw\/2\.0\.0\.bin does not exist/],
  ])('%s is a ValidationException, on create and on update', async (_name, location, message) => {
    await expectError(createVersion(at(location)), 'ValidationException', 400, message);
    await expectError(iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER })), 'ResourceNotFoundException', 404);

    await createVersion();
    await expectError(update(at(location)), 'ValidationException', 400, message);
    expect((await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }))).artifact).toBeUndefined();
  });

  test('an artifact without a version is accepted when the object exists', async () => {
    await createVersion(at({ bucket: BUCKET, key: 'fw/1.0.0.bin' }));
    const got = await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect(got.artifact).toEqual({ s3Location: { bucket: BUCKET, key: 'fw/1.0.0.bin' } });
  });

  test('an object in a bucket without versioning is accepted without a version', async () => {
    await createBucket(s3, 'plain-bucket', { versioned: false });
    expect(await putObject(s3, 'plain-bucket', 'fw.bin', 'x')).toBeUndefined();
    await createVersion(at({ bucket: 'plain-bucket', key: 'fw.bin' }));
  });

  test('a deleted object no longer passes', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'fw/1.0.0.bin' }));
    await expectError(createVersion(at({ bucket: BUCKET, key: 'fw/1.0.0.bin' })), 'ValidationException', 400, /does not exist/);
    // The version itself is still there.
    await createVersion(at({ bucket: BUCKET, key: 'fw/1.0.0.bin', version }));
  });

  test('a bucket in another region is a ValidationException', async () => {
    const euS3 = motoS3Client(moto.endpoint, { region: 'eu-west-1', maxAttempts: 1 });
    try {
      await createBucket(euS3, 'eu-artifacts');
      const euVersion = await putObject(euS3, 'eu-artifacts', 'fw.bin', 'x');
      await expectError(createVersion(at({ bucket: 'eu-artifacts', key: 'fw.bin', version: euVersion })), 'ValidationException', 400, /Cross-region S3 bucket/);
    } finally {
      euS3.destroy();
    }
  });

  test('the state rules come first: an artifact on a PUBLISHED version is refused for that, not for the object', async () => {
    await createVersion();
    await update({ action: 'PUBLISH' });
    await expectError(update(at({ bucket: 'no-such-bucket', key: 'k', version: 'v' })), 'ValidationException', 400, /artifact can only be updated when the package version is in DRAFT/);
  });

  test('with artifactCheck off, any location is accepted', async () => {
    await moto.setBehaviour({ artifactCheck: false });
    await createVersion(at({ bucket: 'no-such-bucket', key: 'k', version: 'v1' }));
    await update(at({ bucket: 'other', key: 'k2', version: 'v2' }));
    const got = await iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect(got.artifact).toEqual({ s3Location: { bucket: 'other', key: 'k2', version: 'v2' } });
  });
});

describe('the request log', () => {
  test('names the artifact location of CreatePackageVersion and UpdatePackageVersion, and nothing sensitive', async () => {
    await createBucket(s3, BUCKET);
    const version = await putObject(s3, BUCKET, 'fw.bin', 'x');

    await createVersion({ description: 'secret-description', attributes: { k: 'secret-attribute' }, recipe: 'secret-recipe', artifact: { s3Location: { bucket: BUCKET, key: 'fw.bin', version } } });
    await update({ artifact: { s3Location: { bucket: BUCKET, key: 'fw.bin' } } });
    await expectError(update({ artifact: { s3Location: { bucket: BUCKET, key: 'missing.bin', version: 'v9' } } }), 'ValidationException', 400);
    await update({ description: 'no artifact here' });

    const logged = (await moto.requests()).filter((r) => r.operation.endsWith('PackageVersion'));
    expect(logged.map((r) => [r.operation, r.status, r.artifactS3Location])).toEqual([
      ['CreatePackageVersion', 200, { bucket: BUCKET, key: 'fw.bin', version }],
      ['UpdatePackageVersion', 200, { bucket: BUCKET, key: 'fw.bin', version: null }],
      ['UpdatePackageVersion', 400, { bucket: BUCKET, key: 'missing.bin', version: 'v9' }],
      ['UpdatePackageVersion', 200, undefined],
    ]);
    expect(JSON.stringify(await moto.requests())).not.toMatch(/secret-/);
  });
});
