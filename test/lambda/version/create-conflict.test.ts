/**
 * Create when the version already exists (lambda/version/create.ts,
 * resolveConflict): the creation marker decides.
 *
 * - this request's marker: a retried create, the version is used as it is;
 * - this resource's marker from another request: taken back, reconciled;
 * - another resource of the same stack (a construct moved within its stack):
 *   taken over, the previous owner recorded, handed back if CloudFormation
 *   gives up on the request;
 * - anything else: refused, unless AdoptExisting is 'true'.
 */
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageVersionCommand,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { createEvent, Props, requestId, tagList } from '../events';
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
  stubStackStatus,
  stubTags,
  throttled,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const REFUSED = (iotMessage: string) =>
  "Package version 'firmware/1.0.0' already exists and was not created by this CloudFormation resource, so it is not taken over " +
  "(PackageName 'firmware', VersionName '1.0.0'). Choose another versionName; or, if this stack should manage it from now on " +
  '(a version made by the console, CI or CfnSoftwarePackageVersion), set adoptExisting: true. ' +
  `IoT said: ConflictException: ${iotMessage}`;

const DRAFT_ONLY = (status: string) =>
  `Cannot change Attributes of package version 'firmware/1.0.0': it is ${status}, and IoT allows attribute and artifact changes ` +
  'only while a version is DRAFT. Publish the change as a new version: change versionName (CloudFormation then replaces this version).';

/** CreatePackageVersion conflicts; IoT holds `live` with `tags`. */
function stubExisting(live: LiveVersion, tags: Record<string, string>, message?: string) {
  iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict(message));
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(live);
  stubTags(ARN, tags);
}

function stubWrites() {
  iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
  iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});
  iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});
}

