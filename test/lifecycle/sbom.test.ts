/**
 * SBOMs through CloudFormation: associated after the create (with the object
 * version resolved by one HeadObject, or the template's), replaced or
 * removed on update, left alone when unchanged; the wait for IoT's
 * validation (succeeded, failed, out of time) and the cleanup of a failed
 * create; IoT's bucket-policy refusal and an unversioned bucket; a change
 * while IoT still validates the previous SBOM; changes on published and
 * deprecated versions; and a rollback that restores the previous SBOM.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { HANDLER_CREDENTIALS, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle, VERSION_PROPS } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';
import { createBucket, CYCLONEDX_DOCUMENT, iotSbomReadPolicy, motoS3Client, putBucketPolicy, putObject, SPDX_DOCUMENT, zipArchive } from '../moto/moto-s3';
import { RecordedRequest } from '../moto/moto-server';

const env = useLifecycle();

const BUCKET = 'firmware-sboms';
const KEY = 'firmware/sbom.zip';
const OTHER_KEY = 'firmware/sbom-2.zip';
const WRITES = new Set([
  'CreatePackageVersion', 'UpdatePackageVersion', 'DeletePackageVersion', 'TagResource', 'UntagResource',
  'AssociateSbomWithPackageVersion', 'DisassociateSbomFromPackageVersion',
]);

let s3: S3Client | undefined;
/** The object version of KEY uploaded before each test. */
let firstVersion: string;

beforeEach(async () => {
  // moto's reset (in useLifecycle's beforeEach, which runs first) wipes S3.
  s3 ??= motoS3Client(env.moto.endpoint);
  await createBucket(s3, BUCKET);
  await putBucketPolicy(s3, BUCKET, iotSbomReadPolicy(BUCKET));
  firstVersion = (await putObject(s3, BUCKET, KEY, zipArchive({ 'sbom.spdx.json': SPDX_DOCUMENT })))!;
});

afterAll(() => s3?.destroy());

const upload = async (key: string, files: Record<string, object> = { 'bom.cdx.json': CYCLONEDX_DOCUMENT }, bucket = BUCKET) =>
  (await putObject(s3!, bucket, key, zipArchive(files)))!;

const sbomAt = (Key: string, Version?: string, Bucket = BUCKET) => ({ S3Location: { Bucket, Key, ...(Version ? { Version } : {}) } });

const withSbom = (sbom?: object, extra: Record<string, unknown> = {}) => ({ ...VERSION_PROPS, ...(sbom ? { Sbom: sbom } : {}), ...extra });

const mine = (r: RecordedRequest) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId;
const requestCount = async () => (await env.moto.requests()).length;

/** The handler's IoT writes since `from`. */
async function handlerWrites(from = 0): Promise<RecordedRequest[]> {
  return (await env.moto.requests()).slice(from).filter((r) => mine(r) && WRITES.has(r.operation));
}

/** The handler's HeadObject calls since `from`. */
async function handlerHeads(from = 0): Promise<RecordedRequest[]> {
  return (await env.moto.requests()).slice(from).filter((r) => mine(r) && r.service === 's3' && r.operation === 'HeadObject');
}

/** The SBOM location IoT holds for version 1.4.0. */
async function heldSbom(): Promise<unknown> {
  return (await env.getVersion('1.4.0')).sbom?.s3Location;
}

const logged = (text: string) => env.cfn.logs.some((l) => !l.startsWith('[provider-framework]') && l.includes(text));

