import { createHash } from 'crypto';
import {
  ConflictException,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  GetPackageVersionCommandOutput,
  InternalServerException,
  IoTClient,
  IoTServiceException,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
  ValidationException,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  arnOf,
  createEvent,
  deleteEvent,
  LOGICAL_ID,
  OTHER_STACK_ID,
  PARTITION,
  Props,
  requestId,
  RESPONSE_URL,
  RESPONSE_URL_SECRET,
  STACK_ID,
  tagList,
  updateEvent,
} from './events';
import { handler } from '../../lambda';
import { iot, MAX_ATTEMPTS } from '../../lambda/aws/iot';
import { MAX_VALIDATION_MESSAGE } from '../../lambda/errors';
import { callerOf, markerValue, parseMarker } from '../../lambda/ownership';
import { clientTokenFor } from '../../lambda/version/create';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

const iotMock = mockClient(IoTClient);

const PKG = 'firmware';
const VER = '1.0.0';
const ARN = arnOf(PKG, VER);

const meta = { $metadata: {} };
const notFound = (message = 'The specified resource does not exist') => new ResourceNotFoundException({ message, ...meta });
const conflict = (message = 'A package version with this name already exists') => new ConflictException({ message, ...meta });
const throttled = (message = 'Rate exceeded') => new ThrottlingException({ message, ...meta });
const invalid = (message: string) => new ValidationException({ message, ...meta });

/**
 * The owner part of the creation marker, computed here independently of
 * lambda/ownership.ts: the first 32 hex digits of sha256(`StackId|LogicalResourceId`).
 */
function ownerFor(stackId: string, logicalId: string): string {
  return createHash('sha256').update(`${stackId}|${logicalId}`).digest('hex').slice(0, 32);
}

/** This resource: the default stack and logical id of the events. */
const OWNER = ownerFor(STACK_ID, LOGICAL_ID);
/** A resource with the same logical id in another stack. */
const OTHER_STACK_OWNER = ownerFor(OTHER_STACK_ID, LOGICAL_ID);
/** Another resource of the same stack. */
const OTHER_RESOURCE_OWNER = ownerFor(STACK_ID, 'OtherFirmwareVersion9F8E7D6C');

/** The RequestId of the create that made a version, in tests where that was an earlier request. */
const EARLIER_REQUEST = '6f1d0c2b-3a4e-4f5a-8b7c-9d0e1f2a3b4c';

/** The marker a version created by this resource for request `rid` carries. */
function ownMarker(rid: string): string {
  return `${OWNER}/${rid}`;
}

/** ListTagsForResource on `arn` returns `tags` (in one page). */
function stubTags(arn: string, tags: Record<string, string>) {
  iotMock.on(ListTagsForResourceCommand, { resourceArn: arn }).resolves({ tags: tagList(tags) });
}

/** The version at `arn` carries this resource's marker, from request `rid`, next to the `extra` tags. */
function stubOwnTags(arn: string, extra: Record<string, string> = {}, rid = EARLIER_REQUEST) {
  stubTags(arn, { ...extra, [CREATION_MARKER_TAG]: ownMarker(rid) });
}

/** Markers that belong to someone else, for test.each. */
const FOREIGN_MARKERS: [string, string][] = [
  ['the same logical id in another stack', `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}`],
  ['another resource of this stack', `${OTHER_RESOURCE_OWNER}/${EARLIER_REQUEST}`],
];

type LiveVersion = Omit<GetPackageVersionCommandOutput, '$metadata'>;

/** What GetPackageVersion returns for version `versionName` of PKG. */
function liveVersion(versionName: string, overrides: LiveVersion = {}): LiveVersion {
  return { packageVersionArn: arnOf(PKG, versionName), packageName: PKG, versionName, status: 'DRAFT', ...overrides };
}

/** The inputs IoT received for one command, in call order. */
function inputsOf(command: Parameters<typeof iotMock.commandCalls>[0]): Record<string, unknown>[] {
  return iotMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
}

/** The commands IoT received, in call order. */
function commandNames(): string[] {
  return iotMock.calls().map((call) => call.args[0].constructor.name);
}

/** The error a promise rejects with; fails if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('resolved'); }, (e: Error) => e);
}

let logSpy: jest.SpyInstance;

beforeEach(() => {
  iotMock.reset();
  iotMock.onAnyCommand().rejects(new Error('unexpected IoT call'));
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  logSpy.mockRestore();
});

/** Everything the handler logged, as one string. */
function logged(): string {
  return logSpy.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
}

function baseProps(overrides: Props = {}): Props {
  return { PackageName: PKG, VersionName: VER, ...overrides };
}

test('the owner computed here is the one the handler uses', () => {
  expect(OWNER).toMatch(/^[0-9a-f]{32}$/);
  expect(callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: 'r' }).owner).toBe(OWNER);
  expect(new Set([OWNER, OTHER_STACK_OWNER, OTHER_RESOURCE_OWNER]).size).toBe(3);
});

