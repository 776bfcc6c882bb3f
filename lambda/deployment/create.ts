/**
 * Create: a new job for the request (idempotent on retries), then the
 * optional rollout wait; a job whose stack stopped deploying meanwhile is
 * cancelled (confirm.ts).
 */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { confirmStillDeploying } from './confirm';
import { cancelIfMadeBy, createOwnJob } from './job';
import { readDeployment } from './properties';
import { respondJob } from './respond';
import { waitForRollout } from './wait';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDeployment(event.ResourceProperties);
  const caller = callerOf(event);
  const job = await createOwnJob(desired, caller);
  try {
    if (desired.wait) {
      await waitForRollout(job.jobId, desired.wait);
    }
    await confirmStillDeploying(event.StackId, job.jobId, false);
  } catch (e) {
    // CloudFormation gets no job id from a failed Create: nothing would ever cancel it.
    await cancelIfMadeBy(job.jobId, caller, 'its deployment failed');
    throw e;
  }
  return respondJob(job);
}