describe('create', () => {
  test('associates the SBOM after creating, with the object version it resolved with one HeadObject', async () => {
    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    // Not waited for: IoT is still validating (moto: 2 s by default).
    expect(res.Data).toMatchObject({ SbomValidationStatus: 'IN_PROGRESS' });
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
    const writes = await handlerWrites();
    expect(writes.map((r) => r.operation)).toEqual(['CreatePackageVersion', 'AssociateSbomWithPackageVersion']);
    expect(writes[1].sbomS3Location).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
    const heads = await handlerHeads();
    expect(heads.map((r) => [r.bucket, r.key, r.versionId ?? null])).toEqual([[BUCKET, KEY, null]]);
  });

  test('an explicit Version goes to IoT as it is, without a HeadObject', async () => {
    await upload(KEY); // the current version is now another one
    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY, firstVersion)));

    expect(res.Status).toBe('SUCCESS');
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
    expect(await handlerHeads()).toEqual([]);
  });

  test('with WaitForSbomValidation, it waits until IoT has validated the SBOM and reports SUCCEEDED', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 1.5 });

    const started = performance.now();
    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY), { WaitForSbomValidation: 'true' }));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ SbomValidationStatus: 'SUCCEEDED', Status: 'DRAFT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_500);
    expect((await env.getVersion('1.4.0')).sbomValidationStatus).toBe('SUCCEEDED');
    expect(logged('SBOM validated')).toBe(true);
  });

  test('a failed validation fails the create, naming the file and error code, and deletes the version again', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 1 });
    await upload('firmware/bad.zip', { 'sbom.spdx.json': SPDX_DOCUMENT, 'licenses/notes.json': { title: 'not an SBOM' } });

    const res = await env.cfn.create('Firmware140', withSbom(sbomAt('firmware/bad.zip'), { WaitForSbomValidation: 'true', Status: 'PUBLISHED' }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('IoT\'s validation of the SBOM of package version \'firmware/1.4.0\' failed');
    expect(res.Reason).toContain('licenses/notes.json: INCOMPATIBLE_FORMAT');
    // Only the failed files are named.
    expect(res.Reason).not.toContain('sbom.spdx.json');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    expect(await env.versionExists('1.4.0')).toBe(false);
    // It never got as far as publishing.
    expect((await handlerWrites()).map((r) => r.operation))
      .toEqual(['CreatePackageVersion', 'AssociateSbomWithPackageVersion', 'DeletePackageVersion']);
  });

  test('time running out while IoT still validates fails the create saying so, and leaves nothing behind', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 600 });

    const started = performance.now();
    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY), { WaitForSbomValidation: 'true' }), undefined, { remainingTimeMs: 28_000 });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/IoT was still validating the SBOM of package version 'firmware\/1\.4\.0' after \d+ s, when the handler's time ran out/);
    expect(res.Reason).toContain('Deploy again to wait longer');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    // Within Lambda's time, with the 15 s kept back for what follows the wait.
    expect(performance.now() - started).toBeLessThan(28_000 - 15_000);
    expect(await env.versionExists('1.4.0')).toBe(false);
  }, 45_000);

  test('a bucket policy that does not let IoT read the SBOM fails the create with IoT\'s error and a hint; nothing is left behind', async () => {
    await createBucket(s3!, 'no-policy-sboms');
    await upload(KEY, undefined, 'no-policy-sboms');

    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY, undefined, 'no-policy-sboms')));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('AssociateSbomWithPackageVersion failed for PackageName \'firmware\', VersionName \'1.4.0\', Sbom s3://no-policy-sboms/firmware/sbom.zip');
    expect(res.Reason).toContain('ValidationException: AWS IoT cannot read the SBOM s3://no-policy-sboms/firmware/sbom.zip');
    expect(res.Reason).toContain('the bucket policy must allow iot.amazonaws.com s3:GetObject on the object');
    expect(res.Reason).toContain('deleted again, so nothing is left behind');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });

  test('an SBOM in an unversioned bucket, without Version, fails before any IoT write, saying the bucket is not versioned', async () => {
    await createBucket(s3!, 'unversioned-sboms', { versioned: false });
    await putObject(s3!, 'unversioned-sboms', KEY, zipArchive({ 'sbom.spdx.json': SPDX_DOCUMENT }));
    await putBucketPolicy(s3!, 'unversioned-sboms', iotSbomReadPolicy('unversioned-sboms'));

    const res = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY, undefined, 'unversioned-sboms')));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('Sbom s3://unversioned-sboms/firmware/sbom.zip has no object version: bucket \'unversioned-sboms\' is not versioned');
    expect(res.Reason).toContain('enable versioning on the bucket');
    expect(await handlerWrites()).toEqual([]);
    expect(await env.versionExists('1.4.0')).toBe(false);
  });
});

