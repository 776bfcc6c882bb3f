/**
 * Conformance test of the SBOM operations of the moto extension
 * (test/moto/iot_package_catalog.py, s3_access.py), driven through the real
 * @aws-sdk/client-iot against SBOMs uploaded to the same server's S3.
 */
import {
  AssociateSbomWithPackageVersionCommand,
  AssociateSbomWithPackageVersionCommandInput,
  CreatePackageCommand,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  DisassociateSbomFromPackageVersionCommand,
  GetPackageVersionCommand,
  IoTClient,
  IoTServiceException,
  ListSbomValidationResultsCommand,
  ListSbomValidationResultsCommandInput,
  SbomValidationResultSummary,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { CYCLONEDX_DOCUMENT, SPDX_DOCUMENT, createBucket, iotSbomReadPolicy, motoS3Client, putBucketPolicy, putObject, zipArchive } from './moto-s3';
import { MotoServer, motoIotClient, startMotoServer } from './moto-server';

const PKG = 'firmware';
const VER = '1.0.0';
const BUCKET = 'sboms';
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

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
  await moto.setBehaviour({ sbomValidationSeconds: 0 });
  await iot.send(new CreatePackageCommand({ packageName: PKG }));
  await iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: VER }));
  await createBucket(s3, BUCKET);
  await putBucketPolicy(s3, BUCKET, iotSbomReadPolicy(BUCKET));
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

/** Uploads an SBOM object and resolves to its location. */
async function sbomAt(key: string, content: string | Uint8Array = zipArchive({ 'sbom.spdx.json': SPDX_DOCUMENT }), bucket = BUCKET) {
  const version = await putObject(s3, bucket, key, content);
  return { bucket, key, version };
}

function associate(s3Location: { bucket?: string; key?: string; version?: string }, more: Partial<AssociateSbomWithPackageVersionCommandInput> = {}) {
  return iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: PKG, versionName: VER, sbom: { s3Location }, ...more }));
}

function getVersion() {
  return iot.send(new GetPackageVersionCommand({ packageName: PKG, versionName: VER }));
}

