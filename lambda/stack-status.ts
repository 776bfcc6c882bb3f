/**
 * What a stack's status means for a request in flight.
 *
 * - During a rollback (Updates arrive under UPDATE_ROLLBACK_IN_PROGRESS;
 *   Deletes under ROLLBACK_IN_PROGRESS and
 *   UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS), the handler never fails
 *   for something IoT cannot undo: a failure there leaves the stack
 *   UPDATE_ROLLBACK_FAILED or ROLLBACK_FAILED.
 * - A create may go on only while the stack is still deploying; any other
 *   status means CloudFormation gave up on it (a sibling failed, or the
 *   stack is being deleted) and will never learn what it made.
 */
import { readStackStatus } from './aws/cloudformation';
import { log } from './log';

const ROLLBACK = new Set([
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_ROLLBACK_IN_PROGRESS',
]);

const DEPLOYING = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);

/** Whether `status` is a rollback. */
export function isRollback(status: string): boolean {
  return ROLLBACK.has(status);
}

/** Whether a resource being created under `status` may go on. */
export function isDeploying(status: string): boolean {
  return DEPLOYING.has(status);
}

/**
 * For a request the handler would refuse: returns (after logging) when the
 * stack is rolling back, so the rollback can go on; throws `refusal`
 * otherwise.
 */
export async function refuseUnlessRollingBack(stackId: string, refusal: string): Promise<void> {
  const status = await readStackStatus(stackId);
  if (!isRollback(status)) {
    throw new Error(refusal);
  }
  log('rollback: not failing it for what IoT cannot undo; the version stays as it is', { status, wouldHaveFailedWith: refusal });
}
