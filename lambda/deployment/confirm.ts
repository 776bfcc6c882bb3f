/**
 * After a new job, and its wait: CloudFormation may have given up on this
 * request while it ran (a sibling failed, or the stack is being deleted) and
 * then never learns the job's id, so no Delete would ever cancel it. If so,
 * cancel it (in the cleanup reserve) and fail.
 */
import { readStackStatus } from '../aws/cloudformation';
import { cancelJob } from '../aws/jobs';
import { inCleanup } from '../deadline';
import { log } from '../log';
import { isDeploying, isRollback } from '../stack-status';

/**
 * @param allowRollback an Update may create a job during a rollback (the
 * rollback's own job); a Create only while the stack is deploying
 */
export async function confirmStillDeploying(stackId: string, jobId: string, allowRollback: boolean): Promise<void> {
  const status = await readStackStatus(stackId);
  if (isDeploying(status) || (allowRollback && isRollback(status))) {
    return;
  }
  await inCleanup(() => cancelJob(jobId, 'CloudFormation stopped deploying the stack that created this job')).then(
    () => log('stack no longer deploying: the new job was cancelled', { jobId, status }),
    (e) => log('stack no longer deploying, and cancelling the new job failed', { jobId, status, error: (e as Error).message }),
  );
  throw new Error(`CloudFormation stopped deploying this resource while job '${jobId}' was being created (stack status ${status}); the job is cancelled`);
}
