/**
 * Create (lambda/version/create.ts): a new version, marked as this
 * resource's; failures named with hints; AccessDenied retried while IAM
 * propagates; and the stack status read after the create, undoing it when
 * CloudFormation gave up on the request meanwhile (version/made.ts).
 *
 * Conflicts with an existing version are in create-conflict.test.ts.
 */
import { createHash } from 'crypto';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  InternalServerException,
  ListTagsForResourceCommand,
  ServiceQuotaExceededException,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { callerOf, markerValue, parseMarker } from '../../../lambda/ownership';
import { clientTokenFor } from '../../../lambda/version/create';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import {
  arnOf,
  createEvent,
  LOGICAL_ID,
  OTHER_LOGICAL_ID,
  OTHER_STACK_ID,
  RECREATED_STACK_ID,
  requestId,
  STACK_ID,
  tagList,
} from '../events';
import {
  accessDenied,
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  describedStacks,
  inputsOf,
  invalid,
  iotMock,
  notFound,
  notices,
  OTHER_RESOURCE_OWNER,
  OTHER_STACK_OWNER,
  OWNER,
  ownMarker,
  PKG,
  rejectionOf,
  remaining,
  ROLLBACK_STATUSES,
  stubStackStatus,
  throttled,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const meta = { $metadata: {} };

/** CreatePackageVersion of PKG/VER succeeds. */
function stubCreated(extra: { status?: string; errorReason?: string } = {}) {
  iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER })
    .resolves({ packageVersionArn: ARN, packageName: PKG, versionName: VER, status: 'DRAFT', ...extra } as never);
}

const cfnDenied = () => Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' });

