/**
 * Conformance of the moto extension iot_jobs.py: IoT Jobs with package
 * versions, as the package deployment's handler uses them.
 */
import {
  AddThingToThingGroupCommand,
  CancelJobCommand,
  CreateJobCommand,
  CreateJobCommandInput,
  CreatePackageCommand,
  CreatePackageVersionCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteJobCommand,
  DescribeJobCommand,
  IoTClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateJobCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { setExecution } from './iot-jobs';
import { MotoServer, motoIotClient, startMotoServer } from './moto-server';

let moto: MotoServer;
let iot: IoTClient;

const ACCOUNT = 'arn:aws:iot:us-east-1:123456789012';
const GROUP = `${ACCOUNT}:thinggroup/fleet`;
const V1 = `${ACCOUNT}:package/firmware/version/1.0`;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet' }));
  for (const thingName of ['dev1', 'dev2', 'dev3', 'dev4']) {
    await iot.send(new CreateThingCommand({ thingName }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'fleet', thingName }));
  }
  await iot.send(new CreatePackageCommand({ packageName: 'firmware' }));
  await iot.send(new CreatePackageVersionCommand({ packageName: 'firmware', versionName: '1.0' }));
  await iot.send(new UpdatePackageVersionCommand({ packageName: 'firmware', versionName: '1.0', action: 'PUBLISH' }));
});

