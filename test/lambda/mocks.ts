/**
 * What the handler unit tests share: strict aws-sdk-client-mock stand-ins for
 * the handler's three clients (any call a test did not stub fails), IoT and
 * S3 error builders, the creation markers computed independently of
 * lambda/ownership.ts, and helpers to read what was called and logged.
 *
 * Call `useMocks()` once at the top of a test file.
 */
import { createHash } from 'crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConflictException,
  GetPackageVersionCommandOutput,
  IoTClient,
  IoTServiceException,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-iot';
import { HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { arnOf, LOGICAL_ID, OTHER_LOGICAL_ID, OTHER_STACK_NAME, Props, STACK_ID, STACK_NAME, tagList } from './events';
import { cloudFormation } from '../../lambda/aws/cloudformation';
import { iot } from '../../lambda/aws/iot';
import { s3 } from '../../lambda/aws/s3';
import { RemainingTime } from '../../lambda/deadline';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

export const iotMock: AwsClientStub<IoTClient> = mockClient(iot);
export const cfnMock: AwsClientStub<CloudFormationClient> = mockClient(cloudFormation);
export const s3Mock: AwsClientStub<S3Client> = mockClient(s3);

export const PKG = 'firmware';
export const VER = '1.0.0';
export const ARN = arnOf(PKG, VER);

const meta = { $metadata: {} };
export const notFound = (message = 'The specified resource does not exist') => new ResourceNotFoundException({ message, ...meta });
export const conflict = (message = 'A package version with this name already exists') => new ConflictException({ message, ...meta });
export const throttled = (message = 'Rate exceeded') => new ThrottlingException({ message, ...meta });
export const invalid = (message: string) => new ValidationException({ message, ...meta });
export const accessDenied = (message = 'User is not authorized to perform: iot:CreatePackageVersion') =>
  new IoTServiceException({ name: 'AccessDeniedException', $fault: 'client', message, ...meta });

/** An S3 error as the SDK raises it, e.g. s3Error('NotFound', 404) for a HeadObject of a missing key. */
export const s3Error = (name: string, status: number, message = 'UnknownError') =>
  new S3ServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: status } });

/** HeadObject of s3://bucket/key answers with `versionId` (undefined: an unversioned bucket). */
export function stubObjectVersion(bucket: string, key: string, versionId: string | undefined): void {
  s3Mock.on(HeadObjectCommand, { Bucket: bucket, Key: key }).resolves({ VersionId: versionId });
}

/** The objects HeadObject was asked about, in call order, as 's3://bucket/key'. */
export function headedObjects(): string[] {
  return s3Mock.commandCalls(HeadObjectCommand).map((call) => `s3://${call.args[0].input.Bucket}/${call.args[0].input.Key}`);
}

/**
 * The owner part of a creation marker, computed here independently of
 * lambda/ownership.ts: 16 hex digits of sha256(stack name), then 16 of
 * sha256(`stackName|logicalId`).
 */
export function ownerFor(stackName: string, logicalId: string): string {
  const h = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
  return h(stackName) + h(`${stackName}|${logicalId}`);
}

/** This resource: the default stack and logical id of the events. */
export const OWNER = ownerFor(STACK_NAME, LOGICAL_ID);
/** A resource with the same logical id in another stack. */
export const OTHER_STACK_OWNER = ownerFor(OTHER_STACK_NAME, LOGICAL_ID);
/** Another resource of the same stack (e.g. the construct before it moved). */
export const OTHER_RESOURCE_OWNER = ownerFor(STACK_NAME, OTHER_LOGICAL_ID);

/** The RequestId of the create that made a version, where that was an earlier request. */
export const EARLIER_REQUEST = '6f1d0c2b-3a4e-4f5a-8b7c-9d0e1f2a3b4c';

/** The marker of a version this resource created in request `rid`. */
export function ownMarker(rid = EARLIER_REQUEST): string {
  return `${OWNER}/${rid}`;
}

