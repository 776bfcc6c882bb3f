/**
 * The handler's one CloudFormation call: the status of its own stack.
 *
 * Custom-resource events carry no rollback flag: a rollback's Update looks
 * exactly like a user's. The stack's status tells them apart. It is read
 * only where the answer changes what the handler does (see
 * ../stack-status.ts), within the invocation's deadline, with the SDK's
 * retries; a status that cannot be read fails the request: a rollback is
 * never assumed.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { clientConfig, recordRetries, send, waitOutThrottling } from './send';
import { callFailed } from '../errors';
import { log } from '../log';

export const cloudFormation = waitOutThrottling(recordRetries(new CloudFormationClient(clientConfig())));

/** The current status of the stack `stackId`, e.g. 'UPDATE_ROLLBACK_IN_PROGRESS'. */
export async function readStackStatus(stackId: string): Promise<string> {
  let status: string | undefined;
  try {
    const out = await send('DescribeStacks', (o) => cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }), o));
    status = out.Stacks?.[0]?.StackStatus;
  } catch (e) {
    throw callFailed('DescribeStacks', `this resource's stack '${stackId}' (read to tell a rollback from a deployment)`, e);
  }
  if (!status) {
    throw new Error(`DescribeStacks returned no status for this resource's stack '${stackId}', so whether it is rolling back cannot be told`);
  }
  log('stack status', { status });
  return status;
}
