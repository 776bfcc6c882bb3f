/**
 * What the stack's status means (lambda/stack-status.ts), and how the
 * handler reads it (lambda/aws/cloudformation.ts).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OTHER_STACK_ID, STACK_ID } from './events';
import { cfnMock, describedStacks, iotMock, notices, rejectionOf, ROLLBACK_STATUSES, stubStackStatus, throttled, useMocks } from './mocks';
import { readStackStatus } from '../../lambda/aws/cloudformation';
import { isDeploying, isRollback, refuseUnlessRollingBack } from '../../lambda/stack-status';

useMocks();

const OTHERS = [
  'CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'CREATE_FAILED',
  'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE', 'UPDATE_FAILED',
  'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED',
  'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS',
];

describe('isRollback', () => {
  test.each(ROLLBACK_STATUSES)('%s is a rollback', (status) => {
    expect(isRollback(status)).toBe(true);
  });

  test.each(OTHERS)('%s is not', (status) => {
    expect(isRollback(status)).toBe(false);
  });

  test('the match is exact', () => {
    expect(isRollback('rollback_in_progress')).toBe(false);
    expect(isRollback('')).toBe(false);
  });
});

describe('isDeploying', () => {
  test.each(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS'])('a create may go on under %s', (status) => {
    expect(isDeploying(status)).toBe(true);
  });

  test.each([...ROLLBACK_STATUSES, ...OTHERS.filter((s) => !['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS'].includes(s))])(
    'not under %s', (status) => {
      expect(isDeploying(status)).toBe(false);
    },
  );
});

describe('readStackStatus', () => {
  test('asks DescribeStacks about the stack id, and logs the status', async () => {
    stubStackStatus('UPDATE_IN_PROGRESS', OTHER_STACK_ID);

    await expect(readStackStatus(OTHER_STACK_ID)).resolves.toBe('UPDATE_IN_PROGRESS');
    expect(describedStacks()).toEqual([OTHER_STACK_ID]);
    expect(notices('stack status')).toEqual([{ notice: 'stack status', status: 'UPDATE_IN_PROGRESS' }]);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('a failed call names the stack and why it was read', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(readStackStatus(STACK_ID)).rejects.toThrow(
      `DescribeStacks failed for this resource's stack '${STACK_ID}' (read to tell a rollback from a deployment): ThrottlingException: Rate exceeded`,
    );
  });

  test.each<[string, object]>([
    ['no stacks', { Stacks: [] }],
    ['no Stacks at all', {}],
    ['a stack without a status', { Stacks: [{ StackName: 'FirmwareStack', CreationTime: new Date(0) }] }],
  ])('an answer with %s is an error: a status is never guessed', async (_label, answer) => {
    cfnMock.on(DescribeStacksCommand).resolves(answer);

    await expect(readStackStatus(STACK_ID)).rejects.toThrow(
      `DescribeStacks returned no status for this resource's stack '${STACK_ID}', so whether it is rolling back cannot be told`,
    );
  });
});

describe('refuseUnlessRollingBack', () => {
  test.each(ROLLBACK_STATUSES)('returns under %s, logging what it would have failed with', async (status) => {
    stubStackStatus(status);

    await expect(refuseUnlessRollingBack(STACK_ID, 'No, because.')).resolves.toBeUndefined();
    expect(notices('rollback')).toEqual([{
      notice: 'rollback: not failing it for what IoT cannot undo; the version stays as it is',
      status,
      wouldHaveFailedWith: 'No, because.',
    }]);
  });

  test.each(['UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED'])('throws the refusal itself under %s', async (status) => {
    stubStackStatus(status);

    const err = await rejectionOf(refuseUnlessRollingBack(STACK_ID, 'No, because.'));

    expect(err.message).toBe('No, because.');
    expect(notices('rollback')).toEqual([]);
  });

  test('throws the read error, not the refusal, when the status cannot be read', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(refuseUnlessRollingBack(STACK_ID, 'No, because.')).rejects.toThrow(/^DescribeStacks failed/);
  });
});
