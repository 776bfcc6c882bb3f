/**
 * Delete (lambda/version/delete.ts): removes the version this resource
 * created, and nothing else; hands a taken-over version back during a
 * rollback; finds the version from the properties when the physical id is
 * not an ARN (a create whose response was lost); keeps the package's
 * default version.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { arnOf, deleteEvent, PARTITION, Props, STACK_ID } from '../events';
import {
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  conflict,
  describedStacks,
  EARLIER_REQUEST,
  FOREIGN_MARKERS,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  logged,
  notFound,
  notices,
  OTHER_RESOURCE_OWNER,
  OTHER_STACK_OWNER,
  OWNER,
  PKG,
  rejectionOf,
  ROLLBACK_STATUSES,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  throttled,
  useMocks,
  VER,
} from '../mocks';

useMocks();

/** IoT holds PKG/VER (status `status`) and the package has no default version. */
function stubLive(status: PackageVersionStatus = 'PUBLISHED') {
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, { status }));
  iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: '0.9.0' });
}

function stubDeleted() {
  iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
}

const DEFAULT_VERSION =
  "Cannot delete package version 'firmware/1.0.0': it is the default version of package 'firmware', and IoT does not delete a default version. " +
  "Make another version the default, or unset it with 'aws iot update-package --package-name firmware --unset-default-version', then retry. " +
  'To keep this version instead, give the PackageVersion removalPolicy RETAIN_ON_UPDATE_OR_DELETE.';

