/** Create (lambda/deployment/create.ts, job.ts, wait.ts). */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CancelJobCommand, CreateJobCommand, DescribeJobCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-iot';
import { create, deploymentProps, DOCUMENT, GROUP, jobArnOf, jobIdOf, PREFIX, stubOwnJob, VERSION } from './fixtures';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { REPLACES_TAG } from '../../../src/shared/deployment-contract';
import { cfnMock, inputsOf, iotMock, logged, notFound, OTHER_RESOURCE_OWNER, ownMarker, rejectionOf, stubStackStatus, useMocks } from '../mocks';

useMocks();
beforeEach(() => stubStackStatus('CREATE_IN_PROGRESS'));

const RID = '0b6f9d2e-1c3a-4b5d-8e7f-a1b2c3d4e5f6';
const exists = () => new ResourceAlreadyExistsException({ message: 'Job exists', resourceId: 'x', resourceArn: 'y', $metadata: {} });

test('creates the job with the versions, targets, settings and marker tags, and returns its id and ARN', async () => {
  const jobId = jobIdOf(RID);
  iotMock.on(CreateJobCommand).resolves({ jobId, jobArn: jobArnOf(jobId) });
  const res = await handler(create(deploymentProps({
    Description: 'Rollout',
    TargetSelection: 'CONTINUOUS',
    AbortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: '10.5', minNumberOfExecutedThings: '5' }] },
    TimeoutConfig: { inProgressTimeoutInMinutes: '60' },
    PresignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/1234', expiresInSec: '600' },
    Tags: [{ Key: 'team', Value: 'edge' }],
  }), RID));

  expect(jobId).toMatch(new RegExp(`^${PREFIX}-[0-9a-f]{16}$`));
  expect(res).toEqual({ PhysicalResourceId: jobId, Data: { JobId: jobId, JobArn: jobArnOf(jobId) } });
  const [input] = inputsOf(CreateJobCommand);
  expect(input).toMatchObject({
    jobId,
    targets: [GROUP],
    destinationPackageVersions: [VERSION],
    document: DOCUMENT,
    description: 'Rollout',
    targetSelection: 'CONTINUOUS',
    abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 10.5, minNumberOfExecutedThings: 5 }] },
    timeoutConfig: { inProgressTimeoutInMinutes: 60 },
    presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/1234', expiresInSec: 600 },
  });
  expect(input.tags).toEqual([
    { Key: 'team', Value: 'edge' },
    { Key: CREATION_MARKER_TAG, Value: ownMarker(RID) },
    { Key: REPLACES_TAG, Value: expect.stringMatching(/^[0-9a-f]{16}\/-$/) },
  ]);
  expect(logged()).not.toContain('do-not-log-this-document');
});

test('a retried create finds the job its earlier attempt created', async () => {
  const jobId = jobIdOf(RID);
  iotMock.on(CreateJobCommand).rejects(exists());
  stubOwnJob(jobId, {}, deploymentProps(), RID);
  const res = await handler(create(deploymentProps(), RID));
  expect(res.PhysicalResourceId).toBe(jobId);
});

test.each([
  ['another request of this resource', ownMarker('another-request')],
  ['another resource', `${OTHER_RESOURCE_OWNER}/${RID}`],
])('a job id taken by %s fails the create and is left alone', async (_, marker) => {
  const jobId = jobIdOf(RID);
  iotMock.on(CreateJobCommand).rejects(exists());
  stubOwnJob(jobId, {}, deploymentProps(), RID, '-', marker);
  const err = await rejectionOf(handler(create(deploymentProps(), RID)));
  expect(err.message).toMatch(/a job with this id exists and was not created by this request; it is left alone/);
  expect(iotMock.commandCalls(CancelJobCommand)).toHaveLength(0);
});

test('a job made after CloudFormation gave up on the stack is cancelled, and the create fails', async () => {
  const jobId = jobIdOf(RID);
  iotMock.on(CreateJobCommand).resolves({ jobId, jobArn: jobArnOf(jobId) });
  iotMock.on(CancelJobCommand).resolves({});
  stubStackStatus('ROLLBACK_IN_PROGRESS');
  const err = await rejectionOf(handler(create(deploymentProps(), RID)));
  expect(err.message).toMatch(/CloudFormation stopped deploying this resource while job '.*' was being created \(stack status ROLLBACK_IN_PROGRESS\); the job is cancelled/);
  expect(inputsOf(CancelJobCommand)).toEqual([expect.objectContaining({ jobId, force: false })]);
});

test('invalid properties fail before any call, without quoting the document', async () => {
  const err = await rejectionOf(handler(create(deploymentProps({
    JobIdPrefix: 'bad prefix',
    Targets: ['arn:aws:iot:eu-west-1:123456789012:job/x'],
    DestinationPackageVersions: [],
    Document: 'not json secret',
    OnRemoval: 'KEEP',
    TargetSelection: 'SOMETIMES',
    Tags: [{ Key: 'cdk-iot-package-catalog:x', Value: '' }],
    WaitForRollout: { MinSuccessPercent: '0' },
  }), RID)));
  expect(err.message).toMatch(/JobIdPrefix[\s\S]*Targets: 'arn:aws:iot:eu-west-1:123456789012:job\/x'[\s\S]*DestinationPackageVersions[\s\S]*Document: must be a JSON object[\s\S]*TargetSelection[\s\S]*OnRemoval[\s\S]*reserved[\s\S]*MinSuccessPercent/);
  expect(err.message).not.toContain('secret');
  expect(iotMock.calls()).toHaveLength(0);
});

