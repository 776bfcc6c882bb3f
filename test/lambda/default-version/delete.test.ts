/**
 * Delete (lambda/default-version/delete.ts): unsets the package's default
 * only if it is still the version this resource set (read from the physical
 * id), and succeeds without a change otherwise; the same during a rollback.
 */
import { GetPackageCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { deleteDefault, designationId, props } from './events';
import { handler } from '../../../lambda';
import { cfnMock, commandNames, inputsOf, invalid, iotMock, logged, notFound, notices, PKG, rejectionOf, useMocks } from '../mocks';

useMocks();

const V1 = '1.3.0';
const V2 = '1.4.0';
const ID = designationId(PKG, V1);

function stubDefault(current: string | undefined, packageName = PKG) {
  iotMock.on(GetPackageCommand, { packageName }).resolves({ packageName, defaultVersionName: current });
}

test('the version this resource set is unset, without reading the stack status', async () => {
  stubDefault(V1);
  iotMock.on(UpdatePackageCommand).resolves({});

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage', 'UpdatePackage']);
  expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
  expect(cfnMock.calls()).toHaveLength(0);
  expect(notices('default version unset')).toEqual([expect.objectContaining({ version: 'firmware/1.3.0' })]);
});

test('the version comes from the physical id, not from the properties (which may be a later template\'s)', async () => {
  stubDefault(V2);

  await expect(handler(deleteDefault(ID, props(PKG, V2)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage']);
});

test.each<[string, string | undefined]>([
  ['another version (moved on by a newer designation, or outside CloudFormation)', V2],
  ['no default version', undefined],
])('a package whose default is %s is left alone', async (_label, current) => {
  stubDefault(current);

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });

  expect(commandNames()).toEqual(['GetPackage']);
  expect(notices('is not the version this resource set')).toEqual([
    expect.objectContaining({ version: 'firmware/1.3.0', currentDefault: current ?? null }),
  ]);
});

test('a missing package: nothing to unset', async () => {
  iotMock.on(GetPackageCommand).rejects(notFound());

  await expect(handler(deleteDefault(ID, props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: ID });
  expect(commandNames()).toEqual(['GetPackage']);
});

test('a retried delete finds the default already unset and succeeds', async () => {
  iotMock.on(GetPackageCommand).resolvesOnce({ packageName: PKG, defaultVersionName: V1 }).resolves({ packageName: PKG });
  iotMock.on(UpdatePackageCommand).resolves({});

  await handler(deleteDefault(ID, props(PKG, V1)));
  await handler(deleteDefault(ID, props(PKG, V1)));

  expect(commandNames()).toEqual(['GetPackage', 'UpdatePackage', 'GetPackage']);
});

describe('a physical id that is not a designation id (a create whose response was lost)', () => {
  test('the properties name the version: unset if it is the default', async () => {
    stubDefault(V1);
    iotMock.on(UpdatePackageCommand).resolves({});

    await expect(handler(deleteDefault('FirmwareDefault1A2B3C4D', props(PKG, V1)))).resolves.toEqual({ PhysicalResourceId: 'FirmwareDefault1A2B3C4D' });

    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, unsetDefaultVersion: true }]);
    expect(notices('a create whose response was lost')).toHaveLength(1);
  });

  test.each<[string, string]>([
    ['a version ARN', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.3.0'],
    ['a default id with an extra path part', `${ID}/x`],
  ])('%s is not read as a designation id', async (_label, physicalId) => {
    stubDefault(V1);
    iotMock.on(UpdatePackageCommand).resolves({});

    await handler(deleteDefault(physicalId, props(PKG, '0.1.0')));

    expect(commandNames()).toEqual(['GetPackage']);
  });

  test('invalid properties: nothing to unset, no call', async () => {
    await expect(handler(deleteDefault('whatever', { PackageName: 'a b', VersionName: V1 }))).resolves.toEqual({ PhysicalResourceId: 'whatever' });

    expect(iotMock.calls()).toHaveLength(0);
    expect(logged()).toContain('nothing to unset');
  });
});

test('a failed unset fails the delete, naming the operation', async () => {
  stubDefault(V1);
  iotMock.on(UpdatePackageCommand).rejects(invalid('Rate of updates exceeded'));

  const err = await rejectionOf(handler(deleteDefault(ID, props(PKG, V1))));

  expect(err.message).toBe("UpdatePackage failed for PackageName 'firmware' (changing unsetDefaultVersion): ValidationException: Rate of updates exceeded");
});
