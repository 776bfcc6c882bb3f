/**
 * Delete (lambda/version/delete.ts): removes the version this resource
 * created, and nothing else; hands a taken-over version back during a
 * rollback; finds the version from the properties when the physical id is
 * not an ARN (a create whose response was lost); keeps the package's
 * default version. A normal delete reads the tags of the physical id and
 * deletes: the package is read only when the delete fails.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  InvalidRequestException,
  IoTServiceException,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { arnOf, deleteEvent, Props, STACK_ID } from '../events';
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

/** IoT's InvalidRequestException, which the SDK models for ListTagsForResource. */
const invalidRequest = () => new InvalidRequestException({ message: 'Invalid resource ARN', $metadata: {} });

/** IoT holds PKG/VER (status `status`), found by its names. */
function stubLive(status: PackageVersionStatus = 'PUBLISHED') {
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, { status }));
}

/** The package's default version is `versionName` (undefined: none). */
function stubDefault(versionName: string | undefined) {
  iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: versionName });
}

function stubDeleted() {
  iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
}

/** The delete of PKG/VER fails with `error`, and the version is still there. */
function stubDeleteRefused(error: Error) {
  iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(error);
  stubLive();
}

/** The two calls of a normal delete. */
const NORMAL = ['ListTagsForResource', 'DeletePackageVersion'];
/** A failed delete: its re-check (deletePackageVersion's), then the package, to tell a default version. */
const FAILED = [...NORMAL, 'GetPackageVersion', 'GetPackage'];

const DEFAULT_VERSION =
  "Cannot delete package version 'firmware/1.0.0': it is the default version of package 'firmware', and IoT does not delete a default version. " +
  "Make another version the default, or unset it with 'aws iot update-package --package-name firmware --unset-default-version', then retry. " +
  'To keep this version instead, give the PackageVersion removalPolicy RETAIN_ON_UPDATE_OR_DELETE.';

