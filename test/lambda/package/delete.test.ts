/**
 * Delete (lambda/package/delete.ts): removes the package this resource
 * created, never its versions; keeps a package that still has versions and
 * succeeds; hands a taken-over package back during a rollback; finds the
 * package from the properties when the physical id is not an ARN.
 */
import {
  DeletePackageCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  ListPackageVersionsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iot';
import { packageArnOf, packageDelete, packageProps, PKG_ARN, stubPackage, stubVersions } from './package-events';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import {
  commandNames,
  FOREIGN_MARKERS,
  inputsOf,
  invalid,
  iotMock,
  logged,
  notFound,
  notices,
  OTHER_RESOURCE_OWNER,
  OWNER,
  PKG,
  ROLLBACK_STATUSES,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const DONE = { PhysicalResourceId: PKG_ARN };

test('an own package without versions is deleted', async () => {
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  stubVersions(PKG, []);
  iotMock.on(DeletePackageCommand).resolves({});

  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(inputsOf(DeletePackageCommand)).toEqual([{ packageName: PKG }]);
  expect(notices('package deleted')).toHaveLength(1);
});

test('an own package with versions left is kept, the versions are logged (bounded) and never deleted, and the delete succeeds', async () => {
  const versions = Array.from({ length: 25 }, (_, i) => `v${i}`);
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  stubVersions(PKG, versions);

  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(commandNames()).not.toContain('DeletePackage');
  expect(iotMock.commandCalls(DeletePackageVersionCommand)).toHaveLength(0);
  const [kept] = notices('package still has versions');
  expect(kept).toMatchObject({ package: PKG, versionCount: 25, versions: versions.slice(0, 20) });
});

test('a DeletePackage refused because a version appeared meanwhile: kept, logged, success', async () => {
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  iotMock.on(ListPackageVersionsCommand).resolvesOnce({ packageVersionSummaries: [] })
    .resolves({ packageVersionSummaries: [{ packageName: PKG, versionName: 'late' }] });
  iotMock.on(DeletePackageCommand).rejects(invalid('Package firmware still has 1 package version(s)'));

  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(notices('package still has versions')[0]).toMatchObject({ versions: ['late'] });
});

test('a DeletePackage that fails for another reason fails the delete, naming the call', async () => {
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  stubVersions(PKG, []);
  iotMock.on(DeletePackageCommand).rejects(invalid('something else'));

  await expect(handler(packageDelete(PKG_ARN, packageProps())))
    .rejects.toThrow(`DeletePackage failed for PackageName '${PKG}': ValidationException: something else`);
});

test('a DeletePackage that fails when the package is gone meanwhile: success', async () => {
  iotMock.on(GetPackageCommand, { packageName: PKG }).resolvesOnce({ packageName: PKG, packageArn: PKG_ARN }).rejects(notFound());
  stubOwnTags(PKG_ARN);
  stubVersions(PKG, []);
  iotMock.on(DeletePackageCommand).rejects(invalid('gone'));

  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(notices('package is gone')).toHaveLength(1);
});

test('a DeletePackage that fails, and a re-check that fails too: the delete\'s own error', async () => {
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  iotMock.on(ListPackageVersionsCommand).resolvesOnce({ packageVersionSummaries: [] }).rejects(invalid('re-check failed'));
  iotMock.on(DeletePackageCommand).rejects(invalid('the delete failed'));

  await expect(handler(packageDelete(PKG_ARN, packageProps())))
    .rejects.toThrow(`DeletePackage failed for PackageName '${PKG}': ValidationException: the delete failed`);
});

test('a package that is already gone: nothing to do (DeletePackage models no not-found error, so it is looked up first)', async () => {
  stubPackage(PKG, false);
  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(commandNames()).toEqual(['GetPackage']);
});

test.each(FOREIGN_MARKERS)('a package with %s is left alone', async (_name, tags) => {
  stubPackage(PKG);
  stubTags(PKG_ARN, tags);
  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
});

test('a package handed on to another resource of the stack (a moved construct) is left alone', async () => {
  stubPackage(PKG);
  stubTags(PKG_ARN, { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/r1/${OWNER}` });
  await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
  expect(commandNames()).not.toContain('DeletePackage');
});

describe('a package this resource took over', () => {
  const takenFrom = (previous: string) => stubTags(PKG_ARN, { [CREATION_MARKER_TAG]: `${OWNER}/r1/${previous}` });

  test.each(ROLLBACK_STATUSES)('is handed back to its previous owner during a rollback (%s)', async (status) => {
    stubPackage(PKG);
    takenFrom(OTHER_RESOURCE_OWNER);
    stubStackStatus(status);
    iotMock.on(TagResourceCommand).resolves({});

    await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }] }]);
    expect(commandNames()).not.toContain('DeletePackage');
  });

  test('without a previous owner, the marker is removed during a rollback', async () => {
    stubPackage(PKG);
    takenFrom('-');
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(UntagResourceCommand).resolves({});

    await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tagKeys: [CREATION_MARKER_TAG] }]);
  });

  test('is deleted like its own outside a rollback', async () => {
    stubPackage(PKG);
    takenFrom('-');
    stubStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    stubVersions(PKG, []);
    iotMock.on(DeletePackageCommand).resolves({});

    await expect(handler(packageDelete(PKG_ARN, packageProps()))).resolves.toEqual(DONE);
    expect(inputsOf(DeletePackageCommand)).toHaveLength(1);
  });
});

test('a physical id that is not an ARN (a lost create response): the package is found from the properties', async () => {
  stubPackage(PKG);
  stubOwnTags(PKG_ARN);
  stubVersions(PKG, []);
  iotMock.on(DeletePackageCommand).resolves({});

  await expect(handler(packageDelete('some-request-id', packageProps()))).resolves.toEqual({ PhysicalResourceId: 'some-request-id' });
  expect(inputsOf(DeletePackageCommand)).toEqual([{ packageName: PKG }]);
  expect(notices('a create whose response was lost')).toHaveLength(1);
});

test('a physical id that is not an ARN and properties naming no valid package: nothing to delete', async () => {
  await expect(handler(packageDelete('x', { PackageName: 'bad name' }))).resolves.toEqual({ PhysicalResourceId: 'x' });
  expect(commandNames()).toEqual([]);
});

test('the physical id, not the properties, names the package', async () => {
  const other = packageArnOf('other');
  stubPackage('other', false);
  await expect(handler(packageDelete(other, packageProps()))).resolves.toEqual({ PhysicalResourceId: other });
  expect(inputsOf(DeletePackageCommand)).toEqual([]);
  expect(logged()).toContain('"package":"other"');
});
