/**
 * Update (lambda/default-version/update.ts): sets the new properties'
 * version and returns its id (a new id when the version or package
 * changed); refusals fail the deployment, except during a rollback, where
 * the default is left as it is.
 */
import { GetPackageCommand, GetPackageVersionCommand, PackageVersionStatus, TagResourceCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { DEFAULT_LOGICAL_ID, designationId, packageArn, props, updateDefault } from './events';
import { handler } from '../../../lambda';
import { arnOf, STACK_NAME } from '../events';
import {
  cfnMock,
  commandNames,
  describedStacks,
  inputsOf,
  iotMock,
  liveVersion,
  notFound,
  notices,
  ownerFor,
  PKG,
  rejectionOf,
  stubStackStatus,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const V1 = '1.3.0';
const V2 = '1.4.0';

function stubVersion(packageName: string, versionName: string, status: PackageVersionStatus) {
  iotMock.on(GetPackageVersionCommand, { packageName, versionName })
    .resolves({ ...liveVersion(versionName, { status }), packageName, packageVersionArn: arnOf(packageName, versionName) });
}

const MARKER_TAG = 'cdk-iot-package-catalog:default-version';
const ME = ownerFor(STACK_NAME, DEFAULT_LOGICAL_ID);

/** The package's default is `current`, set by this resource (its marker names it). */
function stubDefault(packageName: string, current: string | undefined) {
  iotMock.on(GetPackageCommand, { packageName }).resolves({ packageName, packageArn: packageArn(packageName), defaultVersionName: current });
  stubTags(packageArn(packageName), { [MARKER_TAG]: ME });
  // A change of the default first records the default it replaces.
  iotMock.on(TagResourceCommand).resolves({});
}

test('a new version becomes the default under a new id, so CloudFormation deletes the old designation', async () => {
  stubVersion(PKG, V2, 'PUBLISHED');
  stubDefault(PKG, V1);
  iotMock.on(UpdatePackageCommand).resolves({});

  const result = await handler(updateDefault(props(PKG, V2), props(PKG, V1)));

  expect(result).toEqual({
    PhysicalResourceId: designationId(PKG, V2),
    Data: { PackageName: PKG, DefaultVersionName: V2, DefaultVersionArn: arnOf(PKG, V2) },
  });
  expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, defaultVersionName: V2 }]);
  expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn(PKG), tags: [{ Key: MARKER_TAG, Value: `${ME}=${V1}` }] }]);
  expect(cfnMock.calls()).toHaveLength(0);
});

test('another package: the default is set there, under that package\'s id', async () => {
  stubVersion('bootloader', V1, 'DEPRECATED');
  iotMock.on(GetPackageCommand, { packageName: 'bootloader' }).resolves({ packageName: 'bootloader', packageArn: packageArn('bootloader') });
  stubTags(packageArn('bootloader'), {});
  iotMock.on(UpdatePackageCommand).resolves({});
  iotMock.on(TagResourceCommand).resolves({});

  const result = await handler(updateDefault(props('bootloader', V1), props(PKG, V1)));

  expect(result.PhysicalResourceId).toBe(designationId('bootloader', V1));
  expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: 'bootloader', defaultVersionName: V1 }]);
  // The marker records that the package had no default before.
  expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: packageArn('bootloader'), tags: [{ Key: MARKER_TAG, Value: `${ME}=` }] }]);
});

test('the same version keeps its id, and a default changed outside CloudFormation is set back', async () => {
  stubVersion(PKG, V1, 'PUBLISHED');
  stubDefault(PKG, '0.9.0');
  iotMock.on(UpdatePackageCommand).resolves({});

  const result = await handler(updateDefault(props(PKG, V1), props(PKG, V1)));

  expect(result.PhysicalResourceId).toBe(designationId(PKG, V1));
  expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, defaultVersionName: V1 }]);
});

test('the same version that is still the default: no write', async () => {
  stubVersion(PKG, V1, 'PUBLISHED');
  stubDefault(PKG, V1);

  await expect(handler(updateDefault(props(PKG, V1), props(PKG, V1)))).resolves.toMatchObject({ PhysicalResourceId: designationId(PKG, V1) });
  expect(commandNames()).toEqual(['GetPackageVersion', 'GetPackage', 'ListTagsForResource']);
});

describe('a version that cannot be the default', () => {
  test('fails a deployment, after reading the stack status', async () => {
    stubVersion(PKG, V2, 'DRAFT');
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(handler(updateDefault(props(PKG, V2), props(PKG, V1))));

    expect(err.message).toContain("Cannot make package version 'firmware/1.4.0' the default version of package 'firmware': it is DRAFT");
    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(describedStacks()).toHaveLength(1);
  });

  test.each<[string, () => void]>([
    ['a deleted version', () => iotMock.on(GetPackageVersionCommand).rejects(notFound())],
    ['a DRAFT version', () => stubVersion(PKG, V1, 'DRAFT')],
    ['a version of another package', () => undefined],
  ])('during a rollback (%s), leaves the default as it is and succeeds under the properties\' id', async (label, stub) => {
    stub();
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const extra = label === 'a version of another package' ? { VersionPackageName: 'bootloader' } : {};

    const result = await handler(updateDefault(props(PKG, V1, extra), props(PKG, V2)));

    expect(result.PhysicalResourceId).toBe(designationId(PKG, V1));
    expect(result.Data).toMatchObject({ PackageName: PKG, DefaultVersionName: V1 });
    expect(inputsOf(UpdatePackageCommand)).toEqual([]);
    expect(notices('rollback: not failing it')).toHaveLength(1);
  });
});