describe('a retried create', () => {
  test('uses the version its own RequestId created, following tag pagination, and still checks the stack status', async () => {
    const rid = requestId();
    stubStackStatus('CREATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves({ packageVersionArn: ARN, status: 'DRAFT', errorReason: 'still processing' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: undefined })
      .resolves({ tags: [{ Key: 'Env', Value: 'prod' }], nextToken: 'page-2' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: 'page-2' })
      .resolves({ tags: [{ Key: CREATION_MARKER_TAG, Value: ownMarker(rid) }] });

    const result = await handler(createEvent(baseProps({ Tags: tagList({ Env: 'prod' }) }), { requestId: rid }));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: 'still processing', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'ListTagsForResource']);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }, { resourceArn: ARN, nextToken: 'page-2' }]);
    expect(describedStacks()).toHaveLength(1);
    expect(logged()).toContain('create was retried: using the version this request already created');
  });

  test('recognises its own marker even for a RequestId with spaces', async () => {
    const rid = 'request id with spaces';
    stubStackStatus('CREATE_IN_PROGRESS');
    stubExisting(liveVersion(VER), { [CREATION_MARKER_TAG]: ownMarker(rid) });

    await expect(handler(createEvent(baseProps(), { requestId: rid }))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(logged()).toContain('create was retried');
  });

  test('a marker with this RequestId but another owner is not taken as a retry', async () => {
    const rid = requestId();
    stubExisting(liveVersion(VER), { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${rid}` });

    await expect(handler(createEvent(baseProps(), { requestId: rid }))).rejects.toThrow(REFUSED('A package version with this name already exists'));
  });

  test('where IoT ignored the clientToken, returns the version of the first attempt, unchanged', async () => {
    const rid = requestId();
    stubStackStatus('CREATE_IN_PROGRESS');
    const props = baseProps({ Description: 'Release 1', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }) });
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce({ packageVersionArn: ARN, status: 'DRAFT' })
      .rejects(conflict());
    // Edited between the two attempts: a retry does not reconcile.
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { description: 'edited in the console', attributes: { channel: 'beta' } }));
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN })
      .callsFake(() => ({ tags: tagList(inputsOf(CreatePackageVersionCommand)[0].tags as Record<string, string>) }));

    const first = await handler(createEvent(props, { requestId: rid }));
    const second = await handler(createEvent(props, { requestId: rid }));

    expect(second).toEqual(first);
    const [firstInput, secondInput] = inputsOf(CreatePackageVersionCommand);
    expect(secondInput).toEqual(firstInput);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });
});

describe('a version this resource created in an earlier request', () => {
  test('is taken back: fields reconciled, template tags set, other tags kept; nothing to undo, so no status read', async () => {
    stubExisting(
      liveVersion(VER, { description: 'edited in the console', attributes: { channel: 'beta' }, errorReason: 'earlier reason' }),
      { 'Env': 'dev', 'Team': 'iot', 'set-by-ops': 'x', [CREATION_MARKER_TAG]: ownMarker() },
    );
    stubWrites();

    const result = await handler(createEvent(baseProps({
      Description: 'Release 1', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod', Team: 'iot' }),
    })));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: 'earlier reason', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, description: 'Release 1', attributes: { channel: 'stable' } },
    ]);
    // A create has no previous template: every template tag is set, none removed.
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'Team', Value: 'iot' }] }]);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'UpdatePackageVersion', 'TagResource']);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(logged()).toContain('taking it back');
  });

  test('a version that already matches a template without tags needs no further call', async () => {
    stubExisting(
      liveVersion(VER, { status: 'PUBLISHED', description: 'Release 1', attributes: { channel: 'stable' } }),
      { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker() },
    );

    const result = await handler(createEvent(baseProps({ Description: 'Release 1', Attributes: { channel: 'stable' } })));

    expect(result.Data).toEqual({ PackageVersionArn: ARN, Status: 'PUBLISHED', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' });
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });

  test('a marker recording a previous owner (taken over earlier) is still this resource\'s', async () => {
    stubExisting(liveVersion(VER), { [CREATION_MARKER_TAG]: `${OWNER}/${EARLIER_REQUEST}/${OTHER_RESOURCE_OWNER}` });

    await expect(handler(createEvent(baseProps()))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(logged()).toContain('taking it back');
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });

  test.each<PackageVersionStatus>(['PUBLISHED', 'DEPRECATED'])('a %s one whose attributes differ fails with the DRAFT-only message and changes nothing', async (status) => {
    stubExisting(liveVersion(VER, { status, description: 'old', attributes: { channel: 'beta' } }), { [CREATION_MARKER_TAG]: ownMarker() });
    stubWrites();

    const err = await rejectionOf(handler(createEvent(baseProps({ Description: 'new', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }) }))));

    expect(err.message).toBe(DRAFT_ONLY(status));
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });
});

describe('a version of another resource of the same stack (a construct moved within its stack)', () => {
  const MOVED_FROM = `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}`;

  test('is taken over: reconciled, marked with this request and the previous owner, and the stack status checked', async () => {
    const rid = requestId();
    stubStackStatus('UPDATE_IN_PROGRESS');
    stubExisting(liveVersion(VER, { description: 'old text' }), { 'set-by-ops': 'x', [CREATION_MARKER_TAG]: MOVED_FROM });
    stubWrites();

    const result = await handler(createEvent(baseProps({ Description: 'new text', Tags: tagList({ Env: 'prod' }) }), { requestId: rid }));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([
      { resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] },
      { resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${OTHER_RESOURCE_OWNER}` }] },
    ]);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(describedStacks()).toHaveLength(1);
    expect(notices('a construct moved within its stack')).toEqual([expect.objectContaining({ previousOwner: OTHER_RESOURCE_OWNER })]);
  });

  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'DELETE_IN_PROGRESS'])('when the stack is %s after the take-over, the version is handed back', async (status) => {
    stubStackStatus(status);
    stubExisting(liveVersion(VER), { [CREATION_MARKER_TAG]: MOVED_FROM });
    stubWrites();

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      `CloudFormation stopped deploying this resource while the version was being created (stack status ${status}). ` +
      'The version was handed back to its previous owner.',
    );
    expect(inputsOf(TagResourceCommand).map((input) => input.tags)).toEqual([
      [{ Key: CREATION_MARKER_TAG, Value: expect.stringMatching(new RegExp(`^${OWNER}/.+/${OTHER_RESOURCE_OWNER}$`)) }],
      [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }],
    ]);
    expect(commandNames()).not.toContain('DeletePackageVersion');
  });

  test('when the hand-back fails, the failure says the marker still names this resource', async () => {
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    stubExisting(liveVersion(VER), { [CREATION_MARKER_TAG]: MOVED_FROM });
    iotMock.on(TagResourceCommand).resolvesOnce({}).rejects(throttled());

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      'CloudFormation stopped deploying this resource while the version was being created (stack status ROLLBACK_IN_PROGRESS). ' +
      `The version ${ARN} could not be handed back to its previous owner (TagResource failed for tags ` +
      `('${CREATION_MARKER_TAG}') of '${ARN}': ThrottlingException: Rate exceeded); its tag '${CREATION_MARKER_TAG}' still names this resource`,
    );
  });

  test('a frozen field fails before any write: the marker is not changed', async () => {
    stubExisting(liveVersion(VER, { status: 'PUBLISHED', attributes: { channel: 'beta' } }), { [CREATION_MARKER_TAG]: MOVED_FROM });
    stubWrites();

    await expect(handler(createEvent(baseProps({ Attributes: { channel: 'stable' } })))).rejects.toThrow(DRAFT_ONLY('PUBLISHED'));
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });
});

