/**
 * End-to-end lifecycle of a package version: CloudFormation events go through
 * the real provider-framework runtime to the real bundled handler, which
 * calls moto's server (with the package-catalog extension in test/moto).
 */
import {
  CreatePackageCommand,
  DeletePackageVersionCommand,
  TagResourceCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { RESPONSE_URL_SECRET, STACK_NAME } from './cloudformation-simulator';
import { PACKAGE, useLifecycle } from './harness';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const SECRET_DESCRIPTION = 'Bootloader fix, confidential rollout plan';
const SECRET_ATTRIBUTE = 'stable-channel-secret-value';

const env = useLifecycle();
const { getVersion, tagsOf, versionExists, marker } = env;

const baseProps = {
  PackageName: PACKAGE,
  VersionName: '1.4.0',
  Description: SECRET_DESCRIPTION,
  Attributes: { 'channel': SECRET_ATTRIBUTE, 'hw:rev': 'B' },
  Tags: [{ Key: 'team', Value: 'edge' }],
};

test('create makes a DRAFT version and returns its ARN as the physical id', async () => {
  const res = await env.cfn.create('Firmware140', baseProps);

  expect(res.Status).toBe('SUCCESS');
  const arn = 'arn:aws:iot:us-east-1:123456789012:package/firmware/version/1.4.0';
  expect(res.PhysicalResourceId).toBe(arn);
  expect(res.Data).toEqual({ PackageVersionArn: arn, Status: 'DRAFT', ErrorReason: '', PackageName: PACKAGE, VersionName: '1.4.0', SbomValidationStatus: '' });

  const live = await getVersion('1.4.0');
  expect(live.description).toBe(SECRET_DESCRIPTION);
  expect(live.attributes).toEqual({ 'channel': SECRET_ATTRIBUTE, 'hw:rev': 'B' });
  expect(await tagsOf(arn)).toEqual({ team: 'edge', [CREATION_MARKER_TAG]: marker('Firmware140', res.RequestId) });

  const creates = (await env.moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
  expect(creates).toHaveLength(1);
  expect(creates[0].clientToken).toBe(res.RequestId);
});

test('create reports IoT\'s error when the package does not exist', async () => {
  const res = await env.cfn.create('Orphan', { ...baseProps, PackageName: 'no-such-package' });

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toMatch(/CreatePackageVersion failed for PackageName 'no-such-package', VersionName '1.4.0'.*: ValidationException: /);
  expect(res.PhysicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
});

test('create fails without calling IoT when a property resolved to an invalid value', async () => {
  const before = (await env.moto.requests()).length;
  const res = await env.cfn.create('Bad', { ...baseProps, VersionName: '1.4.0 beta' });

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('versionName: "1.4.0 beta" contains U+0020');
  expect((await env.moto.requests()).length).toBe(before);
});

test('a retried create with the same RequestId succeeds once, without a duplicate', async () => {
  const requestId = '1f4c8f2e-5d7a-4b7e-9c3e-0a1b2c3d4e5f';
  const first = await env.cfn.create('Retried', baseProps, requestId);
  const second = await env.cfn.create('Retried', baseProps, requestId);

  expect(first.Status).toBe('SUCCESS');
  expect(second.Status).toBe('SUCCESS');
  expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
  expect(second.Data).toEqual(first.Data);
  const creates = (await env.moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
  expect(creates.map((c) => c.clientToken)).toEqual([requestId, requestId]);
});

test('update changes description, attributes and tags in place', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  const next = {
    ...baseProps,
    Description: 'Bootloader fix, v2 notes',
    Attributes: { channel: 'beta' },
    Tags: [{ Key: 'team', Value: 'platform' }, { Key: 'tier', Value: 'gold' }],
  };

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, next, baseProps);

  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).toBe(created.PhysicalResourceId);
  const live = await getVersion('1.4.0');
  expect(live.description).toBe('Bootloader fix, v2 notes');
  expect(live.attributes).toEqual({ channel: 'beta' });
  expect(await tagsOf(created.PhysicalResourceId)).toEqual({ team: 'platform', tier: 'gold', [CREATION_MARKER_TAG]: marker('Firmware140', created.RequestId) });
});

test('a rollback update (old and new swapped) restores the previous state', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  const next = { ...baseProps, Description: 'Changed', Attributes: { channel: 'beta' }, Tags: [{ Key: 'tier', Value: 'gold' }] };
  await env.cfn.update('Firmware140', created.PhysicalResourceId, next, baseProps);

  const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, baseProps, next);

  expect(rollback.Status).toBe('SUCCESS');
  const live = await getVersion('1.4.0');
  expect(live.description).toBe(SECRET_DESCRIPTION);
  expect(live.attributes).toEqual(baseProps.Attributes);
  expect(await tagsOf(created.PhysicalResourceId)).toEqual({ team: 'edge', [CREATION_MARKER_TAG]: marker('Firmware140', created.RequestId) });
});

