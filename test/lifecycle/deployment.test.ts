/**
 * Lifecycle of a package deployment (Custom::IotPackageDeployment): events go
 * through the real provider framework to the real bundled handler, against
 * moto with the package-catalog and jobs extensions.
 */
import {
  AddThingToThingGroupCommand,
  CreatePackageVersionCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeJobCommand,
  Job,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { CfnResponse } from './cloudformation-simulator';
import { PACKAGE, useLifecycle } from './harness';
import { jobIdFor } from '../../lambda/deployment/job';
import { callerOf } from '../../lambda/ownership';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { DEPLOYMENT_RESOURCE_TYPE, REPLACES_TAG } from '../../src/shared/deployment-contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';
import { setExecution } from '../moto/iot-jobs';

const env = useLifecycle();
const ARN = 'arn:aws:iot:us-east-1:123456789012';
const GROUP = `${ARN}:thinggroup/fleet`;
const THINGS = ['dev1', 'dev2', 'dev3', 'dev4'];
const V140 = `${ARN}:package/${PACKAGE}/version/1.4.0`;
const V150 = `${ARN}:package/${PACKAGE}/version/1.5.0`;
const DEFAULT = `${ARN}:package/${PACKAGE}/version/$default`;
const LOGICAL_ID = 'Rollout1A2B3C4D';
const SECRET = 'job-document-secret-0123';

type Props = Record<string, unknown>;
const baseProps: Props = {
  JobIdPrefix: LOGICAL_ID,
  Targets: [GROUP],
  DestinationPackageVersions: [V140],
  Document: JSON.stringify({ operation: 'install', token: SECRET }),
  Tags: [{ Key: 'team', Value: 'edge' }],
};

beforeEach(async () => {
  await env.iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet' }));
  for (const thingName of THINGS) {
    await env.iot.send(new CreateThingCommand({ thingName }));
    await env.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'fleet', thingName }));
  }
  for (const versionName of ['1.4.0', '1.5.0']) {
    await env.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName }));
    await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName, action: 'PUBLISH' }));
  }
  await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: '1.4.0' }));
});

function send(partial: Props, stackStatus?: string): Promise<CfnResponse> {
  return env.cfn.send({ ResourceType: DEPLOYMENT_RESOURCE_TYPE, LogicalResourceId: LOGICAL_ID, RequestId: crypto.randomUUID(), ...partial },
    stackStatus ? { stackStatus } : {});
}

