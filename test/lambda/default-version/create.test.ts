/**
 * Create (lambda/default-version/create.ts, designate.ts): makes a PUBLISHED
 * or DEPRECATED version the package's default, refuses a missing or DRAFT
 * version with what to do, validates the properties before any call, and
 * changes nothing twice on a retry.
 */
import {
  GetPackageCommand,
  GetPackageVersionCommand,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UpdatePackageCommand,
} from '@aws-sdk/client-iot';
import { createDefault, DEFAULT_LOGICAL_ID, designationId, packageArn, props } from './events';
import { handler } from '../../../lambda';
import { arnOf, RESPONSE_URL_SECRET, STACK_ID, STACK_NAME } from '../events';
import {
  cfnMock,
  commandNames,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  logged,
  notFound,
  notices,
  ownerFor,
  PKG,
  rejectionOf,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const VER = '1.4.0';
const ID = designationId(PKG, VER);

const MARKER_TAG = 'cdk-iot-package-catalog:default-version';
/** This resource, as the marker names it. */
const ME = ownerFor(STACK_NAME, DEFAULT_LOGICAL_ID);
const OTHER = ownerFor(STACK_NAME, 'OtherDefault');

/**
 * IoT holds PKG/VER in `status` (null: none reported); the package's default
 * is `current` (null: none), and its tags are `tags`.
 */
function stubLive(status: PackageVersionStatus | null = 'PUBLISHED', current: string | null = '1.3.0', tags: Record<string, string> = {}) {
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, { status: status ?? undefined }));
  iotMock.on(GetPackageCommand, { packageName: PKG })
    .resolves({ packageName: PKG, packageArn: packageArn(PKG), defaultVersionName: current ?? undefined });
  stubTags(packageArn(PKG), tags);
  iotMock.on(TagResourceCommand).resolves({});
}

/** The marker is written before the default, recording the default it replaces. */
const WRITES = ['GetPackageVersion', 'GetPackage', 'ListTagsForResource', 'TagResource', 'UpdatePackage'];

const DRAFT_REFUSAL =
  "Cannot make package version 'firmware/1.4.0' the default version of package 'firmware': it is DRAFT, and only a PUBLISHED or " +
  "DEPRECATED version can be a package's default. Publish it first: give its PackageVersion status: PackageVersionStatus.PUBLISHED " +
  '(in the same deployment is fine: the version is published before the default is set).';

describe('a version that can be the default', () => {
  test.each<PackageVersionStatus>(['PUBLISHED', 'DEPRECATED'])('a %s version becomes the default', async (status) => {
    stubLive(status);
    iotMock.on(UpdatePackageCommand).resolves({});

    const result = await handler(createDefault(props(PKG, VER)));

    expect(result).toEqual({
      PhysicalResourceId: ID,
      Data: { PackageName: PKG, DefaultVersionName: VER, DefaultVersionArn: arnOf(PKG, VER) },
    });
    expect(commandNames()).toEqual(WRITES);
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, defaultVersionName: VER }]);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: packageArn(PKG) }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: `${ME}=1.3.0` }] }]);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(notices('default version set')).toEqual([expect.objectContaining({ version: 'firmware/1.4.0', previousDefault: '1.3.0' })]);
    expect(logged()).not.toContain(RESPONSE_URL_SECRET);
  });

  test('a package without a default gets one', async () => {
    stubLive('PUBLISHED', null);
    iotMock.on(UpdatePackageCommand).resolves({});

    await expect(handler(createDefault(props(PKG, VER)))).resolves.toMatchObject({ PhysicalResourceId: ID });
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, defaultVersionName: VER }]);
    expect(notices('default version set')[0]).toMatchObject({ previousDefault: null });
  });

  test('a retried create changes nothing twice: the default and the marker are found in place', async () => {
    stubLive('PUBLISHED', '1.3.0');
    iotMock.on(GetPackageCommand)
      .resolvesOnce({ packageName: PKG, packageArn: packageArn(PKG), defaultVersionName: '1.3.0' })
      .resolves({ packageName: PKG, packageArn: packageArn(PKG), defaultVersionName: VER });
    iotMock.on(ListTagsForResourceCommand)
      .resolvesOnce({ tags: [] })
      .resolves({ tags: [{ Key: MARKER_TAG, Value: ME }] });
    iotMock.on(UpdatePackageCommand).resolves({});

    const first = await handler(createDefault(props(PKG, VER)));
    const retry = await handler(createDefault(props(PKG, VER)));

    expect(retry).toEqual(first);
    expect(first.PhysicalResourceId).toBe(ID);
    expect(commandNames()).toEqual([...WRITES, 'GetPackageVersion', 'GetPackage', 'ListTagsForResource']);
    expect(notices('already the default version')).toHaveLength(1);
  });

  test('the default already set, by another resource (a moved construct): this resource takes it over, recording the other', async () => {
    stubLive('PUBLISHED', VER, { [MARKER_TAG]: OTHER, team: 'edge' });

    await expect(handler(createDefault(props(PKG, VER)))).resolves.toMatchObject({ PhysicalResourceId: ID });

    expect(commandNames()).toEqual(['GetPackageVersion', 'GetPackage', 'ListTagsForResource', 'TagResource']);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: `${ME}/${OTHER}` }] }]);
    expect(notices('recorded this resource')[0]).toMatchObject({ tookOverFromAnotherResource: true });
  });

  test('a malformed marker counts as none', async () => {
    stubLive('PUBLISHED', VER, { [MARKER_TAG]: 'not-a-marker' });

    await handler(createDefault(props(PKG, VER)));

    // The package already had this default: recorded as the one this resource replaced.
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: `${ME}=${VER}` }] }]);
  });

  test('the version\'s package, when named, must be the package', async () => {
    stubLive();
    iotMock.on(UpdatePackageCommand).resolves({});

    await expect(handler(createDefault(props(PKG, VER, { VersionPackageName: PKG })))).resolves.toMatchObject({ PhysicalResourceId: ID });
    expect(commandNames()).toEqual(WRITES);
  });

  test('without a version ARN from IoT, the id is built in the stack\'s partition, region and account', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageName: PKG, versionName: VER, status: 'PUBLISHED' });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG, defaultVersionName: VER });
    stubTags(packageArn(PKG), { [MARKER_TAG]: ME });

    const result = await handler(createDefault(props(PKG, VER)));

    expect(STACK_ID.startsWith('arn:aws:cloudformation:eu-west-1:123456789012:')).toBe(true);
    expect(result).toEqual({ PhysicalResourceId: ID, Data: { PackageName: PKG, DefaultVersionName: VER, DefaultVersionArn: '' } });
  });
});