describe('update', () => {
  beforeEach(async () => {
    // Validation done at once, unless a test says otherwise.
    await env.moto.setBehaviour({ sbomValidationSeconds: 0 });
  });

  test('a new key: the new SBOM is associated, with its version resolved by one HeadObject', async () => {
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    const otherVersion = await upload(OTHER_KEY);
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(OTHER_KEY)), withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ SbomValidationStatus: 'SUCCEEDED' });
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: OTHER_KEY, version: otherVersion });
    expect((await handlerWrites(mark)).map((r) => r.operation)).toEqual(['AssociateSbomWithPackageVersion']);
    expect((await handlerHeads(mark)).map((r) => r.key)).toEqual([OTHER_KEY]);
  });

  test('a new Version of the same key: associated as named, without a HeadObject', async () => {
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY, firstVersion)));
    const secondVersion = await upload(KEY);
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(KEY, secondVersion)), withSbom(sbomAt(KEY, firstVersion)));

    expect(res.Status).toBe('SUCCESS');
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: secondVersion });
    const writes = await handlerWrites(mark);
    expect(writes.map((r) => [r.operation, r.sbomS3Location?.version])).toEqual([['AssociateSbomWithPackageVersion', secondVersion]]);
    expect(await handlerHeads(mark)).toEqual([]);
  });

  test('an SBOM removed from the template is disassociated, and SbomValidationStatus becomes \'\'', async () => {
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(), withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ SbomValidationStatus: '' });
    const live = await env.getVersion('1.4.0');
    expect(live.sbom).toBeUndefined();
    expect(live.sbomValidationStatus ?? '').toBe('');
    expect((await handlerWrites(mark)).map((r) => r.operation)).toEqual(['DisassociateSbomFromPackageVersion']);
  });

  test('an unchanged SBOM makes no SBOM call and no HeadObject, even after a new upload under its key', async () => {
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    await upload(KEY);
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      withSbom(sbomAt(KEY), { Description: 'Notes' }), withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ SbomValidationStatus: 'SUCCEEDED' });
    expect((await handlerWrites(mark)).map((r) => r.operation)).toEqual(['UpdatePackageVersion']);
    expect(await handlerHeads(mark)).toEqual([]);
    // The deployed version keeps the object version it was given.
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
  });

  test.each([
    ['replaced', () => withSbom(sbomAt(OTHER_KEY)), 'AssociateSbomWithPackageVersion'],
    ['replaced, waiting for the new validation', () => withSbom(sbomAt(OTHER_KEY), { WaitForSbomValidation: 'true' }), 'AssociateSbomWithPackageVersion'],
    ['removed', () => withSbom(), 'DisassociateSbomFromPackageVersion'],
  ])('an SBOM %s while IoT still validates the previous one: the handler waits for it, then succeeds', async (_, next, operation) => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 3 });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    expect(created.Data).toMatchObject({ SbomValidationStatus: 'IN_PROGRESS' });
    const otherVersion = await upload(OTHER_KEY);
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, next(), withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    // IoT refused the change while validating (moto: ConflictException), then took it.
    expect((await handlerWrites(mark)).map((r) => [r.operation, r.status])).toEqual([[operation, 409], [operation, 200]]);
    expect(logged('IoT is still validating the previous SBOM')).toBe(true);
    expect(await heldSbom()).toEqual(operation === 'AssociateSbomWithPackageVersion'
      ? { bucket: BUCKET, key: OTHER_KEY, version: otherVersion } : undefined);
  }, 30_000);

  test.each([
    ['replaced', () => withSbom(sbomAt(OTHER_KEY)), 'AssociateSbomWithPackageVersion'],
    ['removed', () => withSbom(), 'DisassociateSbomFromPackageVersion'],
  ])('an SBOM %s while IoT still validates the previous one, when IoT takes the change at once: one call, no wait', async (_, next, operation) => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 30, sbomChangeWhileValidating: 'allow' });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    const otherVersion = await upload(OTHER_KEY);
    const mark = await requestCount();
    const logMark = env.cfn.logs.length;

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, next(), withSbom(sbomAt(KEY)));

    expect(res.Status).toBe('SUCCESS');
    expect((await handlerWrites(mark)).map((r) => [r.operation, r.status])).toEqual([[operation, 200]]);
    expect(env.cfn.logs.slice(logMark).some((l) => l.includes('IoT is still validating the previous SBOM'))).toBe(false);
    expect(await heldSbom()).toEqual(operation === 'AssociateSbomWithPackageVersion'
      ? { bucket: BUCKET, key: OTHER_KEY, version: otherVersion } : undefined);
  });

  test('time running out while IoT still validates the previous SBOM fails the update saying so; IoT keeps the previous SBOM', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 600 });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    await upload(OTHER_KEY);

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(OTHER_KEY)), withSbom(sbomAt(KEY)),
      { remainingTimeMs: 25_000 });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/IoT was still validating the previous SBOM of package version 'firmware\/1\.4\.0' after \d+ s, when the handler's time ran out/);
    expect(res.Reason).toContain('Deploy again');
    // A conflict is not about reading the object.
    expect(res.Reason).not.toContain('bucket policy');
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
  }, 30_000);

  test.each(['PUBLISHED', 'DEPRECATED'])('an SBOM change on a %s version succeeds and keeps the status', async (status) => {
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY), { Status: status }));
    const otherVersion = await upload(OTHER_KEY);
    const mark = await requestCount();

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      withSbom(sbomAt(OTHER_KEY), { Status: status }), withSbom(sbomAt(KEY), { Status: status }));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ Status: status });
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.sbom?.s3Location]).toEqual([status, { bucket: BUCKET, key: OTHER_KEY, version: otherVersion }]);
    expect((await handlerWrites(mark)).map((r) => r.operation)).toEqual(['AssociateSbomWithPackageVersion']);
  });
});

