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
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { PackageVersionProps } from './package-version-props';
import { customResource } from './private/custom-resource';
import { declareVersion } from './private/declared-status';
import { registerForDuplicateCheck } from './private/duplicate-versions';
import { dependOnFleetIndexing, packageDependency } from './private/package-dependency';
import { PackageVersionProvider } from './private/provider';
import { validateObject } from './private/s3-objects';
import { PackageVersionS3ObjectConfig } from './s3-object';
import {
  ATTR_ERROR_REASON,
  ATTR_SBOM_VALIDATION_STATUS,
  ATTR_STATUS,
  DEFAULT_STATUS,
  PackageVersionResourceProperties,
  RESOURCE_TYPE,
  S3ObjectProperty,
  TagEntry,
} from './shared/contract';
import { formatIssues, validatePackageVersion, ValidationIssue } from './shared/validation';

/**
 * A version of an AWS IoT software package.
 */
export interface IPackageVersion extends IResource {
  /**
   * The ARN of the package version, e.g.
   * `arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.4.0`.
   *
   * This is the form IoT Jobs take in `destinationPackageVersions`.
   *
   * @attribute
   */
  readonly packageVersionArn: string;

  /**
   * The name of the package the version belongs to.
   *
   * @attribute
   */
  readonly packageName: string;

  /**
   * The name of the version.
   *
   * @attribute
   */
  readonly versionName: string;

  /**
   * Grants the given IAM actions on this package version to a principal.
   *
   * IoT authorizes package-version actions against both the package and the
   * version, so both ARNs are granted. Actions that IAM does not authorize
   * on packages or package versions (such as `iot:ListTagsForResource`) are
   * checked against `*` and need a grant on `*` instead.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `iot:GetPackageVersion`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants a principal permission to read this package version and its tags.
   *
   * `iot:GetPackageVersion` is granted on the package and the version.
   * `iot:ListTagsForResource` is granted on `*`: IAM authorizes it on no
   * package or package-version resource type, so no narrower grant works.
   * The principal can then list the tags of any IoT resource of the account.
   *
   * @param grantee the principal
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Attributes of an existing package version, for importing it.
 */
export interface PackageVersionAttributes {
  /**
   * The name of the package.
   */
  readonly packageName: string;

  /**
   * The name of the version.
   */
  readonly versionName: string;

  /**
   * The ARN of the package version.
   *
   * @default - built from the package and version names, in the account and
   * region of the stack that imports it
   */
  readonly packageVersionArn?: string;
}

abstract class PackageVersionBase extends Resource implements IPackageVersion {
  public abstract readonly packageVersionArn: string;
  public abstract readonly packageName: string;
  public abstract readonly versionName: string;

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.packageArn(), this.packageVersionArn],
    });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'iot:GetPackageVersion').combine(iam.Grant.addToPrincipal({
      grantee,
      // No package or package-version resource type: IAM checks it against '*'.
      actions: ['iot:ListTagsForResource'],
      resourceArns: ['*'],
    }));
  }

  /** The package's ARN, in the version's own account and region (which for an import may not be the stack's). */
  private packageArn(): string {
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

/** The custom resource's `Artifact` or `Sbom` property. */
function renderObject(config: PackageVersionS3ObjectConfig | undefined): S3ObjectProperty | undefined {
  return config && {
    S3Location: { Bucket: config.bucketName, Key: config.objectKey, Version: config.objectVersion },
  };
}

/** IoT needs the artifact and SBOM in the version's region; fail early when both regions are known and differ. */
function checkBucketRegion(scope: Construct, subject: string, field: 'artifact' | 'sbom', config: PackageVersionS3ObjectConfig): void {
  const bucketRegion = config.bucket?.env.region;
  const region = Stack.of(scope).region;
  if (bucketRegion && !Token.isUnresolved(bucketRegion) && !Token.isUnresolved(region) && bucketRegion !== region) {
    throw new Error(formatIssues(subject, [{
      field,
      message: `bucket '${config.bucket!.node.path}' is in ${bucketRegion}, but IoT needs it in the version's region, ${region}`,
    }]));
  }
}

/**
 * What only the construct checks: props that plain JavaScript (which has no
 * type checks) can leave out or give the wrong shape, and map keys that CDK
 * cannot render. A '__proto__' key (an own key, e.g. from JSON.parse) is
 * valid for IoT and the handler keeps it, but CDK's token resolver and
 * TagManager build plain objects and leave it out of the template: refuse
 * it instead of deploying the version without it.
 */
function constructIssues(props: PackageVersionProps): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (props.package !== undefined && props.packageName !== undefined) {
    issues.push({
      field: 'packageName',
      message: `is ${JSON.stringify(props.packageName)}, and package is set too; give exactly one of package and packageName`,
    });
  } else if (props.package === undefined && props.packageName === undefined) {
    issues.push({ field: 'packageName', message: 'is missing; give exactly one of package (an ISoftwarePackage) and packageName' });
  } else if (props.package !== undefined && typeof (props.package as { packageName?: unknown } | null)?.packageName !== 'string') {
    issues.push({ field: 'packageName', message: 'cannot be read from package: package must be an ISoftwarePackage, e.g. a SoftwarePackage' });
  }
  if (props.versionName === undefined) {
    issues.push({ field: 'versionName', message: 'is missing; versionName is required' });
  }
  const status: unknown = props.status;
  if (status !== undefined && typeof (status as { value?: unknown } | null)?.value !== 'string') {
    issues.push({ field: 'status', message: 'must be a PackageVersionStatus, e.g. PackageVersionStatus.PUBLISHED or PackageVersionStatus.of(name)' });
  }
  for (const field of ['attributes', 'tags'] as const) {
    const map: unknown = props[field];
    if (typeof map === 'object' && map !== null && Object.prototype.hasOwnProperty.call(map, '__proto__')) {
      issues.push({ field, message: 'has a key "__proto__", which CDK leaves out of the template; rename the key' });
    }
  }
  return issues;
}

