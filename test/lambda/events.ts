/**
 * Typed builders for the CloudFormation custom-resource events the handler
 * receives from the aws-cdk-lib provider framework.
 *
 * Every event carries a fake pre-signed ResponseURL with a secret-looking
 * signature (RESPONSE_URL_SECRET) so tests can check it is never logged.
 */
import { randomUUID } from 'crypto';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceResourcePropertiesCommon,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { packageVersionArn, PackageVersionResourceProperties, RESOURCE_TYPE } from '../../src/shared/contract';

export const PARTITION = 'aws';
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

/** The stack of every event unless a test says otherwise: its name is what ownership hashes. */
export const STACK_NAME = 'FirmwareStack';
export const STACK_ID = `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/0f8a6e10-7c1b-11ef-9d2a-0a1b2c3d4e5f`;
/** The same stack deleted and deployed again under the same name: a new id, the same name. */
export const RECREATED_STACK_ID = `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/11111111-2222-4333-8444-555555555555`;
export const SERVICE_TOKEN = `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:FirmwareStack-ProviderframeworkonEvent-AbCdEf012345`;
export const LOGICAL_ID = 'FirmwareVersion0A1B2C3D';
/** Another resource of the same stack, e.g. the same construct before it moved within the stack. */
export const OTHER_LOGICAL_ID = 'OtherFirmwareVersion9F8E7D6C';

/** The signature part of the fake ResponseURL: it must never show up in logs. */
export const RESPONSE_URL_SECRET = 'wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYzEXAMPLESIGNATURE0123456789abcdef';
export const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/' +
  `${encodeURIComponent(STACK_ID)}%7C${LOGICAL_ID}%7Cabc?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
  '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Feu-west-1%2Fs3%2Faws4_request' +
  `&X-Amz-Date=20240101T000000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=${RESPONSE_URL_SECRET}`;

/**
 * Resource properties as CloudFormation delivers them. Everything is optional
 * and loosely typed so tests can also build invalid requests.
 */
export type Props = Partial<PackageVersionResourceProperties> & Record<string, unknown>;

type CfnProps = CloudFormationCustomResourceResourcePropertiesCommon;

/** Another stack in the same account and region, e.g. one that made a version with the same name. */
export const OTHER_STACK_NAME = 'OtherStack';
export const OTHER_STACK_ID = `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${OTHER_STACK_NAME}/5b2e9c40-7c1b-11ef-8e3f-0a9b8c7d6e5f`;

/** The ARN IoT gives a package version in the test account. */
export function arnOf(packageName: string, versionName: string): string {
  return packageVersionArn(PARTITION, REGION, ACCOUNT, packageName, versionName);
}

/** A fresh CloudFormation RequestId (a UUID, 36 characters). */
export function requestId(): string {
  return randomUUID();
}

function withToken(props: Props): CfnProps {
  return { ServiceToken: SERVICE_TOKEN, ...props } as CfnProps;
}

interface Common {
  readonly requestId?: string;
  /** Defaults to STACK_ID. */
  readonly stackId?: string;
  /** Defaults to LOGICAL_ID. */
  readonly logicalResourceId?: string;
}

export function createEvent(props: Props, opts: Common = {}): CloudFormationCustomResourceCreateEvent {
  return {
    RequestType: 'Create',
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: opts.stackId ?? STACK_ID,
    RequestId: opts.requestId ?? requestId(),
    LogicalResourceId: opts.logicalResourceId ?? LOGICAL_ID,
    ResourceType: RESOURCE_TYPE,
    ResourceProperties: withToken(props),
  };
}

export interface UpdateOptions extends Common {
  /** Defaults to the ARN of the old properties' package and version. */
  readonly physicalResourceId?: string;
}

export function updateEvent(props: Props, oldProps: Props, opts: UpdateOptions = {}): CloudFormationCustomResourceUpdateEvent {
  return {
    RequestType: 'Update',
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: opts.stackId ?? STACK_ID,
    RequestId: opts.requestId ?? requestId(),
    LogicalResourceId: opts.logicalResourceId ?? LOGICAL_ID,
    ResourceType: RESOURCE_TYPE,
    PhysicalResourceId: opts.physicalResourceId ?? arnOf(String(oldProps.PackageName), String(oldProps.VersionName)),
    ResourceProperties: withToken(props),
    OldResourceProperties: withToken(oldProps),
  };
}

export function deleteEvent(physicalResourceId: string, props: Props, opts: Common = {}): CloudFormationCustomResourceDeleteEvent {
  return {
    RequestType: 'Delete',
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: opts.stackId ?? STACK_ID,
    RequestId: opts.requestId ?? requestId(),
    LogicalResourceId: opts.logicalResourceId ?? LOGICAL_ID,
    ResourceType: RESOURCE_TYPE,
    PhysicalResourceId: physicalResourceId,
    ResourceProperties: withToken(props),
  };
}

/** Tags in CloudFormation's list-of-entries shape. */
export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
