/**
 * Update in place (lambda/version/update.ts, version/reconcile.ts): fields
 * and tags brought to the template; a version without this resource's
 * marker is not modified; a refusal reads the stack status and succeeds,
 * with the live state, during a rollback; a version deleted out of band is
 * created again.
 *
 * Renames (replacements) are in rename.test.ts.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreatePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { Props, requestId, STACK_ID, tagList, updateEvent } from '../events';
import {
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  conflict,
  describedStacks,
  EARLIER_REQUEST,
  FOREIGN_MARKERS,
  forgetHistory,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  LiveVersion,
  logged,
  notFound,
  notices,
  OTHER_RESOURCE_OWNER,
  OTHER_STACK_OWNER,
  OWNER,
  ownMarker,
  PKG,
  rejectionOf,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  throttled,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const OLD: Props = baseProps({ Description: 'old text', Attributes: { channel: 'beta' }, Tags: tagList({ Env: 'dev' }) });

function live(overrides: LiveVersion = {}): LiveVersion {
  return liveVersion(VER, { description: 'old text', attributes: { channel: 'beta' }, ...overrides });
}

/** IoT holds `live(overrides)`, created by this resource. */
function stubLive(overrides: LiveVersion = {}) {
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(live(overrides));
  stubOwnTags(ARN, { Env: 'dev' });
}

function stubWrites() {
  iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
  iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});
  iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});
}

// The previous template set no status (DRAFT), so the version was published outside CloudFormation.
const DRAFT_ONLY = (status: string) =>
  `Cannot change Attributes of package version 'firmware/1.0.0': it is ${status} (it became ${status} outside CloudFormation: ` +
  'the previous template said DRAFT), and IoT allows attribute and artifact changes only while a version is DRAFT. ' +
  'Publish the change as a new version: change versionName (CloudFormation then replaces this version).';

const FOREIGN =
  "Package version 'firmware/1.0.0' was not created by this CloudFormation resource (it was deleted outside CloudFormation " +
  'and made again by someone else, or never had the marker tag of this library), so this stack does not modify it. ' +
  'Remove it from this stack, delete that version and deploy again, or set adoptExisting: true to take it over.';