test('more than 100 targets fail before any call', async () => {
  const targets = Array.from({ length: 101 }, (_, i) => `arn:aws:iot:eu-west-1:123456789012:thing/t${i}`);
  const err = await rejectionOf(handler(create(deploymentProps({ Targets: targets }), RID)));
  expect(err.message).toMatch(/Targets: must list 1-100 thing or thing-group ARNs/);
  expect(iotMock.calls()).toHaveLength(0);
});

test('IoT\'s error names the operation and the job, not the document', async () => {
  iotMock.on(CreateJobCommand).rejects(Object.assign(new Error('Package version is in DRAFT'), { name: 'InvalidRequestException' }));
  const err = await rejectionOf(handler(create(deploymentProps(), RID)));
  expect(err.message).toMatch(/CreateJob failed for job 'Rollout1A2B3C4D-[0-9a-f]{16}' \(1 package versions, 1 targets\): InvalidRequestException: Package version is in DRAFT/);
});

describe('a job made by a create that fails is cancelled (CloudFormation never learns its id)', () => {
  test('CreateJob unanswered (a server error) but the job made: cancelled, and the create fails with CreateJob\'s error', async () => {
    const jobId = jobIdOf(RID);
    iotMock.on(CreateJobCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalFailureException', $metadata: { httpStatusCode: 500 } }));
    stubOwnJob(jobId, {}, deploymentProps(), RID);
    iotMock.on(CancelJobCommand).resolves({});

    const err = await rejectionOf(handler(create(deploymentProps(), RID)));

    expect(err.message).toMatch(/^CreateJob failed for job '.*' \(1 package versions, 1 targets\): InternalFailureException: internal/);
    expect(inputsOf(CancelJobCommand)).toEqual([{ jobId, comment: expect.stringMatching(/its CreateJob failed/), force: false }]);
  });

  test('a job of another request with that id is never cancelled', async () => {
    const jobId = jobIdOf(RID);
    iotMock.on(CreateJobCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalFailureException', $metadata: { httpStatusCode: 500 } }));
    stubOwnJob(jobId, {}, deploymentProps(), RID, '-', ownMarker('another-request'));

    await rejectionOf(handler(create(deploymentProps(), RID)));

    expect(iotMock.commandCalls(CancelJobCommand)).toHaveLength(0);
  });

  test('the stack status cannot be read after the job was made: cancelled, and the create fails', async () => {
    const jobId = jobIdOf(RID);
    iotMock.on(CreateJobCommand).resolves({ jobId, jobArn: jobArnOf(jobId) });
    stubOwnJob(jobId, {}, deploymentProps(), RID);
    iotMock.on(CancelJobCommand).resolves({});
    cfnMock.on(DescribeStacksCommand).rejects(Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' }));

    await rejectionOf(handler(create(deploymentProps(), RID)));

    expect(inputsOf(CancelJobCommand)).toEqual([{ jobId, comment: expect.stringMatching(/its deployment failed/), force: false }]);
  });
});

describe('the rollout wait', () => {
  const wait = { MinSuccessPercent: '50', TimeoutSeconds: '2', PollSeconds: '1' };
  const details = (succeeded: number, queued: number) => ({ numberOfSucceededThings: succeeded, numberOfQueuedThings: queued });

  beforeEach(() => {
    const jobId = jobIdOf(RID);
    iotMock.on(CreateJobCommand).resolves({ jobId, jobArn: jobArnOf(jobId) });
    iotMock.on(CancelJobCommand).resolves({});
  });

  test('succeeds once enough things succeeded', async () => {
    iotMock.on(DescribeJobCommand).resolvesOnce({ job: { status: 'IN_PROGRESS', jobProcessDetails: details(0, 2) } })
      .resolves({ job: { status: 'IN_PROGRESS', jobProcessDetails: details(1, 1) } });
    await handler(create(deploymentProps({ WaitForRollout: wait }), RID));
    expect(iotMock.commandCalls(DescribeJobCommand)).toHaveLength(2);
    expect(iotMock.commandCalls(CancelJobCommand)).toHaveLength(0);
  });

  test('fails when the job disappears while waiting', async () => {
    iotMock.on(DescribeJobCommand).rejects(notFound());
    const err = await rejectionOf(handler(create(deploymentProps({ WaitForRollout: wait }), RID)));
    expect(err.message).toMatch(/Rollout wait failed: job '.*' no longer exists/);
  });

  test.each([
    ['cancelled (abort criteria)', { status: 'CANCELED', reasonCode: 'FAILURE_THRESHOLD', jobProcessDetails: details(0, 0) }, /was cancelled \(FAILURE_THRESHOLD\)/],
    ['completed below the threshold', { status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 1, numberOfFailedThings: 3 } }, /completed with 1 of 4 targeted things succeeded \(25.0%, 50% required\)/],
    ['still short when time runs out', { status: 'IN_PROGRESS', jobProcessDetails: details(0, 4) }, /time ran out for job .* with 0 of 4/],
  ])('fails and cancels the job when %s', async (_, job, message) => {
    iotMock.on(DescribeJobCommand).resolves({ job: job as never });
    const err = await rejectionOf(handler(create(deploymentProps({ WaitForRollout: wait }), RID)));
    expect(err.message).toMatch(message);
    expect(inputsOf(CancelJobCommand)).toEqual([{ jobId: jobIdOf(RID), comment: expect.stringMatching(/rollout wait/), force: false }]);
  });
});
