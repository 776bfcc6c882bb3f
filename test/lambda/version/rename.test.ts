/**
 * Update with a rename, i.e. a replacement (lambda/version/update.ts,
 * replace): the new version is created and its ARN returned; CloudFormation
 * deletes the old one later. The stack status is read before (is this
 * update a rollback?) and, outside a rollback, after the create (did
 * CloudFormation give up meanwhile? then the new version is deleted again).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { arnOf, deleteEvent, Props, requestId, STACK_ID, tagList, updateEvent } from '../events';
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
  iotMock,
  liveVersion,
  logged,
  OTHER_RESOURCE_OWNER,
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

const V2 = '2.0.0';
const V2_ARN = arnOf(PKG, V2);

function statusesInTurn(...statuses: string[]) {
  let stub = cfnMock.on(DescribeStacksCommand, { StackName: STACK_ID });
  for (const status of statuses.slice(0, -1)) {
    stub = stub.resolvesOnce({ Stacks: [{ StackName: 'FirmwareStack', StackStatus: status as never, CreationTime: new Date(0) }] });
  }
  stub.resolves({ Stacks: [{ StackName: 'FirmwareStack', StackStatus: statuses[statuses.length - 1] as never, CreationTime: new Date(0) }] });
}

describe('forward', () => {
  test.each<[string, Props]>([
    ['VersionName', { PackageName: PKG, VersionName: V2 }],
    ['PackageName', { PackageName: 'bootloader', VersionName: VER }],
  ])('a %s change creates the new version and returns its ARN, deleting nothing; the status is read before and after', async (_label, names) => {
    const rid = requestId();
    const newArn = arnOf(String(names.PackageName), String(names.VersionName));
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { packageName: names.PackageName, versionName: names.VersionName })
      .resolves({ packageVersionArn: newArn, status: 'DRAFT' });

    const result = await handler(updateEvent(
      { ...names, Description: 'text', Tags: tagList({ Env: 'prod' }) },
      baseProps({ Description: 'text', Tags: tagList({ Env: 'prod' }) }),
      { requestId: rid },
    ));

    expect(inputsOf(CreatePackageVersionCommand)).toEqual([{
      packageName: names.PackageName,
      versionName: names.VersionName,
      description: 'text',
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(rid) },
      clientToken: rid,
    }]);
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(describedStacks()).toEqual([STACK_ID, STACK_ID]);
    expect(result).toEqual({
      PhysicalResourceId: newArn,
      Data: { PackageVersionArn: newArn, Status: 'DRAFT', ErrorReason: '', PackageName: names.PackageName, VersionName: names.VersionName, SbomValidationStatus: '' },
    });
  });

  test('the rename is detected from the physical id, not only from the old properties', async () => {
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({ packageVersionArn: V2_ARN });

    const result = await handler(updateEvent(baseProps({ VersionName: V2 }), baseProps({ VersionName: V2 }), { physicalResourceId: ARN }));

    expect(result.PhysicalResourceId).toBe(V2_ARN);
    expect(commandNames()).toEqual(['CreatePackageVersion']);
  });

  test('when CloudFormation began rolling back during the create, the new version is deleted again and the old one left alone', async () => {
    statusesInTurn('UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({ packageVersionArn: V2_ARN, status: 'DRAFT' });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({});

    const err = await rejectionOf(handler(updateEvent(baseProps({ VersionName: V2 }), baseProps())));

    expect(err.message).toBe(
      'CloudFormation stopped deploying this resource while the version was being created (stack status UPDATE_ROLLBACK_IN_PROGRESS). ' +
      'The version this request created was deleted again, so nothing is left behind.',
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'DeletePackageVersion']);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: V2 }]);
  });

  test('a status that cannot be read fails the rename before any IoT call', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(throttled());

    await expect(handler(updateEvent(baseProps({ VersionName: V2 }), baseProps()))).rejects.toThrow(/^DescribeStacks failed for this resource's stack/);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('a failed create has nothing to undo', async () => {
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand).rejects(throttled());

    await expect(handler(updateEvent(baseProps({ VersionName: V2 }), baseProps()))).rejects.toThrow(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '2.0.0': ThrottlingException: Rate exceeded",
    );
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(describedStacks()).toHaveLength(1);
  });

  test.each(FOREIGN_MARKERS.slice(0, 4))('a rename onto a version with %s is not taken over', async (_label, tags) => {
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { versionName: V2 }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({ packageVersionArn: V2_ARN });
    stubTags(V2_ARN, tags);

    await expect(handler(updateEvent(baseProps({ VersionName: V2 }), baseProps()))).rejects.toThrow(
      /^Package version 'firmware\/2\.0\.0' already exists and was not created by this CloudFormation resource, so it is not taken over/,
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
    expect(describedStacks()).toHaveLength(1);
  });

  test('a rename onto the version of another resource of this stack takes it over', async () => {
    const rid = requestId();
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { versionName: V2 }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves(liveVersion(V2));
    stubTags(V2_ARN, { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}` });
    iotMock.on(TagResourceCommand, { resourceArn: V2_ARN }).resolves({});

    const result = await handler(updateEvent(baseProps({ VersionName: V2 }), baseProps(), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(V2_ARN);
    expect(inputsOf(TagResourceCommand)).toEqual([
      { resourceArn: V2_ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${OTHER_RESOURCE_OWNER}` }] },
    ]);
    expect(describedStacks()).toHaveLength(2);
  });
});

describe('rolled back', () => {
  // A is the version before the rename, B the one after. CloudFormation
  // rolls back with an Update whose physical id is B's ARN, new properties
  // A and old properties B; it deletes B afterwards.
  const A_PROPS = baseProps({ Description: 'A text', Attributes: { channel: 'beta' }, Tags: tagList({ Env: 'prod' }) });
  const B_PROPS = { ...A_PROPS, VersionName: V2 };
  const A_ARN = ARN;
  const B_ARN = V2_ARN;

  /** The forward rename A -> B, which creates B. */
  async function renameForward(): Promise<string> {
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({ packageVersionArn: B_ARN, status: 'DRAFT' });
    const forward = await handler(updateEvent(B_PROPS, A_PROPS));
    expect(forward.PhysicalResourceId).toBe(B_ARN);
    forgetHistory();
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    return forward.PhysicalResourceId;
  }

  function stubA(overrides = {}) {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { status: 'PUBLISHED', description: 'A text', attributes: { channel: 'beta' }, ...overrides }));
    iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
    iotMock.on(TagResourceCommand, { resourceArn: A_ARN }).resolves({});
    iotMock.on(UntagResourceCommand, { resourceArn: A_ARN }).resolves({});
  }

  test('takes A back, reconciles its drifted description, returns A\'s ARN, and reads the status only once', async () => {
    const physicalResourceId = await renameForward();
    const rollbackRid = requestId();
    stubA({ description: 'edited in the console' });
    // A was created by the stack's first deployment; a tag was set outside the stack since.
    stubOwnTags(A_ARN, { 'Env': 'prod', 'set-by-ops': 'yes' });

    const result = await handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId, requestId: rollbackRid }));

    expect(result).toEqual({
      PhysicalResourceId: A_ARN,
      Data: { PackageVersionArn: A_ARN, Status: 'PUBLISHED', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(inputsOf(CreatePackageVersionCommand)).toEqual([{
      packageName: PKG,
      versionName: VER,
      description: 'A text',
      attributes: { channel: 'beta' },
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(rollbackRid) },
      clientToken: rollbackRid,
    }]);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'A text' }]);
    // B is left to CloudFormation's clean-up Delete; the tag set outside the stack stays.
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'UpdatePackageVersion']);
    expect(describedStacks()).toEqual([STACK_ID]);
    expect(logged()).toContain('taking it back');
  });

  test('the take-back applies the difference between the two templates\' tags', async () => {
    const a = { ...A_PROPS, Tags: tagList({ Env: 'dev' }) };
    const b = { ...B_PROPS, Tags: tagList({ Env: 'prod', Added: 'x' }) };
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    stubA();
    stubOwnTags(A_ARN, { Env: 'dev' });

    await handler(updateEvent(a, b, { physicalResourceId: B_ARN }));

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: A_ARN, tags: [{ Key: 'Env', Value: 'dev' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: A_ARN, tagKeys: ['Added'] }]);
  });

  test('takes A back with no further call when nothing drifted', async () => {
    const physicalResourceId = await renameForward();
    stubA();
    stubOwnTags(A_ARN, { Env: 'prod' });

    const result = await handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId }));

    expect(result.PhysicalResourceId).toBe(A_ARN);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });

  test('A deleted out of band meanwhile is created again, without a second status read', async () => {
    const physicalResourceId = await renameForward();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: A_ARN, status: 'DRAFT' });

    const result = await handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId }));

    expect(result.PhysicalResourceId).toBe(A_ARN);
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test('then deleting B (CloudFormation\'s clean-up) deletes B and leaves A alone', async () => {
    const physicalResourceId = await renameForward();
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves(liveVersion(V2));
    stubOwnTags(B_ARN, { Env: 'prod' }, 'forward-request-0000000000000000000000');
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: V2 }).resolves({});

    await expect(handler(deleteEvent(physicalResourceId, B_PROPS))).resolves.toEqual({ PhysicalResourceId: B_ARN });

    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: V2 }]);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: B_ARN }]);
  });

  // BUG (handler): refusals are supposed to succeed during a rollback, but
  // replace() knows it is rolling back and still lets createVersion's
  // "not created by this resource" refusal fail the rollback's Update, so the
  // stack ends UPDATE_ROLLBACK_FAILED.
  test('a rename rolled back onto an A someone else made again does not fail the rollback, and leaves A alone', async () => {
    const physicalResourceId = await renameForward();
    stubA({ description: 'theirs' });
    stubTags(A_ARN, { 'set-by-ci': 'yes' });

    await expect(handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId }))).resolves.toBeDefined();
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource']);
  });
});
