/**
 * Create: a new job for the request (idempotent on retries), then the
 * optional rollout wait.
 */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
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
  return respondJob(job);
}
