/**
 * Delete (lambda/default-version/delete.ts): unsets the package's default
 * only if it is still the version this resource set (read from the physical
 * id) and no other resource set it since (the package's marker tag); hands
 * a taken-over default back during a rollback; succeeds without a change
 * otherwise.
 */
import { GetPackageCommand, TagResourceCommand, UntagResourceCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { DEFAULT_LOGICAL_ID, deleteDefault, designationId, packageArn, props } from './events';
import { handler } from '../../../lambda';
import { STACK_NAME } from '../events';
import {
  cfnMock,
  commandNames,
  describedStacks,
  inputsOf,
  invalid,
  iotMock,
  logged,
  notFound,
  notices,
  ownerFor,
  PKG,
  rejectionOf,
  ROLLBACK_STATUSES,
  stubStackStatus,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const V1 = '1.3.0';
const V2 = '1.4.0';
const ID = designationId(PKG, V1);
const MARKER_TAG = 'cdk-iot-package-catalog:default-version';
const ME = ownerFor(STACK_NAME, DEFAULT_LOGICAL_ID);
const OTHER = ownerFor(STACK_NAME, 'OtherDefault');

/** The package's default is `current`; its tags are `tags` (by default: this resource's marker). */
function stubDefault(current: string | undefined, tags: Record<string, string> = { [MARKER_TAG]: ME }) {
  iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, packageArn: packageArn(PKG), defaultVersionName: current });
  stubTags(packageArn(PKG), tags);
  iotMock.on(UpdatePackageCommand).resolves({});
  iotMock.on(UntagResourceCommand).resolves({});
  iotMock.on(TagResourceCommand).resolves({});
}

test('the version this resource set is unset and the marker removed, without reading the stack status', async () => {
  stubDefault(V1);

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage', 'UntagResource']);
  expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
  expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tagKeys: [MARKER_TAG] }]);
  expect(cfnMock.calls()).toHaveLength(0);
  expect(notices('default version unset')).toEqual([expect.objectContaining({ version: 'firmware/1.3.0' })]);
});

test('without a marker (removed outside CloudFormation), the version alone decides: unset, nothing to untag', async () => {
  stubDefault(V1, { team: 'edge' });

  await handler(deleteDefault(ID, props(PKG, V1)));

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage']);
});

test('the version comes from the physical id, not from the properties (which may be a later template\'s)', async () => {
  stubDefault(V2);

  await expect(handler(deleteDefault(ID, props(PKG, V2)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
});

test.each<[string, string | undefined]>([
  ['another version (moved on by a newer designation of this resource, or outside CloudFormation)', V2],
  ['no default version', undefined],
])('a package whose default is %s is left alone, marker included', async (_label, current) => {
  stubDefault(current);

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
  expect(notices('is not the version this resource set')).toEqual([
    expect.objectContaining({ version: 'firmware/1.3.0', currentDefault: current ?? null }),
  ]);
});

test('the same default set since by another resource (this construct moved within its stack) is left alone', async () => {
  stubDefault(V1, { [MARKER_TAG]: `${OTHER}/${ME}` });

  await handler(deleteDefault(ID, props(PKG, V1)));

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
  expect(notices('another resource set the package\'s default since')).toHaveLength(1);
});

describe('a default this resource took over from another one', () => {
  test.each(ROLLBACK_STATUSES)('during a rollback (%s) is handed back, not unset', async (status) => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}/${OTHER}` });
    stubStackStatus(status);

    await handler(deleteDefault(ID, props(PKG, V1)));

    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'TagResource']);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: OTHER }] }]);
    expect(notices('rollback: the default goes back')).toHaveLength(1);
  });

  test('outside a rollback is unset, after reading the stack status', async () => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}/${OTHER}` });
    stubStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');

    await handler(deleteDefault(ID, props(PKG, V1)));

    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage', 'UntagResource']);
    expect(describedStacks()).toHaveLength(1);
  });
});

