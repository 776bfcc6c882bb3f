import { createHash } from 'crypto';
import {
  ConflictException,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  GetPackageVersionCommandOutput,
  IoTClient,
  ListTagsForResourceCommand,
  PackageVersionStatus,
  ResourceNotFoundException,
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
  Props,
  requestId,
  RESPONSE_URL,
  RESPONSE_URL_SECRET,
  STACK_ID,
  tagList,
  updateEvent,
} from './events';
import { clientTokenFor, handler } from '../../lambda/handler';
import { iot, MAX_ATTEMPTS } from '../../lambda/iot';
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

/** The inputs IoT received for one command, in call order. */
function inputsOf(command: Parameters<typeof iotMock.commandCalls>[0]): Record<string, unknown>[] {
  return iotMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
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

describe('Create', () => {
  test('creates the version with clientToken = RequestId and the marker tag merged into the user tags', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({
      packageVersionArn: ARN,
      packageName: PKG,
      versionName: VER,
      status: 'DRAFT',
    });

    const result = await handler(createEvent(baseProps({
      Description: 'Release 1',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: tagList({ Env: 'prod', Team: 'iot' }),
    }), { requestId: rid }));

    expect(iotMock).toHaveReceivedCommandTimes(CreatePackageVersionCommand, 1);
    expect(iotMock).toHaveReceivedCommandWith(CreatePackageVersionCommand, {
      packageName: PKG,
      versionName: VER,
      clientToken: rid,
      tags: { Env: 'prod', Team: 'iot', [CREATION_MARKER_TAG]: rid },
    });
    expect(inputsOf(CreatePackageVersionCommand)[0]).toEqual({
      packageName: PKG,
      versionName: VER,
      description: 'Release 1',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { Env: 'prod', Team: 'iot', [CREATION_MARKER_TAG]: rid },
      clientToken: rid,
    });
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
    expect(input.tags).toEqual({ [CREATION_MARKER_TAG]: rid });
    expect(Object.keys(input.tags as object)).toEqual([CREATION_MARKER_TAG]);
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
    expect(input.tags).toEqual({ [CREATION_MARKER_TAG]: rid });
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
  test('a retried create adopts the version its own RequestId created, following tag pagination', async () => {
    const rid = requestId();
    const existingArn = arnOf(PKG, VER);
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves({ packageVersionArn: existingArn, status: 'DRAFT', errorReason: 'still processing' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: existingArn, nextToken: undefined })
      .resolves({ tags: [{ Key: 'Env', Value: 'prod' }], nextToken: 'page-2' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: existingArn, nextToken: 'page-2' })
      .resolves({ tags: [{ Key: CREATION_MARKER_TAG, Value: rid }] });

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
  });

  test.each([
    ['another RequestId in the marker', [{ Key: CREATION_MARKER_TAG, Value: 'some-other-request' }]],
    ['no marker tag', [{ Key: 'Env', Value: 'prod' }]],
    ['no tags at all', undefined],
  ])('a version with %s is not taken over', async (_label, tags) => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(conflict('Version 1.0.0 already exists'));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags });

    const promise = handler(createEvent(baseProps(), { requestId: rid }));

    await expect(promise).rejects.toThrow(
      "Package version 'firmware/1.0.0' already exists and was not created by this CloudFormation request, so it is not taken over " +
      "(PackageName 'firmware', VersionName '1.0.0'). Choose another versionName, or delete the existing version first " +
      "('aws iot delete-package-version --package-name firmware --version-name 1.0.0'). IoT said: ConflictException: Version 1.0.0 already exists",
    );
    expect(iotMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1);
    expect(iotMock).not.toHaveReceivedCommand(TagResourceCommand);
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });

  test('a conflict whose version vanished before the lookup is not taken over, and tags are not listed', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(/already exists and was not created by this CloudFormation request, so it is not taken over/);
    expect(iotMock).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  test('an IoT conflict message longer than 300 characters is truncated', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict('m'.repeat(1000)));
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(ListTagsForResourceCommand).resolves({ tags: [] });

    const err: Error = await handler(createEvent(baseProps())).then(() => { throw new Error('resolved'); }, (e: Error) => e);

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

  test('a missing package (ValidationException) names the operation, the error, the IoT message and the names', async () => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(invalid('Package firmware does not exist'));

    const promise = handler(createEvent(baseProps()));

    await expect(promise).rejects.toThrow(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (the package must already exist in this account and region): " +
      'ValidationException: Package firmware does not exist',
    );
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
});

describe('Update in place', () => {
  const OLD: Props = baseProps({
    Description: 'old text',
    Attributes: { channel: 'beta' },
    Tags: tagList({ Env: 'dev' }),
  });

  type LiveVersion = Omit<GetPackageVersionCommandOutput, '$metadata'>;

  function live(overrides: LiveVersion = {}): LiveVersion {
    return { packageVersionArn: ARN, packageName: PKG, versionName: VER, status: 'DRAFT', description: 'old text', attributes: { channel: 'beta' }, ...overrides };
  }

  function stubLive(overrides: LiveVersion = {}) {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(live(overrides));
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
    expect(iotMock.calls()).toHaveLength(2);
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
    expect(iotMock.calls()).toHaveLength(1);
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

    expect(iotMock).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: ARN });
    expect(result.Data?.PackageVersionArn).toBe(ARN);
  });

  test('rollback (old and new swapped) of a description and tags change restores the earlier state', async () => {
    const v1 = baseProps({ Description: 'v1 text', Tags: tagList({ Env: 'dev', Keep: '1' }) });
    const v2 = baseProps({ Description: 'v2 text', Tags: tagList({ Env: 'prod', Added: 'x' }) });
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});

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
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: rid },
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
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags: [{ Key: CREATION_MARKER_TAG, Value: rid }] });

    const result = await handler(updateEvent(baseProps({ Description: 'x' }), baseProps(), { requestId: rid }));

    expect(result.PhysicalResourceId).toBe(ARN);
    expect(iotMock).toHaveReceivedCommandTimes(GetPackageVersionCommand, 2);
    expect(iotMock).toHaveReceivedCommandWith(CreatePackageVersionCommand, { clientToken: rid });
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
      tags: { Env: 'prod', [CREATION_MARKER_TAG]: rid },
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

  test('a rename onto a version someone else made is not taken over', async () => {
    const newArn = arnOf(PKG, '2.0.0');
    iotMock.on(CreatePackageVersionCommand, { versionName: '2.0.0' }).rejects(conflict());
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: '2.0.0' }).resolves({ packageVersionArn: newArn });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: newArn }).resolves({ tags: [] });

    await expect(handler(updateEvent(baseProps({ VersionName: '2.0.0' }), baseProps()))).rejects.toThrow(
      /Package version 'firmware\/2\.0\.0' already exists .* so it is not taken over \(PackageName 'firmware', VersionName '2\.0\.0'\)/,
    );
    expect(iotMock).not.toHaveReceivedCommand(DeletePackageVersionCommand);
  });
});