describe('any other version', () => {
  test.each(FOREIGN_MARKERS)('a version with %s is not taken over, and the refusal names adoptExisting', async (_label, tags) => {
    stubExisting(liveVersion(VER, { description: 'theirs' }), tags, 'Version 1.0.0 already exists');
    stubWrites();

    const err = await rejectionOf(handler(createEvent(baseProps({ Description: 'mine', Tags: tagList({ Env: 'dev' }) }))));

    expect(err.message).toBe(REFUSED('Version 1.0.0 already exists'));
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test.each<[string, () => void]>([
    ['vanished before the lookup', () => iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound())],
    ['has no ARN', () => iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ status: 'DRAFT' })],
  ])('a conflict whose version %s rethrows IoT\'s own error, and tags are not listed', async (_label, stubLookup) => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict('Another operation on this package is in progress'));
    stubLookup();

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Another operation on this package is in progress",
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion']);
  });

  test('an IoT conflict message longer than 300 characters is truncated', async () => {
    stubExisting(liveVersion(VER), {}, 'm'.repeat(1000));

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message.endsWith(`IoT said: ConflictException: ${'m'.repeat(297)}...`)).toBe(true);
  });

  test('a failure listing the tags is thrown', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(ListTagsForResourceCommand).rejects(throttled());

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(`ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`);
  });
});

describe('AdoptExisting', () => {
  const ADOPT: Props = { AdoptExisting: 'true' };

  test.each<[string, Record<string, string>, string]>([
    ['no marker', { 'set-by-ci': 'yes' }, '-'],
    ['a bare RequestId as marker (earlier releases)', { [CREATION_MARKER_TAG]: EARLIER_REQUEST }, '-'],
    ['the marker of another stack', { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` }, OTHER_STACK_OWNER],
  ])('takes over a version with %s, recording the previous owner, keeping tags set outside the stack', async (_label, tags, previous) => {
    const rid = requestId();
    stubStackStatus('CREATE_IN_PROGRESS');
    stubExisting(liveVersion(VER, { description: 'made in the console', attributes: { channel: 'console' } }), tags);
    stubWrites();

    const result = await handler(createEvent(baseProps({
      ...ADOPT, Description: 'Bootloader fix', Attributes: { channel: 'stable' }, Tags: tagList({ team: 'edge' }),
    }), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, description: 'Bootloader fix', attributes: { channel: 'stable' } },
    ]);
    expect(inputsOf(TagResourceCommand)).toEqual([
      { resourceArn: ARN, tags: [{ Key: 'team', Value: 'edge' }] },
      { resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${previous}` }] },
    ]);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(notices('adoptExisting: taking over')).toEqual([expect.objectContaining({ previousOwner: previous === '-' ? 'none' : previous })]);
  });

  test('an adoption CloudFormation gave up on hands an unmarked version back by removing the marker', async () => {
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    stubExisting(liveVersion(VER), { 'set-by-ci': 'yes' });
    stubWrites();

    const err = await rejectionOf(handler(createEvent(baseProps(ADOPT))));

    expect(err.message).toMatch(/\(stack status ROLLBACK_IN_PROGRESS\)\. The version was handed back to its previous owner\.$/);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'TagResource', 'UntagResource']);
  });

  test.each(['false', 'TRUE', 'yes', ''])('AdoptExisting %j is no opt-in', async (value) => {
    stubExisting(liveVersion(VER), {});

    await expect(handler(createEvent(baseProps({ AdoptExisting: value })))).rejects.toThrow(REFUSED('A package version with this name already exists'));
  });

  test('a new version is created as usual, without a previous owner', async () => {
    const rid = requestId();
    stubStackStatus('CREATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    await handler(createEvent(baseProps(ADOPT), { requestId: rid }));

    expect(inputsOf(CreatePackageVersionCommand)[0].tags).toEqual({ [CREATION_MARKER_TAG]: ownMarker(rid) });
  });

  // BUG (handler): resolveConflict treats "this request's marker" as "this
  // request created the version" and returns a delete as the undo, even when
  // the marker records a take-over (`<owner>/<requestId>/<previous>`). A
  // retried adoption (Lambda retries the framework with the same RequestId)
  // that then finds the stack rolling back deletes a version it never made.
  test('a retried take-over that CloudFormation gave up on hands the version back instead of deleting it', async () => {
    const rid = requestId();
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    // The first attempt took the version over; its response was lost.
    stubExisting(liveVersion(VER), { 'set-by-ci': 'yes', [CREATION_MARKER_TAG]: `${OWNER}/${rid}/-` });
    stubWrites();
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps(ADOPT), { requestId: rid })));

    expect(commandNames()).not.toContain('DeletePackageVersion');
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(err.message).toMatch(/The version was handed back to its previous owner\.$/);
  });
});