describe('a default this resource changed, recording the one before (marker `<owner>=<previous>`)', () => {
  test.each(ROLLBACK_STATUSES)('during a rollback (%s): the earlier default is set again, not unset', async (status) => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}=${V2}` });
    stubStackStatus(status);

    await handler(deleteDefault(ID, props(PKG, V1)));

    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage', 'TagResource']);
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, defaultVersionName: V2 }]);
    // The marker stays this resource's, the earlier default no longer recorded.
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: ME }] }]);
    expect(notices('rollback: the default this resource replaced is set again')).toEqual([expect.objectContaining({ restored: V2 })]);
  });

  test('during a rollback, when there was no default before: unset', async () => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}=` });
    stubStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');

    await handler(deleteDefault(ID, props(PKG, V1)));

    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
  });

  test('during a rollback, an earlier default IoT refuses to set again (deleted since): unset instead, and the rollback goes on', async () => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}=${V2}` });
    iotMock.on(UpdatePackageCommand, { packageName: PKG, defaultVersionName: V2 }).rejects(invalid('version 1.4.0 does not exist'));
    stubStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');

    await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

    expect(inputsOf(UpdatePackageCommand)).toEqual([
      { packageName: PKG, defaultVersionName: V2 },
      { packageName: PKG, unsetDefaultVersion: true },
    ]);
    expect(notices('rollback: the earlier default cannot be set again')).toEqual([expect.objectContaining({ reason: 'ValidationException' })]);
  });

  test('outside a rollback (the designation removed): unset, as always', async () => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}=${V2}` });
    stubStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');

    await handler(deleteDefault(ID, props(PKG, V1)));

    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage', 'UntagResource']);
  });
});

test.each(['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'DELETE_IN_PROGRESS'])(
  'a default the package already had when this resource designated it is left as it was (%s); only the marker goes', async (status) => {
    stubDefault(V1, { [MARKER_TAG]: `${ME}=${V1}` });
    stubStackStatus(status);

    await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UntagResource']);
    expect(inputsOf(UpdatePackageCommand)).toEqual([]);
    expect(notices('the package had this default before')).toHaveLength(1);
  });

test('a missing package: nothing to unset', async () => {
  iotMock.on(GetPackageCommand).rejects(notFound());

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });
  expect(commandNames()).toEqual(['GetPackage']);
});

test('a retried delete finds the default already unset and succeeds', async () => {
  stubDefault(V1);
  iotMock.on(GetPackageCommand)
    .resolvesOnce({ packageName: PKG, packageArn: packageArn(PKG), defaultVersionName: V1 })
    .resolves({ packageName: PKG, packageArn: packageArn(PKG) });

  await handler(deleteDefault(ID, props(PKG, V1)));
  await handler(deleteDefault(ID, props(PKG, V1)));

  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource', 'UpdatePackage', 'UntagResource', 'GetPackage', 'ListTagsForResource']);
});

describe('a physical id that is not a designation id (a create whose response was lost)', () => {
  test('the properties name the version: unset if it is the default', async () => {
    stubDefault(V1);

    await expect(handler(deleteDefault('FirmwareDefault1A2B3C4D', props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: 'FirmwareDefault1A2B3C4D' });

    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
    expect(notices('a create whose response was lost')).toHaveLength(1);
  });

  test.each<[string, string]>([
    ['a version ARN', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.3.0'],
    ['a default id with an extra path part', `${ID}/x`],
  ])('%s is not read as a designation id', async (_label, physicalId) => {
    stubDefault(V1);

    await handler(deleteDefault(physicalId, props(PKG, '0.1.0')));

    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
  });

  test('invalid properties: nothing to unset, no call', async () => {
    await expect(handler(deleteDefault('whatever', { PackageName: 'a b', VersionName: V1 }))).resolves.toEqual({ PhysicalResourceId: 'whatever' });

    expect(iotMock.calls()).toHaveLength(0);
    expect(logged()).toContain('nothing to unset');
  });
});

test('a failed unset fails the delete, naming the operation, and keeps the marker', async () => {
  stubDefault(V1);
  iotMock.on(UpdatePackageCommand).rejects(invalid('Rate of updates exceeded'));

  const err = await rejectionOf(handler(deleteDefault(ID, props(PKG, V1))));

  expect(err.message).toBe("UpdatePackage failed for PackageName 'firmware' (changing unsetDefaultVersion): ValidationException: Rate of updates exceeded");
  expect(inputsOf(UntagResourceCommand)).toEqual([]);
});
