/**
 * Creating the deployment's job, idempotently, and telling our jobs from
 * anyone else's.
 *
 * - Job id: the construct's prefix (the logical id), '-', and 16 hex digits
 *   of a hash of the resource (stack and logical id) and the request. A
 *   retried request gets the same id; every other request a new one, so a
 *   replacement never collides with the job it replaces.
 * - Every job gets the creation marker (../ownership.ts) and REPLACES_TAG
 *   (`<hash of the replacing properties>/<job it replaced or ->`).
 *   A retried CreateJob that finds its id taken checks the marker: the same
 *   request's job is used, anything else fails. Delete and update touch only
 *   jobs whose marker names this resource.
 */
import { createHash } from 'crypto';
import { Job } from '@aws-sdk/client-iot';
import { DesiredDeployment } from './properties';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { REPLACES_TAG } from '../../src/shared/deployment-contract';
import { listTags } from '../aws/iot';
import { cancelJob, createJob, findJob } from '../aws/jobs';
import { inCleanup } from '../deadline';
import { callFailed, errorName } from '../errors';
import { log } from '../log';
import { Caller, markerValue, parseMarker } from '../ownership';
import { retryWhileAccessDenied } from '../version/create';

/** The id of the job `caller` creates. */
export function jobIdFor(prefix: string, caller: Caller): string {
  return `${prefix}-${createHash('sha256').update(`${caller.owner}|${caller.requestId}`).digest('hex').slice(0, 16)}`;
}

/** What the handler knows of one of its jobs. */
export interface OwnJob {
  readonly jobId: string;
  readonly jobArn: string;
}

/** A live job with what its tags say. */
export interface JobWithTags {
  readonly job: Job;
  readonly owner?: string;
  readonly requestId?: string;
  /** The replacing-properties hash the job was created for. */
  readonly replacingHash?: string;
  /** The job it replaced, if any. */
  readonly replaced?: string;
}

/** DescribeJob and the job's tags; undefined when there is no such job. */
export async function readJob(jobId: string): Promise<JobWithTags | undefined> {
  const job = await findJob(jobId);
  if (!job?.jobArn) {
    return undefined;
  }
  const tags = await listTags(job.jobArn);
  const marker = parseMarker(tags[CREATION_MARKER_TAG]);
  const [replacingHash, replaced] = (tags[REPLACES_TAG] ?? '').split('/');
  return {
    job,
    owner: marker?.owner,
    requestId: marker?.requestId,
    replacingHash: replacingHash || undefined,
    replaced: replaced && replaced !== '-' ? replaced : undefined,
  };
}

/**
 * Creates the job of `caller`'s request, or finds the one an earlier
 * attempt of the same request created.
 *
 * @param replaced the job this one replaces, if any
 */
export async function createOwnJob(desired: DesiredDeployment, caller: Caller, replaced?: string): Promise<OwnJob> {
  const jobId = jobIdFor(desired.jobIdPrefix, caller);
  const tags = {
    ...desired.tags,
    [CREATION_MARKER_TAG]: markerValue(caller),
    [REPLACES_TAG]: `${desired.replacingHash}/${replaced ?? '-'}`,
  };
  try {
    const out = await retryWhileAccessDenied(() => createJob({
      jobId,
      targets: desired.targets,
      document: desired.document,
      description: desired.description,
      targetSelection: desired.targetSelection as 'SNAPSHOT' | 'CONTINUOUS' | undefined,
      presignedUrlConfig: desired.presignedUrlConfig,
      jobExecutionsRolloutConfig: desired.jobExecutionsRolloutConfig,
      abortConfig: desired.abortConfig as never,
      timeoutConfig: desired.timeoutConfig,
      jobExecutionsRetryConfig: desired.jobExecutionsRetryConfig as never,
      destinationPackageVersions: desired.destinationPackageVersions,
      tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }));
    log('job created', { jobId, versions: desired.destinationPackageVersions.length, targets: desired.targets.length });
    return { jobId, jobArn: out.jobArn };
  } catch (e) {
    if (errorName(e) !== 'ResourceAlreadyExistsException') {
      const failure = callFailed('CreateJob', `job '${jobId}' (${desired.destinationPackageVersions.length} package versions, ${desired.targets.length} targets)`, e);
      // Unanswered (the deadline, a server error, a lost connection), the
      // call may still have made the job, which CloudFormation would then
      // never learn of: cancel it if this request made it.
      await cancelIfMadeBy(jobId, caller, 'its CreateJob failed');
      throw failure;
    }
    const existing = await readJob(jobId);
    if (existing?.owner === caller.owner && existing.requestId === caller.requestId) {
      log('job already created by an earlier attempt of this request: using it', { jobId });
      return { jobId, jobArn: existing.job.jobArn! };
    }
    throw new Error(`CreateJob failed for job '${jobId}': a job with this id exists and was not created by this request; ` +
      'it is left alone. Retry the deployment (a new request gets a new job id).');
  }
}

/** Job states that need no cancel. */
export const FINISHED = new Set(['CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS']);

/**
 * After a request that made (or may have made) a job fails: cancel the job
 * if it exists and this very request made it, in the cleanup reserve, so no
 * rollout goes on that CloudFormation does not know of. Never throws: the
 * request's own failure is what CloudFormation must see; a cancel that fails
 * is logged.
 */
export async function cancelIfMadeBy(jobId: string, caller: Caller, why: string): Promise<void> {
  try {
    await inCleanup(async () => {
      const job = await readJob(jobId);
      if (!job || job.owner !== caller.owner || job.requestId !== caller.requestId || FINISHED.has(job.job.status ?? '')) {
        return;
      }
      await cancelJob(jobId, `Cancelled by its CloudFormation resource: ${why}`);
      log('the request failed after its job was made: the job is cancelled', { jobId });
    });
  } catch (e) {
    log('the request failed after its job may have been made, and the job could not be checked or cancelled', {
      jobId, error: errorName(e),
    });
  }
}