describe('Create', () => {
  test('creates the version with clientToken = RequestId and the marker tag merged into the user tags', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({
      packageVersionArn: ARN,
      packageName: PKG,
      versionName: VER,
      status: 'DRAFT',
    });

    const event = createEvent(baseProps({
      Description: 'Release 1',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: tagList({ Env: 'prod', Team: 'iot' }),
    }), { requestId: rid });
    const result = await handler(event);

    expect(iotMock).toHaveReceivedCommandTimes(CreatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(CreatePackageVersionCommand, {
      packageName: PKG,
      versionName: VER,
      clientToken: rid,
      tags: { Env: 'prod', Team: 'iot', [CREATION_MARKER_TAG]: `${OWNER}/${rid}` },
    });
    expect(inputsOf(CreatePackageVersionCommand)[0]).toEqual({
      packageName: PKG,
      versionName: VER,
      description: 'Release 1',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { Env: 'prod', Team: 'iot', [CREATION_MARKER_TAG]: ownMarker(rid) },
      clientToken: rid,
    });
    expect(ownMarker(rid)).toBe(markerValue(callerOf(event)));
    expect(iotMock.calls()).toHaveLength(1);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: {
        PackageVersionArn: ARN,
        Status: 'DRAFT',
        ErrorReason: '',
        PackageName: PKG,
        VersionName: VER,
      },
    });
  });

  test('sends no attributes and no description when there are none; tags hold only the marker', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    await handler(createEvent(baseProps(), { requestId: rid }));

    const input = inputsOf(CreatePackageVersionCommand)[0];
    expect(input.attributes).toBeUndefined();
    expect(input.description).toBeUndefined();
    expect(input.tags).toEqual({ [CREATION_MARKER_TAG]: ownMarker(rid) });
    expect(Object.keys(input.tags as object)).toEqual([CREATION_MARKER_TAG]);
  });

  test.each<[string, string, string, string]>([
    ['another stack', OTHER_STACK_ID, LOGICAL_ID, OTHER_STACK_OWNER],
    ['another logical id', STACK_ID, 'OtherFirmwareVersion9F8E7D6C', OTHER_RESOURCE_OWNER],
  ])('the marker names the resource: %s gives another owner', async (_label, stackId, logicalResourceId, owner) => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    await handler(createEvent(baseProps(), { requestId: rid, stackId, logicalResourceId }));

    const tags = inputsOf(CreatePackageVersionCommand)[0].tags as Record<string, string>;
    expect(tags).toEqual({ [CREATION_MARKER_TAG]: `${owner}/${rid}` });
    expect(owner).not.toBe(OWNER);
    expect(parseMarker(tags[CREATION_MARKER_TAG])).toEqual({ owner, requestId: rid });
  });

  test('Data carries every key, with the status and error reason IoT reported', async () => {
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'PUBLISHED', errorReason: 'artifact unreadable' });

    const result = await handler(createEvent(baseProps()));

    expect(result.Data).toEqual({
      PackageVersionArn: ARN,
      Status: 'PUBLISHED',
      ErrorReason: 'artifact unreadable',
      PackageName: PKG,
      VersionName: VER,
    });
  });

  test('Status is an empty string when IoT reports none', async () => {
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN });

    const result = await handler(createEvent(baseProps()));

    expect(result.Data?.Status).toBe('');
    expect(result.Data?.ErrorReason).toBe('');
  });

  test.each([
    ['short', 'req-1'],
    ['too long', 'r'.repeat(65)],
    ['containing a space', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
  ])('a %s RequestId gets a sha256 clientToken; the marker keeps the raw RequestId', async (_label, rid) => {
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    await handler(createEvent(baseProps(), { requestId: rid }));

    const expected = createHash('sha256').update(rid).digest('hex');
    const input = inputsOf(CreatePackageVersionCommand)[0];
    expect(input.clientToken).toBe(expected);
    expect((input.clientToken as string).length).toBeGreaterThanOrEqual(36);
    expect((input.clientToken as string).length).toBeLessThanOrEqual(64);
    expect(input.tags).toEqual({ [CREATION_MARKER_TAG]: ownMarker(rid) });
  });

  test('clientTokenFor keeps 36- and 64-character tokens as they are', () => {
    expect(clientTokenFor('a'.repeat(36))).toBe('a'.repeat(36));
    expect(clientTokenFor('b'.repeat(64))).toBe('b'.repeat(64));
    expect(clientTokenFor('c'.repeat(35))).toBe(createHash('sha256').update('c'.repeat(35)).digest('hex'));
    expect(clientTokenFor('d'.repeat(65))).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a 1600-character errorReason is truncated and the serialized response stays under 4096 bytes', async () => {
    const pkg = 'p'.repeat(128);
    const ver = 'v'.repeat(64);
    const arn = arnOf(pkg, ver);
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: pkg, versionName: ver })
      .resolves({ packageVersionArn: arn, status: 'DRAFT', errorReason: 'x'.repeat(1600) });

    const result = await handler(createEvent({ PackageName: pkg, VersionName: ver }, { requestId: rid }));

    expect(result.Data?.ErrorReason).toBe(`${'x'.repeat(997)}...`);
    // What the provider framework sends to the ResponseURL.
    const body = JSON.stringify({
      Status: 'SUCCESS',
      Reason: 'SUCCESS',
      StackId: STACK_ID,
      RequestId: rid,
      PhysicalResourceId: result.PhysicalResourceId,
      LogicalResourceId: LOGICAL_ID,
      NoEcho: false,
      Data: result.Data,
    });
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThan(4096);
  });
});