describe('fields', () => {
  beforeEach(() => stubWrites());

  test('a description change sends only the description, and reads no stack status', async () => {
    stubLive();

    const result = await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'UpdatePackageVersion']);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(notices('version updated')).toEqual([{ notice: 'version updated', version: 'firmware/1.0.0', changed: ['Description'] }]);
  });

  test('a description change is allowed on a PUBLISHED version', async () => {
    stubLive({ status: 'PUBLISHED' });

    const result = await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });

  test.each<[string, Props, Record<string, unknown>]>([
    ['a changed map is sent whole', { ...OLD, Attributes: { channel: 'stable', region: 'eu' } }, { attributes: { channel: 'stable', region: 'eu' } }],
    ['one added attribute also sends the ones that stay', { ...OLD, Attributes: { channel: 'beta', extra: '1' } }, { attributes: { channel: 'beta', extra: '1' } }],
    ['removing all attributes sends an empty map', baseProps({ Description: 'old text', Tags: OLD.Tags }), { attributes: {} }],
    ['description and attributes go in one call', { ...OLD, Description: 'new text', Attributes: { channel: 'rc' } }, { description: 'new text', attributes: { channel: 'rc' } }],
  ])('attributes on a DRAFT version: %s', async (_label, props, sent) => {
    stubLive();

    await handler(updateEvent(props, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, ...sent }]);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('unchanged attributes on a PUBLISHED version do not block a description change', async () => {
    stubLive({ status: 'PUBLISHED' });

    await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('with no change, nothing is written', async () => {
    stubLive();

    const result = await handler(updateEvent({ ...OLD }, OLD));

    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('a live version without attributes matches a template without attributes', async () => {
    stubLive({ attributes: undefined, description: undefined });

    await handler(updateEvent(baseProps({ Tags: OLD.Tags }), baseProps({ Tags: OLD.Tags })));

    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('a description drifted in IoT is brought back to the template', async () => {
    stubLive({ description: 'edited in the console' });

    await handler(updateEvent({ ...OLD }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'old text' }]);
  });

  test('a removed description is kept (IoT cannot clear it) and nothing is updated', async () => {
    stubLive();
    const { Description: _removed, ...withoutDescription } = OLD;

    const result = await handler(updateEvent(withoutDescription, OLD));

    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(logged()).toContain('IoT cannot clear a description: the current one is kept');
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('an UpdatePackageVersion failure names the operation and the changed fields', async () => {
    stubLive();
    iotMock.on(UpdatePackageVersionCommand).rejects(invalid('Invalid request'));

    await expect(handler(updateEvent({ ...OLD, Description: 'new text', Attributes: { channel: 'x' } }, OLD))).rejects.toThrow(
      "UpdatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (changing Description, Attributes): ValidationException: Invalid request",
    );
  });
});

describe('frozen fields', () => {
  beforeEach(() => stubWrites());

  const CHANGE: Props = { ...OLD, Description: 'new text', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }) };

  test.each<PackageVersionStatus>(['PUBLISHED', 'DEPRECATED'])('an attributes change on a %s version fails with the DRAFT-only message and writes nothing', async (status) => {
    stubLive({ status });
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(handler(updateEvent(CHANGE, OLD)));

    expect(err.message).toBe(DRAFT_ONLY(status));
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test('during a rollback, what can be restored is, and the update succeeds', async () => {
    stubLive({ status: 'PUBLISHED' });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');

    const result = await handler(updateEvent(CHANGE, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(notices('rollback: not failing it')).toEqual([expect.objectContaining({ status: 'UPDATE_ROLLBACK_IN_PROGRESS', wouldHaveFailedWith: DRAFT_ONLY('PUBLISHED') })]);
  });
});

describe('tags', () => {
  beforeEach(() => stubWrites());

  test('only added and changed tags are set, only removed keys are untagged', async () => {
    stubLive();

    await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod', Team: 'iot', New: 'y' }) }, { ...OLD, Tags: tagList({ Env: 'dev', Team: 'iot', Old: 'x' }) }));

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'New', Value: 'y' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Old'] }]);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(notices('tags updated')).toEqual([{ notice: 'tags updated', arn: ARN, set: 2, removed: 1 }]);
  });

  test('a value change alone is a TagResource and no UntagResource', async () => {
    stubLive();

    await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod' }) }, OLD));

    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource', 'TagResource']);
  });

  test('removing every tag untags them, never the marker tag, even if old properties listed it', async () => {
    stubLive();
    const before = { ...OLD, Tags: [...tagList({ Env: 'dev', Team: 'iot' }), { Key: CREATION_MARKER_TAG, Value: 'create-request' }] };
    const { Tags: _removed, ...after } = OLD;

    await handler(updateEvent(after, before));

    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Env', 'Team'] }]);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('tags go to the physical id when IoT reports no ARN', async () => {
    stubLive({ packageVersionArn: undefined });

    const result = await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod' }) }, OLD));

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('a TagResource failure names the tag keys and the ARN', async () => {
    stubLive();
    iotMock.on(TagResourceCommand).rejects(invalid('Too many tags'));

    await expect(handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod', Owner: 'me' }) }, OLD))).rejects.toThrow(
      `TagResource failed for tags ('Env', 'Owner') of '${ARN}': ValidationException: Too many tags`,
    );
  });

  test('a TagResource failure with many keys names the first three and counts the rest', async () => {
    stubLive();
    iotMock.on(TagResourceCommand).rejects(invalid('Too many tags'));

    await expect(handler(updateEvent({ ...OLD, Tags: tagList({ A: '1', B: '2', C: '3', D: '4', E: '5' }) }, OLD))).rejects.toThrow(
      `TagResource failed for tags (5 keys: 'A', 'B', 'C' and 2 more) of '${ARN}': ValidationException: Too many tags`,
    );
  });

  test('live tags without a value read as empty, and entries without a key are skipped', async () => {
    iotMock.on(GetPackageVersionCommand).resolves(live());
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN })
      .resolves({ tags: [{ Key: 'NoValue' }, { Value: 'orphan' } as unknown as { Key: string }, { Key: CREATION_MARKER_TAG, Value: ownMarker() }] });

    await expect(handler(updateEvent({ ...OLD }, OLD))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('an UntagResource failure names the tag keys and the ARN', async () => {
    stubLive();
    iotMock.on(UntagResourceCommand).rejects(throttled());

    await expect(handler(updateEvent(baseProps({ Description: 'old text', Attributes: { channel: 'beta' } }), OLD))).rejects.toThrow(
      `UntagResource failed for tags ('Env') of '${ARN}': ThrottlingException: Rate exceeded`,
    );
  });

  test('a rollback (old and new swapped) of a description and tags change restores the earlier state', async () => {
    const v1 = baseProps({ Description: 'v1 text', Tags: tagList({ Env: 'dev', Keep: '1' }) });
    const v2 = baseProps({ Description: 'v2 text', Tags: tagList({ Env: 'prod', Added: 'x' }) });
    stubOwnTags(ARN, { Env: 'dev', Keep: '1' });
    iotMock.on(GetPackageVersionCommand).resolves(live({ description: 'v1 text', attributes: undefined }));

    const forward = await handler(updateEvent(v2, v1));
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'v2 text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'Added', Value: 'x' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Keep'] }]);

    forgetHistory();
    iotMock.on(GetPackageVersionCommand).resolves(live({ description: 'v2 text', attributes: undefined }));
    const rollback = await handler(updateEvent(v1, v2, { physicalResourceId: forward.PhysicalResourceId }));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'v1 text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'Keep', Value: '1' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Added'] }]);
    expect(rollback.PhysicalResourceId).toBe(ARN);
    // Nothing refused: the status is never read.
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a physical id that is not an ARN falls back to the old properties and is returned unchanged', async () => {
    stubLive();

    const result = await handler(updateEvent({ ...OLD }, OLD, { physicalResourceId: 'legacy-physical-id' }));

    expect(inputsOf(GetPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(result.PhysicalResourceId).toBe('legacy-physical-id');
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });
});

describe('ownership', () => {
  const CHANGE: Props = { ...OLD, Description: 'new text', Attributes: { channel: 'rc' }, Tags: tagList({ Team: 'iot' }) };

  beforeEach(() => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(live({ status: 'PUBLISHED', description: 'theirs', errorReason: 'their reason' }));
    stubWrites();
  });

  test.each<[string, Record<string, string>]>([
    ...FOREIGN_MARKERS,
    ['the marker of another resource of this stack (the version moved on)', { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}` }],
    ['a malformed marker (no requestId)', { [CREATION_MARKER_TAG]: `${OWNER}/` }],
  ])('a version with %s is not modified: the update fails', async (_label, tags) => {
    stubTags(ARN, tags);
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(handler(updateEvent(CHANGE, OLD)));

    expect(err.message).toBe(FOREIGN);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_IN_PROGRESS'])(
    'during a rollback (%s) it is not modified either, but the update succeeds with the live state and a log line',
    async (status) => {
      stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });
      stubStackStatus(status);

      const result = await handler(updateEvent(CHANGE, OLD));

      expect(result).toEqual({
        PhysicalResourceId: ARN,
        Data: { PackageVersionArn: ARN, Status: 'PUBLISHED', ErrorReason: 'their reason', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
      });
      expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
      expect(notices('rollback: not failing it')).toEqual([{
        notice: 'rollback: not failing it for what IoT cannot undo; the version stays as it is',
        status,
        wouldHaveFailedWith: FOREIGN,
      }]);
    },
  );

  test('a stack status that cannot be read fails the update: a rollback is never assumed', async () => {
    stubTags(ARN, {});
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(updateEvent(CHANGE, OLD))).rejects.toThrow(
      `DescribeStacks failed for this resource's stack '${STACK_ID}' (read to tell a rollback from a deployment): ThrottlingException: Rate exceeded`,
    );
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test.each<[string, string]>([
    ['another request (e.g. re-created by an earlier update)', ownMarker('a-different-request-0000000000000000')],
    ['a take-over (a previous owner is recorded)', `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}`],
  ])('a version marked by this resource in %s is updated', async (_label, marker) => {
    stubTags(ARN, { Env: 'dev', [CREATION_MARKER_TAG]: marker });

    await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('with AdoptExisting, a foreign version is taken over and reconciled, keeping the physical id', async () => {
    const rid = requestId();
    stubTags(ARN, { 'set-by-ci': 'yes', [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());

    const result = await handler(updateEvent({ ...OLD, Description: 'new text', AdoptExisting: 'true' }, OLD, { requestId: rid }));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'PUBLISHED', ErrorReason: 'their reason', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([
      { resourceArn: ARN, tags: [{ Key: 'Env', Value: 'dev' }] },
      { resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${OTHER_STACK_OWNER}` }] },
    ]);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a failure listing the tags is thrown and nothing is changed', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());

    await expect(handler(updateEvent({ ...OLD, Description: 'new text' }, OLD))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });
});

describe('a version deleted out of band', () => {
  test('is created again with this request as marker; the physical id stays; no status is read', async () => {
    const rid = requestId();
    const props = baseProps({ Description: 'text', Attributes: { channel: 'beta' }, Tags: tagList({ Env: 'prod' }) });
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    const result = await handler(updateEvent(props, baseProps({ Description: 'older' }), { requestId: rid }));

    expect(inputsOf(CreatePackageVersionCommand)).toEqual([{
      packageName: PKG,
      versionName: VER,
      description: 'text',
      attributes: { channel: 'beta' },
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(rid) },
      clientToken: rid,
    }]);
    expect(commandNames()).toEqual(['GetPackageVersion', 'CreatePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(logged()).toContain('version no longer exists in IoT: creating it again');
  });

  test('the physical id is returned as it was, even when it differs from the ARN IoT reports', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    const result = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps(), { physicalResourceId: 'legacy-physical-id' }));

    expect(result.PhysicalResourceId).toBe('legacy-physical-id');
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('a retried re-create uses the version marked with this update request', async () => {
    const rid = requestId();
    iotMock.on(GetPackageVersionCommand).rejectsOnce(notFound()).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    stubOwnTags(ARN, {}, rid);

    const result = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps(), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(commandNames()).toEqual(['GetPackageVersion', 'CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });

  test('a version made again by someone else in the meantime is not taken over', async () => {
    iotMock.on(GetPackageVersionCommand).rejectsOnce(notFound()).resolves(liveVersion(VER));
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))).rejects.toThrow(
      /^Package version 'firmware\/1\.0\.0' already exists and was not created by this CloudFormation resource, so it is not taken over/,
    );
    expect(commandNames()).toEqual(['GetPackageVersion', 'CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });

  test('if the package is gone too, the create error says so', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand).rejects(invalid('Package firmware does not exist'));
    iotMock.on(GetPackageCommand).rejects(notFound());

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))).rejects.toThrow(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ValidationException: Package firmware does not exist " +
      "(package 'firmware' does not exist in this account and region; create it first, e.g. with CfnSoftwarePackage)",
    );
  });

  test('a GetPackageVersion failure other than 404 is thrown and nothing is created', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(throttled());

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))).rejects.toThrow(
      "GetPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ThrottlingException: Rate exceeded",
    );
    expect(commandNames()).toEqual(['GetPackageVersion']);
  });
});
