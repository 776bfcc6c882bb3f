/**
 * The entry point (lambda/index.ts): one deadline from the Lambda context,
 * dispatch by request type, validation before any AWS call, failures bounded
 * for CloudFormation, and logs that never show the ResponseURL, the
 * description or attribute values.
 */
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { arnOf, createEvent, deleteEvent, LOGICAL_ID, Props, RESPONSE_URL, RESPONSE_URL_SECRET, STACK_ID, tagList, updateEvent } from './events';
import {
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  conflict,
  EARLIER_REQUEST,
  iotMock,
  liveVersion,
  logged,
  logLines,
  notFound,
  notices,
  OTHER_STACK_OWNER,
  PKG,
  rejectionOf,
  remaining,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  useMocks,
  VER,
} from './mocks';
import { handler } from '../../lambda';
import { MAX_VALIDATION_MESSAGE } from '../../lambda/errors';
import { MAX_RESPONSE_BYTES } from '../../lambda/failure';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

/** The resource types the handler manages, as its error lists them. */
const MANAGED_TYPES = 'Custom::IotSoftwarePackage, Custom::IotPackageVersion, Custom::IotPackageDefaultVersion, ' +
  'Custom::IotFleetIndexing, Custom::IotPackageConfiguration, Custom::IotPackageDeployment';

useMocks();

describe('dispatch', () => {
  test('Create creates', async () => {
    stubStackStatus('CREATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    await expect(handler(createEvent(baseProps()))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['CreatePackageVersion']);
  });

  test('Update reads the live version', async () => {
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER));
    stubOwnTags(ARN);

    await expect(handler(updateEvent(baseProps(), baseProps()))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
  });

  test('Delete deletes', async () => {
    stubOwnTags(ARN);
    iotMock.on(DeletePackageVersionCommand).resolves({});

    await expect(handler(deleteEvent(ARN, baseProps()))).resolves.toEqual({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['ListTagsForResource', 'DeletePackageVersion']);
  });

  test.each<[string, unknown, string]>([
    ['an unknown string', 'Bogus', 'Unsupported RequestType "Bogus"; expected Create, Update or Delete'],
    ['a long string, cut to 40 characters', 'R'.repeat(100), `Unsupported RequestType "${'R'.repeat(37)}..."; expected Create, Update or Delete`],
    ['a lower-case type', 'create', 'Unsupported RequestType "create"; expected Create, Update or Delete'],
    ['a number', 7, 'Unsupported RequestType "7"; expected Create, Update or Delete'],
    ['undefined', undefined, 'Unsupported RequestType "undefined"; expected Create, Update or Delete'],
  ])('%s fails without any AWS call, and without echoing the event', async (_label, type, message) => {
    const event = { ...createEvent(baseProps({ Description: 'secret notes' })), RequestType: type } as unknown as CloudFormationCustomResourceEvent;

    const err = await rejectionOf(handler(event));

    expect(err.message).toBe(message);
    expect(err.message).not.toContain(RESPONSE_URL_SECRET);
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(logged()).not.toContain(RESPONSE_URL_SECRET);
  });
  test.each<[string, unknown]>([
    ['an unknown type', 'Custom::Bogus'],
    ['the generic type', 'AWS::CloudFormation::CustomResource'],
    ['undefined', undefined],
  ])('a ResourceType the handler does not manage (%s) fails without any AWS call, naming the types it manages', async (_label, resourceType) => {
    const event = { ...createEvent(baseProps({ Description: 'secret notes' })), ResourceType: resourceType } as unknown as CloudFormationCustomResourceEvent;

    const err = await rejectionOf(handler(event));

    expect(err.message).toBe(`Unsupported ResourceType ${JSON.stringify(String(resourceType))}; this handler manages ${MANAGED_TYPES}`);
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(logged()).not.toContain(RESPONSE_URL_SECRET);
  });
});

describe('failures', () => {
  test('leave the handler with a one-line stack, and are logged', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound('gone'));
    iotMock.on(CreatePackageVersionCommand).rejects(notFound('Package firmware does not exist'));
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });

    const err = await rejectionOf(handler(updateEvent(baseProps({ Description: 'x' }), baseProps())));

    expect(err.name).toBe('Error');
    expect(err.stack).toBe('Error');
    expect(err.message).toBe("CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ResourceNotFoundException: Package firmware does not exist");
    expect(notices('request failed')).toEqual([{ notice: 'request failed', reason: err.message }]);
  });

  test('are cut to what fits in CloudFormation\'s response beside very long ids', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`bad.key.${String(i).padStart(3, '0')}`, 'x']));
    const event = createEvent(baseProps({ Attributes: attributes }), { requestId: 'r'.repeat(3_000), logicalResourceId: 'L'.repeat(255) });

    const err = await rejectionOf(handler(event));

    expect(err.message).toMatch(/^Package version 'firmware\/1\.0\.0' has 200 invalid props:.* \[\.\.\.\]$/s);
    const body = JSON.stringify({
      Status: 'FAILED',
      Reason: `${err.message}\n\nLogs: /aws/lambda/${'f'.repeat(64)}\n`,
      StackId: STACK_ID,
      RequestId: event.RequestId,
      PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED',
      LogicalResourceId: event.LogicalResourceId,
    });
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(iotMock.calls()).toHaveLength(0);
  });
});