describe('a version this resource created', () => {
  test('is deleted with two calls, the tags of the ARN physical id and the delete: no GetPackageVersion, no GetPackage, no stack status', async () => {
    stubOwnTags(ARN, { Env: 'prod' });
    stubDeleted();

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(NORMAL);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageCommand);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(notices('version deleted')).toEqual([{ notice: 'version deleted', version: 'firmware/1.0.0' }]);
  });

  test('the names in the ARN are used, not the (possibly invalid) properties', async () => {
    const arn = arnOf('bootloader', '3.1');
    stubOwnTags(arn);
    iotMock.on(DeletePackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({});

    await expect(handler(deleteEvent(arn, { PackageName: 'not valid!', VersionName: '' }))).resolves.toEqual({ PhysicalResourceId: arn });
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: arn }]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: 'bootloader', versionName: '3.1' }]);
  });

  test('a version already gone (its tags not found) is success with nothing deleted', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(notFound());
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['ListTagsForResource']);
    expect(notices('version does not exist')).toEqual([{ notice: 'version does not exist: nothing to delete', version: 'firmware/1.0.0' }]);
  });

  test('InvalidRequestException for the tags: the version is read by its names; gone is success with nothing deleted', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(invalidRequest());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['ListTagsForResource', 'GetPackageVersion']);
  });

  test('InvalidRequestException for the tags of a version that still exists: the tags\' error is thrown, nothing is deleted', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(invalidRequest());
    stubLive();
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(/ListTagsForResource failed .*InvalidRequestException: Invalid resource ARN/);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([]);
  });

  test('a 404 from the delete (gone meanwhile) is success and needs no second look', async () => {
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(notFound());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(NORMAL);
  });

  test.each<[string, () => Error]>([
    ['ValidationException', () => invalid('Package version not found')],
    ['ConflictException', () => conflict('Package is being deleted')],
  ])('a DeletePackageVersion %s on a version gone meanwhile (deleted with its package) is success', async (_label, error) => {
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(error());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual([...NORMAL, 'GetPackageVersion']);
  });

  test.each<[string, () => Error, string, () => void]>([
    ['ConflictException, the default another version', () => conflict('Version is in use by a job'),
      'ConflictException: Version is in use by a job', () => stubDefault('0.9.0')],
    ['ValidationException, no default version', () => invalid('Cannot delete the version now'),
      'ValidationException: Cannot delete the version now', () => stubDefault(undefined)],
    ['ConflictException, the package not found', () => conflict('Version is in use by a job'),
      'ConflictException: Version is in use by a job', () => iotMock.on(GetPackageCommand).rejects(notFound())],
  ])('a DeletePackageVersion error on a version that still exists and is not the default (%s) is thrown as it was', async (_label, error, said, stubPackage) => {
    stubOwnTags(ARN);
    stubDeleteRefused(error());
    stubPackage();

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe(`DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ${said}`);
    expect(commandNames()).toEqual(FAILED);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(logged()).not.toContain('version deleted');
  });

  test('when the package cannot be read after a failed delete, the delete\'s own error is thrown, not GetPackage\'s', async () => {
    stubOwnTags(ARN);
    stubDeleteRefused(conflict('Version is in use by a job'));
    iotMock.on(GetPackageCommand).rejects(throttled());

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe("DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Version is in use by a job");
    expect(commandNames()).toEqual(FAILED);
    expect(notices('could not read the package')).toEqual([expect.objectContaining({ packageName: PKG, error: 'ThrottlingException' })]);
  });

  test('when the re-check after a failed delete fails too, the delete\'s own error is thrown', async () => {
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).rejects(conflict('Version is in use by a job'));
    iotMock.on(GetPackageVersionCommand).rejects(throttled());
    stubDefault('0.9.0');

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Version is in use by a job",
    );
    expect(commandNames()).toEqual(FAILED);
  });

  test.each<[string, string]>([
    ['outside a rollback', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'],
    ['when the stack is deleted', 'DELETE_IN_PROGRESS'],
  ])('a version this resource took over is deleted like its own %s', async (_label, status) => {
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}` });
    stubStackStatus(status);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(NORMAL);
    expect(describedStacks()).toEqual([STACK_ID]);
  });
});

describe('the default version', () => {
  beforeEach(() => {
    stubOwnTags(ARN);
    stubDefault(VER);
  });

  test.each(['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])('is not deleted under %s: the message says how to unset it or keep it', async (status) => {
    stubDeleteRefused(invalid('Cannot delete the default version 1.0.0 of package firmware'));
    stubStackStatus(status);

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe(DEFAULT_VERSION);
    expect(commandNames()).toEqual(FAILED);
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test.each(ROLLBACK_STATUSES)('is kept during a rollback (%s), and the delete succeeds with a log line', async (status) => {
    stubDeleteRefused(invalid('Cannot delete the default version 1.0.0 of package firmware'));
    stubStackStatus(status);

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(FAILED);
    expect(notices('rollback: not failing it')).toEqual([expect.objectContaining({ status, wouldHaveFailedWith: DEFAULT_VERSION })]);
    expect(logged()).not.toContain('version deleted');
  });

  test.each<[string, () => Error]>([
    ['ConflictException', () => conflict('Version is the default')],
    ['an error IoT does not model', () => new IoTServiceException({ name: 'DefaultVersionException', $fault: 'client', message: 'default', $metadata: {} })],
  ])('is recognised by reading the package, whatever the delete\'s error (%s)', async (_label, error) => {
    stubDeleteRefused(error());
    stubStackStatus('DELETE_IN_PROGRESS');

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(DEFAULT_VERSION);
  });

  test('a status that cannot be read fails the delete', async () => {
    stubDeleteRefused(invalid('Cannot delete the default version 1.0.0 of package firmware'));
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(/^DescribeStacks failed for this resource's stack/);
    expect(commandNames()).toEqual(FAILED);
  });
});

describe('a version this resource did not create', () => {
  test.each<[string, Record<string, string>]>([
    ...FOREIGN_MARKERS,
    ['the marker of another resource of this stack (a construct moved away)', { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}` }],
    ['a marker that hands it back to another resource', { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/handed-back` }],
  ])('a version with %s is left alone and the delete succeeds', async (_label, tags) => {
    // 'no tags at all' is also what IoT might answer for a version that does not exist: left alone, rightly.
    stubTags(ARN, tags);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['ListTagsForResource']);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(notices('not deleting it')).toEqual([expect.objectContaining({ version: 'firmware/1.0.0' })]);
  });

  test('a foreign version that is the package\'s default is left alone without the default-version error', async () => {
    stubDefault(VER);
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['ListTagsForResource']);
  });

  test('a failure listing the tags (other than not found) is thrown and nothing is deleted', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
    expect(commandNames()).toEqual(['ListTagsForResource']);
  });
});

describe('a version this resource took over, deleted during a rollback', () => {
  test.each(ROLLBACK_STATUSES)('%s: a version taken from another resource is handed back, not deleted', async (status) => {
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}` });
    stubStackStatus(status);
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }] }]);
    expect(commandNames()).toEqual(['ListTagsForResource', 'TagResource']);
    expect(notices('handed back')).toEqual([{ notice: 'version handed back to its previous owner', arn: ARN, previousOwner: OTHER_RESOURCE_OWNER }]);
  });

  test('a version adopted without a marker is handed back by removing the marker', async () => {
    stubTags(ARN, { 'set-by-ci': 'yes', [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/-` });
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(commandNames()).toEqual(['ListTagsForResource', 'UntagResource']);
  });

  test('a status that cannot be read fails the delete, and nothing is deleted', async () => {
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/-` });
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(/^DescribeStacks failed/);
    expect(commandNames()).toEqual(['ListTagsForResource']);
  });

  test('a failed hand-back fails the delete', async () => {
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_STACK_OWNER}` });
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(TagResourceCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(`TagResource failed for tags ('${CREATION_MARKER_TAG}') of '${ARN}'`);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test('a version this resource created (no previous owner) is deleted during a rollback', async () => {
    stubOwnTags(ARN);
    stubDeleted();

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(NORMAL);
    expect(cfnMock.calls()).toHaveLength(0);
  });
});

describe('a physical id that is not a version ARN (a create whose response was lost)', () => {
  const MADE_UP_ID = 'FirmwareStack-FirmwareVersion-1A2B3C4D5E6F';

  test('the version is found from the properties, its tags read at the ARN IoT reports, and deleted when this resource created it', async () => {
    stubLive();
    stubOwnTags(ARN);
    stubDeleted();

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).resolves.toEqual({ PhysicalResourceId: MADE_UP_ID });
    expect(commandNames()).toEqual(['GetPackageVersion', ...NORMAL]);
    expect(inputsOf(GetPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(logged()).toContain('physical id is not an ARN (a create whose response was lost): deleting the version this resource created');
  });

  test('the default version is refused there too, by reading the package after the delete failed', async () => {
    stubOwnTags(ARN);
    stubDeleteRefused(invalid('Cannot delete the default version 1.0.0 of package firmware'));
    stubDefault(VER);
    stubStackStatus('DELETE_IN_PROGRESS');

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).rejects.toThrow(DEFAULT_VERSION);
    expect(commandNames()).toEqual(['GetPackageVersion', ...FAILED]);
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

  test.each<[string, () => void]>([
    ['no version by that name', () => iotMock.on(GetPackageVersionCommand).rejects(notFound())],
    ['IoT reports it without an ARN', () => iotMock.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' })],
  ])('%s: nothing to delete', async (_label, stubLookup) => {
    stubLookup();

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).resolves.toEqual({ PhysicalResourceId: MADE_UP_ID });
    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(logged()).toContain('version does not exist: nothing to delete');
  });

  test('a GetPackageVersion failure other than 404 is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(throttled());

    await expect(handler(deleteEvent(MADE_UP_ID, baseProps()))).rejects.toThrow(
      "GetPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ThrottlingException: Rate exceeded",
    );
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