async function results(more: Partial<ListSbomValidationResultsCommandInput> = {}): Promise<SbomValidationResultSummary[]> {
  const out = await iot.send(new ListSbomValidationResultsCommand({ packageName: PKG, versionName: VER, ...more }));
  return out.validationResultSummaries ?? [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('AssociateSbomWithPackageVersion', () => {
  test('a zip of SPDX and CycloneDX documents validates; GetPackageVersion and ListSbomValidationResults report it', async () => {
    const location = await sbomAt('fw/sbom.zip', zipArchive({ 'spdx/sbom.spdx.json': SPDX_DOCUMENT, 'bom.cdx.json': CYCLONEDX_DOCUMENT }));

    const out = await associate(location);
    expect(out).toMatchObject({ packageName: PKG, versionName: VER, sbom: { s3Location: location }, sbomValidationStatus: 'SUCCEEDED' });

    expect(await getVersion()).toMatchObject({ sbom: { s3Location: location }, sbomValidationStatus: 'SUCCEEDED' });
    expect(await results()).toEqual([
      { fileName: 'bom.cdx.json', validationResult: 'SUCCEEDED' },
      { fileName: 'spdx/sbom.spdx.json', validationResult: 'SUCCEEDED' },
    ]);
  });

  test('a version without an SBOM has no sbom, no status and no results', async () => {
    const got = await getVersion();
    expect(got.sbom).toBeUndefined();
    expect(got.sbomValidationStatus).toBeUndefined();
    expect(await results()).toEqual([]);
  });

  test('validation is IN_PROGRESS for sbomValidationSeconds, without results, then SUCCEEDED', async () => {
    await moto.setBehaviour({ sbomValidationSeconds: 1 });
    const started = performance.now();
    const out = await associate(await sbomAt('sbom.zip'));
    expect(out.sbomValidationStatus).toBe('IN_PROGRESS');
    expect((await getVersion()).sbomValidationStatus).toBe('IN_PROGRESS');
    expect(await results()).toEqual([]);

    await sleep(1_000 - (performance.now() - started) + 100);
    expect((await getVersion()).sbomValidationStatus).toBe('SUCCEEDED');
    expect(await results()).toEqual([{ fileName: 'sbom.spdx.json', validationResult: 'SUCCEEDED' }]);
  });

  test('a document that is neither SPDX nor CycloneDX fails validation (INCOMPATIBLE_FORMAT); results filter by outcome', async () => {
    await associate(await sbomAt('mixed.zip', zipArchive({
      'a.spdx.json': SPDX_DOCUMENT,
      'b.json': { bomFormat: 'SomethingElse' },
      'c.json': 'not json {',
      'README.txt': 'ignored: not a .json file',
    })));

    expect((await getVersion()).sbomValidationStatus).toBe('FAILED');
    const all = await results();
    expect(all.map((r) => [r.fileName, r.validationResult, r.errorCode])).toEqual([
      ['a.spdx.json', 'SUCCEEDED', undefined],
      ['b.json', 'FAILED', 'INCOMPATIBLE_FORMAT'],
      ['c.json', 'FAILED', 'INCOMPATIBLE_FORMAT'],
    ]);
    expect(all[1].errorMessage).toMatch(/neither an SPDX document .* nor a CycloneDX document/);
    expect(all[2].errorMessage).toMatch(/not valid UTF-8 JSON/);

    expect((await results({ validationResult: 'FAILED' })).map((r) => r.fileName)).toEqual(['b.json', 'c.json']);
    expect((await results({ validationResult: 'SUCCEEDED' })).map((r) => r.fileName)).toEqual(['a.spdx.json']);
  });

  test('an object that is not a zip gives one FAILED result for the object', async () => {
    await associate(await sbomAt('sbom.json', JSON.stringify(SPDX_DOCUMENT)));

    expect((await getVersion()).sbomValidationStatus).toBe('FAILED');
    expect(await results()).toEqual([{
      fileName: 'sbom.json',
      validationResult: 'FAILED',
      errorCode: 'INCOMPATIBLE_FORMAT',
      errorMessage: 'The SBOM object is not a zip archive',
    }]);
  });

  test('a zip without any .json file fails', async () => {
    await associate(await sbomAt('empty.zip', zipArchive({ 'notes.txt': 'no SBOM here' })));

    expect((await getVersion()).sbomValidationStatus).toBe('FAILED');
    expect(await results()).toEqual([expect.objectContaining({ fileName: 'empty.zip', validationResult: 'FAILED', errorMessage: 'The zip archive contains no .json file' })]);
  });

  test('the exact object version named is validated, not the current one', async () => {
    const good = await sbomAt('sbom.zip');
    await sbomAt('sbom.zip', 'a newer version that is not a zip');

    await associate(good);
    expect((await getVersion()).sbomValidationStatus).toBe('SUCCEEDED');
  });

  test('a new association replaces the SBOM once validation has finished', async () => {
    await associate(await sbomAt('one.zip'));
    const second = await sbomAt('two.zip', zipArchive({ 'other.cdx.json': CYCLONEDX_DOCUMENT }));

    await associate(second);
    expect(await getVersion()).toMatchObject({ sbom: { s3Location: second }, sbomValidationStatus: 'SUCCEEDED' });
    expect((await results()).map((r) => r.fileName)).toEqual(['other.cdx.json']);
  });

  test('while validation is IN_PROGRESS, another association or a disassociation is a ConflictException', async () => {
    await moto.setBehaviour({ sbomValidationSeconds: 30 });
    const first = await sbomAt('one.zip');
    await associate(first, { clientToken: TOKEN_A });

    await expectError(associate(await sbomAt('two.zip')), 'ConflictException', 409, /still in progress/);
    await expectError(iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: PKG, versionName: VER })), 'ConflictException', 409);

    // The same clientToken and SBOM again is the same request: no conflict.
    const again = await associate(first, { clientToken: TOKEN_A });
    expect(again).toMatchObject({ sbom: { s3Location: first }, sbomValidationStatus: 'IN_PROGRESS' });
  });

  test('with sbomChangeWhileValidating "allow", a change while validation is IN_PROGRESS replaces it', async () => {
    await moto.setBehaviour({ sbomValidationSeconds: 30, sbomChangeWhileValidating: 'allow' });
    await associate(await sbomAt('one.zip'));
    const second = await sbomAt('two.zip');

    expect(await associate(second)).toMatchObject({ sbom: { s3Location: second }, sbomValidationStatus: 'IN_PROGRESS' });
    await iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect((await getVersion()).sbom).toBeUndefined();
  });

  test('works in every lifecycle state', async () => {
    await associate(await sbomAt('draft.zip'));
    for (const action of ['PUBLISH', 'DEPRECATE'] as const) {
      await iot.send(new UpdatePackageVersionCommand({ packageName: PKG, versionName: VER, action }));
      const location = await sbomAt(`${action}.zip`);
      await associate(location);
      expect((await getVersion()).sbom?.s3Location).toEqual(location);
    }
  });

  describe('errors', () => {
    test('a missing package version is a ResourceNotFoundException', async () => {
      const location = await sbomAt('sbom.zip');
      await expectError(iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: PKG, versionName: '9.9.9', sbom: { s3Location: location } })), 'ResourceNotFoundException', 404);
      await expectError(iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: 'nope', versionName: VER, sbom: { s3Location: location } })), 'ResourceNotFoundException', 404);
    });

    test('an S3 location without version: "S3 object version for SBOM cannot be null"', async () => {
      const { bucket, key } = await sbomAt('sbom.zip');
      await expectError(associate({ bucket, key }), 'ValidationException', 400, 'S3 object version for SBOM cannot be null');
    });

    test.each([
      ['no sbom', { sbom: undefined }, /'sbom'.*must not be null/],
      ['no s3Location', { sbom: {} }, /S3 location for SBOM cannot be null/],
      ['no bucket', { sbom: { s3Location: { key: 'k', version: 'v' } } }, /S3 bucket for SBOM cannot be null/],
      ['no key', { sbom: { s3Location: { bucket: BUCKET, version: 'v' } } }, /S3 key for SBOM cannot be null/],
      ['an empty bucket name', { sbom: { s3Location: { bucket: '', key: 'k', version: 'v' } } }, /sbom\.s3Location\.bucket/],
    ])('%s is a ValidationException', async (_name, input, message) => {
      const request = { packageName: PKG, versionName: VER, ...input } as AssociateSbomWithPackageVersionCommandInput;
      await expectError(iot.send(new AssociateSbomWithPackageVersionCommand(request)), 'ValidationException', 400, message);
    });

    test('a missing bucket, key or object version is a ValidationException', async () => {
      const { version } = await sbomAt('sbom.zip');
      await expectError(associate({ bucket: 'no-such-bucket', key: 'sbom.zip', version }), 'ValidationException', 400, /S3 bucket no-such-bucket .* does not exist/);
      await expectError(associate({ bucket: BUCKET, key: 'other.zip', version }), 'ValidationException', 400, /s3:\/\/sboms\/other\.zip has no object version/);
      await expectError(associate({ bucket: BUCKET, key: 'sbom.zip', version: 'not-a-version' }), 'ValidationException', 400, /has no object version not-a-version/);
      expect((await getVersion()).sbom).toBeUndefined();
    });

    test('a bucket that was never versioned is a ValidationException', async () => {
      await createBucket(s3, 'plain-bucket', { versioned: false });
      await putBucketPolicy(s3, 'plain-bucket', iotSbomReadPolicy('plain-bucket'));
      await putObject(s3, 'plain-bucket', 'sbom.zip', zipArchive({ 'a.json': SPDX_DOCUMENT }));
      await expectError(associate({ bucket: 'plain-bucket', key: 'sbom.zip', version: 'null' }), 'ValidationException', 400, /versioned S3 bucket/);
    });

    test('a bucket in another region is a ValidationException', async () => {
      const euS3 = motoS3Client(moto.endpoint, { region: 'eu-west-1', maxAttempts: 1 });
      try {
        await createBucket(euS3, 'eu-sboms');
        await putBucketPolicy(euS3, 'eu-sboms', iotSbomReadPolicy('eu-sboms'));
        const version = await putObject(euS3, 'eu-sboms', 'sbom.zip', zipArchive({ 'a.json': SPDX_DOCUMENT }));
        await expectError(associate({ bucket: 'eu-sboms', key: 'sbom.zip', version }), 'ValidationException', 400, /Cross-region S3 bucket/);
      } finally {
        euS3.destroy();
      }
    });
  });
});

