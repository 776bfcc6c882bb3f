/**
 * The wire contract between the `PackageVersion` construct (src/) and its
 * custom-resource handler (lambda/). Both sides import this module, so the
 * property and attribute names are defined exactly once.
 *
 * The resource type, property names and attribute names are part of deployed
 * templates: never rename them. Property names mirror the native
 * `AWS::IoT::SoftwarePackageVersion` resource, and attribute names mirror its
 * `Fn::GetAtt` names, so users can move between the two.
 */

/** CloudFormation type of the custom resource. Permanent once released. */
export const RESOURCE_TYPE = 'Custom::IotPackageVersion';

/** One tag, in the same shape as the native resource's `Tags` property. */
export interface TagEntry {
  readonly Key: string;
  readonly Value: string;
}

/**
 * The custom resource's properties, as the handler receives them.
 *
 * CloudFormation turns every scalar into a string, so everything here is a
 * string, a map of strings or a list of tag entries.
 */
export interface PackageVersionResourceProperties {
  readonly PackageName: string;
  readonly VersionName: string;
  readonly Description?: string;
  readonly Attributes?: Record<string, string>;
  readonly Tags?: TagEntry[];
  /** 'true' to take over an existing version this resource did not create; absent otherwise. */
  readonly AdoptExisting?: string;
}

/** Names of the attributes the handler returns in `Data` (read with `Fn::GetAtt`). */
export const ATTR_PACKAGE_VERSION_ARN = 'PackageVersionArn';
export const ATTR_STATUS = 'Status';
export const ATTR_ERROR_REASON = 'ErrorReason';
export const ATTR_PACKAGE_NAME = 'PackageName';
export const ATTR_VERSION_NAME = 'VersionName';

/** The handler's `Data`. Every key is always present so `Fn::GetAtt` never fails. */
export interface PackageVersionResponseData {
  readonly [ATTR_PACKAGE_VERSION_ARN]: string;
  readonly [ATTR_STATUS]: string;
  readonly [ATTR_ERROR_REASON]: string;
  readonly [ATTR_PACKAGE_NAME]: string;
  readonly [ATTR_VERSION_NAME]: string;
}

/**
 * Tag the handler puts on every version it creates, with the CloudFormation
 * RequestId of the create as its value.
 *
 * It lets a retried create recognise its own earlier success even if the
 * service does not honour `clientToken`, without ever adopting a version that
 * someone else made. It is reserved: users cannot set it, and tag updates
 * never remove it.
 */
export const CREATION_MARKER_TAG = 'cdk-iot-package-catalog:creation-request';

/** IoT allows 50 tags per resource; one of them is the creation marker. */
export const MAX_USER_TAGS = 49;

/**
 * Builds the ARN of a package version from its parts.
 */
export function packageVersionArn(partition: string, region: string, account: string, packageName: string, versionName: string): string {
  return `arn:${partition}:iot:${region}:${account}:package/${packageName}/version/${versionName}`;
}

/** The package and version named by a package-version ARN. */
export interface PackageVersionIdentity {
  readonly packageName: string;
  readonly versionName: string;
}

const VERSION_ARN = /^arn:[^:]+:iot:[^:]*:[^:]*:package\/([^/]+)\/version\/([^/]+)$/;

/**
 * Parses a package-version ARN.
 *
 * @returns the package and version names, or undefined if `arn` is not a package-version ARN
 */
export function parsePackageVersionArn(arn: string): PackageVersionIdentity | undefined {
  const m = VERSION_ARN.exec(arn);
  return m ? { packageName: m[1], versionName: m[2] } : undefined;
}