describe('Create', () => {
  beforeEach(() => stubStackStatus('CREATE_IN_PROGRESS'));

  test('creates the version with clientToken = RequestId and the marker merged into the user tags, then reads the stack status', async () => {
    const rid = requestId();
    stubCreated();

    const event = createEvent(baseProps({
      Description: 'Release 1',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: tagList({ Env: 'prod', Team: 'iot' }),
    }), { requestId: rid });
    const result = await handler(event);

    expect(inputsOf(CreatePackageVersionCommand)).toEqual([{
      packageName: PKG,
      versionName: VER,
      description: 'Release 1',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { Env: 'prod', Team: 'iot', [CREATION_MARKER_TAG]: `${OWNER}/${rid}` },
      clientToken: rid,
    }]);
    expect(ownMarker(rid)).toBe(markerValue(callerOf(event)));
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(describedStacks()).toEqual([STACK_ID]);
    expect(result).toEqual({
      PhysicalResourceId: ARN,
      Data: { PackageVersionArn: ARN, Status: 'DRAFT', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' },
    });
    expect(notices('version created')).toEqual([{ notice: 'version created', version: 'firmware/1.0.0', status: 'DRAFT' }]);
  });

  test('sends no attributes and no description when there are none; tags hold only the marker', async () => {
    const rid = requestId();
    stubCreated();

    await handler(createEvent(baseProps(), { requestId: rid }));

    const input = inputsOf(CreatePackageVersionCommand)[0];
    expect(input.attributes).toBeUndefined();
    expect(input.description).toBeUndefined();
    expect(input.tags).toEqual({ [CREATION_MARKER_TAG]: ownMarker(rid) });
  });

  test.each<[string, string, string, string]>([
    ['another stack', OTHER_STACK_ID, LOGICAL_ID, OTHER_STACK_OWNER],
    ['another logical id', STACK_ID, OTHER_LOGICAL_ID, OTHER_RESOURCE_OWNER],
    ['the same stack name deployed again (new stack id)', RECREATED_STACK_ID, LOGICAL_ID, OWNER],
  ])('the marker names the resource by stack name and logical id: %s', async (_label, stackId, logicalResourceId, owner) => {
    const rid = requestId();
    stubCreated();
    stubStackStatus('CREATE_IN_PROGRESS', stackId);

    await handler(createEvent(baseProps(), { requestId: rid, stackId, logicalResourceId }));

    const tags = inputsOf(CreatePackageVersionCommand)[0].tags as Record<string, string>;
    expect(tags).toEqual({ [CREATION_MARKER_TAG]: `${owner}/${rid}` });
    expect(parseMarker(tags[CREATION_MARKER_TAG])).toEqual({ owner, requestId: rid, previous: undefined });
    expect(describedStacks()).toEqual([stackId]);
  });

  test('Data carries every key, with the status and error reason IoT reported; Status is empty when IoT gives none', async () => {
    iotMock.on(CreatePackageVersionCommand).resolvesOnce({ packageVersionArn: ARN, status: 'PUBLISHED', errorReason: 'artifact unreadable' })
      .resolves({ packageVersionArn: ARN });

    const first = await handler(createEvent(baseProps()));
    const second = await handler(createEvent(baseProps()));

    expect(first.Data).toEqual({ PackageVersionArn: ARN, Status: 'PUBLISHED', ErrorReason: 'artifact unreadable', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' });
    expect(second.Data).toEqual({ PackageVersionArn: ARN, Status: '', ErrorReason: '', PackageName: PKG, VersionName: VER, SbomValidationStatus: '' });
  });

  test.each([
    ['short', 'req-1'],
    ['too long', 'r'.repeat(65)],
    ['containing a space', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
  ])('a %s RequestId gets a sha256 clientToken; the marker keeps the raw RequestId', async (_label, rid) => {
    stubCreated();

    await handler(createEvent(baseProps(), { requestId: rid }));

    const input = inputsOf(CreatePackageVersionCommand)[0];
    expect(input.clientToken).toBe(createHash('sha256').update(rid).digest('hex'));
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

describe('Create failure', () => {
  const HINT = " (package 'firmware' does not exist in this account and region; create it first, e.g. with CfnSoftwarePackage)";
  const SUBJECT = "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0'";

  test.each<[string, () => Error]>([
    ['ValidationException', () => invalid('Package firmware does not exist')],
    ['ResourceNotFoundException', () => notFound('Package firmware does not exist')],
  ])('a %s when GetPackage says the package does not exist adds the missing-package hint', async (name, error) => {
    iotMock.on(CreatePackageVersionCommand).rejects(error());
    iotMock.on(GetPackageCommand, { packageName: PKG }).rejects(notFound());

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(`${SUBJECT}: ${name}: Package firmware does not exist${HINT}`);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackage']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test.each<[string, () => void]>([
    ['the package exists', () => iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG })],
    ['GetPackage fails', () => iotMock.on(GetPackageCommand, { packageName: PKG }).rejects(throttled())],
  ])('a ValidationException gets no hint when %s', async (_label, stubGetPackage) => {
    iotMock.on(CreatePackageVersionCommand).rejects(invalid('Attributes are invalid'));
    stubGetPackage();

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(`${SUBJECT}: ValidationException: Attributes are invalid`);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackage']);
  });

  test.each<[string, () => Error]>([
    ['ThrottlingException', () => throttled('Slow down')],
    ['ServiceQuotaExceededException', () => new ServiceQuotaExceededException({ message: 'Slow down', ...meta })],
  ])('a %s names the operation, the error and the names, without looking the package up', async (name, error) => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(error());

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(`${SUBJECT}: ${name}: Slow down`);
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('an InternalServerException may have made the version: the handler looks, and deletes it only if this request made it', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(new InternalServerException({ message: 'Oops', ...meta }));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags: tagList({ [CREATION_MARKER_TAG]: ownMarker(rid) }) });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps(), { requestId: rid })));

    expect(err.message).toBe(`${SUBJECT}: InternalServerException: Oops. IoT had made the version nonetheless; it was deleted again, so nothing is left behind.`);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion', 'ListTagsForResource', 'DeletePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('an InternalServerException that made nothing fails with IoT\'s error alone', async () => {
    iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(new InternalServerException({ message: 'Oops', ...meta }));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).rejects(notFound());

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(`${SUBJECT}: InternalServerException: Oops`);
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackageVersion']);
  });

  test('an error without a message says there was none', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(throttled(''));

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(`${SUBJECT}: ThrottlingException: (no message)`);
  });

  test('an IoT message longer than 600 characters is truncated', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(throttled('z'.repeat(2000)));

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(new RegExp(`ThrottlingException: ${'z'.repeat(597)}\\.\\.\\.$`));
  });
});

describe('AccessDenied while a new IAM policy propagates', () => {
  test('is retried after a second, logged, and then the create succeeds', async () => {
    const rid = requestId();
    stubStackStatus('CREATE_IN_PROGRESS');
    iotMock.on(CreatePackageVersionCommand).rejectsOnce(accessDenied()).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    const started = performance.now();
    const result = await handler(createEvent(baseProps(), { requestId: rid }));

    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(result.PhysicalResourceId).toBe(ARN);
    const [first, second] = inputsOf(CreatePackageVersionCommand);
    expect(second).toEqual(first);
    expect(second.clientToken).toBe(rid);
    expect(notices('IoT denied access')).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1000 })]);
  });

  test('fails with the IAM hint when it goes on until the time runs out', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(accessDenied('not authorized'));

    // 5 s remaining: forward work has 2 s, so one retry after 1 s, then no room for the 2 s delay.
    const err = await rejectionOf(handler(createEvent(baseProps()), remaining(5_000)));

    expect(err.message).toBe(
      "CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': AccessDeniedException: not authorized " +
      '(IAM did not allow the call, even after waiting for a new policy to take effect: check permission boundaries and SCPs)',
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'CreatePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('other errors are not retried', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(throttled());

    await expect(handler(createEvent(baseProps()))).rejects.toThrow(/ThrottlingException/);
    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(notices('IoT denied access')).toEqual([]);
  });
});