describe('the bucket policy check', () => {
  /** Associates an SBOM in a bucket with this policy (none if undefined). */
  async function withPolicy(policy: object | undefined) {
    await createBucket(s3, 'policy-bucket');
    if (policy !== undefined) {
      await putBucketPolicy(s3, 'policy-bucket', policy);
    }
    const location = await sbomAt('fw/sbom.zip', undefined, 'policy-bucket');
    return associate(location);
  }

  const statement = (more: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'iot.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-bucket/*', ...more }] });

  test('no bucket policy: a ValidationException that names the service principal', async () => {
    await expectError(withPolicy(undefined), 'ValidationException', 400, /AWS IoT cannot read the SBOM s3:\/\/policy-bucket\/fw\/sbom\.zip: bucket policy-bucket has no bucket policy.*iot\.amazonaws\.com/);
  });

  test.each([
    ['another service principal', { Principal: { Service: 'lambda.amazonaws.com' } }],
    ['an action that does not read', { Action: ['s3:PutObject', 's3:ListBucket'] }],
    ['another prefix', { Resource: 'arn:aws:s3:::policy-bucket/other/*' }],
    ['the bucket, not its objects', { Resource: 'arn:aws:s3:::policy-bucket' }],
    ['a Deny', { Effect: 'Deny' }],
  ])('a policy with %s is rejected', async (_name, more) => {
    await expectError(withPolicy(statement(more)), 'ValidationException', 400, /AWS IoT cannot read the SBOM/);
  });

  test.each([
    ['s3:GetObject on bucket/*', {}],
    ['s3:GetObjectVersion only', { Action: 's3:GetObjectVersion' }],
    ['s3:* (the docs\' example)', { Action: 's3:*' }],
    ['a wildcard action, any case', { Action: 'S3:getobj*' }],
    ['the exact object ARN', { Resource: 'arn:aws:s3:::policy-bucket/fw/sbom.zip' }],
    ['a "?" wildcard in the resource', { Resource: 'arn:aws:s3:::policy-bucket/fw/sbom.zi?' }],
    ['a list of principals', { Principal: { Service: ['lambda.amazonaws.com', 'iot.amazonaws.com'] } }],
    ['a Condition (ignored)', { Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } }],
  ])('a policy allowing %s is accepted', async (_name, more) => {
    await expect(withPolicy(statement(more))).resolves.toMatchObject({ sbomValidationStatus: 'SUCCEEDED' });
  });

  test('a Deny statement wins over an Allow', async () => {
    const policy = statement({});
    (policy.Statement as object[]).push({ Effect: 'Deny', Principal: { Service: 'iot.amazonaws.com' }, Action: 's3:GetObject*', Resource: 'arn:aws:s3:::policy-bucket/fw/*' });
    await expectError(withPolicy(policy), 'ValidationException', 400, /denies iot\.amazonaws\.com/);
  });

  test('with sbomBucketPolicyCheck off, no policy is needed', async () => {
    await moto.setBehaviour({ sbomBucketPolicyCheck: false });
    await expect(withPolicy(undefined)).resolves.toMatchObject({ sbomValidationStatus: 'SUCCEEDED' });
  });
});