describe('the deadline from the Lambda context', () => {
  test('bounds every call: with no time left for forward work, an Update fails fast, saying it can be retried', async () => {
    const err = await rejectionOf(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()), remaining(2_500)));

    expect(err.message).toBe(
      "GetPackageVersion did not finish before the handler's time ran out: AWS did not answer in time. This is temporary; the deployment can be retried.",
    );
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('each invocation has its own: a generous context lets the same request through', async () => {
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { description: 'x' }));
    stubOwnTags(ARN);

    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()), remaining(2_500))).rejects.toThrow(/did not finish/);
    await expect(handler(updateEvent(baseProps({ Description: 'x' }), baseProps()), remaining(60_000))).resolves.toMatchObject({ PhysicalResourceId: ARN });
  });
});

describe('validation before any AWS call', () => {
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
  ])('Create with %s fails', async (_label, props, message) => {
    await expect(handler(createEvent(props))).rejects.toThrow(message);
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('Update with tokens that resolved to bad values fails, naming each', async () => {
    const event = updateEvent(baseProps({ VersionName: '${Token[TOKEN.42]}', Description: 'ok\u0000' }), baseProps());

    const err = await rejectionOf(handler(event));

    expect(err.message).toMatch(/versionName: "\$\{Token\[TOKEN\.42\]\}" contains '\$'/);
    expect(err.message).toMatch(/description: contains U\+0000 at index 2/);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('Update with a missing PackageName fails, even for a rename, before the stack status is read', async () => {
    await expect(handler(updateEvent({ VersionName: '2.0.0' }, baseProps()))).rejects.toThrow(/packageName: is missing/);
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('the message does not echo the description or attribute values', async () => {
    const err = await rejectionOf(handler(createEvent(baseProps({
      Description: 'secret-description\u0007',
      Attributes: { token: 'secret-attribute\u0001', empty: '' },
    }))));

    expect(err.message).toMatch(/^Package version 'firmware\/1\.0\.0' has 3 invalid props:/);
    expect(err.message).not.toContain('secret-description');
    expect(err.message).not.toContain('secret-attribute');
  });

  test('the message for 200 invalid attribute keys is capped at 2000 characters', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`bad.key.${String(i).padStart(3, '0')}`, 'x']));

    const err = await rejectionOf(handler(createEvent(baseProps({ Attributes: attributes }))));

    expect(MAX_VALIDATION_MESSAGE).toBe(2000);
    expect(err.message).toHaveLength(2000);
    expect(err.message).toMatch(/^Package version 'firmware\/1\.0\.0' has 200 invalid props:\n {2}- attributes: key "bad\.key\.000" contains '\.'/);
    expect(err.message.endsWith('...')).toBe(true);
    expect(err.message).not.toContain('bad.key.199');
  });
});

