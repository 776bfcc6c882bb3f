/**
 * Conformance test of the moto extension's behaviour switches (the cases the
 * sources leave open, [U]) and of its artifact check against moto's own S3,
 * driven through the real @aws-sdk/client-iot.
 */
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  CreatePackageVersionCommandInput,
  GetPackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  IoTServiceException,
  ListPackageVersionsCommand,
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
      throttleRequestsPerSecond: 0,
      serverErrorRate: 0,
      serverErrorSeed: 0,
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
    ['a negative rate limit', { throttleRequestsPerSecond: -1 }],
    ['a fractional rate limit', { throttleRequestsPerSecond: 2.5 }],
    ['a boolean rate limit', { throttleRequestsPerSecond: true }],
    ['an error rate over 1', { serverErrorRate: 1.5 }],
    ['a negative error rate', { serverErrorRate: -0.1 }],
    ['a string error rate', { serverErrorRate: '0.05' }],
    ['a fractional seed', { serverErrorSeed: 1.5 }],
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

describe('load: throttleRequestsPerSecond and serverErrorRate', () => {
  const createMany = (names: string[]) => Promise.allSettled(names.map((v) => createVersion({}, v)));
  const listed = async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await iot.send(new ListPackageVersionsCommand({ packageName: PKG, nextToken }));
      names.push(...(page.packageVersionSummaries ?? []).map((v) => v.versionName!));
      nextToken = page.nextToken;
    } while (nextToken);
    return names.sort();
  };
  const versionNames = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}.${i}`);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('the throttle accepts at most N requests a second; the rest get ThrottlingException (429) and change nothing', async () => {
    await moto.setBehaviour({ throttleRequestsPerSecond: 10 });
    // 30 requests at once, without retries: they all arrive within the first second.
    const results = await createMany(versionNames(30, '1'));

    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(11);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(IoTServiceException);
      expect([r.reason.name, r.reason.$metadata.httpStatusCode, r.reason.message]).toEqual(['ThrottlingException', 429, 'Rate exceeded']);
    }
    // Throttled before touching any state: exactly the accepted ones exist.
    await moto.setBehaviour({ throttleRequestsPerSecond: 0 });
    expect((await listed()).length).toBe(accepted);

    // ...and recorded like any other answer.
    const creates = (await moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
    expect(creates).toHaveLength(30);
    expect(creates.filter((r) => r.status === 200)).toHaveLength(accepted);
    expect(creates.filter((r) => r.status === 429 && r.errorType === 'ThrottlingException')).toHaveLength(30 - accepted);
  });

  test('once a second has passed, the throttle accepts requests again', async () => {
    await moto.setBehaviour({ throttleRequestsPerSecond: 5 });
    const first = await createMany(versionNames(10, '1'));
    expect(first.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(6);
    await sleep(1_100);
    // The window has emptied: five more at once are accepted.
    const second = await createMany(versionNames(5, '2'));
    expect(second.map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
  });

  test('serverErrorRate fails about that share of requests with InternalServerException (500), the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      await moto.reset();
      await iot.send(new CreatePackageCommand({ packageName: PKG }));
      await moto.setBehaviour({ serverErrorRate: 0.05, serverErrorSeed: seed });
      const failed: number[] = [];
      for (let i = 0; i < 300; i++) {
        try {
          await iot.send(new GetPackageCommand({ packageName: PKG }));
        } catch (e) {
          expect([(e as IoTServiceException).name, (e as IoTServiceException).$metadata.httpStatusCode]).toEqual(['InternalServerException', 500]);
          failed.push(i);
        }
      }
      const logged = (await moto.requests()).filter((r) => r.operation === 'GetPackage');
      expect(logged.filter((r) => r.status === 500 && r.errorType === 'InternalServerException')).toHaveLength(failed.length);
      return failed;
    };

    const failed = await run(7);
    // 5% of 300 is 15; a fixed seed makes this exact, the bounds say "about".
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.length).toBeLessThanOrEqual(30);
    expect(await run(7)).toEqual(failed);
    expect(await run(8)).not.toEqual(failed);
  });

  test('a request failed by serverErrorRate changes nothing', async () => {
    await moto.setBehaviour({ serverErrorRate: 0.5, serverErrorSeed: 1 });
    const results = await createMany(versionNames(40, '1'));
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(40);
    await moto.setBehaviour({ serverErrorRate: 0 });
    expect((await listed()).length).toBe(accepted);
  });

  test('reset turns both off', async () => {
    await moto.setBehaviour({ throttleRequestsPerSecond: 1, serverErrorRate: 1, serverErrorSeed: 3 });
    await expectError(iot.send(new GetPackageCommand({ packageName: PKG })), 'InternalServerException', 500);
    await expectError(iot.send(new GetPackageCommand({ packageName: PKG })), 'ThrottlingException', 429);

    await moto.reset();
    expect(await moto.getBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
    await iot.send(new CreatePackageCommand({ packageName: PKG }));
    const results = await createMany(versionNames(30, '1'));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill('fulfilled'));
  });
});
