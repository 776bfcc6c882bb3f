import {
  Arn,
  ArnFormat,
  CfnResource,
  Fn,
  IResource,
  ITaggableV2,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PackageDefaultVersion } from './package-default-version';
import { IPackageVersion, PackageVersion } from './package-version';
import { PackageVersionOptions } from './package-version-props';
import { customResource } from './private/custom-resource';
import { dependOnFleetIndexing, markImported } from './private/package-dependency';
import { PackageVersionProvider } from './private/provider';
import { TagEntry } from './shared/contract';
import { PACKAGE_RESOURCE_TYPE, SoftwarePackageResourceProperties } from './shared/package-contract';
import { formatIssues, validatePackageVersion, ValidationIssue } from './shared/validation';

/**
 * An AWS IoT software package: the container of package versions.
 */
export interface ISoftwarePackage extends IResource {
  /**
   * The name of the package.
   *
   * @attribute
   */
  readonly packageName: string;

  /**
   * The ARN of the package, e.g.
   * `arn:aws:iot:eu-west-1:123456789012:package/firmware`.
   *
   * @attribute
   */
  readonly packageArn: string;

  /**
   * Grants the given IAM actions on this package (its ARN only) to a
   * principal.
   *
   * Actions that IAM authorizes on no `package` resource type (such as
   * `iot:ListPackageVersions` or `iot:ListTagsForResource`) are checked
   * against `*` and need a grant on `*` instead; actions on versions need
   * the version ARNs too (see `PackageVersion.grant()`).
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `iot:GetPackage`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants a principal permission to read this package and list its versions.
   *
   * `iot:GetPackage` is granted on the package. `iot:ListPackageVersions` is
   * granted on `*`: IAM authorizes it on no resource type, so no narrower
   * grant works. The principal can then list the versions of every package
   * of the account.
   *
   * @param grantee the principal
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants a principal what it needs, on this package, to create IoT jobs
   * that deploy this package's versions: `iot:CreateJob` on the package and
   * on all its version ARNs (`package/NAME/version/*`, which includes the
   * special `$default` and `$null` versions jobs can target).
   *
   * IAM authorizes `iot:CreateJob` on the job, on every target thing and
   * thing group (all required), and on the job template, package and package
   * versions it names (optional). This grant covers only the package and its
   * versions: also grant `iot:CreateJob` on the job ARN (e.g.
   * `arn:aws:iot:REGION:ACCOUNT:job/*`) and on the targets
   * (`thing/NAME`, `thinggroup/NAME`), and `iam:PassRole` for a role the job
   * names (e.g. `presignedUrlConfig.roleArn`, needed for the artifact URL
   * placeholder).
   *
   * @param grantee the principal
   */
  grantCreateJob(grantee: iam.IGrantable): iam.Grant;

  /**
   * Makes a version the package's default: the version IoT Jobs deploy when
   * they target `package/NAME/version/$default`.
   *
   * Creates a `PackageDefaultVersion` (id `DefaultVersion`, below this
   * package), which depends on both the package and the version. The
   * version must be PUBLISHED or DEPRECATED. To move the default to another
   * version, change the version passed here: the designation is updated,
   * and the old version can leave the stack in the same deployment. A
   * package has one default version, so this can be called once.
   *
   * @param version a version of this package
   */
  addDefaultVersion(version: IPackageVersion): PackageDefaultVersion;
}

/**
 * Properties of a `SoftwarePackage`.
 */
export interface SoftwarePackageProps {
  /**
   * The name of the package.
   *
   * 1-128 characters of a-z, A-Z, 0-9, '-', '_' and '.'. Changing it
   * replaces the package: the new one is created, then CloudFormation
   * deletes the old one (which is kept while it has versions; see
   * `removalPolicy`).
   */
  readonly packageName: string;

