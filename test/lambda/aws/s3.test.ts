/**
 * The handler's one S3 call (lambda/aws/s3.ts): HeadObject for an object's
 * current version, with messages that say what is wrong and what to do.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { currentObjectVersion } from '../../../lambda/aws/s3';
import { withDeadline } from '../../../lambda/deadline';
import { headedObjects, iotMock, rejectionOf, remaining, s3Error, s3Mock, stubObjectVersion, useMocks } from '../mocks';

useMocks();

const BUCKET = 'firmware-artifacts';
const KEY = 'builds/1.0.0/firmware.bin';

describe('currentObjectVersion', () => {
  test('returns the VersionId HeadObject reports, with one call', async () => {
    stubObjectVersion(BUCKET, KEY, '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');

    await expect(currentObjectVersion('Artifact', BUCKET, KEY)).resolves.toBe('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');

    expect(headedObjects()).toEqual([`s3://${BUCKET}/${KEY}`]);
    expect(s3Mock.commandCalls(HeadObjectCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, Key: KEY });
    expect(iotMock.calls()).toHaveLength(0);
  });

  test.each<[string, string | undefined]>([
    ['an unversioned bucket (no VersionId)', undefined],
    ['a bucket whose versioning is suspended (VersionId "null")', 'null'],
    ['an empty VersionId', ''],
  ])('%s: says the bucket is not versioned and what to do', async (_label, versionId) => {
    stubObjectVersion(BUCKET, KEY, versionId);

    const err = await rejectionOf(currentObjectVersion('Sbom', BUCKET, KEY));

    expect(err.message).toBe(
      `Sbom s3://${BUCKET}/${KEY} has no object version: bucket '${BUCKET}' is not versioned (or its versioning is suspended). ` +
      'IoT needs the version id of an object in a versioned bucket: enable versioning on the bucket and upload the object again, ' +
      'or name the object version in the template.',
    );
  });

  const PREFIX = `HeadObject failed for Artifact s3://${BUCKET}/${KEY} (read to find the object's current version): `;
  const MISSING = ' (the object does not exist: upload it before the package version is deployed, e.g. in an earlier stack or with a BucketDeployment the version depends on)';
  const DENIED = ' (the handler\'s role may not read the object: name the bucket through the construct so it gets s3:GetObject, and check the bucket policy and KMS key)';
  const REGION = ' (the bucket is in another region: IoT needs the bucket in the region of the package version)';

  test.each<[string, number, string]>([
    ['NotFound', 404, MISSING],
    ['NoSuchKey', 404, MISSING],
    ['NoSuchBucket', 404, MISSING],
    ['Forbidden', 403, DENIED],
    ['AccessDenied', 403, DENIED],
    ['PermanentRedirect', 301, REGION],
    ['MovedPermanently', 301, REGION],
    ['InternalError', 500, ''],
  ])('%s (HTTP %d): names the call, the object, the error, and a hint where there is one', async (name, status, hint) => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error(name, status, 'UnknownError'));

    const err = await rejectionOf(currentObjectVersion('Artifact', BUCKET, KEY));

    expect(err.message).toBe(`${PREFIX}${name}: UnknownError${hint}`);
  });

  // A HEAD response has no body: the SDK names the error 'Unknown' (or by its status code) and S3 gives no message.
  test.each<[string, number, string, string]>([
    ['Unknown', 403, 'AccessDenied', DENIED],
    ['Unknown', 404, 'NotFound', MISSING],
    ['301', 301, 'PermanentRedirect', REGION],
    ['Unknown', 500, 'Unknown', ''],
  ])('a nameless %s with HTTP %d is named from the status: %s', async (name, status, shownName, hint) => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error(name, status, 'UnknownError'));

    const err = await rejectionOf(currentObjectVersion('Artifact', BUCKET, KEY));

    expect(err.message).toBe(shownName === 'Unknown' ? `${PREFIX}Unknown: UnknownError` : `${PREFIX}${shownName}: HTTP ${status}${hint}`);
  });

  test('with no time left, the call is not made and the deadline error says so', async () => {
    stubObjectVersion(BUCKET, KEY, 'v1');

    const err = await rejectionOf(withDeadline(remaining(1_500), () => currentObjectVersion('Artifact', BUCKET, KEY)));

    expect(err.message).toBe("HeadObject did not finish before the handler's time ran out: AWS did not answer in time. This is temporary; the deployment can be retried.");
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('the S3 mock is strict: a call nobody stubbed fails', async () => {
    stubObjectVersion(BUCKET, 'other-key', 'v1');

    await expect(currentObjectVersion('Artifact', BUCKET, KEY)).rejects.toThrow(/HeadObject failed .*: Error: unexpected S3 call/);
  });
});