describe('a version this resource created', () => {
  test('is deleted, named by the ARN physical id, without reading the stack status', async () => {
    stubLive();
    stubOwnTags(ARN, { Env: 'prod' });
    stubDeleted();

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion']);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(inputsOf(GetPackageCommand)).toEqual([{ packageName: PKG }]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(notices('version deleted')).toEqual([{ notice: 'version deleted', version: 'firmware/1.0.0' }]);
  });

  test('the names in the ARN are used, not the (possibly invalid) properties', async () => {
    const arn = arnOf('bootloader', '3.1');
    iotMock.on(GetPackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({ packageVersionArn: arn });
    stubOwnTags(arn);
    iotMock.on(GetPackageCommand, { packageName: 'bootloader' }).resolves({ packageName: 'bootloader' });
    iotMock.on(DeletePackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({});

    await expect(handler(deleteEvent(arn, { PackageName: 'not valid!', VersionName: '' }))).resolves.toEqual({ PhysicalResourceId: arn });
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: 'bootloader', versionName: '3.1' }]);
  });

  test('the tags are read from the ARN IoT reports, not from the physical id', async () => {
    // A physical id that names the same version with another (empty) region and account.
    const physicalId = `arn:${PARTITION}:iot:::package/${PKG}/version/${VER}`;
    stubLive();
    stubOwnTags(ARN);
    stubDeleted();

    await expect(handler(deleteEvent(physicalId, baseProps()))).resolves.toEqual({ PhysicalResourceId: physicalId });
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
  });

  test.each<[string, () => void]>([
    ['the version is already gone', () => iotMock.on(GetPackageVersionCommand).rejects(notFound())],
    ['IoT reports it without an ARN', () => iotMock.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' })],
  ])('nothing is deleted when %s', async (_label, stubLookup) => {
    stubLookup();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(logged()).toContain('version does not exist: nothing to delete');
  });

  test('a package gone between the lookups still deletes, and a 404 from the delete needs no second look', async () => {
    stubLive();
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand, { packageName: PKG }).rejects(notFound('Package firmware not found'));
    iotMock.on(DeletePackageVersionCommand).rejects(notFound());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion']);
  });

  test.each<[string, () => Error]>([
    ['ValidationException', () => invalid('Package version not found')],
    ['ConflictException', () => conflict('Package is being deleted')],
  ])('a DeletePackageVersion %s on a version gone meanwhile (deleted with its package) is success', async (_label, error) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolvesOnce(liveVersion(VER)).rejects(notFound());
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(error());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion', 'GetPackageVersion']);
  });

  test.each<[string, () => Error, string]>([
    ['ConflictException', () => conflict('Version is in use by a job'), 'ConflictException: Version is in use by a job'],
    ['ValidationException', () => invalid('Cannot delete the version now'), 'ValidationException: Cannot delete the version now'],
  ])('another DeletePackageVersion error (%s) on a version that still exists is thrown', async (_label, error, said) => {
    stubLive();
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(error());

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe(`DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ${said}`);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion', 'GetPackageVersion']);
    expect(logged()).not.toContain('version deleted');
  });

  test('when the re-check after a failed delete fails too, the delete\'s own error is thrown', async () => {
    iotMock.on(GetPackageVersionCommand).resolvesOnce(liveVersion(VER)).rejects(throttled());
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(conflict('Version is in use by a job'));

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Version is in use by a job",
    );
  });

  test.each<[string, string]>([
    ['outside a rollback', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'],
    ['when the stack is deleted', 'DELETE_IN_PROGRESS'],
  ])('a version this resource took over is deleted like its own %s', async (_label, status) => {
    stubLive();
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}` });
    stubStackStatus(status);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion']);
    expect(describedStacks()).toEqual([STACK_ID]);
  });
});

describe('the default version', () => {
  beforeEach(() => {
    stubLive();
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: VER });
    stubOwnTags(ARN);
  });

  test.each(['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])('is not deleted under %s: the message says how to unset it or keep it', async (status) => {
    stubStackStatus(status);

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe(DEFAULT_VERSION);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage']);
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test.each(ROLLBACK_STATUSES)('is kept during a rollback (%s), and the delete succeeds with a log line', async (status) => {
    stubStackStatus(status);

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage']);
    expect(notices('rollback: not failing it')).toEqual([expect.objectContaining({ status, wouldHaveFailedWith: DEFAULT_VERSION })]);
  });

  test('a status that cannot be read fails the delete', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(/^DescribeStacks failed for this resource's stack/);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });
});

describe('a version this resource did not create', () => {
  test.each<[string, Record<string, string>]>([
    ...FOREIGN_MARKERS,
    ['the marker of another resource of this stack (a construct moved away)', { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}` }],
    ['a marker that hands it back to another resource', { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/handed-back` }],
  ])('a version with %s is left alone and the delete succeeds', async (_label, tags) => {
    stubLive();
    stubTags(ARN, tags);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(notices('not deleting it')).toEqual([expect.objectContaining({ version: 'firmware/1.0.0' })]);
  });

  test('a foreign version that is the package\'s default is left alone without the default-version error', async () => {
    stubLive();
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG, defaultVersionName: VER });
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('a failure listing the tags is thrown and nothing is deleted', async () => {
    stubLive();
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('a GetPackageVersion failure other than 404 is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "GetPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ThrottlingException: Rate exceeded",
    );
    expect(commandNames()).toEqual(['GetPackageVersion']);
  });

  test('a GetPackage failure other than 404 is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER));
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow("GetPackage failed for PackageName 'firmware': ThrottlingException: Rate exceeded");
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });
});

describe('a version this resource took over, deleted during a rollback', () => {
  test.each(ROLLBACK_STATUSES)('%s: a version taken from another resource is handed back, not deleted', async (status) => {
    stubLive();
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}` });
    stubStackStatus(status);
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }] }]);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'TagResource']);
    expect(notices('handed back')).toEqual([{ notice: 'version handed back to its previous owner', arn: ARN, previousOwner: OTHER_RESOURCE_OWNER }]);
  });

  test('a version adopted without a marker is handed back by removing the marker', async () => {
    stubLive();
    stubTags(ARN, { 'set-by-ci': 'yes', [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/-` });
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'UntagResource']);
  });

  test('a status that cannot be read fails the delete, and nothing is deleted', async () => {
    stubLive();
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/-` });
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(/^DescribeStacks failed/);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('a failed hand-back fails the delete', async () => {
    stubLive();
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_STACK_OWNER}` });
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(TagResourceCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(`TagResource failed for tags ('${CREATION_MARKER_TAG}') of '${ARN}'`);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test('a version this resource created (no previous owner) is deleted during a rollback', async () => {
    stubLive();
    stubOwnTags(ARN);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'GetPackage', 'DeletePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });
});

describe('a physical id that is not a version ARN (a create whose response was lost)', () => {
  const MADE_UP_ID = 'FirmwareStack-FirmwareVersion-1A2B3C4D5E6F';

  test('the version is found from the properties and deleted when this resource created it', async () => {
    stubLive();
    stubOwnTags(ARN);
    stubDeleted();

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).resolves.toEqual({ PhysicalResourceId: MADE_UP_ID });
    expect(inputsOf(GetPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(logged()).toContain('physical id is not an ARN (a create whose response was lost): deleting the version this resource created');
  });

  test.each([
    ['another resource', `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}`],
    ['another stack', `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}`],
  ])('a version %s created is left alone', async (_label, marker) => {
    stubLive();
    stubTags(ARN, { [CREATION_MARKER_TAG]: marker });

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).resolves.toEqual({ PhysicalResourceId: MADE_UP_ID });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('no version by that name: nothing to delete', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).resolves.toEqual({ PhysicalResourceId: MADE_UP_ID });
    expect(commandNames()).toEqual(['GetPackageVersion']);
  });

  test.each<[string, string, Props]>([
    ['a UUID, properties without names', '8d5c2a4e-1111-4c1b-9e7a-000000000000', {}],
    ['a package ARN, an invalid VersionName', 'arn:aws:iot:eu-west-1:123456789012:package/firmware', baseProps({ VersionName: 'v 1' })],
    ['an empty id, names that are not strings', '', { PackageName: 42, VersionName: ['1.0.0'] } as unknown as Props],
    ['a made-up id, an empty PackageName', MADE_UP_ID, baseProps({ PackageName: '' })],
  ])('%s: no AWS call, and the physical id is returned unchanged', async (_label, physicalId, props) => {
    await expect(handler(deleteEvent(physicalId, props))).resolves.toEqual({ PhysicalResourceId: physicalId });
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(logged()).toContain('nothing to delete');
  });
});