  /**
   * A description of the package.
   *
   * 1-1024 characters with no control characters. IoT treats it as
   * sensitive; this library never logs it. IoT cannot clear a description:
   * removing the prop later keeps the description the package already has.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Tags for the package.
   *
   * Tags added with `Tags.of(scope)` (including the stack's tags) are added to
   * these. At most 49 tags: IoT allows 50 and this library uses one
   * (`cdk-iot-package-catalog:creation-request`). Keys starting with `aws:`
   * are reserved.
   *
   * @default - no tags beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };

  /**
   * Take over a package of this name that already exists, and that this
   * resource did not create.
   *
   * For packages made with the console or CI, and for migrating from
   * `CfnSoftwarePackage` (give it `RemovalPolicy.RETAIN`, deploy, remove it
   * from its stack, then declare it here with `adoptExisting`). From then on
   * this resource owns the package: its description and tags follow the
   * props (tags set outside the stack are kept), and its `removalPolicy`
   * applies. If the deployment that creates this resource rolls back, the
   * package is handed back to its previous owner, not deleted.
   *
   * Without it, a package this resource did not create is never modified or
   * deleted, and creating over it fails with a message naming this option.
   *
   * @default false
   */
  readonly adoptExisting?: boolean;

  /**
   * What happens to the package in IoT when it is removed from the stack,
   * replaced, or its stack is deleted.
   *
   * `RemovalPolicy.DESTROY` deletes it, but only when it has no versions
   * left: versions are never deleted with their package (unlike
   * `CfnSoftwarePackage`, whose delete removes every version of the
   * package, other stacks' included). A package that still has versions is
   * kept, and the delete succeeds. `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`
   * (or `RETAIN`) always leaves it in IoT.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What the handler may do on the package itself (on its ARN). IAM
 * authorizes all of them on the `package` resource type. CreatePackage's
 * documented dependency, iot:GetIndexingConfiguration, and
 * iot:ListPackageVersions have no resource type and are on the handler
 * role's "*" statement.
 */
const PACKAGE_LEVEL_ACTIONS = [
  'iot:CreatePackage',
  'iot:UpdatePackage',
  'iot:DeletePackage',
  'iot:GetPackage',
  'iot:TagResource',
  'iot:UntagResource',
];

/** The construct id of the designation `addDefaultVersion` creates. */
const DEFAULT_VERSION_ID = 'DefaultVersion';

abstract class SoftwarePackageBase extends Resource implements ISoftwarePackage {
  public abstract readonly packageName: string;
  public abstract readonly packageArn: string;

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.grantArn()] });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'iot:GetPackage').combine(iam.Grant.addToPrincipal({
      grantee,
      // No resource type at all: IAM checks it against '*'.
      actions: ['iot:ListPackageVersions'],
      resourceArns: ['*'],
    }));
  }

  public addDefaultVersion(version: IPackageVersion): PackageDefaultVersion {
    const earlier = this.node.tryFindChild(DEFAULT_VERSION_ID);
    if (earlier) {
      throw new Error(`SoftwarePackage '${this.node.path}': addDefaultVersion was already called ('${earlier.node.path}'); ` +
        'a package has one default version: call it once, with the version you want');
    }
    return new PackageDefaultVersion(this, DEFAULT_VERSION_ID, { package: this, version });
  }

  public grantCreateJob(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['iot:CreateJob'],
      resourceArns: [this.grantArn(), `${this.grantArn()}/version/*`],
    });
  }

  /**
   * The package's ARN built from its name, in the package's own account and
   * region (which for an import may not be the stack's): known before the
   * package is deployed, so a grant does not wait for it.
   */
  private grantArn(): string {
    return Stack.of(this).formatArn({
      service: 'iot',
      resource: 'package',
      resourceName: this.packageName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      account: this.env.account,
      region: this.env.region,
    });
  }
}

/** CloudFormation has no snapshots of custom resources. */
function checkRemovalPolicy(scope: Construct, policy: RemovalPolicy | undefined): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`SoftwarePackage '${scope.node.path}': removalPolicy SNAPSHOT is not supported; use DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE`);
  }
}

