/**
 * IoT Jobs calls of the deployment resource, each within the invocation's
 * deadline (see send.ts). Job documents are sensitive: no error message or
 * log line carries one.
 */
import {
  CancelJobCommand,
  CreateJobCommand,
  CreateJobCommandInput,
  DescribeJobCommand,
  Job,
  UpdateJobCommand,
  UpdateJobCommandInput,
} from '@aws-sdk/client-iot';
import { iot } from './iot';
import { send } from './send';
import { callFailed, errorName } from '../errors';

/** CreateJob. Errors are thrown as the SDK raised them, so callers can inspect them. */
export async function createJob(input: CreateJobCommandInput): Promise<{ jobId: string; jobArn: string }> {
  const out = await send('CreateJob', (o) => iot.send(new CreateJobCommand(input), o));
  return { jobId: out.jobId ?? input.jobId!, jobArn: out.jobArn ?? '' };
}

/** DescribeJob, or undefined when there is no such job. */
export async function findJob(jobId: string): Promise<Job | undefined> {
  try {
    const out = await send('DescribeJob', (o) => iot.send(new DescribeJobCommand({ jobId }), o));
    return out.job;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') {
      return undefined;
    }
    throw callFailed('DescribeJob', `job '${jobId}'`, e);
  }
}

/**
 * UpdateJob.
 *
 * @param changed the settings it changes, for the error message
 */
export async function updateJob(input: UpdateJobCommandInput, changed: string[]): Promise<void> {
  try {
    await send('UpdateJob', (o) => iot.send(new UpdateJobCommand(input), o));
  } catch (e) {
    throw callFailed('UpdateJob', `job '${input.jobId}' (changing ${changed.join(', ')})`, e);
  }
}

/**
 * CancelJob without force: executions that have not started are cancelled,
 * those IN_PROGRESS finish (forcing would leave devices mid-update). A job
 * that is gone, or already cancelled or completed, counts as done.
 */
export async function cancelJob(jobId: string, comment: string): Promise<void> {
  try {
    await send('CancelJob', (o) => iot.send(new CancelJobCommand({ jobId, comment, force: false }), o));
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') {
      return;
    }
    const job = await findJob(jobId).catch(() => undefined);
    if (job && ['CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS'].includes(job.status ?? '')) {
      return;
    }
    throw callFailed('CancelJob', `job '${jobId}'`, e);
  }
}