test('tags set outside the stack survive tag updates', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  await env.iot.send(new TagResourceCommand({ resourceArn: created.PhysicalResourceId, tags: [{ Key: 'set-by-ops', Value: 'yes' }] }));

  await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...baseProps, Tags: [] }, baseProps);

  expect(await tagsOf(created.PhysicalResourceId)).toEqual({ 'set-by-ops': 'yes', [CREATION_MARKER_TAG]: marker('Firmware140', created.RequestId) });
});

test('changing attributes of a published version fails with a clear message and changes nothing', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0', action: 'PUBLISH' }));

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...baseProps, Attributes: { channel: 'beta' } }, baseProps);

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('Cannot change Attributes of package version \'firmware/1.4.0\': it is PUBLISHED');
  expect((await getVersion('1.4.0')).attributes).toEqual(baseProps.Attributes);
});

test('renaming the version creates the new one, then CloudFormation\'s delete removes the old one', async () => {
  const created = await env.cfn.create('Firmware', baseProps);
  const renamed = { ...baseProps, VersionName: '1.4.1' };

  const res = await env.cfn.update('Firmware', created.PhysicalResourceId, renamed, baseProps);

  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).toBe('arn:aws:iot:us-east-1:123456789012:package/firmware/version/1.4.1');
  expect(res.Data?.VersionName).toBe('1.4.1');
  expect(await versionExists('1.4.0')).toBe(true);
  expect(await versionExists('1.4.1')).toBe(true);

  // Clean-up phase: CloudFormation deletes the old physical resource.
  const cleanup = await env.cfn.delete('Firmware', created.PhysicalResourceId, baseProps);
  expect(cleanup.Status).toBe('SUCCESS');
  expect(await versionExists('1.4.0')).toBe(false);
  expect(await versionExists('1.4.1')).toBe(true);
});

test('renaming the package creates the version in the new package', async () => {
  await env.iot.send(new CreatePackageCommand({ packageName: 'firmware-next' }));
  const created = await env.cfn.create('Firmware', baseProps);

  const res = await env.cfn.update('Firmware', created.PhysicalResourceId, { ...baseProps, PackageName: 'firmware-next' }, baseProps);

  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).toBe('arn:aws:iot:us-east-1:123456789012:package/firmware-next/version/1.4.0');
});

test('delete removes the version, and a second delete succeeds too', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);

  const first = await env.cfn.delete('Firmware140', created.PhysicalResourceId, baseProps);
  const second = await env.cfn.delete('Firmware140', created.PhysicalResourceId, baseProps);

  expect(first.Status).toBe('SUCCESS');
  expect(second.Status).toBe('SUCCESS');
  expect(second.PhysicalResourceId).toBe(created.PhysicalResourceId);
  expect(await versionExists('1.4.0')).toBe(false);
});

test('delete after a failed create is ignored by the framework', async () => {
  const failed = await env.cfn.create('Bad', { ...baseProps, PackageName: 'no-such-package' });
  const res = await env.cfn.delete('Bad', failed.PhysicalResourceId, baseProps);

  expect(res.Status).toBe('SUCCESS');
});

test('delete of the package\'s default version fails with instructions and keeps the version', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  await env.iot.send(new UpdatePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0', action: 'PUBLISH' }));
  await env.iot.send(new UpdatePackageCommand({ packageName: PACKAGE, defaultVersionName: '1.4.0' }));

  const res = await env.cfn.delete('Firmware140', created.PhysicalResourceId, baseProps);

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toContain('it is the default version of package \'firmware\'');
  expect(res.Reason).toContain('--unset-default-version');
  expect(await versionExists('1.4.0')).toBe(true);
});