/** What only the construct checks: what plain JavaScript can leave out, and keys CDK cannot render. */
function constructIssues(props: SoftwarePackageProps): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (props.packageName === undefined) {
    issues.push({ field: 'packageName', message: 'is missing; packageName is required' });
  }
  const tags: unknown = props.tags;
  if (typeof tags === 'object' && tags !== null && Object.prototype.hasOwnProperty.call(tags, '__proto__')) {
    issues.push({ field: 'tags', message: 'has a key "__proto__", which CDK leaves out of the template; rename the key' });
  }
  return issues;
}

/**
 * The SoftwarePackages of each stack, by literal package name. Two of one
 * name in one stack would be two resources of one stack claiming the same
 * package, which the handler takes for a construct that moved within its
 * stack (the later one would take the package over): refused at synth.
 */
const declaredPackages = new WeakMap<Stack, Map<string, string>>();

function checkDuplicate(pkg: Construct, packageName: string): void {
  if (Token.isUnresolved(packageName)) {
    return;
  }
  const stack = Stack.of(pkg);
  let names = declaredPackages.get(stack);
  if (!names) {
    names = new Map();
    declaredPackages.set(stack, names);
  }
  const earlier = names.get(packageName);
  if (earlier !== undefined) {
    throw new Error(`SoftwarePackage '${pkg.node.path}' declares package '${packageName}', which SoftwarePackage '${earlier}' of the ` +
      'same stack already declares. Declare each package once, and add its versions to that one (addVersion, or the package prop).');
  }
  names.set(packageName, pkg.node.path);
}

/**
 * An AWS IoT software package, managed by CloudFormation through a custom
 * resource.
 *
 * Unlike `CfnSoftwarePackage`, its delete never deletes versions: a package
 * that still has versions (of this stack or any other) is kept. It
 * validates its props at synth time, creates idempotently, refuses to take
 * over packages it did not create (unless `adoptExisting`), and returns the
 * package ARN from `Ref`.
 *
 * @example
 * import { PackageVersionStatus, SoftwarePackage } from 'cdk-iot-package-catalog';
 * declare const stack: Stack;
 *
 * const pkg = new SoftwarePackage(stack, 'Firmware', {
 *   packageName: 'firmware',
 *   description: 'Gateway firmware',
 * });
 * const version = pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
 * new CfnOutput(stack, 'VersionArn', { value: version.packageVersionArn });
 */