/** CloudFormation has no snapshots of custom resources. */
function checkRemovalPolicy(scope: Construct, policy: RemovalPolicy | undefined): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`PackageVersion '${scope.node.path}': removalPolicy SNAPSHOT is not supported; use DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE`);
  }
}

/**
 * A version of an AWS IoT software package, managed by CloudFormation
 * through a custom resource.
 *
 * Unlike `CfnSoftwarePackageVersion`, it validates its props at synth time,
 * reports IoT's own errors to CloudFormation, creates idempotently, refuses to
 * take over versions it did not create, and returns the version ARN from
 * `Ref`, ready for IoT Jobs.
 *
 * All PackageVersions of a stack share one provider (one handler function).
 * Its role gets one IAM policy per package, scoped to that package's versions.
 *
 * @example
 * declare const stack: Stack;
 *
 * const pkg = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
 * const version = new PackageVersion(stack, 'Firmware140', {
 *   packageName: pkg.ref,
 *   versionName: '1.4.0',
 *   description: 'Bootloader fix',
 *   attributes: { channel: 'stable' },
 * });
 * new CfnOutput(stack, 'VersionArn', { value: version.packageVersionArn });
 */
export class PackageVersion extends PackageVersionBase implements ITaggableV2 {
  /**
   * Imports an existing package version by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param packageVersionArn e.g. `arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.4.0`
   */
  public static fromPackageVersionArn(scope: Construct, id: string, packageVersionArn: string): IPackageVersion {
    if (Token.isUnresolved(packageVersionArn)) {
      // arn:PARTITION:iot:REGION:ACCOUNT:package/PACKAGE/version/VERSION
      const parts = Fn.split('/', packageVersionArn);
      return PackageVersion.fromPackageVersionAttributes(scope, id, {
        packageVersionArn,
        packageName: Fn.select(1, parts),
        versionName: Fn.select(3, parts),
      });
    }
    const arn = Arn.split(packageVersionArn, ArnFormat.SLASH_RESOURCE_NAME);
    const match = arn.service === 'iot' && arn.resource === 'package'
      ? /^([a-zA-Z0-9\-_.]+)\/version\/([a-zA-Z0-9\-_.]+)$/.exec(arn.resourceName ?? '')
      : null;
    if (!match) {
      throw new Error(`No package version found in ARN '${packageVersionArn}': expected arn:PARTITION:iot:REGION:ACCOUNT:package/PACKAGE/version/VERSION`);
    }
    return PackageVersion.fromPackageVersionAttributes(scope, id, {
      packageVersionArn,
      packageName: match[1],
      versionName: match[2],
    });
  }

