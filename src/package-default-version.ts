import { Resource, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IPackageVersion } from './package-version';
import { customResource } from './private/custom-resource';
import { declaredStatus } from './private/declared-status';
import { packageDependency, recordDesignation } from './private/package-dependency';
import { PackageVersionProvider } from './private/provider';
import {
  ATTR_DEFAULT_PACKAGE_NAME,
  ATTR_DEFAULT_VERSION_ARN,
  ATTR_DEFAULT_VERSION_NAME,
  DEFAULT_VERSION_RESOURCE_TYPE,
  PackageDefaultVersionResourceProperties,
} from './shared/default-version-contract';
import { validatePackageVersion } from './shared/validation';
import { ISoftwarePackage } from './software-package';

/**
 * Properties of a `PackageDefaultVersion`.
 */
export interface PackageDefaultVersionProps {
  /**
   * The package whose default version to set.
   */
  readonly package: ISoftwarePackage;

  /**
   * The version to make the package's default: a version of `package`,
   * in the PUBLISHED or DEPRECATED state (IoT refuses a DRAFT default).
   *
   * A `PackageVersion` of this app must be declared with
   * `status: PackageVersionStatus.PUBLISHED` (or `DEPRECATED`); for an
   * imported version, the state is checked when the designation is deployed.
   */
  readonly version: IPackageVersion;
}

/** States a default version may be in. */
const DEFAULT_STATES = ['PUBLISHED', 'DEPRECATED'];

/**
 * The default version of an AWS IoT software package: the version IoT Jobs
 * deploy when they target `package/NAME/version/$default`.
 *
 * It is a resource of its own, rather than a prop of the package, because
 * the version depends on the package: a package prop naming the version
 * would be a dependency cycle. This resource depends on both, so
 * CloudFormation sets the default after the version exists (and is
 * published), and removes the designation before it deletes the version or
 * the package.
 *
 * - Changing `version` (or `package`) replaces the designation: the new
 *   default is set, and the old designation's removal, in CloudFormation's
 *   clean-up phase, leaves it in place.
 * - Removing the designation from the stack unsets the package's default,
 *   if it is still the version this resource set; a default set since by
 *   someone else is left alone.
 * - A stack can hold one designation per package.
 * - It does not remember a default the package had before: that is
 *   replaced, and not restored when the designation is removed.
 * - The handler tags the package with `cdk-iot-package-catalog:default-version`,
 *   naming the designation that set the default last, so that moving this
 *   construct within its stack (a new logical id) keeps the default.
 *
 * @example
 * import { ISoftwarePackage, PackageDefaultVersion, PackageVersionStatus } from 'cdk-iot-package-catalog';
 * declare const stack: Stack;
 * declare const pkg: ISoftwarePackage;
 *
 * const version = new PackageVersion(stack, 'Firmware140', {
 *   packageName: pkg.packageName,
 *   versionName: '1.4.0',
 *   status: PackageVersionStatus.PUBLISHED,
 * });
 * new PackageDefaultVersion(stack, 'FirmwareDefault', { package: pkg, version });
 */
export class PackageDefaultVersion extends Resource {
  /**
   * The designation's id, `<packageArn>/default/<versionName>`, e.g.
   * `arn:aws:iot:eu-west-1:123456789012:package/firmware/default/1.4.0`.
   * Also what `Ref` returns. It is not an ARN of any IoT resource.
   *
   * @attribute
   */
  public readonly packageDefaultVersionId: string;

  /**
   * The name of the package.
   *
   * @attribute
   */
  public readonly packageName: string;

  /**
   * The name of the package's default version, as set by this resource.
   *
   * Referencing it (rather than `version.versionName`) makes a resource
   * depend on the default being set, e.g. an IoT job that targets
   * `$default`.
   *
   * @attribute
   */
  public readonly defaultVersionName: string;

  /**
   * The ARN of the package's default version, as set by this resource.
   *
   * @attribute
   */
  public readonly defaultVersionArn: string;

