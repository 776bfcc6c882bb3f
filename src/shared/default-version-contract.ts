/**
 * The wire contract between the `PackageDefaultVersion` construct (src/) and
 * its custom-resource handler (lambda/default-version/). Both sides import
 * this module, so the names are defined exactly once.
 *
 * The resource type, property names and attribute names are part of deployed
 * templates: never rename them.
 *
 * This module must not import aws-cdk-lib: it is bundled into the handler.
 */

/** CloudFormation type of the custom resource. Permanent once released. */
export const DEFAULT_VERSION_RESOURCE_TYPE = 'Custom::IotPackageDefaultVersion';

/**
 * The custom resource's properties, as the handler receives them (strings,
 * as CloudFormation delivers every scalar).
 */
export interface PackageDefaultVersionResourceProperties {
  /** The package whose default version this sets. */
  readonly PackageName: string;
  /** The version to make the default: a version of PackageName. */
  readonly VersionName: string;
  /**
   * The package the version belongs to, only when the construct could not
   * tell at synth time that it is PackageName (the names are different
   * tokens); the handler then checks that both resolved to the same name.
   * Absent otherwise.
   */
  readonly VersionPackageName?: string;
}

/** Names of the attributes the handler returns in `Data` (read with `Fn::GetAtt`). */
export const ATTR_DEFAULT_PACKAGE_NAME = 'PackageName';
export const ATTR_DEFAULT_VERSION_NAME = 'DefaultVersionName';
export const ATTR_DEFAULT_VERSION_ARN = 'DefaultVersionArn';

/** The handler's `Data`. Every key is always present so `Fn::GetAtt` never fails. */
export interface PackageDefaultVersionResponseData {
  readonly [ATTR_DEFAULT_PACKAGE_NAME]: string;
  readonly [ATTR_DEFAULT_VERSION_NAME]: string;
  readonly [ATTR_DEFAULT_VERSION_ARN]: string;
}

/** The package and version a designation's physical id names. */
export interface DefaultVersionIdentity {
  /** e.g. `arn:aws:iot:eu-west-1:123456789012:package/firmware` */
  readonly packageArn: string;
  readonly packageName: string;
  readonly versionName: string;
}

/**
 * The physical id of a designation: `<packageArn>/default/<versionName>`,
 * e.g. `arn:aws:iot:eu-west-1:123456789012:package/firmware/default/1.4.0`.
 *
 * - It names the package and the version, so a Delete knows, from the id
 *   alone, which default this resource set (the Delete's properties may be
 *   those of a later template).
 * - It changes with the version (and the package), so moving the default
 *   is a replacement: CloudFormation deletes the old designation in its
 *   clean-up phase, after the new one is set, and the old designation's
 *   Delete then finds the default moved on and leaves it.
 * - It is not a package-version ARN (no `/version/`), so it cannot be
 *   mistaken for one, e.g. in IoT Jobs' `destinationPackageVersions`, and no
 *   ARN parser of this library accepts it.
 */
export function defaultVersionId(packageArn: string, versionName: string): string {
  return `${packageArn}/default/${versionName}`;
}

const DEFAULT_VERSION_ID = /^(arn:[^:/]+:iot:[^:/]*:[^:/]*:package\/([^/]+))\/default\/([^/]+)$/;

/**
 * Parses a designation's physical id.
 *
 * @returns the package and version, or undefined if `id` is not such an id
 */
export function parseDefaultVersionId(id: string): DefaultVersionIdentity | undefined {
  const m = DEFAULT_VERSION_ID.exec(id);
  return m ? { packageArn: m[1], packageName: m[2], versionName: m[3] } : undefined;
}

/**
 * Tag the handler puts on a package whose default it sets: which
 * designation (CloudFormation resource) set the default last, as
 * `<owner>` or `<owner>/<previousOwner>` (owners as in the version's
 * creation marker: a hash of the stack name and logical id), followed by
 * `=<previousDefault>` when this designation changed the default: the
 * version that was the default before (empty: there was none).
 *
 * It lets a Delete tell "the default is the version I set" from "another
 * designation set the same version since": when a construct moves within
 * its stack (a new logical id), the new designation sets the same default
 * under the same physical id, and the old one's Delete, in the clean-up
 * phase, must then leave it. The previous owner lets a rollback of such a
 * move hand the default back instead of unsetting it. The previous default
 * lets a rollback that deletes the designation it made (rather than
 * updating it back, which CloudFormation may do instead) put the earlier
 * default back instead of leaving the package without one.
 */
export const DEFAULT_VERSION_MARKER_TAG = 'cdk-iot-package-catalog:default-version';
