/**
 * Ownership through the real framework and moto: a version this stack did
 * not create is never modified or deleted; a version it created is never
 * leaked; the same resource (same stack name, same logical id) manages its
 * version again after its stack is re-created; a construct moved within its
 * stack keeps its version; adoption is opt-in.
 */
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-iot';
import { STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle, VERSION_PROPS } from './harness';
import { callerOf, markerValue } from '../../lambda/ownership';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle();

const props = VERSION_PROPS;
const ARN = arnOf('1.4.0');

/** The marker a resource of another stack writes. */
const OTHER_STACK_MARKER = markerValue(callerOf({
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/OtherStack/0b5c0d3e-0000-4000-8000-000000000000',
  LogicalResourceId: 'Firmware140',
  RequestId: '3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
}));

/** Makes version 1.4.0 outside CloudFormation, optionally with a marker. */
async function makeOutsideCloudFormation(tags: Record<string, string> = {}, description = 'Made in the console'): Promise<void> {
  await env.iot.send(new CreatePackageVersionCommand({
    packageName: PACKAGE,
    versionName: '1.4.0',
    description,
    attributes: { channel: 'console' },
    tags: Object.keys(tags).length > 0 ? tags : undefined,
  }));
}

describe('unmarked versions are foreign', () => {
  test('a version re-created outside CloudFormation without a marker is neither updated nor deleted', async () => {
    const ours = await env.cfn.create('Firmware140', props);
    await env.iot.send(new DeletePackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0' }));
    await makeOutsideCloudFormation();

    const update = await env.cfn.update('Firmware140', ours.PhysicalResourceId, { ...props, Description: 'Mine again?' }, props);
    expect(update.Status).toBe('FAILED');
    expect(update.Reason).toContain('was not created by this CloudFormation resource');
    expect((await env.getVersion('1.4.0')).description).toBe('Made in the console');

    const del = await env.cfn.delete('Firmware140', ours.PhysicalResourceId, props);
    expect(del.Status).toBe('SUCCESS');
    expect((await env.getVersion('1.4.0')).description).toBe('Made in the console');
  });

  test('a create does not take over an unmarked version', async () => {
    await makeOutsideCloudFormation();

    const res = await env.cfn.create('Firmware140', props);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('already exists and was not created by this CloudFormation resource');
    expect(await env.tagsOf(ARN)).toEqual({});
  });

  test('a create does not take over a version of another stack, and leaves its marker alone', async () => {
    await makeOutsideCloudFormation({ [CREATION_MARKER_TAG]: OTHER_STACK_MARKER });

    const res = await env.cfn.create('Firmware140', props);

    expect(res.Status).toBe('FAILED');
    expect(await env.tagsOf(ARN)).toEqual({ [CREATION_MARKER_TAG]: OTHER_STACK_MARKER });
  });

  test('the refusal names the adoption opt-in', async () => {
    await makeOutsideCloudFormation();

    const res = await env.cfn.create('Firmware140', props);

    expect(res.Reason).toContain('adoptExisting');
  });
});

describe('the same resource across a re-created stack', () => {
  test('a version retained from a deleted stack is managed again by the stack deployed again under the same name', async () => {
    const first = await env.cfn.create('Firmware140', props);
    expect(first.Status).toBe('SUCCESS');
    // RETAIN kept the version when the first deployment rolled back; the
    // stack was then deleted and is now deployed again under the same name.
    const oldStackId = env.cfn.stackId;
    await env.cfn.setStackStatus('CREATE_IN_PROGRESS', { recreate: true });

    const again = await env.cfn.create('Firmware140', { ...props, Description: 'Second deployment' }, undefined, { stackStatus: null });

    expect(env.cfn.stackId).not.toBe(oldStackId);
    expect(again.Status).toBe('SUCCESS');
    expect(again.PhysicalResourceId).toBe(ARN);
    expect((await env.getVersion('1.4.0')).description).toBe('Second deployment');
    const update = await env.cfn.update('Firmware140', ARN, { ...props, Description: 'Third' }, props);
    expect(update.Status).toBe('SUCCESS');
  });
});

describe('adoptExisting', () => {
  test('takes over a version made outside CloudFormation and brings it to the template\'s state, keeping foreign tags', async () => {
    await makeOutsideCloudFormation({ 'set-by-ci': 'yes' });

    const res = await env.cfn.create('Firmware140', { ...props, AdoptExisting: 'true' });

    expect(res.Status).toBe('SUCCESS');
    expect(res.PhysicalResourceId).toBe(ARN);
    const live = await env.getVersion('1.4.0');
    expect(live.description).toBe('Bootloader fix');
    expect(live.attributes).toEqual({ channel: 'stable' });
    const tags = await env.tagsOf(ARN);
    expect(tags).toEqual({ 'team': 'edge', 'set-by-ci': 'yes', [CREATION_MARKER_TAG]: `${env.marker('Firmware140', res.RequestId)}/-` });

    // From now on it is this stack's: its delete removes it.
    const del = await env.cfn.delete('Firmware140', ARN, props);
    expect(del.Status).toBe('SUCCESS');
    expect(await env.versionExists('1.4.0')).toBe(false);
  });

  test('an adoption rolled back hands the version back: it is not deleted, and no longer marked', async () => {
    await makeOutsideCloudFormation({ 'set-by-ci': 'yes' });
    const adopted = await env.cfn.create('Firmware140', { ...props, AdoptExisting: 'true' });
    expect(adopted.Status).toBe('SUCCESS');

    const rollback = await env.cfn.delete('Firmware140', ARN, props, { stackStatus: 'ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(await env.versionExists('1.4.0')).toBe(true);
    expect(await env.tagsOf(ARN)).toEqual({ 'team': 'edge', 'set-by-ci': 'yes' });
  });

  test('takes over a version of another stack; the other stack\'s delete then leaves it alone', async () => {
    await makeOutsideCloudFormation({ [CREATION_MARKER_TAG]: OTHER_STACK_MARKER });

    const res = await env.cfn.create('Firmware140', { ...props, AdoptExisting: 'true' });

    expect(res.Status).toBe('SUCCESS');
    const marker = (await env.tagsOf(ARN))[CREATION_MARKER_TAG];
    expect(marker).toBe(`${env.marker('Firmware140', res.RequestId)}/${OTHER_STACK_MARKER.split('/')[0]}`);
  });
});

describe('take-back keeps foreign tags', () => {
  test('a rolled-back rename takes the old version back without removing tags set outside the stack', async () => {
    const created = await env.cfn.create('Firmware', props);
    await env.iot.send(new TagResourceCommand({ resourceArn: ARN, tags: [{ Key: 'set-by-ops', Value: 'yes' }] }));
    const renamed = { ...props, VersionName: '1.4.1' };
    const forward = await env.cfn.update('Firmware', created.PhysicalResourceId, renamed, props);
    expect(forward.Status).toBe('SUCCESS');

    const rollback = await env.cfn.update('Firmware', forward.PhysicalResourceId, props, renamed, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(rollback.PhysicalResourceId).toBe(ARN);
    expect(await env.tagsOf(ARN)).toEqual({ 'team': 'edge', 'set-by-ops': 'yes', [CREATION_MARKER_TAG]: env.marker('Firmware', created.RequestId) });
  });
});

describe('a construct moved within its stack', () => {
  test('deploys in one step: the new resource takes the version over, and the old one\'s delete leaves it', async () => {
    const old = await env.cfn.create('FirmwareOld', props);
    expect(old.Status).toBe('SUCCESS');

    // The move changes the logical id: CloudFormation creates the new
    // resource, then deletes the old one in its clean-up phase.
    const moved = await env.cfn.create('FirmwareNew', props, undefined, { stackStatus: 'UPDATE_IN_PROGRESS' });
    expect(moved.Status).toBe('SUCCESS');
    expect(moved.PhysicalResourceId).toBe(ARN);

    const cleanup = await env.cfn.delete('FirmwareOld', ARN, props, { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' });
    expect(cleanup.Status).toBe('SUCCESS');
    expect(await env.versionExists('1.4.0')).toBe(true);
    const marker = (await env.tagsOf(ARN))[CREATION_MARKER_TAG];
    expect(marker.startsWith(env.marker('FirmwareNew', moved.RequestId))).toBe(true);

    // The new resource manages it from now on.
    const update = await env.cfn.update('FirmwareNew', ARN, { ...props, Description: 'After the move' }, props);
    expect(update.Status).toBe('SUCCESS');
    expect((await env.getVersion('1.4.0')).description).toBe('After the move');
  });

  test('a move rolled back hands the version back to the old resource', async () => {
    const old = await env.cfn.create('FirmwareOld', props);
    const moved = await env.cfn.create('FirmwareNew', props, undefined, { stackStatus: 'UPDATE_IN_PROGRESS' });
    expect(moved.Status).toBe('SUCCESS');

    // Another resource failed: the rollback's clean-up deletes the new resource.
    const rollback = await env.cfn.delete('FirmwareNew', ARN, props, { stackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' });

    expect(rollback.Status).toBe('SUCCESS');
    expect(await env.versionExists('1.4.0')).toBe(true);
    const marker = (await env.tagsOf(ARN))[CREATION_MARKER_TAG];
    expect(marker.split('/')[0]).toBe(env.marker('FirmwareOld', old.RequestId).split('/')[0]);
    const update = await env.cfn.update('FirmwareOld', ARN, { ...props, Description: 'Still the old resource\'s' }, props);
    expect(update.Status).toBe('SUCCESS');
  });
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
