/**
 * The opt-in wait for a rollout: until the share of targeted things whose
 * execution SUCCEEDED reaches the threshold. It fails when the job is
 * cancelled (its abort criteria tripped, or someone cancelled it), when it
 * completed below the threshold, or when the wait's time runs out; a failed
 * wait cancels the job (in the cleanup reserve of the deadline), so that no
 * rollout goes on after its stack rolled back.
 *
 * Time: at most the wait's timeout, and never past the forward deadline
 * (the handler's timeout, 5 minutes by default, less the cleanup reserve).
 */
import { JobProcessDetails } from '@aws-sdk/client-iot';
import { RolloutWait } from './properties';
import { cancelJob, findJob } from '../aws/jobs';
import { inCleanup, now, sleep, timeLeft } from '../deadline';
import { log } from '../log';

/** Succeeded and targeted things of a job. */
export function progressOf(details: JobProcessDetails | undefined): { succeeded: number; targeted: number } {
  const d = details ?? {};
  const succeeded = d.numberOfSucceededThings ?? 0;
  const targeted = succeeded + (d.numberOfQueuedThings ?? 0) + (d.numberOfInProgressThings ?? 0) + (d.numberOfFailedThings ?? 0) +
    (d.numberOfRejectedThings ?? 0) + (d.numberOfCanceledThings ?? 0) + (d.numberOfTimedOutThings ?? 0) + (d.numberOfRemovedThings ?? 0);
  return { succeeded, targeted };
}

/** Waits for the rollout; on failure cancels the job and throws. */
export async function waitForRollout(jobId: string, wait: RolloutWait): Promise<void> {
  try {
    await poll(jobId, wait);
  } catch (e) {
    await inCleanup(() => cancelJob(jobId, 'The CloudFormation deployment that created this job failed its rollout wait')).then(
      () => log('rollout wait failed: job cancelled', { jobId }),
      (cancelError) => log('rollout wait failed, and cancelling the job failed too', { jobId, error: (cancelError as Error).message }),
    );
    throw e;
  }
}

async function poll(jobId: string, wait: RolloutWait): Promise<void> {
  const until = now() + wait.timeoutMs;
  for (;;) {
    const job = await findJob(jobId);
    if (!job) {
      throw new Error(`Rollout wait failed: job '${jobId}' no longer exists`);
    }
    const { succeeded, targeted } = progressOf(job.jobProcessDetails);
    const percent = targeted > 0 ? succeeded * 100 / targeted : 0;
    const summary = `${succeeded} of ${targeted} targeted things succeeded (${percent.toFixed(1)}%, ${wait.minSuccessPercent}% required)`;
    if (targeted > 0 && percent >= wait.minSuccessPercent) {
      log('rollout wait succeeded', { jobId, succeeded, targeted });
      return;
    }
    if (job.status === 'CANCELED' || job.status === 'DELETION_IN_PROGRESS') {
      throw new Error(`Rollout wait failed: job '${jobId}' was cancelled${job.reasonCode ? ` (${job.reasonCode})` : ''}, ` +
        `e.g. by its abort criteria; ${summary}`);
    }
    if (job.status === 'COMPLETED') {
      throw new Error(`Rollout wait failed: job '${jobId}' completed with ${summary}`);
    }
    const left = Math.min(until - now(), timeLeft());
    if (left < wait.pollMs) {
      throw new Error(`Rollout wait failed: time ran out for job '${jobId}' with ${summary}. ` +
        'The wait lasts at most its timeout and the handler\'s timeout less a reserve for cleanup; the job is cancelled');
    }
    log('waiting for the rollout', { jobId, succeeded, targeted, status: job.status });
    await sleep(wait.pollMs);
  }
}
