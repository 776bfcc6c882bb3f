/**
 * Delete: cancels the job (OnRemoval CANCEL, the default) or leaves it
 * running (LEAVE_RUNNING, except in a rollback: the job is then the failed
 * deployment's, and no rollout may outlive it). Only a job whose creation marker names this
 * resource is ever cancelled; a finished or missing job needs nothing.
 * Also the Delete of a job replaced by an update, in CloudFormation's
 * clean-up phase.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { FINISHED, readJob } from './job';
import { onRemovalOf } from './properties';
import { JOB_ID_PATTERN } from '../../src/shared/deployment-contract';
import { readStackStatus } from '../aws/cloudformation';
import { cancelJob } from '../aws/jobs';
import { log } from '../log';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';
import { isRollback } from '../stack-status';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const jobId = event.PhysicalResourceId;
  const done = { PhysicalResourceId: jobId };
  if (!JOB_ID_PATTERN.test(jobId)) {
    log('physical id is not a job id (a create that failed): nothing to cancel');
    return done;
  }
  const onRemoval = onRemovalOf(event.ResourceProperties);
  if (onRemoval === 'LEAVE_RUNNING') {
    if (!isRollback(await readStackStatus(event.StackId))) {
      log('OnRemoval is LEAVE_RUNNING: the job stays', { jobId });
      return done;
    }
    // A rollback deletes what the failed deployment made: no rollout of it
    // may go on after the stack rolled back.
    log('rollback: the job the failed deployment made is cancelled, LEAVE_RUNNING notwithstanding', { jobId });
  }
  const job = await readJob(jobId);
  if (!job) {
    log('job does not exist: nothing to cancel', { jobId });
    return done;
  }
  if (job.owner !== callerOf(event).owner) {
    log('job was not created by this resource: not cancelling it', { jobId });
    return done;
  }
  if (FINISHED.has(job.job.status ?? '')) {
    log('job already finished: nothing to cancel', { jobId, status: job.job.status });
    return done;
  }
  await cancelJob(jobId, 'Removed from its CloudFormation stack');
  log('job cancelled', { jobId });
  return done;
}