function createJob(overrides: Partial<CreateJobCommandInput> = {}) {
  return iot.send(new CreateJobCommand({ jobId: 'job-1', targets: [GROUP], document: '{}', destinationPackageVersions: [V1], ...overrides }));
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`);
}

test('CreateJob keeps destinationPackageVersions and tags; DescribeJob counts the group\'s things', async () => {
  const out = await createJob({ tags: [{ Key: 'team', Value: 'edge' }] });
  expect(out.jobArn).toBe(`${ACCOUNT}:job/job-1`);
  const { job } = await iot.send(new DescribeJobCommand({ jobId: 'job-1' }));
  expect(job?.destinationPackageVersions).toEqual([V1]);
  expect(job?.status).toBe('IN_PROGRESS');
  expect(job?.jobProcessDetails).toMatchObject({ numberOfQueuedThings: 4, numberOfSucceededThings: 0 });
  const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: out.jobArn }));
  expect(tags.tags).toEqual([{ Key: 'team', Value: 'edge' }]);

  const request = (await moto.requests()).find((r) => r.operation === 'CreateJob') as unknown as Record<string, unknown>;
  expect(request).toMatchObject({ uriLabels: { jobId: 'job-1' }, jobTargets: [GROUP], destinationPackageVersions: [V1], status: 200 });
  expect(JSON.stringify(request)).not.toContain('"document":');
});

test('$default of a package with a default version is accepted, without one refused', async () => {
  const defaultArn = `${ACCOUNT}:package/firmware/version/$default`;
  expect(await errorOf(createJob({ destinationPackageVersions: [defaultArn] }))).toMatch(/^InvalidRequestException: Package firmware has no default version/);
  await iot.send(new UpdatePackageCommand({ packageName: 'firmware', defaultVersionName: '1.0' }));
  await createJob({ destinationPackageVersions: [defaultArn] });
});

test.each<[string, Partial<CreateJobCommandInput>, RegExp]>([
  ['a DRAFT version', { destinationPackageVersions: [`${ACCOUNT}:package/firmware/version/draft`] }, /^InvalidRequestException: Package version firmware\/draft is DRAFT/],
  ['a missing version', { destinationPackageVersions: [`${ACCOUNT}:package/firmware/version/9.9`] }, /^InvalidRequestException: Package version firmware\/9.9 does not exist/],
  ['26 versions', { destinationPackageVersions: Array(26).fill(V1) }, /^InvalidRequestException: destinationPackageVersions has 26 entries/],
  ['a missing thing', { targets: [`${ACCOUNT}:thing/ghost`] }, /^ResourceNotFoundException: Thing ghost does not exist/],
  ['a missing group', { targets: [`${ACCOUNT}:thinggroup/ghosts`] }, /^ResourceNotFoundException: Thing group ghosts does not exist/],
  ['a presigned URL without a role', { document: '{"u":"${aws:iot:package:firmware:version:1.0:artifact:s3-presigned-url}"}' }, /^InvalidRequestException: presignedUrlConfig role ARN is required/],
  ['the other presigned URL spelling', { document: '{"u":"${aws:iot:package:firmware:version:1.0:artifact-location:s3-presigned-url}"}' }, /presignedUrlConfig role ARN is required/],
])('CreateJob refuses %s', async (_, overrides, message) => {
  await iot.send(new CreatePackageVersionCommand({ packageName: 'firmware', versionName: 'draft' }));
  expect(await errorOf(createJob(overrides))).toMatch(message);
});

test('a job id in use is ResourceAlreadyExistsException, and the job stays as it was', async () => {
  await createJob({ description: 'first' });
  expect(await errorOf(createJob({ description: 'second' }))).toMatch(/^ResourceAlreadyExistsException: Job job-1 already exists/);
  expect((await iot.send(new DescribeJobCommand({ jobId: 'job-1' }))).job?.description).toBe('first');
});

test('an unknown job is ResourceNotFoundException for Describe, Update, Cancel and Delete', async () => {
  for (const command of [new DescribeJobCommand({ jobId: 'nope' }), new UpdateJobCommand({ jobId: 'nope', description: 'x' }),
    new CancelJobCommand({ jobId: 'nope' }), new DeleteJobCommand({ jobId: 'nope' })]) {
    expect(await errorOf(iot.send(command as never))).toMatch(/^ResourceNotFoundException: Job nope does not exist/);
  }
});

test('UpdateJob changes the settings of a running job', async () => {
  await createJob();
  await iot.send(new UpdateJobCommand({ jobId: 'job-1', description: 'new', timeoutConfig: { inProgressTimeoutInMinutes: 30 } }));
  const { job } = await iot.send(new DescribeJobCommand({ jobId: 'job-1' }));
  expect(job).toMatchObject({ description: 'new', timeoutConfig: { inProgressTimeoutInMinutes: 30 } });
});

test('execution outcomes drive the counts and complete the job', async () => {
  await createJob();
  await setExecution(moto.endpoint, 'job-1', 'dev1', 'SUCCEEDED');
  await setExecution(moto.endpoint, 'job-1', 'dev2', 'IN_PROGRESS');
  expect((await iot.send(new DescribeJobCommand({ jobId: 'job-1' }))).job?.jobProcessDetails).toMatchObject({
    numberOfSucceededThings: 1, numberOfInProgressThings: 1, numberOfQueuedThings: 2,
  });
  for (const thing of ['dev2', 'dev3', 'dev4']) {
    await setExecution(moto.endpoint, 'job-1', thing, 'SUCCEEDED');
  }
  expect((await iot.send(new DescribeJobCommand({ jobId: 'job-1' }))).job?.status).toBe('COMPLETED');
  expect(await errorOf(iot.send(new CancelJobCommand({ jobId: 'job-1' })))).toMatch(/^InvalidStateTransitionException/);
});

test('abort criteria cancel the job and its queued executions', async () => {
  await createJob({ abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 50, minNumberOfExecutedThings: 2 }] } });
  expect((await setExecution(moto.endpoint, 'job-1', 'dev1', 'FAILED')).jobStatus).toBe('IN_PROGRESS');
  expect((await setExecution(moto.endpoint, 'job-1', 'dev2', 'SUCCEEDED')).jobStatus).toBe('CANCELED');
  const { job } = await iot.send(new DescribeJobCommand({ jobId: 'job-1' }));
  expect(job).toMatchObject({ status: 'CANCELED', reasonCode: 'FAILURE_THRESHOLD', jobProcessDetails: { numberOfCanceledThings: 2 } });
});

test('CancelJob cancels queued executions, in-progress ones only with force; DeleteJob of a running job needs force', async () => {
  await createJob();
  await setExecution(moto.endpoint, 'job-1', 'dev1', 'IN_PROGRESS');
  expect(await errorOf(iot.send(new DeleteJobCommand({ jobId: 'job-1' })))).toMatch(/^InvalidStateTransitionException/);
  await iot.send(new CancelJobCommand({ jobId: 'job-1', comment: 'stop' }));
  const { job } = await iot.send(new DescribeJobCommand({ jobId: 'job-1' }));
  expect(job).toMatchObject({ status: 'CANCELED', comment: 'stop', jobProcessDetails: { numberOfCanceledThings: 3, numberOfInProgressThings: 1 } });
  await iot.send(new DeleteJobCommand({ jobId: 'job-1' }));
  expect(await errorOf(iot.send(new DescribeJobCommand({ jobId: 'job-1' })))).toMatch(/^ResourceNotFoundException/);
});

test('job tags can be changed; package tagging still works', async () => {
  const { jobArn } = await createJob();
  await iot.send(new TagResourceCommand({ resourceArn: jobArn, tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await iot.send(new UntagResourceCommand({ resourceArn: jobArn, tagKeys: ['a'] }));
  expect((await iot.send(new ListTagsForResourceCommand({ resourceArn: jobArn }))).tags).toEqual([{ Key: 'b', Value: '2' }]);
  await iot.send(new TagResourceCommand({ resourceArn: V1, tags: [{ Key: 'c', Value: '3' }] }));
  expect((await iot.send(new ListTagsForResourceCommand({ resourceArn: V1 }))).tags).toEqual([{ Key: 'c', Value: '3' }]);
});

test('the hook refuses unknown jobs and things', async () => {
  await createJob();
  await expect(setExecution(moto.endpoint, 'nope', 'dev1', 'SUCCEEDED')).rejects.toThrow(/404/);
  await expect(setExecution(moto.endpoint, 'job-1', 'ghost', 'SUCCEEDED')).rejects.toThrow(/404/);
});