describe('DisassociateSbomFromPackageVersion', () => {
  test('removes the SBOM and its results; a second call succeeds too', async () => {
    await associate(await sbomAt('sbom.zip'));
    const disassociate = () => iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: PKG, versionName: VER }));

    await disassociate();
    const got = await getVersion();
    expect(got.sbom).toBeUndefined();
    expect(got.sbomValidationStatus).toBeUndefined();
    expect(await results()).toEqual([]);

    await disassociate();
  });

  test('a missing package version is a ResourceNotFoundException', async () => {
    await expectError(iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: PKG, versionName: '9.9.9' })), 'ResourceNotFoundException', 404);
  });

  test('a deleted version loses its SBOM', async () => {
    await associate(await sbomAt('sbom.zip'));
    await iot.send(new DeletePackageVersionCommand({ packageName: PKG, versionName: VER }));
    await iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: VER }));
    expect((await getVersion()).sbom).toBeUndefined();
  });
});

describe('ListSbomValidationResults', () => {
  test('paginates by file name', async () => {
    const files = Object.fromEntries(['e', 'a', 'd', 'b', 'c'].map((n) => [`${n}.json`, SPDX_DOCUMENT]));
    await associate(await sbomAt('many.zip', zipArchive(files)));

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await iot.send(new ListSbomValidationResultsCommand({ packageName: PKG, versionName: VER, maxResults: 2, nextToken }));
      names.push(...(out.validationResultSummaries ?? []).map((r) => r.fileName!));
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(names).toEqual(['a.json', 'b.json', 'c.json', 'd.json', 'e.json']);
  });

  test.each([
    ['maxResults 0', { maxResults: 0 }, /maxResults/],
    ['maxResults 101', { maxResults: 101 }, /maxResults/],
    ['an unknown validationResult', { validationResult: 'MAYBE' }, /validationResult/],
    ['a bad nextToken', { nextToken: '!!' }, /nextToken/],
  ])('%s is a ValidationException', async (_name, input, message) => {
    await expectError(results(input as Partial<ListSbomValidationResultsCommandInput>), 'ValidationException', 400, message);
  });

  test('a missing package version is a ResourceNotFoundException', async () => {
    await expectError(iot.send(new ListSbomValidationResultsCommand({ packageName: PKG, versionName: '9.9.9' })), 'ResourceNotFoundException', 404);
  });
});