describe('Delete', () => {
  test('deletes the version named by the ARN physical id', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG, defaultVersionName: '0.9.0' });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).toHaveReceivedCommandWith(GetPackageVersionCommand, { packageName: PKG, versionName: VER });
    expect(iotMock).toHaveReceivedCommandWith(GetPackageCommand, { packageName: PKG });
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(iotMock.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'GetPackageVersionCommand', 'GetPackageCommand', 'DeletePackageVersionCommand',
    ]);
  });

  test('uses the names in the ARN, not the (possibly invalid) properties', async () => {
    const arn = arnOf('bootloader', '3.1');
    iotMock.on(GetPackageVersionCommand, { packageName: 'bootloader', versionName: '3.1' }).resolves({ packageVersionArn: arn });
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
    iotMock.on(GetPackageCommand, { packageName: PKG }).rejects(notFound('Package firmware not found'));
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    const result = await handler(deleteEvent(ARN, baseProps()));

    expect(result).toEqual({ PhysicalResourceId: ARN });
    expect(iotMock).toHaveReceivedCommandTimes(DeletePackageVersionCommand, 1);
  });

  test('a 404 from DeletePackageVersion is success', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).rejects(notFound());

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
  });

  test('the default version is not deleted; the message says how to unset the default or use RETAIN', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'PUBLISHED' });
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

  test('another DeletePackageVersion error is thrown as an IotCallError', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).rejects(conflict('Version is in use by a job'));

    await expect(handler(deleteEvent(ARN, baseProps()))).rejects.toThrow(
      "DeletePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ConflictException: Version is in use by a job",
    );
  });

  test('a GetPackage failure other than 404 is thrown and nothing is deleted', async () => {
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });
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
    // Keys are logged, values are not.
    expect(output).toContain('signer');
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
    iotMock.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: CREATION_MARKER_TAG, Value: rid }] });

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
});
