/**
 * `Custom::IotPackageDefaultVersion` against moto, through the real provider
 * framework and the real bundled handler: create, update and delete with
 * retries, and the deploy orders of lambda/default-version/index.ts played
 * as the events CloudFormation sends, in its order (clean-up deletes with
 * the old properties and physical ids, rollbacks with properties swapped),
 * checking what IoT holds after each step.
 *
 * Versions are made by sending their own events (the real version handler);
 * the package by the test's IoT client, as the harness does.
 */
import { randomUUID } from 'crypto';
import { DeletePackageCommand, DeletePackageVersionCommand, GetPackageCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnResponse, RESPONSE_URL_SECRET, SendOptions, STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle } from './harness';
import { ISoftwarePackage, PackageDefaultVersion, PackageVersion, PackageVersionStatus, SoftwarePackage } from '../../src';
import { PackageVersionProvider, PROVIDER_ID } from '../../src/private/provider';
import { DEFAULT_VERSION_RESOURCE_TYPE } from '../../src/shared/default-version-contract';
import { findViolations } from '../iam/authorization';
import { handlerCalls, packageNamesOf } from '../iam/handler-calls';

const env = useLifecycle();

const DESIGNATION = 'FirmwareDefault';
const V1 = '1.3.0';
const V2 = '1.4.0';

type Props = Record<string, unknown>;

const designation = (versionName: string): Props => ({ PackageName: PACKAGE, VersionName: versionName });
const idOf = (versionName: string) => `arn:aws:iot:us-east-1:123456789012:package/${PACKAGE}/default/${versionName}`;
const versionProps = (versionName: string, status = 'PUBLISHED'): Props => ({ PackageName: PACKAGE, VersionName: versionName, Status: status });
const versionLogicalId = (versionName: string) => `Firmware${versionName.replace(/\./g, '')}`;

function createDefault(props: Props, options: SendOptions = {}, requestId = randomUUID(), logicalId = DESIGNATION): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Create', RequestId: requestId, LogicalResourceId: logicalId, ResourceType: DEFAULT_VERSION_RESOURCE_TYPE, ResourceProperties: props,
  }, options);
}

function updateDefault(physicalId: string, props: Props, oldProps: Props, options: SendOptions = {}): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Update',
    RequestId: randomUUID(),
    LogicalResourceId: DESIGNATION,
    ResourceType: DEFAULT_VERSION_RESOURCE_TYPE,
    PhysicalResourceId: physicalId,
    ResourceProperties: props,
    OldResourceProperties: oldProps,
  }, options);
}

function deleteDefault(physicalId: string, props: Props, options: SendOptions = {}, logicalId = DESIGNATION): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Delete',
    RequestId: randomUUID(),
    LogicalResourceId: logicalId,
    ResourceType: DEFAULT_VERSION_RESOURCE_TYPE,
    PhysicalResourceId: physicalId,
    ResourceProperties: props,
  }, options);
}

/** Creates a version through its own resource type, as CloudFormation would. */
async function createVersion(versionName: string, status = 'PUBLISHED', options: SendOptions = {}): Promise<void> {
  succeeded(await env.cfn.create(versionLogicalId(versionName), versionProps(versionName, status), undefined, options));
}

function deleteVersion(versionName: string, options: SendOptions = {}): Promise<CfnResponse> {
  return env.cfn.delete(versionLogicalId(versionName), arnOf(versionName), versionProps(versionName), options);
}

function succeeded(res: CfnResponse): CfnResponse {
  if (res.Status !== 'SUCCESS') {
    throw new Error(`expected SUCCESS, got ${res.Status}: ${res.Reason}`);
  }
  return res;
}

const PACKAGE_ARN = `arn:aws:iot:us-east-1:123456789012:package/${PACKAGE}`;
const MARKER_TAG = 'cdk-iot-package-catalog:default-version';

/** The package's default-version marker: the owner part of whoever set the default last (see ownership). */
async function markerOf(): Promise<string | undefined> {
  return (await env.tagsOf(PACKAGE_ARN))[MARKER_TAG];
}

/** The marker owner of a designation with `logicalId` in the simulator's stack. */
function ownerOf(logicalId: string): string {
  return env.marker(logicalId, 'r').split('/')[0];
}

async function defaultOf(): Promise<string | undefined> {
  return (await env.iot.send(new GetPackageCommand({ packageName: PACKAGE }))).defaultVersionName;
}

