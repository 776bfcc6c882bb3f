/**
 * Create: a new job for the request (idempotent on retries), then the
 * optional rollout wait; a job whose stack stopped deploying meanwhile is
 * cancelled (confirm.ts).
 */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { confirmStillDeploying } from './confirm';
import { createOwnJob } from './job';
import { readDeployment } from './properties';
import { respondJob } from './respond';
import { waitForRollout } from './wait';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDeployment(event.ResourceProperties);
  const job = await createOwnJob(desired, callerOf(event));
  if (desired.wait) {
    await waitForRollout(job.jobId, desired.wait);
  }
  await confirmStillDeploying(event.StackId, job.jobId, false);
  return respondJob(job);
}