describe('test hooks', () => {
  test('the request log records the SBOM operations, with the SBOM location but no S3 read by IoT', async () => {
    const location = await sbomAt('sbom.zip');
    await moto.reset(); // only what follows
    await moto.setBehaviour({ sbomValidationSeconds: 0 });
    await iot.send(new CreatePackageCommand({ packageName: PKG }));
    await iot.send(new CreatePackageVersionCommand({ packageName: PKG, versionName: VER }));
    await createBucket(s3, BUCKET);
    await putBucketPolicy(s3, BUCKET, iotSbomReadPolicy(BUCKET));
    const fresh = await sbomAt('sbom.zip');
    expect(fresh.version).not.toBe(location.version);

    await associate(fresh, { clientToken: TOKEN_A });
    await results();
    await iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: PKG, versionName: VER }));

    const iotCalls = (await moto.requests()).filter((r) => r.service === 'iot' && r.operation.includes('Sbom'));
    expect(iotCalls.map((r) => [r.operation, r.method, r.status, r.uriLabels])).toEqual([
      ['AssociateSbomWithPackageVersion', 'PUT', 200, { packageName: PKG, versionName: VER }],
      ['ListSbomValidationResults', 'GET', 200, { packageName: PKG, versionName: VER }],
      ['DisassociateSbomFromPackageVersion', 'DELETE', 200, { packageName: PKG, versionName: VER }],
    ]);
    expect(iotCalls[0]).toMatchObject({ sbomS3Location: fresh, clientToken: TOKEN_A, bodyFields: ['sbom'] });
    expect(iotCalls[1].sbomS3Location).toBeUndefined();
    // IoT's own read of the SBOM is not an S3 request of anyone's.
    expect((await moto.requests()).filter((r) => r.service === 's3' && r.operation === 'GetObject')).toEqual([]);
  });

  test('faults and holds apply to the SBOM operations', async () => {
    const location = await sbomAt('sbom.zip');
    await moto.injectFault({ operation: 'AssociateSbomWithPackageVersion', errorType: 'ServiceQuotaExceededException', message: 'Too many ongoing SBOM validation workflows' });
    await expectError(associate(location), 'ServiceQuotaExceededException', 402, 'Too many ongoing');
    await moto.injectFault({ operation: 'ListSbomValidationResults', errorType: 'ThrottlingException' });
    await expectError(results(), 'ThrottlingException', 400);

    await moto.hold('AssociateSbomWithPackageVersion', 'before');
    const pending = associate(location);
    await moto.waitUntilHeld();
    expect((await getVersion()).sbom).toBeUndefined();
    await moto.releaseHolds();
    await pending;
    expect((await getVersion()).sbom?.s3Location).toEqual(location);
  });
});
