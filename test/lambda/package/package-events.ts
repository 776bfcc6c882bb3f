/**
 * Events and stubs for the Custom::IotSoftwarePackage handler tests, built
 * on the version tests' builders (../events.ts, ../mocks.ts).
 */
import { GetPackageCommand, ListPackageVersionsCommand } from '@aws-sdk/client-iot';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { PACKAGE_RESOURCE_TYPE, softwarePackageArn } from '../../../src/shared/package-contract';
import { ACCOUNT, createEvent, deleteEvent, PARTITION, Props, REGION, updateEvent } from '../events';
import { iotMock, notFound, PKG } from '../mocks';

/** The ARN IoT gives a package in the test account. */
export function packageArnOf(packageName: string): string {
  return softwarePackageArn(PARTITION, REGION, ACCOUNT, packageName);
}

export const PKG_ARN = packageArnOf(PKG);

/** Properties naming PKG, with `overrides`. */
export function packageProps(overrides: Props = {}): Props {
  return { PackageName: PKG, ...overrides };
}

type Common = Parameters<typeof createEvent>[1];

export function packageCreate(props: Props, opts?: Common): CloudFormationCustomResourceCreateEvent {
  return { ...createEvent(props, opts), ResourceType: PACKAGE_RESOURCE_TYPE };
}

export function packageUpdate(props: Props, oldProps: Props, opts: Parameters<typeof updateEvent>[2] = {}): CloudFormationCustomResourceUpdateEvent {
  return {
    ...updateEvent(props, oldProps, { physicalResourceId: packageArnOf(String(oldProps.PackageName)), ...opts }),
    ResourceType: PACKAGE_RESOURCE_TYPE,
  };
}

export function packageDelete(physicalResourceId: string, props: Props, opts?: Common): CloudFormationCustomResourceDeleteEvent {
  return { ...deleteEvent(physicalResourceId, props, opts), ResourceType: PACKAGE_RESOURCE_TYPE };
}

/** GetPackage of `packageName` answers with the package (and `description`), or not found when `exists` is false. */
export function stubPackage(packageName: string, exists = true, description?: string): void {
  const stub = iotMock.on(GetPackageCommand, { packageName });
  if (exists) {
    stub.resolves({ packageName, packageArn: packageArnOf(packageName), description });
  } else {
    stub.rejects(notFound());
  }
}

/** ListPackageVersions of `packageName` answers with these versions (one page). */
export function stubVersions(packageName: string, versionNames: string[]): void {
  iotMock.on(ListPackageVersionsCommand, { packageName }).resolves({
    packageVersionSummaries: versionNames.map((versionName) => ({ packageName, versionName })),
  });
}