/** How many times the handler called `operation` since moto was reset. */
async function handlerCallCount(operation: string): Promise<number> {
  return handlerCalls(await env.moto.requests()).filter((r) => r.operation === operation).length;
}

describe('create, update, delete', () => {
  test('create sets the default; a retry of the same request changes nothing twice', async () => {
    await createVersion(V2);
    const requestId = randomUUID();

    const first = succeeded(await createDefault(designation(V2), {}, requestId));
    const retry = succeeded(await createDefault(designation(V2), {}, requestId));

    expect(first.PhysicalResourceId).toBe(idOf(V2));
    expect(first.Data).toEqual({ PackageName: PACKAGE, DefaultVersionName: V2, DefaultVersionArn: arnOf(V2) });
    expect(retry.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(await defaultOf()).toBe(V2);
    expect(await handlerCallCount('UpdatePackage')).toBe(1);
    expect(env.cfn.logs.join('\n')).not.toContain(RESPONSE_URL_SECRET);
  });

  test('a DEPRECATED version can be the default', async () => {
    await createVersion(V2, 'DEPRECATED');

    succeeded(await createDefault(designation(V2)));
    expect(await defaultOf()).toBe(V2);
  });

  test('a DRAFT version is refused with what to do, and the default is not set', async () => {
    await createVersion(V2, 'DRAFT');

    const res = await createDefault(designation(V2));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain("Cannot make package version 'firmware/1.4.0' the default version of package 'firmware': it is DRAFT");
    expect(res.Reason).toContain('status: PackageVersionStatus.PUBLISHED');
    expect(await defaultOf()).toBeUndefined();
    expect(await handlerCallCount('UpdatePackage')).toBe(0);
  });

  test('a missing version is refused', async () => {
    const res = await createDefault(designation(V2));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('the version does not exist');
    expect(await defaultOf()).toBeUndefined();
  });

  test('an update that keeps the version keeps the id and writes nothing', async () => {
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));

    const updated = succeeded(await updateDefault(created.PhysicalResourceId, designation(V2), designation(V2)));

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await handlerCallCount('UpdatePackage')).toBe(1);
  });

  test('delete unsets the default it set; a retried delete succeeds', async () => {
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));

    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2)));
    expect(await defaultOf()).toBeUndefined();
    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2)));
    expect(await defaultOf()).toBeUndefined();
    expect(await handlerCallCount('UpdatePackage')).toBe(2);
  });

  test('delete leaves a default someone else set since', async () => {
    await createVersion(V1);
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));
    await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: V1 }));

    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2)));

    expect(await defaultOf()).toBe(V1);
  });

  test('delete succeeds when the package is gone', async () => {
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));
    await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, unsetDefaultVersion: true }));
    succeeded(await deleteVersion(V2));
    await env.iot.send(new DeletePackageCommand({ packageName: PACKAGE }));

    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2), { stackStatus: 'DELETE_IN_PROGRESS' }));
  });
});