  /**
   * Imports an existing package version by its names (and, optionally, ARN).
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the package version's attributes
   */
  public static fromPackageVersionAttributes(scope: Construct, id: string, attrs: PackageVersionAttributes): IPackageVersion {
    const issues = validatePackageVersion({ packageName: attrs.packageName, versionName: attrs.versionName }, Token.isUnresolved);
    if (issues.length > 0) {
      throw new Error(formatIssues(`Imported package version '${id}'`, issues));
    }
    class Import extends PackageVersionBase {
      public readonly packageName = attrs.packageName;
      public readonly versionName = attrs.versionName;
      public readonly packageVersionArn = attrs.packageVersionArn ?? Stack.of(scope).formatArn({
        service: 'iot',
        resource: 'package',
        resourceName: `${attrs.packageName}/version/${attrs.versionName}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    }
    return new Import(scope, id, attrs.packageVersionArn ? { environmentFromArn: attrs.packageVersionArn } : {});
  }

  /**
   * The ARN of the package version. Also what `Ref` returns.
   *
   * @attribute
   */
  public readonly packageVersionArn: string;

  /**
   * The name of the package.
   *
   * @attribute
   */
  public readonly packageName: string;

  /**
   * The name of the version.
   *
   * @attribute
   */
  public readonly versionName: string;

  /**
   * The lifecycle status of the version after CloudFormation last created or
   * updated it: `DRAFT`, `PUBLISHED` or `DEPRECATED`, normally the `status`
   * prop's value.
   *
   * It is read when the handler runs and is not refreshed between
   * deployments: a change made outside CloudFormation (in the console, say)
   * shows only after the next update of this resource.
   *
   * @attribute
   */
  public readonly packageVersionStatus: string;

  /**
   * IoT's reason for a failure of the version during creation or update,
   * or an empty string.
   *
   * @attribute
   */
  public readonly packageVersionErrorReason: string;

  /**
   * The state of IoT's validation of the SBOM when CloudFormation last
   * created or updated the version: `IN_PROGRESS`, `FAILED` or `SUCCEEDED`,
   * or an empty string when the version has no SBOM.
   *
   * With `waitForSbomValidation`, it is `SUCCEEDED` (a failed validation
   * fails the deployment). It is not refreshed between deployments.
   *
   * @attribute
   */
  public readonly sbomValidationStatus: string;

  /**
   * Tags of the package version, which `Tags.of(scope)` adds to.
   */
  public readonly cdkTagManager: TagManager;

  private readonly resource: CfnResource;

  constructor(scope: Construct, id: string, props: PackageVersionProps) {
    super(scope, id);

    // Validate before creating anything, so a bad prop leaves no half-built tree.
    const subject = `PackageVersion '${this.node.path}'`;
    // Exactly one of package and packageName (checked by constructIssues).
    const packageName = (props.packageName ?? props.package?.packageName)!;
    const issues = [...validatePackageVersion({
      packageName,
      versionName: props.versionName,
      description: props.description,
      attributes: props.attributes,
      tags: props.tags,
      // Not a PackageVersionStatus: reported by constructIssues.
      status: typeof props.status?.value === 'string' ? props.status.value : undefined,
      recipe: props.recipe,
    }, Token.isUnresolved), ...constructIssues(props)];
    if (issues.length > 0) {
      throw new Error(formatIssues(subject, issues));
    }
    if (props.waitForSbomValidation && !props.sbom) {
      throw new Error(`${subject} has an invalid prop:\n  - waitForSbomValidation: is true, but there is no sbom to wait for; set sbom, or omit waitForSbomValidation`);
    }
    checkRemovalPolicy(this, props.removalPolicy);
    // The same version declared twice in one account and region fails at synth.
    registerForDuplicateCheck(this, packageName, props.versionName);

    this.cdkTagManager = new TagManager(TagType.MAP, RESOURCE_TYPE, props.tags);
    // CloudFormation does not pass a stack's tags on to custom resources, so
    // add them here, below every other tag: props tags, Tags.of() and
    // Tags.of().remove() all take precedence, as for AWS resources.
    for (const [key, value] of Object.entries(Stack.of(this).tags.tagValues())) {
      this.cdkTagManager.setTag(key, value, 0);
    }
    // Tags arriving later through Tags.of() are checked when the app synthesizes.
    this.node.addValidation({
      validate: () => validatePackageVersion({ tags: this.renderTagMap() }, Token.isUnresolved)
        .map((issue) => formatIssues(`PackageVersion '${this.node.path}'`, [issue])),
    });

    // Assets are added below the version; custom sources are validated too.
    const artifact = props.artifact?.bind(this);
    const sbom = props.sbom?.bind(this);
    if (artifact) {
      validateObject(subject, 'artifact', artifact);
      checkBucketRegion(this, subject, 'artifact', artifact);
    }
    if (sbom) {
      validateObject(subject, 'sbom', sbom);
      checkBucketRegion(this, subject, 'sbom', sbom);
    }

    const provider = PackageVersionProvider.getOrCreate(this);
    const policies: IDependable[] = [provider.policyForPackage(packageName)];
    for (const object of [artifact, sbom]) {
      if (object) {
        policies.push(provider.policyForBucket(object.bucketName, object.encryptionKey ?? object.bucket?.encryptionKey));
      }
    }

    const properties: PackageVersionResourceProperties = {
      PackageName: packageName,
      VersionName: props.versionName,
      Description: props.description,
      Attributes: props.attributes,
      Tags: Lazy.any({ produce: () => this.renderTags() }) as unknown as TagEntry[],
      // Only when set, so that templates without them stay exactly as they were.
      AdoptExisting: props.adoptExisting ? 'true' : undefined,
      Status: props.status?.value,
      Recipe: props.recipe,
      Artifact: renderObject(artifact),
      Sbom: renderObject(sbom),
      WaitForSbomValidation: props.waitForSbomValidation ? 'true' : undefined,
    };
    this.resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties,
      // The handler's timeout plus 2 minutes: should a response ever be
      // lost, CloudFormation stops waiting then, not after its default hour.
      serviceTimeout: provider.serviceTimeout,
    });
    this.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
    // The handler's permissions (on the package, and on the buckets of the
    // artifact and SBOM) must exist when this version is created and still
    // exist when it is deleted, even in CloudFormation's clean-up phase.
    this.resource.node.addDependency(...policies);
    // The package must exist before its versions, and outlive them.
    const pkg = props.package && packageDependency(props.package);
    if (pkg) {
      this.resource.node.addDependency(pkg);
    } else {
      // Else the package waits for fleet indexing, and the version for the package.
      dependOnFleetIndexing(this.resource);
    }
    if (sbom?.bucket) {
      this.allowIotToReadSbom(sbom.bucket, sbom.objectKey);
    }

    // Ref is the physical id, which the handler sets to the version ARN.
    this.packageVersionArn = this.resource.ref;
    this.packageName = packageName;
    this.versionName = props.versionName;
    this.packageVersionStatus = Token.asString(this.resource.getAtt(ATTR_STATUS));
    this.packageVersionErrorReason = Token.asString(this.resource.getAtt(ATTR_ERROR_REASON));
    this.sbomValidationStatus = Token.asString(this.resource.getAtt(ATTR_SBOM_VALIDATION_STATUS));
    declareVersion(this, { status: props.status?.value ?? DEFAULT_STATUS, artifact });
  }

  /**
   * Sets what happens to the version in IoT when it leaves the stack.
   *
   * See `PackageVersionProps.removalPolicy`.
   *
   * @param policy DESTROY deletes the version; RETAIN_ON_UPDATE_OR_DELETE (or RETAIN) leaves it in IoT
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, policy);
    const cfn = this.resource;
    cfn.applyRemovalPolicy(policy);
    if (policy === RemovalPolicy.DESTROY) {
      // CloudFormation deletes a custom resource unless told otherwise: the
      // policies it would write, Delete and Delete, are its defaults, and
      // would take 50 bytes of every version in the template.
      cfn.cfnOptions.deletionPolicy = undefined;
      cfn.cfnOptions.updateReplacePolicy = undefined;
    }
  }

  /**
   * IoT reads the SBOM as the service principal iot.amazonaws.com. For a
   * bucket of this stack, allow it to read exactly this object, and create
   * the version only once the bucket policy says so. A bucket of another
   * stack or an imported one is left alone (addToResourcePolicy adds
   * nothing to an imported bucket; `statementAdded` tells).
   *
   * The statement has no condition keys: which of aws:SourceAccount and
   * aws:SourceArn IoT sends when it reads an SBOM is unverified, and a
   * condition on a key it does not send would deny the read.
   */
  private allowIotToReadSbom(bucket: s3.IBucket, objectKey: string): void {
    if (Stack.of(bucket) !== Stack.of(this)) {
      return;
    }
    const result = bucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('iot.amazonaws.com')],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects(objectKey)],
    }));
    if (result.statementAdded && result.policyDependable) {
      this.resource.node.addDependency(result.policyDependable);
    }
  }

  private renderTagMap(): Record<string, string> {
    return this.cdkTagManager.tagValues();
  }

  private renderTags(): TagEntry[] | undefined {
    const tags = Object.entries(this.renderTagMap()).map(([Key, Value]) => ({ Key, Value }));
    return tags.length > 0 ? tags : undefined;
  }
}