describe('Create conflict', () => {
  const REFUSED = (iotMessage: string) =>
    "Package version 'firmware/1.0.0' already exists and was not created by this CloudFormation resource, so it is not taken over " +
    "(PackageName 'firmware', VersionName '1.0.0'). Choose another versionName, or delete the existing version first " +
    `('aws iot delete-package-version --package-name firmware --version-name 1.0.0'). IoT said: ConflictException: ${iotMessage}`;

  test('a retried create adopts the version its own RequestId created, following tag pagination', async () => {
    const rid = requestId();
    const existingArn = arnOf(PKG, VER);
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves({ packageVersionArn: existingArn, status: 'DRAFT', errorReason: 'still processing' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: existingArn, nextToken: undefined })
      .resolves({ tags: [{ Key: 'Env', Value: 'prod' }], nextToken: 'page-2' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: existingArn, nextToken: 'page-2' })
      .resolves({ tags: [{ Key: CREATION_MARKER_TAG, Value: ownMarker(rid) }] });

    const result = await handler(createEvent(baseProps({ Tags: tagList({ Env: 'prod' }) }), { requestId: rid }));

    expect(result).toEqual({
      PhysicalResourceId: existingArn,
      Data: { PackageVersionArn: existingArn, Status: 'DRAFT', ErrorReason: 'still processing', PackageName: PKG, VersionName: VER },
    });
    expect(iotMock).toHaveReceivedCommandTimes(CreatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(GetPackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(GetPackageVersionCommand, { packageName: PKG, versionName: VER });
    expect(iotMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 2);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([
      { resourceArn: existingArn },
      { resourceArn: existingArn, nextToken: 'page-2' },
    ]);
    expect(iotMock.calls()).toHaveLength(4);
    expect(logged()).toContain('create was retried: using the version this request already created');
  });

  test('a retried create recognises its own marker even for a RequestId with spaces', async () => {
    const rid = 'request id with spaces';
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    stubTags(ARN, { [CREATION_MARKER_TAG]: ownMarker(rid) });

    const result = await handler(createEvent(baseProps(), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(logged()).toContain('create was retried');
  });

  test('a marker with this RequestId but another owner is not taken as a retry', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${rid}` });

    await expect(handler(createEvent(baseProps(), { requestId: rid }))).rejects.toThrow(/was not created by this CloudFormation resource/);
  });

  test('a retried create where IoT ignored the clientToken returns the version of the first attempt, unchanged', async () => {
    const rid = requestId();
    const props = baseProps({ Description: 'Release 1', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }) });
    // First attempt: IoT creates the version, but the response is lost (e.g. the Lambda timed out).
    // Second attempt: IoT does not honour the clientToken and reports a conflict.
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce({ packageVersionArn: ARN, status: 'DRAFT' })
      .rejects(conflict());
    // Edited between the two attempts: a retry does not reconcile.
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { description: 'edited in the console', attributes: { channel: 'beta' } }));
    // IoT holds the tags the first attempt sent.
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN })
      .callsFake(() => ({ tags: tagList(inputsOf(CreatePackageVersionCommand)[0].tags as Record<string, string>) }));

    const first = await handler(createEvent(props, { requestId: rid }));
    const second = await handler(createEvent(props, { requestId: rid }));

    expect(second).toEqual(first);
    expect(second).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER },
    });
    const [firstInput, secondInput] = inputsOf(CreatePackageVersionCommand);
    expect(secondInput).toEqual(firstInput);
    expect(secondInput.clientToken).toBe(rid);
    expect(commandNames()).toEqual([
      'CreatePackageVersionCommand', 'CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand',
    ]);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('a version this resource created in an earlier request is taken back and reconciled with the template', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, {
      description: 'edited in the console', attributes: { channel: 'beta' }, errorReason: 'earlier reason',
    }));
    stubOwnTags(ARN, { Env: 'dev', Team: 'iot', Stale: 'x' });
    iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});

    const result = await handler(createEvent(baseProps({
      Description: 'Release 1',
      Attributes: { channel: 'stable' },
      Tags: tagList({ Env: 'prod', Team: 'iot' }),
    }), { requestId: rid }));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: 'earlier reason', PackageName: PKG, VersionName: VER },
    });
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, description: 'Release 1', attributes: { channel: 'stable' } },
    ]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Stale'] }]);
    expect(commandNames()).toEqual([
      'CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand',
      'UpdatePackageVersionCommand', 'TagResourceCommand', 'UntagResourceCommand',
    ]);
    expect(logged()).toContain('taking it back');
  });

  test('taking a version back with no tags in the template removes the live tags but never the marker', async () => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER));
    stubOwnTags(ARN, { Env: 'dev', Owner: 'someone' });
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});

    const result = await handler(createEvent(baseProps()));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Env', 'Owner'] }]);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock.calls()).toHaveLength(4);
  });

  test('taking back a version that already matches the template changes nothing', async () => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { status: 'PUBLISHED', description: 'Release 1', attributes: { channel: 'stable' } }));
    stubOwnTags(ARN, { Env: 'prod' });

    const result = await handler(createEvent(baseProps({
      Description: 'Release 1', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }),
    })));

    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'PUBLISHED', ErrorReason: '', PackageName: PKG, VersionName: VER },
    });
    expect(commandNames()).toEqual(['CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand']);
  });

  test.each<PackageVersionStatus>(['PUBLISHED', 'DEPRECATED'])(
    'taking back a %s version whose attributes differ throws the DRAFT-only message and changes nothing',
    async (status) => {
      iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
      iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
        .resolves(liveVersion(VER, { status, description: 'old', attributes: { channel: 'beta' } }));
      stubOwnTags(ARN, { Env: 'dev' });
      iotMock.on(UpdatePackageVersionCommand).resolves({});
      iotMock.on(TagResourceCommand).resolves({});

      const promise = handler(createEvent(baseProps({
        Description: 'new', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }),
      })));

      await expect(promise).rejects.toThrow(
        `Cannot change Attributes of package version 'firmware/1.0.0': it is ${status}, and IoT allows attribute changes only while a version is DRAFT. ` +
        'Publish the new attributes as a new version: change versionName (CloudFormation then replaces this version).',
      );
      expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
      expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
      expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
      expect(iotMock.calls()).toHaveLength(3);
    },
  );

  test.each<[string, Record<string, string> | undefined]>([
    ...FOREIGN_MARKERS.map(([label, marker]): [string, Record<string, string>] => [`a marker of ${label}`, { [CREATION_MARKER_TAG]: marker }]),
    ['a bare RequestId as marker (earlier releases)', { [CREATION_MARKER_TAG]: EARLIER_REQUEST }],
    ['a malformed marker', { [CREATION_MARKER_TAG]: `${OWNER.toUpperCase()}/${EARLIER_REQUEST}` }],
    ['no marker tag', { Env: 'prod' }],
    ['no tags at all', undefined],
  ])('a version with %s is not taken over', async (_label, tags) => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict('Version 1.0.0 already exists'));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { status: 'DRAFT', description: 'theirs' }));
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags: tags && tagList(tags) });

    const promise = handler(createEvent(baseProps({ Description: 'mine', Tags: tagList({ Env: 'dev' }) }), { requestId: rid }));

    await expect(promise).rejects.toThrow(REFUSED('Version 1.0.0 already exists'));
    expect(commandNames()).toEqual(['CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand']);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test.each<[string, () => void]>([
    ['vanished before the lookup', () => iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound())],
    ['has no ARN', () => iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ status: 'DRAFT' })],
  ])('a conflict whose version %s rethrows IoT\'s own error, and tags are not listed', async (_label, stubLookup) => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict('Another operation on this package is in progress'));
    stubLookup();

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.name).toBe('IotCallError');
    expect(err.message).toBe(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Another operation on this package is in progress",
    );
    expect(err.message).not.toContain('already exists');
    expect(commandNames()).toEqual(['CreatePackageVersionCommand', 'GetPackageVersionCommand']);
  });

  test('an IoT conflict message longer than 300 characters is truncated', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict('m'.repeat(1000)));
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(ListTagsForResourceCommand).resolves({ tags: [] });

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message.endsWith(`IoT said: ConflictException: ${'m'.repeat(297)}...`)).toBe(true);
  });

  test('a failure listing the tags surfaces as an IotCallError', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(ListTagsForResourceCommand).rejects(throttled());

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
  });
});

describe('Create failure', () => {
  const HINT = ' (the package must already exist in this account and region)';

  test.each<[string, () => Error, string]>([
    ['ValidationException', () => invalid('Package firmware does not exist'), HINT],
    ['ResourceNotFoundException', () => notFound('Package firmware does not exist'), HINT],
    ['ThrottlingException', () => throttled('Package firmware does not exist'), ''],
    ['ServiceQuotaExceededException', () => new ServiceQuotaExceededException({ message: 'Package firmware does not exist', ...meta }), ''],
    ['InternalServerException', () => new InternalServerException({ message: 'Package firmware does not exist', ...meta }), ''],
    ['AccessDeniedException', () => new IoTServiceException({
      name: 'AccessDeniedException', $fault: 'client', message: 'Package firmware does not exist', ...meta,
    }), ''],
  ])('a %s names the operation, the error, the IoT message and the names; the package hint only where it applies', async (name, error, hint) => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(error());

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.name).toBe('IotCallError');
    expect(err.message).toBe(`CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0'${hint}: ${name}: Package firmware does not exist`);
    expect(iotMock).toHaveReceivedCommandTimes(CreatePackageVersionCommand, 1);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  test('an error without a message says IoT gave none', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(invalid(''));

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(/: ValidationException: \(IoT gave no message\)$/);
  });

  test('an IoT message longer than 600 characters is truncated', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(invalid('z'.repeat(2000)));

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(new RegExp(`ValidationException: ${'z'.repeat(597)}\\.\\.\\.$`));
  });
});

describe('validation before any IoT call', () => {
  test.each<[string, Props, RegExp]>([
    ['a VersionName with a space', baseProps({ VersionName: 'v 1' }), /versionName: "v 1" contains U\+0020/],
    ['a VersionName with a slash (a token resolved to a bad value)', baseProps({ VersionName: '1.0.0/beta' }), /versionName: "1\.0\.0\/beta" contains '\/'/],
    ['a 65-character VersionName', baseProps({ VersionName: 'v'.repeat(65) }), /versionName: "v+" has 65 characters/],
    ['a missing PackageName', { VersionName: VER }, /packageName: is missing; PackageName is required/],
    ['a missing VersionName', { PackageName: PKG }, /versionName: is missing; VersionName is required/],
    ['an empty Description', baseProps({ Description: '' }), /description: has 0 characters/],
    ['an empty attribute value', baseProps({ Attributes: { channel: '' } }), /attributes: value of "channel" is empty/],
    ['an attribute key with a dot', baseProps({ Attributes: { 'a.b': 'x' } }), /attributes: key "a\.b" contains '\.'/],
    ['the reserved marker tag', baseProps({ Tags: tagList({ [CREATION_MARKER_TAG]: 'x' }) }), /tags: key "cdk-iot-package-catalog:creation-request" is reserved/],
    ['an aws: tag', baseProps({ Tags: tagList({ 'AWS:owner': 'x' }) }), /tags: key "AWS:owner" starts with 'aws:'/],
  ])('Create with %s throws', async (_label, props, message) => {
    await expect(handler(createEvent(props))).rejects.toThrow(message);
    expect(iotMock).not.toHaveReceivedAnyCommand();
  });

  test('Update with tokens that resolved to bad values throws before any IoT call', async () => {
    const event = updateEvent(
      baseProps({ VersionName: '${Token[TOKEN.42]}', Description: 'ok\u0000' }),
      baseProps(),
    );

    await expect(handler(event)).rejects.toThrow(/versionName: "\$\{Token\[TOKEN\.42\]\}" contains '\$'/);
    await expect(handler(event)).rejects.toThrow(/description: contains U\+0000 at index 2/);
    expect(iotMock).not.toHaveReceivedAnyCommand();
  });

  test('Update with a missing PackageName throws before any IoT call', async () => {
    await expect(handler(updateEvent({ VersionName: VER }, baseProps()))).rejects.toThrow(/packageName: is missing/);
    expect(iotMock).not.toHaveReceivedAnyCommand();
  });

  test('the validation message does not echo the description or attribute values', async () => {
    const promise = handler(createEvent(baseProps({
      Description: 'secret-description\u0007',
      Attributes: { token: 'secret-attribute\u0001', empty: '' },
    })));

    const err: Error = await promise.then(() => { throw new Error('resolved'); }, (e: Error) => e);
    expect(err.message).toMatch(/^Package version 'firmware\/1\.0\.0' has 3 invalid props:/);
    expect(err.message).not.toContain('secret-description');
    expect(err.message).not.toContain('secret-attribute');
    expect(iotMock).not.toHaveReceivedAnyCommand();
  });

  test('the message for 200 invalid attribute keys is capped at 2000 characters', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`bad.key.${String(i).padStart(3, '0')}`, 'x']));

    const err = await rejectionOf(handler(createEvent(baseProps({ Attributes: attributes }))));

    expect(MAX_VALIDATION_MESSAGE).toBe(2000);
    expect(err.message).toHaveLength(2000);
    expect(err.message).toMatch(/^Package version 'firmware\/1\.0\.0' has 200 invalid props:\n {2}- attributes: key "bad\.key\.000" contains '\.'/);
    expect(err.message.endsWith('...')).toBe(true);
    expect(err.message).not.toContain('bad.key.199');
    expect(iotMock).not.toHaveReceivedAnyCommand();
  });
});