describe('deploy orders, each in one deployment', () => {
  test('a. move the default from v1 to v2 and remove v1 from the stack', async () => {
    // The deployed stack: v1 and its designation.
    await createVersion(V1);
    const before = succeeded(await createDefault(designation(V1)));
    expect(await defaultOf()).toBe(V1);

    // The deployment: v2 is created, then the designation (which depends on it) is updated.
    await createVersion(V2, 'PUBLISHED', { stackStatus: 'UPDATE_IN_PROGRESS' });
    const moved = succeeded(await updateDefault(before.PhysicalResourceId, designation(V2), designation(V1)));
    expect(moved.PhysicalResourceId).toBe(idOf(V2));
    expect(await defaultOf()).toBe(V2);

    // Clean-up: the old designation (old id, old properties) before v1, which it depended on.
    const cleanup = { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' };
    succeeded(await deleteDefault(before.PhysicalResourceId, designation(V1), cleanup));
    expect(await defaultOf()).toBe(V2);
    succeeded(await deleteVersion(V1, cleanup));
    expect(await env.versionExists(V1)).toBe(false);
    expect(await env.versionExists(V2)).toBe(true);
    expect(await defaultOf()).toBe(V2);
  });

  test('b. delete the whole stack: the designation unsets, then the versions and the package go', async () => {
    await createVersion(V1);
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));

    const deleting = { stackStatus: 'DELETE_IN_PROGRESS' };
    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2), deleting));
    expect(await defaultOf()).toBeUndefined();
    succeeded(await deleteVersion(V2, deleting));
    succeeded(await deleteVersion(V1, deleting));
    expect(await env.versionExists(V1)).toBe(false);
    expect(await env.versionExists(V2)).toBe(false);
    // The package's own delete (here the test's client) now succeeds: IoT refuses it while versions remain.
    await env.iot.send(new DeletePackageCommand({ packageName: PACKAGE }));
  });

  test('c. remove only the designation: the clean-up unsets the default, the versions stay', async () => {
    await createVersion(V2);
    const created = succeeded(await createDefault(designation(V2)));

    succeeded(await deleteDefault(created.PhysicalResourceId, designation(V2), { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }));

    expect(await defaultOf()).toBeUndefined();
    expect(await env.versionExists(V2)).toBe(true);
  });

  test('d. roll back a failed deployment that moved the default to a new v2', async () => {
    await createVersion(V1);
    const before = succeeded(await createDefault(designation(V1)));

    // The deployment: v2 is created and made the default; then another resource fails.
    await createVersion(V2, 'PUBLISHED', { stackStatus: 'UPDATE_IN_PROGRESS' });
    const moved = succeeded(await updateDefault(before.PhysicalResourceId, designation(V2), designation(V1)));
    expect(await defaultOf()).toBe(V2);

    // The rollback's update: v1's properties, v2's id.
    const rolledBack = succeeded(await updateDefault(moved.PhysicalResourceId, designation(V1), designation(V2),
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }));
    expect(rolledBack.PhysicalResourceId).toBe(before.PhysicalResourceId);
    expect(await defaultOf()).toBe(V1);

    // The rollback's clean-up: the v2 designation (no-op), then v2, which the failed deployment created.
    const cleanup = { stackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' };
    succeeded(await deleteDefault(moved.PhysicalResourceId, designation(V2), cleanup));
    expect(await defaultOf()).toBe(V1);
    succeeded(await deleteVersion(V2, cleanup));
    expect(await env.versionExists(V2)).toBe(false);
    expect(await defaultOf()).toBe(V1);
  });

  test('d\'. a rollback to a version that can no longer be the default succeeds; its clean-up unsets the newer default', async () => {
    await createVersion(V1);
    const before = succeeded(await createDefault(designation(V1)));
    await createVersion(V2, 'PUBLISHED', { stackStatus: 'UPDATE_IN_PROGRESS' });
    const moved = succeeded(await updateDefault(before.PhysicalResourceId, designation(V2), designation(V1)));
    // v1 deleted outside CloudFormation while the deployment ran.
    await env.iot.send(new DeletePackageVersionCommand({ packageName: PACKAGE, versionName: V1 }));

    const rolledBack = succeeded(await updateDefault(moved.PhysicalResourceId, designation(V1), designation(V2),
      { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }));
    expect(rolledBack.PhysicalResourceId).toBe(before.PhysicalResourceId);
    expect(await defaultOf()).toBe(V2);
    expect(env.cfn.logs.some((l) => l.includes('rollback: not failing it'))).toBe(true);

    const cleanup = { stackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' };
    succeeded(await deleteDefault(moved.PhysicalResourceId, designation(V2), cleanup));
    expect(await defaultOf()).toBeUndefined();
    succeeded(await deleteVersion(V2, cleanup));
    expect(await env.versionExists(V2)).toBe(false);
  });

  test('f. move the designation\'s construct within the stack: the new resource takes the default over, the old one\'s delete leaves it', async () => {
    await createVersion(V2);
    const before = succeeded(await createDefault(designation(V2)));
    // The package had no default before.
    expect(await markerOf()).toBe(`${ownerOf(DESIGNATION)}=`);

    // The deployment: the new logical id is created (same package and version: the same physical id).
    const moved = succeeded(await createDefault(designation(V2), { stackStatus: 'UPDATE_IN_PROGRESS' }, randomUUID(), 'MovedDefault'));
    expect(moved.PhysicalResourceId).toBe(before.PhysicalResourceId);
    expect(await markerOf()).toBe(`${ownerOf('MovedDefault')}/${ownerOf(DESIGNATION)}`);

    // Clean-up: the old logical id is deleted.
    succeeded(await deleteDefault(before.PhysicalResourceId, designation(V2), { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }));
    expect(await defaultOf()).toBe(V2);

    // Later the stack is deleted: the new resource unsets it and removes the marker.
    succeeded(await deleteDefault(moved.PhysicalResourceId, designation(V2), { stackStatus: 'DELETE_IN_PROGRESS' }, 'MovedDefault'));
    expect(await defaultOf()).toBeUndefined();
    expect(await markerOf()).toBeUndefined();
  });

  test('f\'. roll back a failed move: the new resource\'s delete hands the default back to the old one', async () => {
    await createVersion(V2);
    const before = succeeded(await createDefault(designation(V2)));
    const moved = succeeded(await createDefault(designation(V2), { stackStatus: 'UPDATE_IN_PROGRESS' }, randomUUID(), 'MovedDefault'));

    succeeded(await deleteDefault(moved.PhysicalResourceId, designation(V2), { stackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' }, 'MovedDefault'));

    expect(await defaultOf()).toBe(V2);
    expect(await markerOf()).toBe(ownerOf(DESIGNATION));
    // The old resource still owns it: removing it unsets the default.
    succeeded(await deleteDefault(before.PhysicalResourceId, designation(V2), { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }));
    expect(await defaultOf()).toBeUndefined();
  });

  test('e. a default set outside the stack on a version the stack deletes: the version\'s delete refuses, with instructions', async () => {
    await createVersion(V2);
    await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: V2 }));

    const res = await deleteVersion(V2, { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain("Cannot delete package version 'firmware/1.4.0': it is the default version of package 'firmware'");
    expect(await env.versionExists(V2)).toBe(true);
    expect(await defaultOf()).toBe(V2);
  });
});

/** A package known by name. */
function importedPackage(scope: Stack, id: string, packageName: string): ISoftwarePackage {
  return SoftwarePackage.fromPackageName(scope, id, packageName);
}

test('every call the handler made is allowed by the role of a stack with a version and its default (Service Authorization data)', async () => {
  const requests = handlerCalls(await env.moto.allRequests());
  expect(requests.some((r) => r.operation === 'UpdatePackage')).toBe(true);
  const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK_NAME}/00000000-0000-4000-8000-000000000000`;
  const stack = new Stack(new App(), STACK_NAME, { env: { account: '123456789012', region: 'us-east-1' } });
  packageNamesOf(requests).forEach((packageName, i) => {
    const version = new PackageVersion(stack, `Version${i}`, { packageName, versionName: '1.0.0', status: PackageVersionStatus.PUBLISHED });
    new PackageDefaultVersion(stack, `Default${i}`, { package: importedPackage(stack, `Package${i}`, packageName), version });
  });
  const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
  const roleLogicalId = stack.getLogicalId(provider.handlerRole.node.defaultChild as CfnElement);

  const violations = await findViolations(requests, Template.fromStack(stack).toJSON(), { roleLogicalId, stackId });

  expect(violations).toEqual([]);
});

test('the calls a designation makes are allowed by the role of a stack with only the designation: '
  + 'on the versions it may only read them (Service Authorization data)', async () => {
  // What the designation's handler calls: on the package, and reads of versions. The versions' own
  // calls (create, update, delete, their tags) are left out: this stack declares no PackageVersion.
  // Tags on version ARNs are left out with them, so a designation that tagged a version would pass
  // here; its handler tags only the package.
  const onPackage = (r: { operation: string; resourceArn?: string | null }) =>
    ['UpdatePackage', 'GetPackage', 'GetPackageVersion', 'ListTagsForResource'].includes(r.operation)
    || (['TagResource', 'UntagResource'].includes(r.operation) && !(r.resourceArn ?? '').includes('/version/'));
  const requests = handlerCalls(await env.moto.allRequests()).filter(onPackage);
  expect(requests.some((r) => r.operation === 'UpdatePackage')).toBe(true);
  expect(requests.some((r) => r.operation === 'GetPackageVersion')).toBe(true);
  const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK_NAME}/00000000-0000-4000-8000-000000000000`;
  const stack = new Stack(new App(), STACK_NAME, { env: { account: '123456789012', region: 'us-east-1' } });
  packageNamesOf(requests).forEach((packageName, i) => {
    const version = PackageVersion.fromPackageVersionAttributes(stack, `Version${i}`, { packageName, versionName: '1.0.0' });
    new PackageDefaultVersion(stack, `Default${i}`, { package: importedPackage(stack, `Package${i}`, packageName), version });
  });
  const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
  const roleLogicalId = stack.getLogicalId(provider.handlerRole.node.defaultChild as CfnElement);
  const template = Template.fromStack(stack).toJSON();
  expect(JSON.stringify(template)).not.toContain('iot:DeletePackageVersion');

  const violations = await findViolations(requests, template, { roleLogicalId, stackId });

  expect(violations).toEqual([]);
});

