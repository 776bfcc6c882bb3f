/**
 * Events for the `Custom::IotPackageDefaultVersion` resource type, built
 * with the version events' builders (same stack, ids and ResponseURL).
 */
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { DEFAULT_VERSION_RESOURCE_TYPE } from '../../../src/shared/default-version-contract';
import { ACCOUNT, createEvent, deleteEvent, PARTITION, Props, REGION, updateEvent } from '../events';

export const DEFAULT_LOGICAL_ID = 'FirmwareDefault1A2B3C4D';

/** The designation id the handler returns for `versionName` of `packageName`. */
export function designationId(packageName: string, versionName: string): string {
  return `arn:${PARTITION}:iot:${REGION}:${ACCOUNT}:package/${packageName}/default/${versionName}`;
}

export function props(packageName: string, versionName: string, extra: Props = {}): Props {
  return { PackageName: packageName, VersionName: versionName, ...extra };
}

export function createDefault(p: Props): CloudFormationCustomResourceCreateEvent {
  return { ...createEvent(p, { logicalResourceId: DEFAULT_LOGICAL_ID }), ResourceType: DEFAULT_VERSION_RESOURCE_TYPE };
}

export function updateDefault(p: Props, old: Props, physicalResourceId?: string): CloudFormationCustomResourceUpdateEvent {
  return {
    ...updateEvent(p, old, {
      logicalResourceId: DEFAULT_LOGICAL_ID,
      physicalResourceId: physicalResourceId ?? designationId(String(old.PackageName), String(old.VersionName)),
    }),
    ResourceType: DEFAULT_VERSION_RESOURCE_TYPE,
  };
}

export function deleteDefault(physicalResourceId: string, p: Props): CloudFormationCustomResourceDeleteEvent {
  return { ...deleteEvent(physicalResourceId, p, { logicalResourceId: DEFAULT_LOGICAL_ID }), ResourceType: DEFAULT_VERSION_RESOURCE_TYPE };
}

/** The package's ARN in the test account. */
export function packageArn(packageName: string): string {
  return `arn:${PARTITION}:iot:${REGION}:${ACCOUNT}:package/${packageName}`;
}