describe('rollback', () => {
  test('the rollback of an SBOM change associates the previous SBOM again', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 0 });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    await upload(OTHER_KEY);
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(OTHER_KEY)), withSbom(sbomAt(KEY)))).Status).toBe('SUCCESS');
    const mark = await requestCount();

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(KEY)), withSbom(sbomAt(OTHER_KEY)),
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
    expect((await handlerWrites(mark)).map((r) => r.operation)).toEqual(['AssociateSbomWithPackageVersion']);
  });

  test('after an update whose SBOM failed validation, the rollback associates the previous SBOM again', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 1 });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY), { WaitForSbomValidation: 'true' }));
    await upload('firmware/bad.zip', { 'bom.json': { bomFormat: 'SWID' } });
    const failing = withSbom(sbomAt('firmware/bad.zip'), { WaitForSbomValidation: 'true' });

    const failed = await env.cfn.update('Firmware140', created.PhysicalResourceId, failing, withSbom(sbomAt(KEY), { WaitForSbomValidation: 'true' }));
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toContain('bom.json: INCOMPATIBLE_FORMAT');
    // An update deletes nothing: the version stays, with the SBOM IoT refused.
    expect((await heldSbom() as { key: string }).key).toBe('firmware/bad.zip');

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt(KEY), { WaitForSbomValidation: 'true' }), failing,
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    // A rollback must finish: the validation is reported, not awaited.
    expect(rollback.Data).toMatchObject({ SbomValidationStatus: 'IN_PROGRESS' });
    expect(env.cfn.logs.some((l) => l.includes('rollback: the SBOM is associated again; its validation is not awaited'))).toBe(true);
    expect(await heldSbom()).toEqual({ bucket: BUCKET, key: KEY, version: firstVersion });
  });

  test('a rollback whose SBOM IoT will not take back in time (still validating the other) goes on, and logs it', async () => {
    await env.moto.setBehaviour({ sbomValidationSeconds: 0 });
    const created = await env.cfn.create('Firmware140', withSbom(sbomAt(KEY)));
    await upload(OTHER_KEY, { 'spdx.json': SPDX_DOCUMENT });
    const next = withSbom(sbomAt(OTHER_KEY));
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, next, withSbom(sbomAt(KEY)))).Status).toBe('SUCCESS');
    // The next deployment's SBOM is still being validated when its rollback comes, and stays so past the handler's time.
    await env.moto.setBehaviour({ sbomValidationSeconds: 600 });
    await upload('firmware/third.zip');
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, withSbom(sbomAt('firmware/third.zip')), next)).Status).toBe('SUCCESS');

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, next, withSbom(sbomAt('firmware/third.zip')),
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', remainingTimeMs: 20_000 });

    expect(rollback.Status).toBe('SUCCESS');
    expect(env.cfn.logs.some((l) => l.includes('rollback: the SBOM could not be changed back'))).toBe(true);
  }, 60_000);
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
