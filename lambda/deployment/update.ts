/**
 * Update.
 *
 * - A change of what IoT cannot change on a job (versions, targets,
 *   document, target selection) creates a new job with a new id; the new
 *   physical id makes CloudFormation delete the old resource afterwards,
 *   and that Delete cancels or leaves the old job (OnRemoval). The new job
 *   records the old one (REPLACES_TAG): when the stack rolls back, the
 *   Update back to the old properties returns the old job instead of
 *   creating a third, and the new one is deleted in the clean-up.
 * - Otherwise the job is changed in place: UpdateJob for description,
 *   rollout, abort, timeout, retry and presigned-URL settings while it is
 *   still running (a finished job keeps what it ran with), and its tags.
 * - A physical id that is not one of our jobs (a lost create response, a
 *   job deleted outside CloudFormation) gets a new job.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { confirmStillDeploying } from './confirm';
import { cancelIfMadeBy, createOwnJob, OwnJob, readJob } from './job';
import { changedJobSettings, DesiredDeployment, readDeployment } from './properties';
import { respondJob } from './respond';
import { waitForRollout } from './wait';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { JOB_ID_PATTERN, REPLACES_TAG } from '../../src/shared/deployment-contract';
import { readStackStatus } from '../aws/cloudformation';
import { listTags, tagResource, untagResource } from '../aws/iot';
import { updateJob } from '../aws/jobs';
import { log } from '../log';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';
import { isRollback } from '../stack-status';

const RUNNING = new Set(['IN_PROGRESS', 'SCHEDULED']);

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDeployment(event.ResourceProperties);
  const caller = callerOf(event);
  const jobId = event.PhysicalResourceId;
  const current = JOB_ID_PATTERN.test(jobId) ? await readJob(jobId) : undefined;
  if (!current || current.owner !== caller.owner) {
    log('the physical id names no job of this resource: creating a new job', { jobId });
    return created(event, desired, await createOwnJob(desired, caller));
  }
  if (current.replacingHash !== desired.replacingHash) {
    if (current.replaced && isRollback(await readStackStatus(event.StackId))) {
      const previous = await readJob(current.replaced);
      if (previous && previous.owner === caller.owner && previous.replacingHash === desired.replacingHash) {
        log('rollback: returning to the job this one replaced', { jobId: previous.job.jobId });
        return respondJob({ jobId: previous.job.jobId!, jobArn: previous.job.jobArn! });
      }
    }
    log('versions, targets, document or target selection changed: creating a new job', { replacing: jobId });
    return created(event, desired, await createOwnJob(desired, caller, jobId));
  }

  const job: OwnJob = { jobId, jobArn: current.job.jobArn! };
  const changed = changedJobSettings(event.ResourceProperties, event.OldResourceProperties);
  if (changed.length > 0) {
    if (RUNNING.has(current.job.status ?? '')) {
      await updateJob({
        jobId,
        description: desired.description,
        presignedUrlConfig: desired.presignedUrlConfig,
        jobExecutionsRolloutConfig: desired.jobExecutionsRolloutConfig,
        abortConfig: desired.abortConfig as never,
        timeoutConfig: desired.timeoutConfig,
        jobExecutionsRetryConfig: desired.jobExecutionsRetryConfig as never,
      }, changed);
      log('job updated', { jobId, changed });
    } else {
      log('job is no longer running: its settings stay as they were', { jobId, status: current.job.status, changed });
    }
  }
  await reconcileTags(job.jobArn, desired.tags);
  return respondJob(job);
}

async function created(event: CloudFormationCustomResourceUpdateEvent, desired: DesiredDeployment, job: OwnJob): Promise<HandlerResponse> {
  try {
    // A rollback must finish: it does not wait for (or fail on) the rollout it restores.
    if (desired.wait && !isRollback(await readStackStatus(event.StackId))) {
      await waitForRollout(job.jobId, desired.wait);
    }
    await confirmStillDeploying(event.StackId, job.jobId, true);
  } catch (e) {
    // A failed Update keeps its old physical id: nothing would ever cancel the new job.
    await cancelIfMadeBy(job.jobId, callerOf(event), 'its deployment failed');
    throw e;
  }
  return respondJob(job);
}

/** Sets the user's tags; never removes the handler's own. */
async function reconcileTags(jobArn: string, desired: Record<string, string>): Promise<void> {
  const live = await listTags(jobArn);
  const reserved = new Set([CREATION_MARKER_TAG, REPLACES_TAG]);
  const toRemove = Object.keys(live).filter((k) => !reserved.has(k) && !(k in desired));
  const toSet = Object.fromEntries(Object.entries(desired).filter(([k, v]) => live[k] !== v));
  if (toRemove.length > 0) {
    await untagResource(jobArn, toRemove);
  }
  if (Object.keys(toSet).length > 0) {
    await tagResource(jobArn, toSet);
  }
}
