/** The deployment's properties (lambda/deployment/properties.ts). */
import { deploymentProps } from './fixtures';
import { changedJobSettings, onRemovalOf, readDeployment, replacingHash } from '../../../lambda/deployment/properties';

test('job settings get their numbers back; role ARNs, failure types and actions stay strings', () => {
  const desired = readDeployment(deploymentProps({
    AbortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: '12.5', minNumberOfExecutedThings: '3' }] },
    PresignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/123', expiresInSec: '60' },
    JobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: '5', incrementFactor: '1.5', rateIncreaseCriteria: { numberOfNotifiedThings: '10' } } },
  }));
  expect(desired.abortConfig).toEqual({ criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 12.5, minNumberOfExecutedThings: 3 }] });
  expect(desired.presignedUrlConfig).toEqual({ roleArn: 'arn:aws:iam::123456789012:role/123', expiresInSec: 60 });
  expect(desired.jobExecutionsRolloutConfig).toEqual({
    exponentialRate: { baseRatePerMinute: 5, incrementFactor: 1.5, rateIncreaseCriteria: { numberOfNotifiedThings: 10 } },
  });
  expect(desired.onRemoval).toBe('CANCEL');
  expect(desired.wait).toBeUndefined();
});

test('the replacing hash changes with versions, targets, document and target selection only', () => {
  const base = replacingHash(deploymentProps());
  expect(replacingHash(deploymentProps({ Description: 'x', Tags: [{ Key: 'a', Value: 'b' }], OnRemoval: 'LEAVE_RUNNING' }))).toBe(base);
  for (const change of [{ Document: '{}' }, { TargetSelection: 'CONTINUOUS' }, { Targets: ['arn:aws:iot:eu-west-1:123456789012:thing/x'] },
    { DestinationPackageVersions: ['arn:aws:iot:eu-west-1:123456789012:package/p/version/$default'] }, { JobIdPrefix: 'Other' }]) {
    expect(replacingHash(deploymentProps(change))).not.toBe(base);
  }
});

test('changed settings are compared as CloudFormation sends them (numbers as strings, keys in any order)', () => {
  const old = deploymentProps({ TimeoutConfig: { inProgressTimeoutInMinutes: 30 }, AbortConfig: { a: '1', b: '2' } });
  expect(changedJobSettings(deploymentProps({ TimeoutConfig: { inProgressTimeoutInMinutes: '30' }, AbortConfig: { b: '2', a: '1' } }), old)).toEqual([]);
  expect(changedJobSettings(deploymentProps({ Description: 'new', TimeoutConfig: { inProgressTimeoutInMinutes: '31' } }), old))
    .toEqual(['Description', 'AbortConfig', 'TimeoutConfig']);
});

test('OnRemoval of a Delete is read leniently', () => {
  expect(onRemovalOf({ OnRemoval: 'LEAVE_RUNNING' })).toBe('LEAVE_RUNNING');
  expect(onRemovalOf({ OnRemoval: 42 })).toBe('CANCEL');
  expect(onRemovalOf(undefined)).toBe('CANCEL');
});

test.each<[string, Record<string, unknown>, RegExp]>([
  ['a document over 32 KB', { Document: JSON.stringify({ x: 'y'.repeat(32768) }) }, /Document: has 32776 bytes; IoT allows 32768/],
  ['49 tags', { Tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: '' })) }, /Tags: 49 tags; a job takes at most 48/],
  ['a setting that is not an object', { AbortConfig: 'x' }, /AbortConfig: must be an object/],
  ['a wait without a threshold', { WaitForRollout: { TimeoutSeconds: '0' } }, /MinSuccessPercent: must be a number 1-100[\s\S]*TimeoutSeconds: must be a positive number/],
  ['a non-string description', { Description: ['x'] }, /Description: must be a string/],
])('%s is refused', (_, props, message) => {
  expect(() => readDeployment(deploymentProps(props))).toThrow(message);
});