describe('logging', () => {
  const SECRET_DESCRIPTION = 'Confidential release notes 7f3a';
  const OLD_SECRET_DESCRIPTION = 'Earlier confidential notes 91bc';
  const SECRET_VALUES = ['attr-value-alpha-5531', 'attr-value-beta-8812', 'old-attr-value-gamma-2290'];

  function assertRedacted() {
    const output = logged();
    for (const secret of [RESPONSE_URL, RESPONSE_URL_SECRET, 'X-Amz-Signature', SECRET_DESCRIPTION, OLD_SECRET_DESCRIPTION, ...SECRET_VALUES]) {
      expect(output).not.toContain(secret);
    }
    // One JSON line per log call.
    expect(logLines().length).toBeGreaterThan(0);
  }

  test('the first line describes the request, without the ResponseURL or sensitive properties', async () => {
    await rejectionOf(handler(createEvent(baseProps({ Description: SECRET_DESCRIPTION, Attributes: { 'channel': SECRET_VALUES[0], 'bad.key': 'x' } }))));

    expect(logLines()[0]).toMatchObject({
      notice: 'CloudFormation request',
      requestType: 'Create',
      stackId: STACK_ID,
      logicalResourceId: LOGICAL_ID,
      properties: { PackageName: PKG, VersionName: VER, Description: '(redacted)', attributeCount: 2 },
    });
    assertRedacted();
  });

  test('a full Create, Update and Delete log no secrets', async () => {
    const createProps = baseProps({ Description: OLD_SECRET_DESCRIPTION, Attributes: { channel: 'old-attr-value-gamma-2290' }, Tags: tagList({ Env: 'dev' }) });
    const updateProps = baseProps({
      Description: SECRET_DESCRIPTION, Attributes: { channel: 'attr-value-alpha-5531', signer: 'attr-value-beta-8812' }, Tags: tagList({ Env: 'prod' }),
    });
    stubStackStatus('CREATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { description: OLD_SECRET_DESCRIPTION, attributes: { channel: 'old-attr-value-gamma-2290' } }));
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    stubOwnTags(ARN, { Env: 'dev' });
    iotMock.on(DeletePackageVersionCommand).resolves({});

    await handler(createEvent(createProps));
    await handler(updateEvent(updateProps, createProps));
    await handler(deleteEvent(ARN, updateProps));

    assertRedacted();
    const output = logged();
    expect(output).toContain('firmware/1.0.0');
    expect(output).toContain('"attributeCount":2');
    expect(output).not.toContain('signer');
    expect(commandNames()).toEqual([
      'CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'UpdatePackageVersion', 'TagResource',
      'ListTagsForResource', 'DeletePackageVersion',
    ]);
  });

  test('the take-over, take-back, refusal, rollback, foreign-owner and delete-race paths log no secrets either', async () => {
    const props = (versionName: string): Props => baseProps({
      VersionName: versionName, Description: SECRET_DESCRIPTION, Attributes: { channel: 'attr-value-alpha-5531' }, Tags: tagList({ Env: 'prod' }),
    });
    const secretLive = (versionName: string) => liveVersion(versionName, { description: OLD_SECRET_DESCRIPTION, attributes: { channel: 'old-attr-value-gamma-2290' } });
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});
    iotMock.on(GetPackageCommand).resolves({ packageName: PKG });
    iotMock.on(DeletePackageVersionCommand).resolves({});
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    for (const v of ['3.0.0', '4.0.0', '5.0.0']) {
      iotMock.on(GetPackageVersionCommand, { versionName: v }).resolves(secretLive(v));
    }
    stubOwnTags(arnOf(PKG, '3.0.0'), { Stale: 'x' });
    stubTags(arnOf(PKG, '4.0.0'), { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` });
    stubTags(arnOf(PKG, '5.0.0'), {});

    // Take-back (a rename rolled back) and take-over (adoption) reconcile description and attributes.
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    await handler(updateEvent(props('3.0.0'), props('4.0.0')));
    stubStackStatus('CREATE_IN_PROGRESS');
    await handler(createEvent({ ...props('5.0.0'), AdoptExisting: 'true' }));
    // A refused create, a refused update, the same update during a rollback, a delete left alone.
    await expect(handler(createEvent(props('4.0.0')))).rejects.toThrow(/not taken over/);
    stubStackStatus('UPDATE_IN_PROGRESS');
    await expect(handler(updateEvent(props('4.0.0'), { ...props('4.0.0'), Description: OLD_SECRET_DESCRIPTION }))).rejects.toThrow(/not created by this/);
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    await handler(updateEvent(props('4.0.0'), { ...props('4.0.0'), Description: OLD_SECRET_DESCRIPTION }));
    await handler(deleteEvent(arnOf(PKG, '4.0.0'), props('4.0.0')));
    // Delete race: the version goes away while DeletePackageVersion fails.
    iotMock.on(GetPackageVersionCommand, { versionName: '6.0.0' }).rejects(notFound());
    stubOwnTags(arnOf(PKG, '6.0.0'));
    iotMock.on(DeletePackageVersionCommand, { versionName: '6.0.0' }).rejects(conflict('gone'));
    await expect(handler(deleteEvent(arnOf(PKG, '6.0.0'), props('6.0.0')))).resolves.toBeDefined();

    assertRedacted();
    const output = logged();
    for (const notice of ['taking it back', 'adoptExisting: taking over', 'version updated', 'tags updated', 'rollback: not failing it', 'not deleting it']) {
      expect(output).toContain(notice);
    }
  });
});
