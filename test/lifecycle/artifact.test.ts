/**
 * Artifacts through CloudFormation: an object version given, or resolved
 * once by the handler; updates in place while DRAFT; frozen once published
 * (refused before any IoT write, let through during a rollback); and the
 * failures a user can cause (an unversioned bucket, a missing object).
 */
import { CreatePackageCommand } from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { HANDLER_CREDENTIALS, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle, VERSION_PROPS } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';
import { createBucket, motoS3Client, putObject } from '../moto/moto-s3';
import { RecordedRequest } from '../moto/moto-server';

const env = useLifecycle();
let s3: S3Client;

const BUCKET = 'firmware-artifacts';
const KEY = 'firmware/1.4.0.bin';

beforeAll(() => {
  s3 = motoS3Client(env.moto.endpoint);
});

beforeEach(async () => {
  await createBucket(s3, BUCKET);
});

const artifact = (Key: string, Version?: string, Bucket = BUCKET) => ({ S3Location: { Bucket, Key, ...(Version ? { Version } : {}) } });
const props = (more: Record<string, unknown> = {}) => ({ ...VERSION_PROPS, ...more });

async function handlerCalls(from = 0): Promise<RecordedRequest[]> {
  return (await env.moto.requests()).slice(from).filter((r) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId);
}

const heads = (calls: RecordedRequest[]) => calls.filter((r) => r.operation === 'HeadObject');
const iotWrites = (calls: RecordedRequest[]) => calls.filter((r) => r.service === 'iot' && !/^(Get|List)/.test(r.operation));
const liveArtifact = async () => (await env.getVersion('1.4.0')).artifact?.s3Location;

describe('create', () => {
  test('with an object version: IoT holds exactly it, and the handler reads nothing from S3', async () => {
    const first = await putObject(s3, BUCKET, KEY, 'v1');
    await putObject(s3, BUCKET, KEY, 'v2');

    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY, first) }));

    expect(res.Status).toBe('SUCCESS');
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version: first });
    expect(heads(await handlerCalls())).toEqual([]);
  });

  test('without one: the handler resolves the object\'s current version with one HeadObject', async () => {
    await putObject(s3, BUCKET, KEY, 'v1');
    const current = await putObject(s3, BUCKET, KEY, 'v2');

    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }));

    expect(res.Status).toBe('SUCCESS');
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version: current });
    expect(heads(await handlerCalls()).map((r) => r.resourceArn)).toEqual([`arn:aws:s3:::${BUCKET}/${KEY}`]);
  });

  test('straight into PUBLISHED with an artifact', async () => {
    const version = await putObject(s3, BUCKET, KEY, 'v1');

    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY), Status: 'PUBLISHED' }));

    expect(res.Data).toMatchObject({ Status: 'PUBLISHED' });
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version });
  });

  test('from an unversioned bucket fails saying so, before any IoT write', async () => {
    await createBucket(s3, 'unversioned', { versioned: false });
    await putObject(s3, 'unversioned', KEY, 'v1');

    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY, undefined, 'unversioned') }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('Artifact s3://unversioned/firmware/1.4.0.bin has no object version: bucket \'unversioned\' is not versioned');
    expect(iotWrites(await handlerCalls())).toEqual([]);
    expect(await env.versionExists('1.4.0')).toBe(false);
  });

  test('of a missing object fails with S3\'s error and what to do, before any IoT write', async () => {
    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact('missing.bin') }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('HeadObject failed for Artifact s3://firmware-artifacts/missing.bin');
    expect(res.Reason).toContain('NotFound');
    expect(res.Reason).toContain('upload it before the package version is deployed');
    expect(iotWrites(await handlerCalls())).toEqual([]);
  });

  test('that the handler may not read fails naming the denial, before any IoT write', async () => {
    await putObject(s3, BUCKET, KEY, 'v1');
    await env.moto.injectFault({ operation: 'HeadObject', errorType: 'AccessDenied', count: 20 });

    const res = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/HeadObject failed for Artifact s3:\/\/firmware-artifacts\/firmware\/1\.4\.0\.bin .*AccessDenied/);
    expect(res.Reason).toContain('may not read the object');
    expect(iotWrites(await handlerCalls())).toEqual([]);
  });
});