describe('the stack status after the create', () => {
  const DELETED_AGAIN = 'The version this request created was deleted again, so nothing is left behind.';

  beforeEach(() => stubCreated());

  test.each(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS'])('%s: the create goes on', async (status) => {
    stubStackStatus(status);

    await expect(handler(createEvent(baseProps()))).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(commandNames()).toEqual(['CreatePackageVersion']);
  });

  test.each([...ROLLBACK_STATUSES, 'DELETE_IN_PROGRESS', 'CREATE_FAILED', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])(
    '%s: CloudFormation gave up on the request, so the version is deleted again and the create fails',
    async (status) => {
      stubStackStatus(status);
      iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

      const err = await rejectionOf(handler(createEvent(baseProps())));

      expect(err.message).toBe(
        `CloudFormation stopped deploying this resource while the version was being created (stack status ${status}). ${DELETED_AGAIN}`,
      );
      expect(commandNames()).toEqual(['CreatePackageVersion', 'DeletePackageVersion']);
      expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
      expect(notices('undone: version deleted again')).toEqual([{ notice: 'undone: version deleted again', version: 'firmware/1.0.0' }]);
    },
  );

  test('a status that cannot be read undoes the create too: a deployment is never assumed', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(cfnDenied());
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      `DescribeStacks failed for this resource's stack '${STACK_ID}' (read to tell a rollback from a deployment): ` +
      `AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks. ${DELETED_AGAIN}`,
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'DeletePackageVersion']);
  });

  test('a DescribeStacks answer without a status undoes the create', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [] });
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      `DescribeStacks returned no status for this resource's stack '${STACK_ID}', so whether it is rolling back cannot be told. ${DELETED_AGAIN}`,
    );
  });

  test('when the version cannot be deleted again, the failure names the leaked ARN and the command that deletes it', async () => {
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(DeletePackageVersionCommand).rejects(invalid('Version is in use by a job'));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN });

    const err = await rejectionOf(handler(createEvent(baseProps())));

    expect(err.message).toBe(
      'CloudFormation stopped deploying this resource while the version was being created (stack status ROLLBACK_IN_PROGRESS). ' +
      `The version this request created, ${ARN}, could not be deleted again (DeletePackageVersion failed for PackageName 'firmware', ` +
      "VersionName '1.0.0': ValidationException: Version is in use by a job); delete it with " +
      "'aws iot delete-package-version --package-name firmware --version-name 1.0.0'",
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'DeletePackageVersion', 'GetPackageVersion']);
  });

  // BUG (handler): an AWS call cut off by the deadline has an unknown outcome.
  // When it is CreatePackageVersion, IoT may have made the version; the
  // handler fails the Create without looking, the provider framework then
  // answers CloudFormation's Delete itself, and the version (marked with this
  // request) is left behind.
  test('a CreatePackageVersion cut off by the deadline after IoT made the version does not leave it behind', async () => {
    const rid = requestId();
    // IoT makes the version, but answers only after the forward deadline (0.5 s of 3.5 s).
    iotMock.on(CreatePackageVersionCommand).callsFake(() => new Promise((_resolve, reject) => setTimeout(
      () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), 800)));
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({ packageVersionArn: ARN, status: 'DRAFT' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags: tagList({ [CREATION_MARKER_TAG]: ownMarker(rid) }) });
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps(), { requestId: rid }), remaining(3_500)));

    expect(err.message).toContain("CreatePackageVersion did not finish before the handler's time ran out");
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
  });

  test('a create cut off by the forward deadline before CreatePackageVersion makes nothing and reads no status', async () => {
    // 3 s remaining: the 2 s reserve leaves no time for forward work.
    const err = await rejectionOf(handler(createEvent(baseProps()), remaining(3_000)));

    expect(err.message).toBe(
      "CreatePackageVersion did not finish before the handler's time ran out: AWS did not answer in time. This is temporary; the deployment can be retried.",
    );
    expect(iotMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
  });
});
