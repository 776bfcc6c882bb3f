/**
 * S3 requests in the request log and S3 fault injection (test/moto/s3_hooks.py),
 * driven through the real @aws-sdk/client-s3.
 */
import { CreatePackageCommand, IoTClient } from '@aws-sdk/client-iot';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { createBucket, motoS3Client, putObject } from './moto-s3';
import { MOTO_CREDENTIALS, MotoServer, motoIotClient, startMotoServer } from './moto-server';

/** Stands in for the handler's credentials (any key that is not the tests'). */
const HANDLER_CREDENTIALS = { accessKeyId: 'AKIAHANDLERKEYEXAMPL', secretAccessKey: 'handler-secret' };
const BUCKET = 'artifacts';
const KEY = 'fw/1.0.0.bin';

let moto: MotoServer;
let s3: S3Client;
let handlerS3: S3Client;
let iot: IoTClient;

beforeAll(async () => {
  moto = await startMotoServer();
  s3 = motoS3Client(moto.endpoint, { maxAttempts: 1 });
  handlerS3 = motoS3Client(moto.endpoint, { maxAttempts: 1, credentials: HANDLER_CREDENTIALS });
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  handlerS3?.destroy();
  iot?.destroy();
  await moto?.stop();
});

let version: string | undefined;

beforeEach(async () => {
  await moto.reset();
  await createBucket(s3, BUCKET);
  version = await putObject(s3, BUCKET, KEY, 'firmware');
});

async function s3Failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(S3ServiceException);
    return err as S3ServiceException;
  }
  throw new Error('expected the S3 call to fail, but it succeeded');
}

const head = (client: S3Client = handlerS3, more: { VersionId?: string; Key?: string } = {}) =>
  client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, ...more }));

describe('the request log', () => {
  test('records the tests\' own S3 calls, bucket- and object-level, with their access key', async () => {
    const logged = (await moto.requests())
      .map((r) => [r.service, r.operation, r.method, r.bucket, r.key, r.resourceArn, r.status, r.errorType, r.accessKeyId]);
    const me = MOTO_CREDENTIALS.accessKeyId;
    expect(logged).toEqual([
      ['s3', 'CreateBucket', 'PUT', BUCKET, null, `arn:aws:s3:::${BUCKET}`, 200, null, me],
      ['s3', 'PutBucketVersioning', 'PUT', BUCKET, null, `arn:aws:s3:::${BUCKET}`, 200, null, me],
      ['s3', 'PutObject', 'PUT', BUCKET, KEY, `arn:aws:s3:::${BUCKET}/${KEY}`, 200, null, me],
    ]);
  });

  test('records the handler\'s HeadObject with its own access key, the version asked for, account and region', async () => {
    const current = await head();
    expect(current.VersionId).toBe(version);
    await head(handlerS3, { VersionId: version });
    await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));

    const calls = (await moto.requests()).slice(3);
    expect(calls.map((r) => [r.operation, r.accessKeyId, r.versionId, r.status])).toEqual([
      ['HeadObject', HANDLER_CREDENTIALS.accessKeyId, null, 200],
      ['HeadObject', HANDLER_CREDENTIALS.accessKeyId, version, 200],
      ['GetObject', MOTO_CREDENTIALS.accessKeyId, null, 200],
    ]);
    expect(calls[1]).toMatchObject({
      service: 's3',
      method: 'HEAD',
      path: `/${BUCKET}/${KEY}`,
      uriLabels: { Bucket: BUCKET, Key: KEY },
      queryParams: ['versionId'],
      bodyFields: [],
      clientToken: null,
      resourceArn: `arn:aws:s3:::${BUCKET}/${KEY}`,
      accountId: '123456789012',
      region: 'us-east-1',
      errorType: null,
    });
  });

  test('a HeadObject of a missing object is logged as NotFound (HEAD has no error body)', async () => {
    const err = await s3Failure(head(handlerS3, { Key: 'missing.bin' }));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    const last = (await moto.requests()).at(-1)!;
    expect([last.operation, last.key, last.status, last.errorType]).toEqual(['HeadObject', 'missing.bin', 404, 'NotFound']);
  });

  test('S3 entries and IoT entries share one log, in order', async () => {
    await iot.send(new CreatePackageCommand({ packageName: 'firmware' }));
    await head();
    expect((await moto.requests()).slice(3).map((r) => [r.service, r.operation])).toEqual([
      ['iot', 'CreatePackage'],
      ['s3', 'HeadObject'],
    ]);
  });
});

describe('faults', () => {
  test('AccessDenied on HeadObject: HTTP 403 once, then the object is found again', async () => {
    await moto.injectFault({ operation: 'HeadObject', errorType: 'AccessDenied', message: 'not authorized: s3:GetObject' });

    const err = await s3Failure(head());
    // No body on HEAD: the SDK knows only the status (as with real S3).
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['Unknown', 403]);
    expect((await head()).VersionId).toBe(version);

    const calls = (await moto.requests()).slice(3).map((r) => [r.operation, r.status, r.errorType, r.accessKeyId]);
    expect(calls).toEqual([
      ['HeadObject', 403, 'AccessDenied', HANDLER_CREDENTIALS.accessKeyId],
      ['HeadObject', 200, null, HANDLER_CREDENTIALS.accessKeyId],
    ]);
  });

  test('NoSuchKey on HeadObject: HTTP 404, which the SDK names NotFound', async () => {
    await moto.injectFault({ operation: 'HeadObject', errorType: 'NoSuchKey', count: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await s3Failure(head());
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    }
    await head();
  });

  test('on GetObject the SDK reads code and message from S3\'s XML error body', async () => {
    await moto.injectFault({ operation: 'GetObject', errorType: 'AccessDenied', message: 'Access Denied' });
    const err = await s3Failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })));
    expect([err.name, err.message, err.$metadata.httpStatusCode]).toEqual(['AccessDenied', 'Access Denied', 403]);
  });

  test('httpStatus overrides the usual status; an unlisted code defaults to 400', async () => {
    await moto.injectFault({ operation: 'GetObject', errorType: 'SlowDown', httpStatus: 429 });
    await moto.injectFault({ operation: 'HeadObject', errorType: 'SomethingOdd' });

    const slow = await s3Failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })));
    expect([slow.name, slow.$metadata.httpStatusCode]).toEqual(['SlowDown', 429]);
    expect((await s3Failure(head())).$metadata.httpStatusCode).toBe(400);
  });

  test('a "*" fault matches catalog operations only, never S3', async () => {
    await moto.injectFault({ operation: '*', errorType: 'ThrottlingException' });
    await head();
    await expect(iot.send(new CreatePackageCommand({ packageName: 'firmware' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test('httpStatus is refused for IoT operations and out of range', async () => {
    await expect(moto.injectFault({ operation: 'CreatePackage', errorType: 'ThrottlingException', httpStatus: 429 })).rejects.toThrow(/HTTP 400/);
    await expect(moto.injectFault({ operation: 'HeadObject', errorType: 'AccessDenied', httpStatus: 200 })).rejects.toThrow(/HTTP 400/);
  });
});
