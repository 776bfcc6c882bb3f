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

/** The lifecycle states of a package version, in the order IoT moves through them. */
export const STATUSES = ['DRAFT', 'PUBLISHED', 'DEPRECATED'] as const;

/** A lifecycle state of a package version. */
export type StatusValue = typeof STATUSES[number];

/** The state a version is created in, and the one a template without `Status` asks for. */
export const DEFAULT_STATUS: StatusValue = 'DRAFT';

/**
 * An S3 object, in the same shape as the native resource's `S3Location`.
 * `Version` may be absent: the handler then resolves the object's current
 * version when the version is created, or when Bucket or Key change.
 */
export interface S3LocationProperty {
  readonly Bucket: string;
  readonly Key: string;
  readonly Version?: string;
}

/** The `Artifact` and `Sbom` properties, as on the native resource. */
export interface S3ObjectProperty {
  readonly S3Location: S3LocationProperty;
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
  /** One of STATUSES: the state the version should be in after the deploy. Absent means DEFAULT_STATUS. */
  readonly Status?: string;
  /** The inline job document IoT keeps on the version (sensitive). */
  readonly Recipe?: string;
  /** The file devices download. */
  readonly Artifact?: S3ObjectProperty;
  /** A zip of SPDX or CycloneDX JSON documents, associated after create. */
  readonly Sbom?: S3ObjectProperty;
  /** 'true' to wait, inside the handler, until IoT has validated the SBOM; absent otherwise. */
  readonly WaitForSbomValidation?: string;
}

/** Names of the attributes the handler returns in `Data` (read with `Fn::GetAtt`). */
export const ATTR_PACKAGE_VERSION_ARN = 'PackageVersionArn';
export const ATTR_STATUS = 'Status';
export const ATTR_ERROR_REASON = 'ErrorReason';
export const ATTR_PACKAGE_NAME = 'PackageName';
export const ATTR_VERSION_NAME = 'VersionName';
export const ATTR_SBOM_VALIDATION_STATUS = 'SbomValidationStatus';

/** The handler's `Data`. Every key is always present so `Fn::GetAtt` never fails. */
export interface PackageVersionResponseData {
  readonly [ATTR_PACKAGE_VERSION_ARN]: string;
  readonly [ATTR_STATUS]: string;
  readonly [ATTR_ERROR_REASON]: string;
  readonly [ATTR_PACKAGE_NAME]: string;
  readonly [ATTR_VERSION_NAME]: string;
  /** IN_PROGRESS, FAILED or SUCCEEDED; '' when the version has no SBOM. */
  readonly [ATTR_SBOM_VALIDATION_STATUS]: string;
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