describe('Update in place', () => {
  const OLD: Props = baseProps({
    Description: 'old text',
    Attributes: { channel: 'beta' },
    Tags: tagList({ Env: 'dev' }),
  });

  function live(overrides: LiveVersion = {}): LiveVersion {
    return liveVersion(VER, { description: 'old text', attributes: { channel: 'beta' }, ...overrides });
  }

  /** IoT holds `live(overrides)`, created by this resource. */
  function stubLive(overrides: LiveVersion = {}) {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(live(overrides));
    stubOwnTags(ARN, { Env: 'dev' });
  }

  function stubUpdate() {
    iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
  }

  test('a description change sends UpdatePackageVersion with only the description', async () => {
    stubLive();
    stubUpdate();

    const result = await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(iotMock).toHaveReceivedCommandTimes(UpdatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER, description: 'new text' });
    const input = inputsOf(UpdatePackageVersionCommand)[0];
    expect(input).toEqual({ packageName: PKG, versionName: VER, description: 'new text' });
    expect(input.attributes).toBeUndefined();
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(CreatePackageVersionCommand);
    expect(commandNames()).toEqual(['GetPackageVersionCommand', 'ListTagsForResourceCommand', 'UpdatePackageVersionCommand']);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER },
    });
  });

  test('a description change is allowed on a PUBLISHED version', async () => {
    stubLive({ status: 'PUBLISHED' });
    stubUpdate();

    const result = await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });

  test('an attributes change on a DRAFT version sends the full new map', async () => {
    stubLive();
    stubUpdate();

    const result = await handler(updateEvent({ ...OLD, Attributes: { channel: 'stable', region: 'eu' } }, OLD));

    expect(iotMock).toHaveReceivedCommandWith(UpdatePackageVersionCommand, {
      packageName: PKG, versionName: VER, attributes: { channel: 'stable', region: 'eu' },
    });
    const input = inputsOf(UpdatePackageVersionCommand)[0];
    expect(input).toEqual({ packageName: PKG, versionName: VER, attributes: { channel: 'stable', region: 'eu' } });
    expect(input.description).toBeUndefined();
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('adding one attribute also sends the ones that stay', async () => {
    stubLive();
    stubUpdate();

    await handler(updateEvent({ ...OLD, Attributes: { channel: 'beta', extra: '1' } }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, attributes: { channel: 'beta', extra: '1' } },
    ]);
  });

  test('removing all attributes sends an empty map', async () => {
    stubLive();
    stubUpdate();
    const { Attributes: _removed, ...withoutAttributes } = OLD;

    const result = await handler(updateEvent(withoutAttributes, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, attributes: {} }]);
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('description and attributes changed together go in one call', async () => {
    stubLive();
    stubUpdate();

    await handler(updateEvent({ ...OLD, Description: 'new text', Attributes: { channel: 'rc' } }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, description: 'new text', attributes: { channel: 'rc' } },
    ]);
  });

  test.each<PackageVersionStatus>(['PUBLISHED', 'DEPRECATED'])('an attributes change on a %s version throws the DRAFT-only message and updates nothing', async (status) => {
    stubLive({ status });
    stubUpdate();

    const promise = handler(updateEvent({ ...OLD, Description: 'new text', Attributes: { channel: 'stable' }, Tags: tagList({ Env: 'prod' }) }, OLD));

    await expect(promise).rejects.toThrow(
      `Cannot change Attributes of package version 'firmware/1.0.0': it is ${status}, and IoT allows attribute changes only while a version is DRAFT. ` +
      'Publish the new attributes as a new version: change versionName (CloudFormation then replaces this version).',
    );
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(iotMock).toHaveReceivedCommandTimes(GetPackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1);
  });

  test('unchanged attributes on a PUBLISHED version do not block a description change', async () => {
    stubLive({ status: 'PUBLISHED', attributes: { channel: 'beta' } });
    stubUpdate();

    await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
  });

  test('with no field change, no UpdatePackageVersion is sent', async () => {
    stubLive();

    const result = await handler(updateEvent({ ...OLD }, OLD));

    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(commandNames()).toEqual(['GetPackageVersionCommand', 'ListTagsForResourceCommand']);
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('a live version without attributes matches a template without attributes', async () => {
    stubLive({ attributes: undefined, description: undefined });

    await handler(updateEvent(baseProps(), baseProps()));

    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
  });

  test('a description drifted in IoT is brought back to the template', async () => {
    stubLive({ description: 'edited in the console' });
    stubUpdate();

    await handler(updateEvent({ ...OLD }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'old text' }]);
  });

  test('a removed description is kept (IoT cannot clear it) and nothing is updated', async () => {
    stubLive();
    const { Description: _removed, ...withoutDescription } = OLD;

    const result = await handler(updateEvent(withoutDescription, OLD));

    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(logged()).toContain('IoT cannot clear a description: the current one is kept');
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER },
    });
  });

  test('tags: only added and changed tags are set, only removed keys are untagged', async () => {
    stubLive();
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});
    const before = { ...OLD, Tags: tagList({ Env: 'dev', Team: 'iot', Old: 'x' }) };
    const after = { ...OLD, Tags: tagList({ Env: 'prod', Team: 'iot', New: 'y' }) };

    const result = await handler(updateEvent(after, before));

    expect(iotMock).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: ARN,
      tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'New', Value: 'y' }],
    });
    expect(inputsOf(TagResourceCommand)[0].tags).toHaveLength(2);
    expect(iotMock).toHaveReceivedCommandTimes(UntagResourceCommand, 1);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Old'] }]);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('tags: a value change alone is a TagResource and no UntagResource', async () => {
    stubLive();
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod' }) }, OLD));

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('tags: removing every tag untags them and never the marker tag, even if old properties listed it', async () => {
    stubLive();
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});
    const before = { ...OLD, Tags: [...tagList({ Env: 'dev', Team: 'iot' }), { Key: CREATION_MARKER_TAG, Value: 'create-request' }] };
    const { Tags: _removed, ...after } = OLD;

    await handler(updateEvent(after, before));

    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Env', 'Team'] }]);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('tags are applied to the ARN IoT reports, falling back to the physical id', async () => {
    stubLive({ packageVersionArn: undefined });
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    const result = await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod' }) }, OLD));

    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(iotMock).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: ARN });
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('rollback (old and new swapped) of a description and tags change restores the earlier state', async () => {
    const v1 = baseProps({ Description: 'v1 text', Tags: tagList({ Env: 'dev', Keep: '1' }) });
    const v2 = baseProps({ Description: 'v2 text', Tags: tagList({ Env: 'prod', Added: 'x' }) });
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});
    stubOwnTags(ARN, { Env: 'dev', Keep: '1' });

    // Forward update: IoT holds v1.
    iotMock.on(GetPackageVersionCommand).resolves(live({ description: 'v1 text', attributes: undefined }));
    const forward = await handler(updateEvent(v2, v1));
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'v2 text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'Added', Value: 'x' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Keep'] }]);

    // Rollback: IoT holds v2; CloudFormation sends v1 as the new properties.
    iotMock.resetHistory();
    iotMock.on(GetPackageVersionCommand).resolves(live({ description: 'v2 text', attributes: undefined }));
    const rollback = await handler(updateEvent(v1, v2, { physicalResourceId: forward.PhysicalResourceId }));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'v1 text' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'Keep', Value: '1' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: ['Added'] }]);
    expect(forward.PhysicalResourceId).toBe(ARN);
    expect(rollback.PhysicalResourceId).toBe(ARN);
  });

  test('a physical id that is not an ARN falls back to the old properties and is returned unchanged', async () => {
    stubLive();

    const result = await handler(updateEvent({ ...OLD }, OLD, { physicalResourceId: 'legacy-physical-id' }));

    expect(iotMock).toHaveReceivedCommandWith(GetPackageVersionCommand, { packageName: PKG, versionName: VER });
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(iotMock).not.toHaveReceivedCommand(CreatePackageVersionCommand);
    expect(result.PhysicalResourceId).toBe('legacy-physical-id');
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('an UpdatePackageVersion failure names the operation and the changed fields', async () => {
    stubLive();
    iotMock.on(UpdatePackageVersionCommand).rejects(invalid('Invalid request'));

    await expect(handler(updateEvent({ ...OLD, Description: 'new text', Attributes: { channel: 'x' } }, OLD))).rejects.toThrow(
      "UpdatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (changing Description, Attributes): ValidationException: Invalid request",
    );
  });

  test('a TagResource failure names the tag keys and the ARN', async () => {
    stubLive();
    iotMock.on(TagResourceCommand).rejects(invalid('Too many tags'));

    await expect(handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod', Owner: 'me' }) }, OLD))).rejects.toThrow(
      `TagResource failed for Tags (Env, Owner) of '${ARN}': ValidationException: Too many tags`,
    );
  });

  test('an UntagResource failure names the tag keys and the ARN', async () => {
    stubLive();
    iotMock.on(UntagResourceCommand).rejects(throttled());

    await expect(handler(updateEvent(baseProps({ Description: 'old text', Attributes: { channel: 'beta' } }), OLD))).rejects.toThrow(
      `UntagResource failed for Tags (Env) of '${ARN}': ThrottlingException: Rate exceeded`,
    );
  });

  test.each(FOREIGN_MARKERS)('a version re-created by %s is not modified', async (_label, marker) => {
    stubLive({ description: 'theirs', attributes: { channel: 'theirs' } });
    stubTags(ARN, { Env: 'theirs', [CREATION_MARKER_TAG]: marker });
    stubUpdate();
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});

    const promise = handler(updateEvent({ ...OLD, Description: 'new text', Attributes: { channel: 'rc' }, Tags: tagList({ Team: 'iot' }) }, OLD));

    await expect(promise).rejects.toThrow(
      "Package version 'firmware/1.0.0' was deleted outside CloudFormation and created again by another stack or resource, " +
      'so this stack does not modify it. Remove it from this stack, or delete the other version and deploy again.',
    );
    expect(commandNames()).toEqual(['GetPackageVersionCommand', 'ListTagsForResourceCommand']);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
  });

  test.each<[string, Record<string, string>]>([
    ['no marker tag', { Env: 'dev' }],
    ['no tags at all', {}],
    ['a bare RequestId as marker (earlier releases)', { Env: 'dev', [CREATION_MARKER_TAG]: EARLIER_REQUEST }],
    ['a malformed marker', { Env: 'dev', [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/` }],
  ])('a version with %s is updated as before', async (_label, tags) => {
    stubLive();
    stubTags(ARN, tags);
    stubUpdate();

    const result = await handler(updateEvent({ ...OLD, Description: 'new text' }, OLD));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new text' }]);
    expect(result.PhysicalResourceId).toBe(ARN);
  });

  test('a version marked by this resource in another request (e.g. re-created by an earlier update) is updated', async () => {
    stubLive();
    stubOwnTags(ARN, { Env: 'dev' }, 'a-different-request-0000000000000000');
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    await handler(updateEvent({ ...OLD, Tags: tagList({ Env: 'prod' }) }, OLD));

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
  });

  test('a failure listing the tags is thrown and nothing is changed', async () => {
    stubLive();
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());
    stubUpdate();

    await expect(handler(updateEvent({ ...OLD, Description: 'new text' }, OLD))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
  });
});

describe('Update of a version deleted out of band', () => {
  test('re-creates the version with this request as marker and keeps the physical id', async () => {
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
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(iotMock.calls()).toHaveLength(2);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER },
    });
  });

  test('the physical id is returned as it was, even when it differs from the ARN IoT reports', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    const result = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps(), { physicalResourceId: 'legacy-physical-id' }));

    expect(result.PhysicalResourceId).toBe('legacy-physical-id');
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('a retried re-create adopts the version marked with this update request', async () => {
    const rid = requestId();
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejectsOnce(notFound()).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    stubOwnTags(ARN, {}, rid);

    const result = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps(), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(iotMock).toHaveReceivedCommandTimes(GetPackageVersionCommand, 2);
    expect(iotMock).toHaveReceivedCommandWith(CreatePackageVersionCommand, { clientToken: rid });
    expect(commandNames()).toEqual([
      'GetPackageVersionCommand', 'CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand',
    ]);
  });

  test.each(FOREIGN_MARKERS)('a version re-created in the meantime by %s is not taken over', async (_label, marker) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejectsOnce(notFound()).resolves(liveVersion(VER));
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    stubTags(ARN, { [CREATION_MARKER_TAG]: marker });

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))).rejects.toThrow(
      /^Package version 'firmware\/1\.0\.0' already exists and was not created by this CloudFormation resource, so it is not taken over/,
    );
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock.calls()).toHaveLength(4);
  });

  test('if the package is gone too, the create error is thrown', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand).rejects(invalid('Package firmware does not exist'));

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))).rejects.toThrow(
      /^CreatePackageVersion failed for PackageName 'firmware', VersionName '1\.0\.0'.*ValidationException: Package firmware does not exist$/,
    );
  });
});

describe('Update with a rename (replacement)', () => {
  test.each<[string, Props]>([
    ['VersionName', { PackageName: PKG, VersionName: '2.0.0' }],
    ['PackageName', { PackageName: 'bootloader', VersionName: VER }],
  ])('a %s change creates the new version and returns its ARN, deleting nothing', async (_label, names) => {
    const rid = requestId();
    const newArn = arnOf(String(names.PackageName), String(names.VersionName));
    iotMock.on(CreatePackageVersionCommand, { packageName: names.PackageName, versionName: names.VersionName })
      .resolves({ packageVersionArn: newArn, status: 'DRAFT' });

    const result = await handler(updateEvent(
      { ...names, Description: 'text', Tags: tagList({ Env: 'prod' }) },
      baseProps({ Description: 'text', Tags: tagList({ Env: 'prod' }) }),
      { requestId: rid },
    ));

    expect(iotMock).toHaveReceivedCommandTimes(CreatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(CreatePackageVersionCommand, {
      packageName: names.PackageName,
      versionName: names.VersionName,
      description: 'text',
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(rid) },
      clientToken: rid,
    });
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageVersionCommand);
    expect(iotMock.calls()).toHaveLength(1);
    expect(result).toEqual({
      PhysicalResourceId: newArn,
      Data: { PackageVersionArn: newArn, Status: 'DRAFT', ErrorReason: '', PackageName: names.PackageName, VersionName: names.VersionName },
    });
    expect(newArn).not.toBe(ARN);
  });

  test('the rename is detected from the physical id, not only from the old properties', async () => {
    // Old properties already name 2.0.0, but the live resource (physical id) is 1.0.0.
    const newArn = arnOf(PKG, '2.0.0');
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves({ packageVersionArn: newArn });

    const result = await handler(updateEvent(baseProps({ VersionName: '2.0.0' }), baseProps({ VersionName: '2.0.0' }), { physicalResourceId: ARN }));

    expect(result.PhysicalResourceId).toBe(newArn);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageVersionCommand);
  });

  test.each<[string, Record<string, string>]>([
    ['no tags', {}],
    ...FOREIGN_MARKERS.map(([label, marker]): [string, Record<string, string>] => [`the marker of ${label}`, { [CREATION_MARKER_TAG]: marker }]),
  ])('a rename onto a version with %s is not taken over', async (_label, tags) => {
    const newArn = arnOf(PKG, '2.0.0');
    iotMock.on(CreatePackageVersionCommand, { versionName: '2.0.0' }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves({ packageVersionArn: newArn });
    stubTags(newArn, tags);

    await expect(handler(updateEvent(baseProps({ VersionName: '2.0.0' }), baseProps()))).rejects.toThrow(
      /^Package version 'firmware\/2\.0\.0' already exists and was not created by this CloudFormation resource, so it is not taken over \(PackageName 'firmware', VersionName '2\.0\.0'\)/,
    );
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock.calls()).toHaveLength(3);
  });

  describe('rolled back', () => {
    // A is the version before the rename, B the one after. CloudFormation
    // rolls back with an Update whose physical id is B's ARN, new properties
    // A and old properties B; it deletes B afterwards.
    const A_PROPS = baseProps({ Description: 'A text', Attributes: { channel: 'beta' }, Tags: tagList({ Env: 'prod' }) });
    const B_PROPS = { ...A_PROPS, VersionName: '2.0.0' };
    const A_ARN = ARN;
    const B_ARN = arnOf(PKG, '2.0.0');

    /** The forward rename A -> B, which creates B. */
    async function renameForward(): Promise<string> {
      iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves({ packageVersionArn: B_ARN, status: 'DRAFT' });
      const forwardRid = requestId();
      const forward = await handler(updateEvent(B_PROPS, A_PROPS, { requestId: forwardRid }));
      expect(forward.PhysicalResourceId).toBe(B_ARN);
      expect(inputsOf(CreatePackageVersionCommand)[0].tags).toEqual({ Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(forwardRid) });
      iotMock.resetHistory();
      logSpy.mockClear();
      return forward.PhysicalResourceId;
    }

    test('takes A back, reconciles its drifted description and tags, and returns A\'s ARN', async () => {
      const physicalResourceId = await renameForward();
      const rollbackRid = requestId();
      iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
      iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, {
        status: 'PUBLISHED', description: 'edited in the console', attributes: { channel: 'beta' },
      }));
      // A was created by the stack's first deployment, in another request.
      stubOwnTags(A_ARN, { Env: 'dev', Added: 'by hand' });
      iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
      iotMock.on(TagResourceCommand, { resourceArn: A_ARN }).resolves({});
      iotMock.on(UntagResourceCommand, { resourceArn: A_ARN }).resolves({});

      const result = await handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId, requestId: rollbackRid }));

      expect(result).toEqual({
        PhysicalResourceId: A_ARN,
        Data: { PackageVersionArn: A_ARN, Status: 'PUBLISHED', ErrorReason: '', PackageName: PKG, VersionName: VER },
      });
      expect(inputsOf(CreatePackageVersionCommand)).toEqual([{
        packageName: PKG,
        versionName: VER,
        description: 'A text',
        attributes: { channel: 'beta' },
        tags: { Env: 'prod', [CREATION_MARKER_TAG]: ownMarker(rollbackRid) },
        clientToken: rollbackRid,
      }]);
      expect(inputsOf(GetPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
      expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: A_ARN }]);
      expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'A text' }]);
      expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: A_ARN, tags: [{ Key: 'Env', Value: 'prod' }] }]);
      expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: A_ARN, tagKeys: ['Added'] }]);
      expect(commandNames()).toEqual([
        'CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand',
        'UpdatePackageVersionCommand', 'TagResourceCommand', 'UntagResourceCommand',
      ]);
      // B is left to CloudFormation's clean-up Delete.
      expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
      expect(iotMock).not.toHaveReceivedCommandWith(GetPackageVersionCommand, { versionName: '2.0.0' });
      expect(logged()).toContain('taking it back');
    });

    test('takes A back with no further call when nothing drifted', async () => {
      const physicalResourceId = await renameForward();
      iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
      iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
        .resolves(liveVersion(VER, { status: 'PUBLISHED', description: 'A text', attributes: { channel: 'beta' } }));
      stubOwnTags(A_ARN, { Env: 'prod' });

      const result = await handler(updateEvent(A_PROPS, B_PROPS, { physicalResourceId }));

      expect(result).toEqual({
        PhysicalResourceId: A_ARN,
        Data: { PackageVersionArn: A_ARN, Status: 'PUBLISHED', ErrorReason: '', PackageName: PKG, VersionName: VER },
      });
      expect(commandNames()).toEqual(['CreatePackageVersionCommand', 'GetPackageVersionCommand', 'ListTagsForResourceCommand']);
    });

    test('then deleting B (CloudFormation\'s clean-up) deletes B and leaves A alone', async () => {
      const physicalResourceId = await renameForward();
      iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves(liveVersion('2.0.0'));
      stubOwnTags(B_ARN, { Env: 'prod' }, 'forward-request-0000000000000000000000');
      iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });
      iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves({});

      await expect(handler(deleteEvent(physicalResourceId, B_PROPS))).resolves.toEqual({ PhysicalResourceId: B_ARN });

      expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: '2.0.0' }]);
      expect(iotMock).not.toHaveReceivedCommandWith(GetPackageVersionCommand, { versionName: VER });
    });
  });
});

describe('Delete', () => {
  test('deletes the version named by the ARN physical id', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
    stubOwnTags(ARN, { Env: 'prod' });
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: '0.9.0' });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).toHaveReceivedCommandWith(GetPackageVersionCommand, { packageName: PKG, versionName: VER });
    expect(iotMock).toHaveReceivedCommandWith(GetPackageCommand, { packageName: PKG });
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: ARN }]);
    expect(commandNames()).toEqual([
      'GetPackageVersionCommand', 'ListTagsForResourceCommand', 'GetPackageCommand', 'DeletePackageVersionCommand',
    ]);
  });

  test('uses the names in the ARN, not the (possibly invalid) properties', async () => {
    const arn = arnOf('bootloader', '3.1');
    iotMock.on(GetPackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({ packageVersionArn: arn });
    stubOwnTags(arn);
    iotMock.on(GetPackageCommand, { packageName: 'bootloader' }).resolves({ packageName: 'bootloader' });
    iotMock.on(DeletePackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({});

    const result = await handler(deleteEvent(arn, { PackageName: 'not valid!', VersionName: '' }));

    expect(result).toEqual({ PhysicalResourceId: arn });
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: 'bootloader', versionName: '3.1' }]);
  });

  test('a version already gone succeeds without a delete', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).not.toHaveReceivedCommand(GetPackageCommand);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
    expect(iotMock.calls()).toHaveLength(1);
  });

  test('a package gone between the two lookups still deletes and succeeds', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand, { packageName: PKG }).rejects(notFound('Package firmware not found'));
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
    // A 404 needs no second look.
    expect(iotMock).toHaveReceivedCommandTimes(GetPackageVersionCommand, 1);
  });

  test('a 404 from DeletePackageVersion is success', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).rejects(notFound());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual([
      'GetPackageVersionCommand', 'ListTagsForResourceCommand', 'GetPackageCommand', 'DeletePackageVersionCommand',
    ]);
  });

  test('the default version is not deleted; the message says how to unset the default or use RETAIN', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: VER });

    const promise = handler(deleteEvent(ARN, baseProps()));

    await expect(promise).rejects.toThrow(
      "Cannot delete package version 'firmware/1.0.0': it is the default version of package 'firmware', and IoT does not delete a default version. " +
      "Make another version the default, or unset it with 'aws iot update-package --package-name firmware --unset-default-version', then retry. " +
      'To keep this version instead, give the PackageVersion removalPolicy RETAIN.',
    );
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test.each(['8d5c2a4e-1111-4c1b-9e7a-000000000000', 'FirmwareStack-FirmwareVersion-XYZ', 'arn:aws:iot:eu-west-1:123456789012:package/firmware', ''])(
    'a physical id that is not a version ARN (%p) succeeds with no IoT call and is returned unchanged',
    async (physicalId) => {
      const result = await handler(deleteEvent(physicalId, baseProps()));

      expect(result).toEqual({ PhysicalResourceId: physicalId });
      expect(iotMock).not.toHaveReceivedAnyCommand();
    },
  );

  test.each<[string, () => Error, string]>([
    ['ConflictException', () => conflict('Version is in use by a job'), 'ConflictException: Version is in use by a job'],
    ['ValidationException', () => invalid('Cannot delete the version now'), 'ValidationException: Cannot delete the version now'],
  ])('another DeletePackageVersion error (%s) on a version that still exists is thrown as an IotCallError', async (_label, error, said) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN });
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).rejects(error());

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.name).toBe('IotCallError');
    expect(err.message).toBe(`DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ${said}`);
    expect(commandNames()).toEqual([
      'GetPackageVersionCommand', 'ListTagsForResourceCommand', 'GetPackageCommand', 'DeletePackageVersionCommand', 'GetPackageVersionCommand',
    ]);
    expect(logged()).not.toContain('version deleted');
  });

  test('when the re-check after a failed delete fails too, the delete\'s own error is thrown', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce({ packageVersionArn: ARN })
      .rejects(throttled());
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).rejects(conflict('Version is in use by a job'));

    const err = await rejectionOf(handler(deleteEvent(ARN, baseProps())));

    expect(err.message).toBe("DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Version is in use by a job");
  });

  test.each<[string, () => Error]>([
    ['ValidationException', () => invalid('Package version not found')],
    ['ConflictException', () => conflict('Package is being deleted')],
  ])('a DeletePackageVersion %s on a version gone meanwhile (e.g. deleted with its package) is success', async (_label, error) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce({ packageVersionArn: ARN, status: 'PUBLISHED' })
      .rejects(notFound());
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(error());

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual([
      'GetPackageVersionCommand', 'ListTagsForResourceCommand', 'GetPackageCommand', 'DeletePackageVersionCommand', 'GetPackageVersionCommand',
    ]);
    expect(inputsOf(GetPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }, { packageName: PKG, versionName: VER }]);
  });

  test.each(FOREIGN_MARKERS)('a version re-created by %s is left alone and the delete succeeds', async (_label, marker) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
    stubTags(ARN, { Env: 'prod', [CREATION_MARKER_TAG]: marker });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersionCommand', 'ListTagsForResourceCommand']);
    expect(iotMock).not.toHaveReceivedCommand(GetPackageCommand);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
    expect(logged()).toContain('version was created by another stack or resource: not deleting it');
    expect(logged()).toContain('firmware/1.0.0');
  });

  test('a foreign version that is the package\'s default is left alone without the default-version error', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG, defaultVersionName: VER });

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).not.toHaveReceivedCommand(GetPackageCommand);
  });

  test.each<[string, Record<string, string>]>([
    ['no marker tag', { Env: 'prod' }],
    ['no tags at all', {}],
    ['a bare RequestId as marker (earlier releases)', { [CREATION_MARKER_TAG]: EARLIER_REQUEST }],
  ])('a version with %s is deleted as before', async (_label, tags) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN });
    stubTags(ARN, tags);
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
  });

  test.each<[string, string | undefined]>([
    ['reports an ARN, it is used', ARN],
    ['reports no ARN, the physical id is used', undefined],
  ])('the tags are read from the version\'s ARN: when IoT %s', async (_label, reported) => {
    // A physical id that names the same version with another (empty) region and account.
    const physicalId = `arn:${PARTITION}:iot:::package/${PKG}/version/${VER}`;
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: reported, status: 'DRAFT' });
    stubOwnTags(reported ?? physicalId);
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    await expect(handler(deleteEvent(physicalId, baseProps()))).resolves.toEqual({ PhysicalResourceId: physicalId });

    expect(inputsOf(ListTagsForResourceCommand)).toEqual([{ resourceArn: reported ?? physicalId }]);
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
  });

  test('a failure listing the tags is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      `ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`,
    );
    expect(iotMock).not.toHaveReceivedCommand(GetPackageCommand);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test('a GetPackage failure other than 404 is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    stubOwnTags(ARN);
    iotMock.on(GetPackageCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "GetPackage failed for PackageName 'firmware': ThrottlingException: Rate exceeded",
    );
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });
});

describe('throttling', () => {
  test('a ThrottlingException from GetPackageVersion on Update surfaces as an IotCallError', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(throttled());

    const err: Error = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps()))
      .then(() => { throw new Error('resolved'); }, (e: Error) => e);

    expect(err.name).toBe('IotCallError');
    expect(err.message).toBe("GetPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ThrottlingException: Rate exceeded");
    expect(iotMock).not.toHaveReceivedCommand(CreatePackageVersionCommand);
    expect(iotMock).not.toHaveReceivedCommand(UpdatePackageVersionCommand);
  });

  test('a ThrottlingException from GetPackageVersion on Delete surfaces as an IotCallError and deletes nothing', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(throttled());

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "GetPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ThrottlingException: Rate exceeded",
    );
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test('the client retries throttling with adaptive back-off, up to MAX_ATTEMPTS', async () => {
    expect(MAX_ATTEMPTS).toBe(10);
    expect(await iot.config.maxAttempts()).toBe(10);
    const strategy = await iot.config.retryStrategy();
    expect((strategy as { mode?: string }).mode).toBe('adaptive');
  });
});

describe('logging', () => {
  const SECRET_DESCRIPTION = 'Confidential release notes 7f3a';
  const OLD_SECRET_DESCRIPTION = 'Earlier confidential notes 91bc';
  const SECRET_VALUES = ['attr-value-alpha-5531', 'attr-value-beta-8812', 'old-attr-value-gamma-2290'];

  function assertRedacted(output: string) {
    expect(output).not.toContain(RESPONSE_URL);
    expect(output).not.toContain(RESPONSE_URL_SECRET);
    expect(output).not.toContain('X-Amz-Signature');
    expect(output).not.toContain(SECRET_DESCRIPTION);
    expect(output).not.toContain(OLD_SECRET_DESCRIPTION);
    for (const value of SECRET_VALUES) {
      expect(output).not.toContain(value);
    }
  }

  test('a full Create, Update and Delete never log the ResponseURL, the description or attribute values', async () => {
    const createProps = baseProps({
      Description: OLD_SECRET_DESCRIPTION,
      Attributes: { channel: 'old-attr-value-gamma-2290' },
      Tags: tagList({ Env: 'dev' }),
    });
    const updateProps = baseProps({
      Description: SECRET_DESCRIPTION,
      Attributes: { channel: 'attr-value-alpha-5531', signer: 'attr-value-beta-8812' },
      Tags: tagList({ Env: 'prod' }),
    });
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(GetPackageVersionCommand).resolves({
      packageVersionArn: ARN, status: 'DRAFT', description: OLD_SECRET_DESCRIPTION, attributes: { channel: 'old-attr-value-gamma-2290' },
    });
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    stubOwnTags(ARN, { Env: 'dev' });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).resolves({});

    await handler(createEvent(createProps));
    await handler(updateEvent(updateProps, createProps));
    await handler(deleteEvent(ARN, updateProps));

    const output = logged();
    assertRedacted(output);
    expect(output).toContain(PKG);
    expect(output).toContain(VER);
    expect(output).toContain('firmware/1.0.0');
    // Attributes are counted: neither keys (IoT marks the whole map sensitive) nor values are logged.
    expect(output).toContain('"attributeCount":2');
    expect(output).not.toContain('signer');
    expect(output).toContain('(redacted)');
    // One JSON line per log call.
    for (const [line] of logSpy.mock.calls) {
      expect(() => JSON.parse(String(line))).not.toThrow();
    }
    expect(iotMock).toHaveReceivedCommandTimes(UpdatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
  });

  test('the rename, re-create, conflict-adoption and description-removal paths log no secrets either', async () => {
    const rid = requestId();
    const props = baseProps({ Description: SECRET_DESCRIPTION, Attributes: { channel: 'attr-value-alpha-5531' } });
    const renamed = { ...props, VersionName: '2.0.0' };
    iotMock.on(CreatePackageVersionCommand, { versionName: '2.0.0' }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { versionName: '2.0.0' }).resolves({ packageVersionArn: arnOf(PKG, '2.0.0') });
    stubOwnTags(arnOf(PKG, '2.0.0'), {}, rid);
    stubOwnTags(ARN, {}, rid);

    await handler(updateEvent(renamed, props, { requestId: rid }));

    iotMock.on(GetPackageVersionCommand, { versionName: VER }).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand, { versionName: VER }).resolves({ packageVersionArn: ARN });
    await handler(updateEvent(props, { ...props, Description: OLD_SECRET_DESCRIPTION }));

    iotMock.on(GetPackageVersionCommand, { versionName: VER })
      .resolves({ packageVersionArn: ARN, description: SECRET_DESCRIPTION, attributes: { channel: 'attr-value-alpha-5531' } });
    const { Description: _removed, ...withoutDescription } = props;
    await handler(updateEvent(withoutDescription, props));

    const output = logged();
    assertRedacted(output);
    expect(output).toContain('firmware/2.0.0');
    expect(output).toContain('create was retried');
    expect(output).toContain('creating it again');
    expect(output).toContain('the current one is kept');
  });

  test('the take-back, refusal, foreign-owner and delete-race paths log no secrets either', async () => {
    const props = baseProps({
      VersionName: '3.0.0',
      Description: SECRET_DESCRIPTION,
      Attributes: { channel: 'attr-value-alpha-5531', signer: 'attr-value-beta-8812' },
      Tags: tagList({ Env: 'prod' }),
    });
    const arn3 = arnOf(PKG, '3.0.0');
    const arn4 = arnOf(PKG, '4.0.0');
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });

    // Take-back (a rename rolled back): description, attributes and tags are reconciled.
    iotMock.on(CreatePackageVersionCommand, { versionName: '3.0.0' }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { versionName: '3.0.0' }).resolves(liveVersion('3.0.0', {
      description: OLD_SECRET_DESCRIPTION, attributes: { channel: 'old-attr-value-gamma-2290' },
    }));
    stubOwnTags(arn3, { Env: 'dev', Stale: 'x' });
    await handler(updateEvent(props, { ...props, VersionName: '4.0.0' }));

    // Refused create: a version of another stack.
    const props4 = { ...props, VersionName: '4.0.0' };
    iotMock.on(CreatePackageVersionCommand, { versionName: '4.0.0' }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { versionName: '4.0.0' })
      .resolves(liveVersion('4.0.0', { description: OLD_SECRET_DESCRIPTION, attributes: { channel: 'old-attr-value-gamma-2290' } }));
    stubTags(arn4, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });
    await expect(handler(createEvent(props4))).rejects.toThrow(/not taken over/);
    // Update refused and Delete skipped for that foreign version.
    await expect(handler(updateEvent(props4, { ...props4, Description: OLD_SECRET_DESCRIPTION }))).rejects.toThrow(/another stack or resource/);
    await handler(deleteEvent(arn4, props4));

    // Delete race: the version goes away while DeletePackageVersion fails.
    const props5 = { ...props, VersionName: '5.0.0' };
    const arn5 = arnOf(PKG, '5.0.0');
    iotMock.on(GetPackageVersionCommand, { versionName: '5.0.0' })
      .resolvesOnce(liveVersion('5.0.0', { description: SECRET_DESCRIPTION }))
      .rejects(notFound());
    stubOwnTags(arn5, { Env: 'prod' });
    iotMock.on(DeletePackageVersionCommand, { versionName: '5.0.0' }).rejects(invalid('gone'));
    await expect(handler(deleteEvent(arn5, props5))).resolves.toEqual({ PhysicalResourceId: arn5 });

    expect(iotMock).toHaveReceivedCommandTimes(UpdatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(UntagResourceCommand, 1);
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
    const output = logged();
    assertRedacted(output);
    expect(output).toContain('taking it back');
    expect(output).toContain('version updated');
    expect(output).toContain('tags updated');
    expect(output).toContain('not deleting it');
    expect(output).toContain('firmware/3.0.0');
    expect(output).toContain('firmware/4.0.0');
    for (const [line] of logSpy.mock.calls) {
      expect(() => JSON.parse(String(line))).not.toThrow();
    }
  });
});