describe('update', () => {
  test('a new upload under the same key does not change the deployed version: the version is resolved once', async () => {
    const first = await putObject(s3, BUCKET, KEY, 'v1');
    const created = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }));
    await putObject(s3, BUCKET, KEY, 'v2');
    const mark = (await env.moto.requests()).length;

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      props({ Artifact: artifact(KEY), Description: 'Notes' }), props({ Artifact: artifact(KEY) }));

    expect(res.Status).toBe('SUCCESS');
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version: first });
    expect(heads(await handlerCalls(mark))).toEqual([]);
  });

  test('a new key updates a DRAFT version in place, resolving the new object\'s version', async () => {
    await putObject(s3, BUCKET, KEY, 'v1');
    const created = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }));
    const next = await putObject(s3, BUCKET, 'firmware/1.4.0-rc2.bin', 'rc2');

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      props({ Artifact: artifact('firmware/1.4.0-rc2.bin') }), props({ Artifact: artifact(KEY) }));

    expect(res.Status).toBe('SUCCESS');
    expect(res.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: 'firmware/1.4.0-rc2.bin', version: next });
  });

  test('a new object version updates a DRAFT version in place', async () => {
    const first = await putObject(s3, BUCKET, KEY, 'v1');
    const second = await putObject(s3, BUCKET, KEY, 'v2');
    const created = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY, first) }));

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      props({ Artifact: artifact(KEY, second) }), props({ Artifact: artifact(KEY, first) }));

    expect(res.Status).toBe('SUCCESS');
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version: second });
  });

  test('an artifact change on a PUBLISHED version fails before any IoT write, naming the field and versionName', async () => {
    const first = await putObject(s3, BUCKET, KEY, 'v1');
    const second = await putObject(s3, BUCKET, KEY, 'v2');
    const old = props({ Artifact: artifact(KEY, first), Status: 'PUBLISHED' });
    const created = await env.cfn.create('Firmware140', old);
    const mark = (await env.moto.requests()).length;

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId,
      props({ Artifact: artifact(KEY, second), Status: 'PUBLISHED', Description: 'Also changed' }), old);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('Cannot change Artifact of package version \'firmware/1.4.0\': it is PUBLISHED');
    expect(res.Reason).toContain('change versionName');
    expect(iotWrites(await handlerCalls(mark))).toEqual([]);
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version: first });
  });

  test('the same change during a rollback succeeds: the rest is restored, the artifact kept and logged', async () => {
    const first = await putObject(s3, BUCKET, KEY, 'v1');
    const second = await putObject(s3, BUCKET, KEY, 'v2');
    const draft = props({ Artifact: artifact(KEY, first) });
    const created = await env.cfn.create('Firmware140', draft);
    const released = props({ Artifact: artifact(KEY, second), Status: 'PUBLISHED', Description: 'Released' });
    expect((await env.cfn.update('Firmware140', created.PhysicalResourceId, released, draft)).Status).toBe('SUCCESS');

    const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, draft, released, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.Data).toMatchObject({ Status: 'PUBLISHED' });
    const live = await env.getVersion('1.4.0');
    expect([live.artifact?.s3Location?.version, live.description]).toEqual([second, VERSION_PROPS.Description]);
    expect(env.cfn.logs.some((l) => l.includes('rollback: not failing it'))).toBe(true);
  });

  test('a published version whose template names its object without a version keeps deploying after a new upload', async () => {
    await putObject(s3, BUCKET, KEY, 'v1');
    const old = props({ Artifact: artifact(KEY), Status: 'PUBLISHED' });
    const created = await env.cfn.create('Firmware140', old);
    await putObject(s3, BUCKET, KEY, 'v2');

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...old, Tags: [{ Key: 'team', Value: 'ops' }] }, old);

    expect(res.Status).toBe('SUCCESS');
  });

  test('removing the artifact from the template keeps it in IoT, which cannot remove one, and says so in the log', async () => {
    const version = await putObject(s3, BUCKET, KEY, 'v1');
    const created = await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }));

    const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, props(), props({ Artifact: artifact(KEY) }));

    expect(res.Status).toBe('SUCCESS');
    expect(await liveArtifact()).toEqual({ bucket: BUCKET, key: KEY, version });
    expect(env.cfn.logs.some((l) => l.includes('IoT has no way to remove an artifact'))).toBe(true);
  });
});

test('versions of two packages read the same bucket (one per-bucket grant, checked by the IAM test below)', async () => {
  await env.iot.send(new CreatePackageCommand({ packageName: 'bootloader' }));
  await putObject(s3, BUCKET, KEY, 'fw');
  const boot = await putObject(s3, BUCKET, 'bootloader/2.0.bin', 'boot');

  expect((await env.cfn.create('Firmware140', props({ Artifact: artifact(KEY) }))).Status).toBe('SUCCESS');
  const res = await env.cfn.create('Bootloader20', { PackageName: 'bootloader', VersionName: '2.0', Artifact: artifact('bootloader/2.0.bin') });

  expect(res.Status).toBe('SUCCESS');
  expect((await env.getVersion('2.0', 'bootloader')).artifact?.s3Location).toEqual({ bucket: BUCKET, key: 'bootloader/2.0.bin', version: boot });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