describe('refusals, with what to do, and no change', () => {
  test.each<[string, PackageVersionStatus | null, string]>([
    ['DRAFT', 'DRAFT', DRAFT_REFUSAL],
    ['without a status', null, DRAFT_REFUSAL.replace('it is DRAFT', 'it is (unknown)')],
  ])('a version %s', async (_label, status, message) => {
    stubLive(status);

    const err = await rejectionOf(handler(createDefault(props(PKG, VER))));

    expect(err.message).toBe(message);
    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a missing version', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());

    const err = await rejectionOf(handler(createDefault(props(PKG, VER))));

    expect(err.message).toBe(
      "Cannot make package version 'firmware/1.4.0' the default version of package 'firmware': the version does not exist. " +
      'Declare it as a PackageVersion with status: PackageVersionStatus.PUBLISHED (the default version depends on it, so it is ' +
      'created first), or create and publish it before this deployment.');
    expect(commandNames()).toEqual(['GetPackageVersion']);
  });

  test('a package that vanished after its version was read', async () => {
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { status: 'PUBLISHED' }));
    iotMock.on(GetPackageCommand).rejects(notFound());

    const err = await rejectionOf(handler(createDefault(props(PKG, VER))));

    expect(err.message).toBe("Cannot make package version 'firmware/1.4.0' the default version of package 'firmware': the package does not exist.");
    expect(commandNames()).toEqual(['GetPackageVersion', 'GetPackage']);
  });

  test('a version of another package, before any call', async () => {
    const err = await rejectionOf(handler(createDefault(props(PKG, VER, { VersionPackageName: 'bootloader' }))));

    expect(err.message).toBe("Cannot make version '1.4.0' of package 'bootloader' the default version of package 'firmware': " +
      'a package\'s default version must be one of its own versions. Give PackageDefaultVersion a version of that package.');
    expect(iotMock.calls()).toHaveLength(0);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['no PackageName', { VersionName: VER }, '  - PackageName: is missing; PackageName is required'],
    ['an empty VersionName', { PackageName: PKG, VersionName: '' }, '  - VersionName: is missing; VersionName is required'],
    ['an invalid VersionName', { PackageName: PKG, VersionName: '1 4' }, '  - VersionName: "1 4" contains U+0020'],
    ['an object as PackageName', { PackageName: { a: 1 }, VersionName: VER }, '  - PackageName: is an object; PackageName must be a string'],
    ['an invalid VersionPackageName', { PackageName: PKG, VersionName: VER, VersionPackageName: 'a/b' }, '  - VersionPackageName: "a/b" contains'],
  ])('invalid properties (%s) fail before any call', async (_label, p, line) => {
    const err = await rejectionOf(handler(createDefault(p)));

    expect(err.message).toContain('Package default version has an invalid property:\n');
    expect(err.message).toContain(line);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('IoT\'s refusal of UpdatePackage is reported with the operation and the change, never retried as success', async () => {
    stubLive();
    iotMock.on(UpdatePackageCommand).rejects(invalid('defaultVersionName: package version firmware/1.4.0 is in DRAFT'));

    const err = await rejectionOf(handler(createDefault(props(PKG, VER))));

    expect(err.message).toBe("UpdatePackage failed for PackageName 'firmware' (changing defaultVersionName): ValidationException: " +
      'defaultVersionName: package version firmware/1.4.0 is in DRAFT');
  });
});