  constructor(scope: Construct, id: string, props: PackageDefaultVersionProps) {
    super(scope, id);

    // Validate before creating anything, so a bad prop leaves no half-built tree.
    const issues = validateProps(props);
    if (issues.length > 0) {
      const lines = issues.map((i) => `  - ${i}`).join('\n');
      throw new Error(`PackageDefaultVersion '${this.node.path}' has ${issues.length === 1 ? 'an invalid prop' : `${issues.length} invalid props`}:\n${lines}`);
    }

    const packageName = props.package.packageName;
    checkOnePerPackage(this, packageName);
    const versionPackageName = props.version.packageName;
    const provider = PackageVersionProvider.getOrCreate(this);
    // On the versions: read the designated version's status only. On the
    // package: set or unset the default, read it, and keep the designation's
    // marker in a tag.
    const policy = provider.policyForPackage(packageName, {
      versions: false,
      versionActions: ['iot:GetPackageVersion'],
      packageActions: ['iot:UpdatePackage', 'iot:GetPackage', 'iot:TagResource', 'iot:UntagResource'],
    });

    const properties: PackageDefaultVersionResourceProperties = {
      PackageName: packageName,
      VersionName: props.version.versionName,
      // Only when the names are different tokens: the handler checks them once resolved.
      VersionPackageName: versionPackageName === packageName ? undefined : versionPackageName,
    };
    const resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: DEFAULT_VERSION_RESOURCE_TYPE,
      properties,
      // The handler's timeout plus 2 minutes, as for PackageVersion.
      serviceTimeout: provider.serviceTimeout,
    });
    // Set after the package and the version exist, removed before they are
    // deleted (in the clean-up phase too), with the handler's permissions in
    // place all along.
    resource.node.addDependency(policy, props.version);
    const pkg = packageDependency(props.package);
    if (pkg) {
      resource.node.addDependency(pkg);
    }

    this.packageDefaultVersionId = resource.ref;
    this.packageName = Token.asString(resource.getAtt(ATTR_DEFAULT_PACKAGE_NAME));
    this.defaultVersionName = Token.asString(resource.getAtt(ATTR_DEFAULT_VERSION_NAME));
    this.defaultVersionArn = Token.asString(resource.getAtt(ATTR_DEFAULT_VERSION_ARN));
    // A deployment of the package's $default follows this designation.
    recordDesignation(props.package, this, this.defaultVersionName);
  }
}

/** What is wrong with the props, one line each (prop, value, what to do). */
function validateProps(props: PackageDefaultVersionProps): string[] {
  const issues: string[] = [];
  // Plain JavaScript can leave them out.
  if (props?.package === undefined || props.package === null) {
    issues.push('package: is missing; package is required');
  }
  if (props?.version === undefined || props.version === null) {
    issues.push('version: is missing; version is required');
  }
  if (issues.length > 0) {
    return issues;
  }
  const packageName = props.package.packageName;
  const version = props.version;
  for (const issue of validatePackageVersion({ packageName, versionName: version.versionName }, Token.isUnresolved)) {
    issues.push(`${issue.field === 'packageName' ? 'package' : 'version'}: its ${issue.field} ${issue.message}`);
  }
  const versionPackageName = version.packageName;
  if (!Token.isUnresolved(packageName) && !Token.isUnresolved(versionPackageName) && versionPackageName !== packageName) {
    issues.push(`version: '${version.node.path}' (${versionPackageName}/${version.versionName}) is a version of package ` +
      `'${versionPackageName}', not of '${packageName}'; a package's default version must be one of its own versions`);
  }
  const status = declaredStatus(version);
  if (status !== undefined && !Token.isUnresolved(status) && !DEFAULT_STATES.includes(status)) {
    issues.push(`version: '${version.node.path}' is declared with status ${status}${status === 'DRAFT' ? ' (which is also what no status means)' : ''}, ` +
      'but only a PUBLISHED or DEPRECATED version can be its package\'s default; declare it with status: PackageVersionStatus.PUBLISHED');
  }
  return issues;
}

/** The designations of each stack, by package name (a literal, or a token's string). */
const designations = new WeakMap<Stack, Map<string, string>>();

/**
 * A package has one default version: two designations of one package in a
 * stack would set it in turn at every deployment. Names that are the same
 * literal or the same token count as one package.
 */
function checkOnePerPackage(designation: Construct, packageName: string): void {
  const stack = Stack.of(designation);
  const known = designations.get(stack) ?? new Map<string, string>();
  designations.set(stack, known);
  const other = known.get(packageName);
  if (other !== undefined) {
    const shown = Token.isUnresolved(packageName) ? 'this package' : `package '${packageName}'`;
    throw new Error(`PackageDefaultVersion '${designation.node.path}' has an invalid prop:\n  - package: ${shown} already has a default ` +
      `version in this stack, set by '${other}'; a package has one default version: change the version of '${other}' instead`);
  }
  known.set(packageName, designation.node.path);
}
