/** Update and Delete (lambda/deployment/update.ts, delete.ts). */
import {
  CancelJobCommand,
  CreateJobCommand,
  DescribeJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateJobCommand,
} from '@aws-sdk/client-iot';
import { deploymentProps, jobArnOf, jobIdOf, remove, stubOwnJob, update } from './fixtures';
import { handler } from '../../../lambda';
import { replacingHash } from '../../../lambda/deployment/properties';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { REPLACES_TAG } from '../../../src/shared/deployment-contract';
import { commandNames, inputsOf, iotMock, notFound, OTHER_RESOURCE_OWNER, OWNER, rejectionOf, stubStackStatus, stubTags, useMocks } from '../mocks';

useMocks();

const OLD = jobIdOf('old-request');
const NEW_RID = '3c1e2d4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

describe('update', () => {
  beforeEach(() => stubStackStatus('UPDATE_IN_PROGRESS'));

  test('settings IoT can change are updated in place on a running job, tags reconciled', async () => {
    stubOwnJob(OLD, { status: 'IN_PROGRESS' }, deploymentProps(), 'old-request');
    iotMock.on(UpdateJobCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    const props = deploymentProps({ Description: 'new', TimeoutConfig: { inProgressTimeoutInMinutes: '30' }, Tags: [{ Key: 'team', Value: 'edge' }] });
    const res = await handler(update(props, deploymentProps(), OLD));
    expect(res.PhysicalResourceId).toBe(OLD);
    expect(inputsOf(UpdateJobCommand)).toEqual([expect.objectContaining({ jobId: OLD, description: 'new', timeoutConfig: { inProgressTimeoutInMinutes: 30 } })]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: jobArnOf(OLD), tags: [{ Key: 'team', Value: 'edge' }] }]);
    expect(iotMock.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  test('a finished job keeps its settings', async () => {
    stubOwnJob(OLD, { status: 'COMPLETED' }, deploymentProps(), 'old-request');
    await handler(update(deploymentProps({ Description: 'new' }), deploymentProps(), OLD));
    expect(commandNames()).not.toContain('UpdateJob');
  });

  test('a removed tag is untagged, the handler\'s own never', async () => {
    stubOwnJob(OLD, {}, deploymentProps(), 'old-request');
    iotMock.on(UntagResourceCommand).resolves({});
    stubTags(jobArnOf(OLD), { [CREATION_MARKER_TAG]: `${OWNER}/old-request`, [REPLACES_TAG]: `${replacingHash(deploymentProps())}/-`, team: 'edge' });
    iotMock.on(DescribeJobCommand, { jobId: OLD }).resolves({ job: { jobId: OLD, jobArn: jobArnOf(OLD), status: 'IN_PROGRESS' } });
    await handler(update(deploymentProps(), deploymentProps({ Tags: [{ Key: 'team', Value: 'edge' }] }), OLD));
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: jobArnOf(OLD), tagKeys: ['team'] }]);
  });

  test('a change of the versions creates a new job that records the old one', async () => {
    stubOwnJob(OLD, {}, deploymentProps(), 'old-request');
    const newId = jobIdOf(NEW_RID);
    iotMock.on(CreateJobCommand).resolves({ jobId: newId, jobArn: jobArnOf(newId) });
    const props = deploymentProps({ DestinationPackageVersions: ['arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.5.0'] });
    const res = await handler(update(props, deploymentProps(), OLD, NEW_RID));
    expect(res.PhysicalResourceId).toBe(newId);
    expect(newId).not.toBe(OLD);
    expect(inputsOf(CreateJobCommand)[0].tags).toContainEqual({ Key: REPLACES_TAG, Value: expect.stringMatching(new RegExp(`/${OLD}$`)) });
    expect(commandNames()).not.toContain('CancelJob');
  });

  test('a rollback returns to the job the current one replaced', async () => {
    const current = jobIdOf(NEW_RID);
    const newProps = deploymentProps({ Document: '{"v":2}' });
    stubOwnJob(current, {}, newProps, NEW_RID, OLD);
    stubOwnJob(OLD, { status: 'COMPLETED' }, deploymentProps(), 'old-request');
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const res = await handler(update(deploymentProps(), newProps, current));
    expect(res).toEqual({ PhysicalResourceId: OLD, Data: { JobId: OLD, JobArn: jobArnOf(OLD) } });
    expect(commandNames()).not.toContain('CreateJob');
  });

  test('a new job made during a rollback is kept: it is the rollback\'s own', async () => {
    iotMock.on(DescribeJobCommand).rejects(notFound());
    const newId = jobIdOf(NEW_RID);
    iotMock.on(CreateJobCommand).resolves({ jobId: newId, jobArn: jobArnOf(newId) });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const res = await handler(update(deploymentProps(), deploymentProps(), OLD, NEW_RID));
    expect(res.PhysicalResourceId).toBe(newId);
    expect(commandNames()).not.toContain('CancelJob');
  });

  test('a new job made during a rollback is not waited for, even with WaitForRollout', async () => {
    iotMock.on(DescribeJobCommand).rejects(notFound());
    const newId = jobIdOf(NEW_RID);
    iotMock.on(CreateJobCommand).resolves({ jobId: newId, jobArn: jobArnOf(newId) });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const wait = { MinSuccessPercent: '100', TimeoutSeconds: '60', PollSeconds: '5' };
    const res = await handler(update(deploymentProps({ WaitForRollout: wait }), deploymentProps({ WaitForRollout: wait }), OLD, NEW_RID));
    expect(res.PhysicalResourceId).toBe(newId);
    // One DescribeJob: the look-up of the current job; none to poll the rollout.
    expect(commandNames().filter((c) => c === 'DescribeJob')).toHaveLength(1);
    expect(commandNames()).not.toContain('CancelJob');
  });

  test('a physical id that is no job of this resource gets a new job', async () => {
    iotMock.on(DescribeJobCommand).rejects(notFound());
    const newId = jobIdOf(NEW_RID);
    iotMock.on(CreateJobCommand).resolves({ jobId: newId, jobArn: jobArnOf(newId) });
    const res = await handler(update(deploymentProps(), deploymentProps(), 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', NEW_RID));
    expect(res.PhysicalResourceId).toBe(newId);
    expect(commandNames()).toEqual(['CreateJob']);
  });
});

describe('delete', () => {
  test('cancels a running job of this resource, without force', async () => {
    stubOwnJob(OLD);
    iotMock.on(CancelJobCommand).resolves({});
    await handler(remove(OLD, deploymentProps()));
    expect(inputsOf(CancelJobCommand)).toEqual([{ jobId: OLD, comment: 'Removed from its CloudFormation stack', force: false }]);
  });

  test('LEAVE_RUNNING leaves the job without any IoT call', async () => {
    stubStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    await handler(remove(OLD, deploymentProps({ OnRemoval: 'LEAVE_RUNNING' })));
    expect(iotMock.calls()).toHaveLength(0);
  });

  test.each(['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'])(
    'LEAVE_RUNNING in a rollback (%s) still cancels the job the failed deployment made', async (status) => {
      stubStackStatus(status);
      stubOwnJob(OLD);
      iotMock.on(CancelJobCommand).resolves({});
      await handler(remove(OLD, deploymentProps({ OnRemoval: 'LEAVE_RUNNING' })));
      expect(inputsOf(CancelJobCommand)).toEqual([{ jobId: OLD, comment: 'Removed from its CloudFormation stack', force: false }]);
    });

  test.each([
    ['another resource\'s job', () => stubOwnJob(OLD, {}, deploymentProps(), 'r', '-', `${OTHER_RESOURCE_OWNER}/r`)],
    ['a finished job', () => stubOwnJob(OLD, { status: 'CANCELED' })],
    ['a missing job', () => iotMock.on(DescribeJobCommand).rejects(notFound())],
  ])('leaves %s alone', async (_, stub) => {
    stub();
    await handler(remove(OLD, deploymentProps()));
    expect(commandNames()).not.toContain('CancelJob');
  });

  test('a physical id that is not a job id needs no call', async () => {
    await handler(remove('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', deploymentProps()));
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('a cancel IoT refuses on a running job fails the delete, naming the job', async () => {
    stubOwnJob(OLD);
    iotMock.on(CancelJobCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' }));
    const err = await rejectionOf(handler(remove(OLD, deploymentProps())));
    expect(err.message).toMatch(new RegExp(`CancelJob failed for job '${OLD}': LimitExceededException: Rate exceeded`));
  });

  test('a job that finished while being cancelled counts as cancelled', async () => {
    stubOwnJob(OLD);
    iotMock.on(DescribeJobCommand, { jobId: OLD }).resolvesOnce({ job: { jobId: OLD, jobArn: jobArnOf(OLD), status: 'IN_PROGRESS' } })
      .resolves({ job: { jobId: OLD, status: 'COMPLETED' } });
    iotMock.on(CancelJobCommand).rejects(Object.assign(new Error('Job is completed'), { name: 'InvalidStateTransitionException' }));
    await handler(remove(OLD, deploymentProps()));
  });
});