const create = (props: Props, requestId = crypto.randomUUID()) => send({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
const update = (id: string, props: Props, old: Props, stackStatus?: string) =>
  send({ RequestType: 'Update', PhysicalResourceId: id, ResourceProperties: props, OldResourceProperties: old }, stackStatus);
const remove = (id: string, props: Props) => send({ RequestType: 'Delete', PhysicalResourceId: id, ResourceProperties: props });

async function job(jobId: string): Promise<Job> {
  return (await env.iot.send(new DescribeJobCommand({ jobId }))).job!;
}

function jobIdOf(requestId: string): string {
  return jobIdFor(LOGICAL_ID, callerOf({ StackId: env.cfn.stackId, LogicalResourceId: LOGICAL_ID, RequestId: requestId }));
}

/** Waits until the job exists (the handler created it), then returns. */
async function jobCreated(jobId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await job(jobId).then(() => true, () => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} was never created`);
}

test('create deploys versions and $default; the job carries the marker; the document is never logged', async () => {
  const res = await create({ ...baseProps, DestinationPackageVersions: [DEFAULT, V140] });
  expect(res.Status).toBe('SUCCESS');
  const jobId = res.PhysicalResourceId;
  expect(jobId).toBe(jobIdOf(res.RequestId));
  expect(res.Data).toEqual({ JobId: jobId, JobArn: `${ARN}:job/${jobId}` });
  const live = await job(jobId);
  expect(live.destinationPackageVersions).toEqual([DEFAULT, V140]);
  expect(live.jobProcessDetails?.numberOfQueuedThings).toBe(4);
  expect(await env.tagsOf(live.jobArn!)).toEqual({
    team: 'edge', [CREATION_MARKER_TAG]: env.marker(LOGICAL_ID, res.RequestId), [REPLACES_TAG]: expect.stringMatching(/^[0-9a-f]{16}\/-$/),
  });
  // The provider framework logs each event, properties included; the handler never logs the document.
  expect(env.cfn.logs.filter((line) => !line.startsWith('[provider-framework]')).join('\n')).not.toContain(SECRET);
});

test('a DRAFT version fails the create with IoT\'s reason, and nothing is made', async () => {
  await env.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName: 'draft' }));
  const res = await create({ ...baseProps, DestinationPackageVersions: [`${ARN}:package/${PACKAGE}/version/draft`] });
  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toMatch(/CreateJob failed for job '.*' \(1 package versions, 1 targets\): InvalidRequestException: Package version firmware\/draft is DRAFT/);
});

test('a document asking for the artifact\'s presigned URL is created with the presigned-URL role', async () => {
  const roleArn = 'arn:aws:iam::123456789012:role/presign';
  const document = JSON.stringify({ url: `\${aws:iot:package:${PACKAGE}:version:1.4.0:artifact-location:s3-presigned-url}` });
  const res = await create({ ...baseProps, Document: document, PresignedUrlConfig: { roleArn, expiresInSec: '600' } });
  expect(res.Status).toBe('SUCCESS');
  expect((await job(res.PhysicalResourceId)).presignedUrlConfig).toEqual({ roleArn, expiresInSec: 600 });
});

test('a create that finishes after CloudFormation gave up cancels its job', async () => {
  const res = await send({ RequestType: 'Create', ResourceProperties: baseProps }, 'ROLLBACK_IN_PROGRESS');
  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toMatch(/stack status ROLLBACK_IN_PROGRESS\); the job is cancelled/);
  expect((await job(jobIdOf(res.RequestId))).status).toBe('CANCELED');
});

test('a retried create uses the job its first attempt made', async () => {
  const requestId = crypto.randomUUID();
  const first = await create(baseProps, requestId);
  const again = await create(baseProps, requestId);
  expect(again.Status).toBe('SUCCESS');
  expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
  const creates = (await env.moto.requests()).filter((r) => r.operation === 'CreateJob');
  expect(creates.map((r) => r.errorType)).toEqual([null, 'ResourceAlreadyExistsException']);
});

test('a settings change updates the job in place', async () => {
  const { PhysicalResourceId: jobId } = await create(baseProps);
  const props = { ...baseProps, Description: 'now with a description', TimeoutConfig: { inProgressTimeoutInMinutes: 30 }, Tags: [] };
  const res = await update(jobId, props, baseProps);
  expect(res.PhysicalResourceId).toBe(jobId);
  expect(await job(jobId)).toMatchObject({ description: 'now with a description', timeoutConfig: { inProgressTimeoutInMinutes: 30 } });
  expect(Object.keys(await env.tagsOf(`${ARN}:job/${jobId}`)).sort()).toEqual([REPLACES_TAG, CREATION_MARKER_TAG].sort());
});

test.each([
  ['CANCEL', 'CANCELED'],
  ['LEAVE_RUNNING', 'IN_PROGRESS'],
])('a version change makes a new job; OnRemoval %s leaves the old one %s after the clean-up delete', async (onRemoval, oldStatus) => {
  const props = { ...baseProps, OnRemoval: onRemoval };
  const { PhysicalResourceId: oldId } = await create(props);
  const next = { ...props, DestinationPackageVersions: [V150] };
  const res = await update(oldId, next, props);
  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).not.toBe(oldId);
  expect((await job(res.PhysicalResourceId)).destinationPackageVersions).toEqual([V150]);
  expect((await remove(oldId, props)).Status).toBe('SUCCESS');
  expect((await job(oldId)).status).toBe(oldStatus);
});

test('a rollback after a replacement returns to the old job; the clean-up cancels the new one', async () => {
  const { PhysicalResourceId: oldId } = await create(baseProps);
  const next = { ...baseProps, DestinationPackageVersions: [V150] };
  const { PhysicalResourceId: newId } = await update(oldId, next, baseProps);
  const back = await update(newId, baseProps, next, 'UPDATE_ROLLBACK_IN_PROGRESS');
  expect(back.PhysicalResourceId).toBe(oldId);
  await env.cfn.setStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  expect((await send({ RequestType: 'Delete', PhysicalResourceId: newId, ResourceProperties: next }, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')).Status).toBe('SUCCESS');
  expect((await job(newId)).status).toBe('CANCELED');
  expect((await job(oldId)).status).toBe('IN_PROGRESS');
});

test('delete cancels the job; a second delete and a job of another resource are left alone', async () => {
  const { PhysicalResourceId: jobId } = await create(baseProps);
  expect((await remove(jobId, baseProps)).Status).toBe('SUCCESS');
  expect((await job(jobId)).status).toBe('CANCELED');
  expect((await remove(jobId, baseProps)).Status).toBe('SUCCESS');

  const other = await send({ RequestType: 'Create', LogicalResourceId: 'Other', ResourceProperties: { ...baseProps, JobIdPrefix: 'Other' } });
  expect((await remove(other.PhysicalResourceId, baseProps)).Status).toBe('SUCCESS');
  expect((await job(other.PhysicalResourceId)).status).toBe('IN_PROGRESS');
});

describe('the rollout wait', () => {
  const wait = { MinSuccessPercent: '50', TimeoutSeconds: '20', PollSeconds: '1' };

  test('succeeds once half of the things succeeded', async () => {
    const requestId = crypto.randomUUID();
    const pending = create({ ...baseProps, WaitForRollout: wait }, requestId);
    const jobId = jobIdOf(requestId);
    await jobCreated(jobId);
    await setExecution(env.moto.endpoint, jobId, 'dev1', 'SUCCEEDED');
    await setExecution(env.moto.endpoint, jobId, 'dev2', 'SUCCEEDED');
    const res = await pending;
    expect(res.Status).toBe('SUCCESS');
    expect((await job(jobId)).status).toBe('IN_PROGRESS');
  });

  test('fails and cancels the job when time runs out', async () => {
    const res = await create({ ...baseProps, WaitForRollout: { ...wait, TimeoutSeconds: '2' } });
    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/Rollout wait failed: time ran out for job '.*' with 0 of 4 targeted things succeeded/);
    const jobId = jobIdOf(res.RequestId);
    expect((await job(jobId)).status).toBe('CANCELED');
  });

  test('fails when the abort criteria cancel the job', async () => {
    const requestId = crypto.randomUUID();
    const pending = create({
      ...baseProps,
      WaitForRollout: wait,
      AbortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: '50', minNumberOfExecutedThings: '2' }] },
    }, requestId);
    const jobId = jobIdOf(requestId);
    await jobCreated(jobId);
    await setExecution(env.moto.endpoint, jobId, 'dev1', 'FAILED');
    await setExecution(env.moto.endpoint, jobId, 'dev2', 'FAILED');
    const res = await pending;
    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/Rollout wait failed: job '.*' was cancelled \(FAILURE_THRESHOLD\)/);
    expect((await job(jobId)).status).toBe('CANCELED');
  });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: 'LifecycleStack' });