test('update re-creates a version deleted outside CloudFormation, keeping the physical id', async () => {
  const created = await env.cfn.create('Firmware140', baseProps);
  await env.iot.send(new DeletePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0' }));

  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, { ...baseProps, Description: 'Again' }, baseProps);

  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).toBe(created.PhysicalResourceId);
  expect((await getVersion('1.4.0')).description).toBe('Again');
});

test('a rolled-back rename takes the old version back, and the rollback clean-up deletes the new one', async () => {
  const created = await env.cfn.create('Firmware', baseProps);
  const renamed = { ...baseProps, VersionName: '1.4.1', Description: 'Renamed' };
  const forward = await env.cfn.update('Firmware', created.PhysicalResourceId, renamed, baseProps);
  expect(forward.Status).toBe('SUCCESS');

  // Another resource failed: CloudFormation rolls this one back to the old
  // properties, with the new version's ARN as the physical id.
  const rollback = await env.cfn.update('Firmware', forward.PhysicalResourceId, baseProps, renamed);
  expect(rollback.Status).toBe('SUCCESS');
  expect(rollback.PhysicalResourceId).toBe(created.PhysicalResourceId);

  // Rollback clean-up: the new version is deleted, the old one is intact.
  const cleanup = await env.cfn.delete('Firmware', forward.PhysicalResourceId, renamed);
  expect(cleanup.Status).toBe('SUCCESS');
  expect(await versionExists('1.4.1')).toBe(false);
  const old = await getVersion('1.4.0');
  expect(old.description).toBe(SECRET_DESCRIPTION);
  expect(await tagsOf(created.PhysicalResourceId)).toEqual({ team: 'edge', [CREATION_MARKER_TAG]: marker('Firmware', created.RequestId) });
});

test('renaming back to a retained earlier version takes it back and reconciles it', async () => {
  const created = await env.cfn.create('Firmware', baseProps);
  const renamed = { ...baseProps, VersionName: '1.4.1' };
  const forward = await env.cfn.update('Firmware', created.PhysicalResourceId, renamed, baseProps);
  // RETAIN: CloudFormation skips the clean-up delete of 1.4.0.

  const back = { ...baseProps, Description: 'Back again', Tags: [{ Key: 'tier', Value: 'gold' }] };
  const res = await env.cfn.update('Firmware', forward.PhysicalResourceId, back, renamed);

  expect(res.Status).toBe('SUCCESS');
  expect(res.PhysicalResourceId).toBe(created.PhysicalResourceId);
  expect((await getVersion('1.4.0')).description).toBe('Back again');
  expect(await tagsOf(created.PhysicalResourceId)).toEqual({ tier: 'gold', [CREATION_MARKER_TAG]: marker('Firmware', created.RequestId) });
});

test('a version re-created by another resource after ours was deleted is neither updated nor deleted', async () => {
  const ours = await env.cfn.create('Ours', baseProps);
  await env.iot.send(new DeletePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0' }));
  const theirs = await env.cfn.create('Theirs', { ...baseProps, Description: 'Theirs' });
  expect(theirs.Status).toBe('SUCCESS');

  const update = await env.cfn.update('Ours', ours.PhysicalResourceId, { ...baseProps, Description: 'Mine now?' }, baseProps);
  expect(update.Status).toBe('FAILED');
  expect(update.Reason).toContain('was not created by this CloudFormation resource');

  const del = await env.cfn.delete('Ours', ours.PhysicalResourceId, baseProps);
  expect(del.Status).toBe('SUCCESS');
  expect((await getVersion('1.4.0')).description).toBe('Theirs');
});

// Runs last: covers everything logged by the tests above.
test('nothing logged carries the ResponseURL, and the handler never logs description or attribute values', () => {
  const all = env.cfn.logs.join('\n');
  expect(all).not.toContain(RESPONSE_URL_SECRET);
  // The framework logs each event, without ResponseURL, at INFO level; the
  // deployed framework function drops those lines (aws-cdk-lib sets its log
  // level to FATAL). Our handler's own lines must never hold the values.
  const handlerLines = env.cfn.logs.filter((line) => !line.startsWith('[provider-framework]'));
  expect(handlerLines.length).toBeGreaterThan(20);
  expect(handlerLines.join('\n')).not.toContain(SECRET_DESCRIPTION);
  expect(handlerLines.join('\n')).not.toContain(SECRET_ATTRIBUTE);
  expect(handlerLines.join('\n')).toContain('"notice":"CloudFormation request"');
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
