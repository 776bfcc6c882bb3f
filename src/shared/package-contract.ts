/**
 * The wire contract between the `SoftwarePackage` construct (src/) and its
 * custom-resource handler (lambda/package/). Both sides import this module.
 *
 * The resource type, property names and attribute names are part of deployed
 * templates: never rename them. Property names mirror the native
 * `AWS::IoT::SoftwarePackage` resource, and `PackageArn` its `Fn::GetAtt`
 * name, so users can move between the two. Unlike the native resource,
 * `Ref` returns the package ARN (the physical id), as for versions.
 *
 * Packages carry the same creation-marker tag as versions
 * (`CREATION_MARKER_TAG` in ./contract), with the same value format.
 */
import { TagEntry } from './contract';

/** CloudFormation type of the custom resource. Permanent once released. */
export const PACKAGE_RESOURCE_TYPE = 'Custom::IotSoftwarePackage';

/**
 * The custom resource's properties, as the handler receives them.
 * CloudFormation turns every scalar into a string.
 */
export interface SoftwarePackageResourceProperties {
  readonly PackageName: string;
  /** Sensitive for IoT: never logged. */
  readonly Description?: string;
  readonly Tags?: TagEntry[];
  /** 'true' to take over an existing package this resource did not create; absent otherwise. */
  readonly AdoptExisting?: string;
}

/** Names of the attributes the handler returns in `Data` (read with `Fn::GetAtt`). */
export const ATTR_PACKAGE_ARN = 'PackageArn';
export const ATTR_SOFTWARE_PACKAGE_NAME = 'PackageName';

/** The handler's `Data`. Every key is always present so `Fn::GetAtt` never fails. */
export interface SoftwarePackageResponseData {
  readonly [ATTR_PACKAGE_ARN]: string;
  readonly [ATTR_SOFTWARE_PACKAGE_NAME]: string;
}

/** Builds the ARN of a package from its parts. */
export function softwarePackageArn(partition: string, region: string, account: string, packageName: string): string {
  return `arn:${partition}:iot:${region}:${account}:package/${packageName}`;
}

const PACKAGE_ARN = /^arn:[^:]+:iot:[^:]*:[^:]*:package\/([^/]+)$/;

/**
 * Parses a package ARN (not a version ARN).
 *
 * @returns the package name, or undefined if `arn` is not a package ARN
 */
export function parseSoftwarePackageArn(arn: string): string | undefined {
  return PACKAGE_ARN.exec(arn)?.[1];
}
