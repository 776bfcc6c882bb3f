/**
 * A package and its default version through the real CDK CLI and
 * MiniStack's CloudFormation engine, in the deploy orders that must each
 * work in ONE deployment (the lifecycle suite test/lifecycle/deploy-orders.test.ts
 * plays the same orders request by request):
 *
 * a. move the default from v1 to v2, and remove v1 from the stack;
 * d. roll back a failed deployment that changed the default;
 * c. remove the default designation;
 * b. delete the whole stack: designation, versions and package all go.
 *
 * The package itself is the stack's (`SoftwarePackage`), so the destroy
 * also proves the delete order: the designation before the versions, the
 * versions before the package.
 */
import { CreatePackageVersionCommand, GetPackageCommand } from '@aws-sdk/client-iot';
import { expectSuccess, STEP_TIMEOUT_MS, stackStatusOf, useLocalCloud } from './e2e';
import { defaultOutputKey, PackageSpec, StackSpec, VersionSpec } from './spec';
import { versionsOf } from '../local-cloud/catalog';

const STACK = 'E2eDefaultVersion';
const PACKAGE = 'e2e-default';

const PKG: PackageSpec = { id: 'Firmware', packageName: PACKAGE, description: 'Firmware with a default' };
const version = (id: string, versionName: string, extra: Partial<VersionSpec> = {}): VersionSpec =>
  ({ id, packageName: PACKAGE, packageId: PKG.id, versionName, status: 'PUBLISHED', ...extra });
const V1 = version('V1', '1.0.0');
const V2 = version('V2', '2.0.0');
const V3 = version('V3', '3.0.0');
/** Collides with a version made outside the stack; waits for the designation, so that its failure rolls the designation back. */
const V9 = version('V9', '9.0.0', { status: undefined, dependsOn: [`${PKG.id}/DefaultVersion`] });

const stackOf = (defaultVersion: VersionSpec | undefined, ...versions: VersionSpec[]): StackSpec => ({
  stackName: STACK,
  packages: [{ ...PKG, defaultVersionId: defaultVersion?.id }],
  versions,
});

const e2e = useLocalCloud();

async function defaultOf(): Promise<string | undefined> {
  return (await e2e.cloud.iot.send(new GetPackageCommand({ packageName: PACKAGE }))).defaultVersionName;
}

async function versionNames(): Promise<string[]> {
  return (await versionsOf(e2e.cloud.iot, PACKAGE)).map((v) => v.versionName).sort();
}

test('the default moves, is rolled back, is removed, and the whole stack is deleted', async () => {
  const first = await e2e.deploy(stackOf(V1, V1, V2));
  expectSuccess(first);
  expect(first.outputs[defaultOutputKey(PKG.id)]).toBe('1.0.0');
  expect(await defaultOf()).toBe('1.0.0');

  // a. Move the default to v2 and remove v1, in one deployment.
  const moved = await e2e.deploy(stackOf(V2, V2));
  expectSuccess(moved);
  expect(moved.outputs[defaultOutputKey(PKG.id)]).toBe('2.0.0');
  expect(await defaultOf()).toBe('2.0.0');
  expect(await versionNames()).toEqual(['2.0.0']);

  // d. A deployment that moves the default to v3 fails on v9; the rollback puts v2 back.
  await e2e.cloud.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName: V9.versionName, description: 'Made by CI' }));
  const failed = await e2e.deploy(stackOf(V3, V2, V3, V9));
  expect(failed.code).not.toBe(0);
  expect(failed.output).toContain("Package version 'e2e-default/9.0.0' already exists and was not created by this CloudFormation resource");
  expect(await stackStatusOf(e2e.cloudFormation(), STACK)).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(await defaultOf()).toBe('2.0.0');
  // v3 was created, then deleted by the rollback; v9 is not the stack's and stays.
  expect(await versionNames()).toEqual(['2.0.0', '9.0.0']);

  // c. Remove the designation: the default is unset, the versions stay.
  const unset = await e2e.deploy(stackOf(undefined, V2));
  expectSuccess(unset);
  expect(await defaultOf()).toBeUndefined();
  expect(await versionNames()).toEqual(['2.0.0', '9.0.0']);

  // b. Set it again, then delete the whole stack: the designation first, then
  // v2, then the package, which keeps v9 (not the stack's) and so stays.
  expectSuccess(await e2e.deploy(stackOf(V2, V2)));
  expect(await defaultOf()).toBe('2.0.0');
  expectSuccess(await e2e.destroy(stackOf(V2, V2)));
  expect(await stackStatusOf(e2e.cloudFormation(), STACK)).toBe('(no such stack)');
  expect(await versionNames()).toEqual(['9.0.0']);
  expect(await defaultOf()).toBeUndefined();
}, 6 * STEP_TIMEOUT_MS);

test('deleting the whole stack deletes the package once its versions are gone', async () => {
  const stackName = `${STACK}Whole`;
  const packageName = `${PACKAGE}-whole`;
  const spec: StackSpec = {
    stackName,
    packages: [{ id: 'Pkg', packageName, defaultVersionId: 'Only' }],
    versions: [{ id: 'Only', packageName, packageId: 'Pkg', versionName: '1.0.0', status: 'PUBLISHED' }],
  };
  expectSuccess(await e2e.deploy(spec));
  expect((await e2e.cloud.iot.send(new GetPackageCommand({ packageName }))).defaultVersionName).toBe('1.0.0');

  expectSuccess(await e2e.destroy(spec));

  await expect(e2e.cloud.iot.send(new GetPackageCommand({ packageName }))).rejects.toThrow(/not found|does not exist/i);
}, 3 * STEP_TIMEOUT_MS);