/** Markers of versions this resource did not create and may not take over on create, for test.each. */
export const FOREIGN_MARKERS: [string, Record<string, string>][] = [
  ['the marker of the same logical id in another stack', { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/${EARLIER_REQUEST}` }],
  ['a bare RequestId as marker (earlier releases)', { [CREATION_MARKER_TAG]: EARLIER_REQUEST }],
  ['a malformed marker (upper-case owner)', { [CREATION_MARKER_TAG]: `${OWNER.toUpperCase()}/${EARLIER_REQUEST}` }],
  ['no marker tag', { Env: 'prod' }],
  ['no tags at all', {}],
];

/** Statuses under which a request is part of a rollback. */
export const ROLLBACK_STATUSES = [
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_ROLLBACK_IN_PROGRESS',
];

/** ListTagsForResource on `arn` returns `tags` (in one page). */
export function stubTags(arn: string, tags: Record<string, string>): void {
  iotMock.on(ListTagsForResourceCommand, { resourceArn: arn }).resolves({ tags: tagList(tags) });
}

/** The version at `arn` carries this resource's marker from request `rid`, next to the `extra` tags. */
export function stubOwnTags(arn: string, extra: Record<string, string> = {}, rid = EARLIER_REQUEST): void {
  stubTags(arn, { ...extra, [CREATION_MARKER_TAG]: ownMarker(rid) });
}

/** DescribeStacks on `stackId` reports `status`. */
export function stubStackStatus(status: string, stackId = STACK_ID): void {
  cfnMock.on(DescribeStacksCommand, { StackName: stackId }).resolves({
    Stacks: [{ StackName: STACK_NAME, StackId: stackId, StackStatus: status as never, CreationTime: new Date(0) }],
  });
}

export type LiveVersion = Omit<GetPackageVersionCommandOutput, '$metadata'>;

/** What GetPackageVersion returns for version `versionName` of PKG. */
export function liveVersion(versionName: string, overrides: LiveVersion = {}): LiveVersion {
  return { packageVersionArn: arnOf(PKG, versionName), packageName: PKG, versionName, status: 'DRAFT', ...overrides };
}

/** The inputs IoT received for one command, in call order. */
export function inputsOf(command: Parameters<typeof iotMock.commandCalls>[0]): Record<string, unknown>[] {
  return iotMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
}

/** The commands IoT received, in call order, without the "Command" suffix. */
export function commandNames(): string[] {
  return iotMock.calls().map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
}

/** The stacks DescribeStacks was asked about, in call order. */
export function describedStacks(): string[] {
  return cfnMock.commandCalls(DescribeStacksCommand).map((call) => String(call.args[0].input.StackName));
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then((value) => { throw new Error(`resolved with ${JSON.stringify(value)}`); }, (e: Error) => e);
}

/** Properties naming PKG/VER, with `overrides`. */
export function baseProps(overrides: Props = {}): Props {
  return { PackageName: PKG, VersionName: VER, ...overrides };
}

/** A Lambda context with `ms` remaining. */
export function remaining(ms: number): RemainingTime {
  return { getRemainingTimeInMillis: () => ms };
}

let logSpy: jest.SpyInstance;

/** Resets the mocks before each test to reject any call not stubbed, and captures the log. */
export function useMocks(): void {
  beforeEach(() => {
    iotMock.reset();
    iotMock.onAnyCommand().rejects(new Error('unexpected IoT call'));
    cfnMock.reset();
    cfnMock.onAnyCommand().rejects(new Error('unexpected CloudFormation call'));
    s3Mock.reset();
    s3Mock.onAnyCommand().rejects(new Error('unexpected S3 call'));
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logSpy.mockRestore();
  });
}

/** Everything the handler logged, as one string. */
export function logged(): string {
  return logSpy.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
}

/** Every log line, parsed (each is one JSON object). */
export function logLines(): Record<string, unknown>[] {
  return logSpy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

/** The log lines whose notice contains `text`. */
export function notices(text: string): Record<string, unknown>[] {
  return logLines().filter((line) => String(line.notice).includes(text));
}

/** Forgets the calls and log lines so far (stubs stay). */
export function forgetHistory(): void {
  iotMock.resetHistory();
  cfnMock.resetHistory();
  s3Mock.resetHistory();
  logSpy.mockClear();
}