export class SoftwarePackage extends SoftwarePackageBase implements ITaggableV2 {
  /**
   * Imports an existing package by its name, in the stack's account and region.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param packageName e.g. `firmware`
   */
  public static fromPackageName(scope: Construct, id: string, packageName: string): ISoftwarePackage {
    const issues = validatePackageVersion({ packageName }, Token.isUnresolved);
    if (issues.length > 0) {
      throw new Error(formatIssues(`Imported package '${id}'`, issues));
    }
    class Import extends SoftwarePackageBase {
      public readonly packageName = packageName;
      public readonly packageArn = Stack.of(scope).formatArn({
        service: 'iot',
        resource: 'package',
        resourceName: packageName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    }
    const imported = new Import(scope, id);
    markImported(imported);
    return imported;
  }

  /**
   * Imports an existing package by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param packageArn e.g. `arn:aws:iot:eu-west-1:123456789012:package/firmware`
   */
  public static fromPackageArn(scope: Construct, id: string, packageArn: string): ISoftwarePackage {
    let packageName: string;
    if (Token.isUnresolved(packageArn)) {
      // arn:PARTITION:iot:REGION:ACCOUNT:package/PACKAGE
      packageName = Fn.select(1, Fn.split('/', packageArn));
    } else {
      const arn = Arn.split(packageArn, ArnFormat.SLASH_RESOURCE_NAME);
      const name = arn.service === 'iot' && arn.resource === 'package' ? arn.resourceName ?? '' : '';
      if (!/^[a-zA-Z0-9\-_.]{1,128}$/.test(name)) {
        throw new Error(`No package found in ARN '${packageArn}': expected arn:PARTITION:iot:REGION:ACCOUNT:package/PACKAGE`);
      }
      packageName = name;
    }
    class Import extends SoftwarePackageBase {
      public readonly packageName = packageName;
      public readonly packageArn = packageArn;
    }
    const imported = new Import(scope, id, { environmentFromArn: packageArn });
    markImported(imported);
    return imported;
  }

  /**
   * The name of the package.
   *
   * @attribute
   */
  public readonly packageName: string;

  /**
   * The ARN of the package. Also what `Ref` returns (the native
   * `AWS::IoT::SoftwarePackage` returns the name from `Ref`).
   *
   * @attribute
   */
  public readonly packageArn: string;

  /**
   * Tags of the package, which `Tags.of(scope)` adds to.
   */
  public readonly cdkTagManager: TagManager;

  private readonly resource: CfnResource;

  constructor(scope: Construct, id: string, props: SoftwarePackageProps) {
    super(scope, id);

    const subject = `SoftwarePackage '${this.node.path}'`;
    const issues = [...validatePackageVersion({
      packageName: props.packageName,
      description: props.description,
      tags: props.tags,
    }, Token.isUnresolved), ...constructIssues(props)];
    if (issues.length > 0) {
      throw new Error(formatIssues(subject, issues));
    }
    checkRemovalPolicy(this, props.removalPolicy);
    checkDuplicate(this, props.packageName);

    this.cdkTagManager = new TagManager(TagType.MAP, PACKAGE_RESOURCE_TYPE, props.tags);
    // CloudFormation does not pass a stack's tags on to custom resources:
    // add them below every other tag, as PackageVersion does.
    for (const [key, value] of Object.entries(Stack.of(this).tags.tagValues())) {
      this.cdkTagManager.setTag(key, value, 0);
    }
    this.node.addValidation({
      validate: () => validatePackageVersion({ tags: this.cdkTagManager.tagValues() }, Token.isUnresolved)
        .map((issue) => formatIssues(subject, [issue])),
    });

    const provider = PackageVersionProvider.getOrCreate(this);
    const policy = provider.policyForPackage(props.packageName, { packageActions: PACKAGE_LEVEL_ACTIONS, versions: false });

    const properties: SoftwarePackageResourceProperties = {
      PackageName: props.packageName,
      Description: props.description,
      Tags: Lazy.any({ produce: () => this.renderTags() }) as unknown as TagEntry[],
      AdoptExisting: props.adoptExisting ? 'true' : undefined,
    };
    this.resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: PACKAGE_RESOURCE_TYPE,
      properties,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      serviceTimeout: provider.serviceTimeout,
    });
    // The permissions must exist when the package is created and still
    // exist when it is deleted, in CloudFormation's clean-up phase too.
    this.resource.node.addDependency(policy);
    // IoT refuses CreatePackage while fleet indexing is off.
    dependOnFleetIndexing(this.resource);

    // Ref is the physical id, which the handler sets to the package ARN.
    this.packageArn = this.resource.ref;
    // The name as given (not the attribute), so that versions of this
    // package share its IAM policy; addVersion and PackageVersion's
    // `package` prop add the dependency on this resource.
    this.packageName = props.packageName;
  }

  /**
   * Adds a version to this package.
   *
   * The version depends on the package, so CloudFormation creates the
   * package first and deletes it last. The
   * version is a child of the package, so tags applied to the package with
   * `Tags.of()` apply to the version too.
   *
   * @param id the construct id of the version, in this package's scope
   * @param options the version's properties
   */
  public addVersion(id: string, options: PackageVersionOptions): PackageVersion {
    return new PackageVersion(this, id, { ...options, package: this });
  }

  /**
   * Sets what happens to the package in IoT when it leaves the stack.
   *
   * See `SoftwarePackageProps.removalPolicy`.
   *
   * @param policy DESTROY deletes the package if it has no versions; RETAIN_ON_UPDATE_OR_DELETE (or RETAIN) leaves it in IoT
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, policy);
    this.resource.applyRemovalPolicy(policy);
  }

  private renderTags(): TagEntry[] | undefined {
    const tags = Object.entries(this.cdkTagManager.tagValues()).map(([Key, Value]) => ({ Key, Value }));
    return tags.length > 0 ? tags : undefined;
  }
}
