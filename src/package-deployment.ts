import {
  ArnFormat,
  CfnResource,
  CustomResource,
  Duration,
  ITaggableV2,
  Lazy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct, IConstruct } from 'constructs';
import { IPackageVersion } from './package-version';
import { declaredVersion } from './private/declared-status';
import { dependOnPackageConfiguration } from './private/package-dependency';
import { acknowledgeWildcard, nagToken, PackageVersionProvider } from './private/provider';
import { TagEntry } from './shared/contract';
import {
  ATTR_JOB_ARN,
  DEPLOYMENT_RESOURCE_TYPE,
  DeploymentResourceProperties,
  MAX_DESTINATION_PACKAGE_VERSIONS,
  MAX_JOB_DESCRIPTION_LENGTH,
  MAX_JOB_DOCUMENT_BYTES,
  MAX_JOB_ID_PREFIX_LENGTH,
  MAX_JOB_TARGETS,
  PRESIGNED_URL_PLACEHOLDER,
  TARGET_ARN,
} from './shared/deployment-contract';
import { ISoftwarePackage } from './software-package';

/** How long CloudFormation waits for the provider's response. */
const SERVICE_TIMEOUT = Duration.minutes(10);

/**
 * The longest wait for a rollout: the handler's timeout (5 minutes) less the
 * reserve it keeps for cancelling the job (60 seconds) and a margin to answer.
 */
const MAX_ROLLOUT_WAIT = Duration.seconds(235);

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** IoT's 50 tags per job, less the handler's creation marker and deployment tag. */
const MAX_DEPLOYMENT_TAGS = 48;

/**
 * Things or thing groups a deployment targets.
 *
 * Names are turned into ARNs in the account and region of the stack.
 */
export class DeploymentTarget {
  /** A thing, by ARN. */
  public static thingArn(arn: string): DeploymentTarget {
    return new DeploymentTarget(arn, 'thing');
  }

  /** A thing group (static or dynamic), by ARN. */
  public static thingGroupArn(arn: string): DeploymentTarget {
    return new DeploymentTarget(arn, 'thinggroup');
  }

  /** A thing of the stack's account and region, by name. */
  public static thingName(name: string): DeploymentTarget {
    return new DeploymentTarget(undefined, 'thing', name);
  }

  /** A thing group of the stack's account and region, by name. */
  public static thingGroupName(name: string): DeploymentTarget {
    return new DeploymentTarget(undefined, 'thinggroup', name);
  }

  /** A thing declared with `CfnThing`. */
  public static fromCfnThing(thing: iot.CfnThing): DeploymentTarget {
    return new DeploymentTarget(thing.attrArn, 'thing', undefined, thing);
  }

  /** A thing group declared with `CfnThingGroup`. */
  public static fromCfnThingGroup(group: iot.CfnThingGroup): DeploymentTarget {
    return new DeploymentTarget(group.attrArn, 'thinggroup', undefined, group);
  }

  private constructor(
    private readonly arn: string | undefined,
    /** `thing` or `thinggroup`. */
    private readonly kind: string,
    private readonly name?: string,
    private readonly construct?: IConstruct,
  ) {}

  /**
   * The construct that declares the target, which the deployment depends on.
   *
   * @internal
   */
  public get _construct(): IConstruct | undefined {
    return this.construct;
  }

  /**
   * The target's ARN in `scope`'s stack.
   *
   * @internal
   */
  public _bind(scope: Construct): string {
    if (this.name !== undefined && !Token.isUnresolved(this.name) && !THING_NAME.test(this.name)) {
      throw new Error(`PackageDeployment '${scope.node.path}' has an invalid prop:\n  - targets: ${this.kind} name '${this.name}' must be 1-128 characters of [a-zA-Z0-9:_-]`);
    }
    const arn = this.arn ?? Stack.of(scope).formatArn({
      service: 'iot', resource: this.kind, resourceName: this.name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    if (!Token.isUnresolved(arn) && (!TARGET_ARN.test(arn) || !arn.includes(`:${this.kind}/`))) {
      throw new Error(`PackageDeployment '${scope.node.path}' has an invalid prop:\n  - targets: '${arn}' is not a ${this.kind} ARN (arn:PARTITION:iot:REGION:ACCOUNT:${this.kind}/NAME)`);
    }
    return arn;
  }
}

/**
 * The job document devices receive.
 *
 * It may use IoT's package placeholders, e.g.
 * `${aws:iot:package:firmware:version:1.4.0:attributes:url}` or the artifact's
 * presigned URL `${aws:iot:package:firmware:version:1.4.0:artifact-location:s3-presigned-url}`.
 */
export class JobDocument {
  /** A JSON document given as an object; CDK tokens inside are resolved. */
  public static fromObject(document: { [key: string]: any }): JobDocument {
    return new JobDocument((scope) => Stack.of(scope).toJsonString(document), JSON.stringify(document));
  }

  /** A JSON document given as a string. */
  public static fromString(document: string): JobDocument {
    return new JobDocument(() => document, document);
  }

  private constructor(private readonly render: (scope: Construct) => string, private readonly raw: string) {}

  /**
   * The document as the template holds it.
   *
   * @param scope the deployment
   */
  public bind(scope: Construct): string {
    return this.render(scope);
  }

  /**
   * Whether the document asks IoT for an artifact's presigned URL.
   *
   * @internal
   */
  public get _usesPresignedUrl(): boolean {
    return PRESIGNED_URL_PLACEHOLDER.test(this.raw);
  }

  /**
   * The document's size in bytes as written (tokens count as their placeholders).
   *
   * @internal
   */
  public get _sizeInBytes(): number {
    return Buffer.byteLength(this.raw, 'utf8');
  }
}

/** Whether a job keeps adding things that join its target groups later. */
export enum JobTargetSelection {
  /** The job runs on the things targeted when it is created. */
  SNAPSHOT = 'SNAPSHOT',
  /** The job also runs on things added to the target groups later. */
  CONTINUOUS = 'CONTINUOUS',
}

/** The outcome of a job execution that abort and retry criteria count. */
export enum JobExecutionFailureType {
  FAILED = 'FAILED',
  /** Abort criteria only. */
  REJECTED = 'REJECTED',
  TIMED_OUT = 'TIMED_OUT',
  ALL = 'ALL',
}

/** What happens to the job when the deployment leaves the stack or is replaced. */
export enum JobRemoval {
  /**
   * Cancel the job (without force): things that have not started it never
   * will; executions already in progress finish.
   */
  CANCEL = 'CANCEL',
  /** Leave the job running in IoT. */
  LEAVE_RUNNING = 'LEAVE_RUNNING',
}

/** An exponential rollout rate. */
export interface ExponentialRolloutRate {
  /** Things notified per minute at the start (1-1000). */
  readonly baseRatePerMinute: number;
  /** The factor the rate grows by (1.1-5). */
  readonly incrementFactor: number;
  /**
   * Raise the rate after this many things were notified.
   *
   * @default - only `numberOfSucceededThings`; one of the two is required
   */
  readonly numberOfNotifiedThings?: number;
  /**
   * Raise the rate after this many things succeeded.
   *
   * @default - only `numberOfNotifiedThings`; one of the two is required
   */
  readonly numberOfSucceededThings?: number;
}

/** How fast the job reaches things. */
export interface JobRollout {
  /**
   * Things notified per minute at most (1-1000).
   *
   * @default - IoT's default (no limit beyond the account's)
   */
  readonly maximumPerMinute?: number;
  /**
   * An exponential rate, instead of (or capped by) `maximumPerMinute`.
   *
   * @default - a constant rate
   */
  readonly exponentialRate?: ExponentialRolloutRate;
}

/** When IoT cancels the whole job. */
export interface JobAbortCriterion {
  /** Which execution outcomes count. */
  readonly failureType: JobExecutionFailureType;
  /** Cancel when this share of executed things (0-100) had the outcome. */
  readonly thresholdPercentage: number;
  /** ... once at least this many things have executed the job (at least 1). */
  readonly minExecutedThings: number;
}

/** How often IoT retries a thing's execution. */
export interface JobRetryCriterion {
  /** FAILED, TIMED_OUT or ALL. */
  readonly failureType: JobExecutionFailureType;
  /** Retries (0-10). */
  readonly numberOfRetries: number;
}

/** The presigned URL IoT puts into the job document for an artifact. */
export interface PresignedUrlOptions {
  /**
   * The role IoT assumes to presign the URL: it must trust
   * `iot.amazonaws.com` and be allowed `s3:GetObject` on the artifacts.
   *
   * @default - a role that may read the artifacts of the deployed
   * `PackageVersion`s of this app (an error if none is known)
   */
  readonly role?: iam.IRole;
  /**
   * How long the URL is valid (1 minute to 1 hour).
   *
   * @default - IoT's default (1 hour)
   */
  readonly expiresIn?: Duration;
}

/** The deployment waits in the handler until enough things succeeded. */
export interface RolloutWait {
  /** The share of targeted things (1-100) whose execution must have SUCCEEDED. */
  readonly minSuccessPercent: number;
  /**
   * How long to wait at most; capped by the handler, which has 5 minutes
   * and keeps one for cancelling the job.
   *
   * @default PackageDeployment.MAX_ROLLOUT_WAIT (3 minutes 55 seconds)
   */
  readonly timeout?: Duration;
  /**
   * Time between two looks at the job.
   *
   * @default Duration.seconds(5)
   */
  readonly pollInterval?: Duration;
}

/** Props of a `PackageDeployment`. */
export interface PackageDeploymentProps {
  /**
   * Package versions to deploy. They must be PUBLISHED or DEPRECATED when
   * the job is created; a `PackageVersion` declared DRAFT is an error.
   *
   * @default - none; `versions` and `defaultVersionOf` together name 1-25 versions
   */
  readonly versions?: IPackageVersion[];
  /**
   * Packages whose default version (`$default`) to deploy.
   *
   * @default - none
   */
  readonly defaultVersionOf?: ISoftwarePackage[];
  /** Things and thing groups to deploy to. */
  readonly targets: DeploymentTarget[];
  /**
   * The job document.
   *
   * @default - `{"operation":"install","packages":[{"packageName":P,"versionName":V},...]}`
   * naming every deployed package and version (`$default` for a default)
   */
  readonly document?: JobDocument;
  /**
   * The job's description.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * SNAPSHOT or CONTINUOUS.
   *
   * @default JobTargetSelection.SNAPSHOT
   */
  readonly targetSelection?: JobTargetSelection;
  /**
   * How fast the job reaches things.
   *
   * @default - IoT's default rollout
   */
  readonly rollout?: JobRollout;
  /**
   * When IoT cancels the job.
   *
   * @default - never
   */
  readonly abortCriteria?: JobAbortCriterion[];
  /**
   * How long a thing's execution may stay IN_PROGRESS (1 minute to 7 days).
   *
   * @default - no timeout
   */
  readonly inProgressTimeout?: Duration;
  /**
   * Retries per failure type.
   *
   * @default - none
   */
  readonly retries?: JobRetryCriterion[];
  /**
   * Presigned URLs for artifacts. Set automatically (with a role this
   * construct creates) when the document uses the artifact presigned-URL
   * placeholder.
   *
   * @default - only when the document asks for one
   */
  readonly presignedUrl?: PresignedUrlOptions;
  /**
   * What happens to the job when the deployment is deleted or replaced by a
   * change that needs a new job.
   *
   * @default JobRemoval.CANCEL
   */
  readonly onRemoval?: JobRemoval;
  /**
   * Wait, within the deployment, until enough things succeeded; a failed
   * wait cancels the job and fails the deployment.
   *
   * @default - do not wait
   */
  readonly waitForRollout?: RolloutWait;
  /**
   * Tags of the job.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Deploys package versions to things: an AWS IoT job with
 * `destinationPackageVersions`, managed by CloudFormation.
 *
 * A change to the versions, targets, document or target selection creates a
 * new job (IoT cannot change them on a job); the old one is then cancelled
 * or left running, as `onRemoval` says. Description, rollout, abort,
 * timeout, retry, presigned-URL settings and tags change the job in place.
 *
 * @example
 * import { DeploymentTarget, PackageDeployment } from 'cdk-iot-package-catalog';
 * declare const version: PackageVersion;
 *
 * new PackageDeployment(this, 'Rollout', {
 *   versions: [version],
 *   targets: [DeploymentTarget.thingGroupName('fleet')],
 * });
 */
export class PackageDeployment extends Resource implements ITaggableV2 {
  /**
   * The longest `waitForRollout.timeout`: the handler's timeout (5 minutes)
   * less the minute it keeps for cancelling the job and a margin to answer.
   */
  public static readonly MAX_ROLLOUT_WAIT = MAX_ROLLOUT_WAIT;

  /**
   * The job's id. Also what `Ref` returns.
   *
   * @attribute
   */
  public readonly jobId: string;

  /**
   * The job's ARN.
   *
   * @attribute
   */
  public readonly jobArn: string;

  /** The role IoT uses to presign artifact URLs, if the deployment uses one. */
  public readonly presignedUrlRole?: iam.IRole;

  /** Tags of the job. */
  public readonly cdkTagManager: TagManager;

  constructor(scope: Construct, id: string, props: PackageDeploymentProps) {
    super(scope, id);
    const subject = `PackageDeployment '${this.node.path}'`;
    const issues: string[] = [];
    const fail = () => {
      if (issues.length > 0) {
        throw new Error(`${subject} has ${issues.length === 1 ? 'an invalid prop' : 'invalid props'}:\n  - ${issues.join('\n  - ')}`);
      }
    };

    const versions = props.versions ?? [];
    const defaults = props.defaultVersionOf ?? [];
    const count = versions.length + defaults.length;
    if (count < 1 || count > MAX_DESTINATION_PACKAGE_VERSIONS) {
      issues.push(`versions: versions and defaultVersionOf name ${count} versions; IoT deploys 1-${MAX_DESTINATION_PACKAGE_VERSIONS} in one job`);
    }
    versions.forEach((v, i) => {
      const status = declaredVersion(v)?.status;
      if (status === 'DRAFT') {
        issues.push(`versions[${i}]: version '${v.node.path}' is declared DRAFT; IoT deploys only PUBLISHED or DEPRECATED versions (set status: PackageVersionStatus.PUBLISHED)`);
      }
    });
    if (!props.targets || props.targets.length === 0) {
      issues.push('targets: is empty; give at least one thing or thing group');
    } else if (props.targets.length > MAX_JOB_TARGETS) {
      issues.push(`targets: has ${props.targets.length} things and thing groups; a job takes at most ${MAX_JOB_TARGETS} (target a thing group instead)`);
    }
    if (props.description !== undefined && !Token.isUnresolved(props.description) &&
        (props.description.length < 1 || props.description.length > MAX_JOB_DESCRIPTION_LENGTH)) {
      issues.push(`description: has ${props.description.length} characters; IoT allows 1-${MAX_JOB_DESCRIPTION_LENGTH}`);
    }
    if (props.document && props.document._sizeInBytes > MAX_JOB_DOCUMENT_BYTES) {
      issues.push(`document: has ${props.document._sizeInBytes} bytes; IoT allows ${MAX_JOB_DOCUMENT_BYTES}`);
    }
    issues.push(...settingIssues(props));
    fail();

    const targets = props.targets.map((t) => ({ arn: t._bind(this), construct: t._construct }));
    const versionArns = [
      ...versions.map((v) => v.packageVersionArn),
      ...defaults.map((p) => `${p.packageArn}/version/$default`),
    ];
    // The same ARNs for IAM, from the names (in each version's account and
    // region): a version's Ref would be measured at 2,048 characters against
    // the handler role's size limit, its name at IoT's limits.
    const versionArnsForIam = [
      ...versions.map((v) => Stack.of(this).formatArn({
        service: 'iot',
        resource: 'package',
        resourceName: `${v.packageName}/version/${v.versionName}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        account: v.env.account,
        region: v.env.region,
      })),
      ...defaults.map((p) => Stack.of(this).formatArn({
        service: 'iot', resource: 'package', resourceName: `${p.packageName}/version/$default`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      })),
    ];
    const document = props.document ?? JobDocument.fromObject({
      operation: 'install',
      packages: [
        ...versions.map((v) => ({ packageName: v.packageName, versionName: v.versionName })),
        ...defaults.map((p) => ({ packageName: p.packageName, versionName: '$default' })),
      ],
    });

    // The presigned-URL role: the user's, or one that reads the known artifacts.
    const wantsPresignedUrl = props.presignedUrl !== undefined || document._usesPresignedUrl;
    if (wantsPresignedUrl) {
      this.presignedUrlRole = props.presignedUrl?.role ?? this.newPresignedUrlRole(subject, versions);
    }

    this.cdkTagManager = new TagManager(TagType.MAP, DEPLOYMENT_RESOURCE_TYPE, props.tags);
    for (const [key, value] of Object.entries(Stack.of(this).tags.tagValues())) {
      this.cdkTagManager.setTag(key, value, 0);
    }
    // Tags arriving later through Tags.of() are counted when the app synthesizes.
    this.node.addValidation({
      validate: () => {
        const keys = Object.keys(this.cdkTagManager.tagValues());
        const reserved = keys.filter((k) => k.startsWith('cdk-iot-package-catalog:'));
        return [
          ...keys.length > MAX_DEPLOYMENT_TAGS
            ? [`${subject}: the job would have ${keys.length} tags; IoT allows 50, and the handler adds 2 of its own, so at most ${MAX_DEPLOYMENT_TAGS}`] : [],
          ...reserved.length > 0 ? [`${subject}: tag '${reserved[0]}' is reserved for the handler`] : [],
        ];
      },
    });

    const provider = PackageVersionProvider.getOrCreate(this);
    let resource: CustomResource | undefined;
    const jobIdPrefix = Lazy.uncachedString({
      // The logical id as the template has it (overrideLogicalId included).
      produce: () => String(Stack.of(this).resolve((resource!.node.defaultChild as CfnResource).logicalId)).slice(0, MAX_JOB_ID_PREFIX_LENGTH),
    });
    const jobArns = Stack.of(this).formatArn({
      service: 'iot', resource: 'job', resourceName: `${jobIdPrefix}-*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const statements = [
      // CreateJob is authorized on the job, its targets and its package versions.
      new iam.PolicyStatement({ actions: ['iot:CreateJob'], resources: [jobArns, ...targets.map((t) => t.arn), ...versionArnsForIam] }),
      // TagResource: CreateJob with tags (every job gets the creation marker).
      new iam.PolicyStatement({
        actions: ['iot:DescribeJob', 'iot:UpdateJob', 'iot:CancelJob', 'iot:TagResource', 'iot:UntagResource'],
        resources: [jobArns],
      }),
    ];
    if (this.presignedUrlRole) {
      statements.push(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.presignedUrlRole.roleArn] }));
    }
    const policy = provider.policyFor(`Deployment-${this.node.addr.slice(0, 16)}`, statements);

    const seconds = (d: Duration | undefined) => d?.toSeconds();
    const properties: DeploymentResourceProperties = {
      JobIdPrefix: jobIdPrefix,
      Targets: targets.map((t) => t.arn),
      DestinationPackageVersions: versionArns,
      Document: document.bind(this),
      Description: props.description,
      TargetSelection: props.targetSelection,
      PresignedUrlConfig: this.presignedUrlRole ? {
        roleArn: this.presignedUrlRole.roleArn,
        expiresInSec: seconds(props.presignedUrl?.expiresIn),
      } : undefined,
      JobExecutionsRolloutConfig: props.rollout ? {
        maximumPerMinute: props.rollout.maximumPerMinute,
        exponentialRate: props.rollout.exponentialRate ? {
          baseRatePerMinute: props.rollout.exponentialRate.baseRatePerMinute,
          incrementFactor: props.rollout.exponentialRate.incrementFactor,
          rateIncreaseCriteria: {
            numberOfNotifiedThings: props.rollout.exponentialRate.numberOfNotifiedThings,
            numberOfSucceededThings: props.rollout.exponentialRate.numberOfSucceededThings,
          },
        } : undefined,
      } : undefined,
      AbortConfig: props.abortCriteria?.length ? {
        criteriaList: props.abortCriteria.map((c) => ({
          failureType: c.failureType, action: 'CANCEL', thresholdPercentage: c.thresholdPercentage, minNumberOfExecutedThings: c.minExecutedThings,
        })),
      } : undefined,
      TimeoutConfig: props.inProgressTimeout ? { inProgressTimeoutInMinutes: props.inProgressTimeout.toMinutes() } : undefined,
      JobExecutionsRetryConfig: props.retries?.length ? {
        criteriaList: props.retries.map((c) => ({ failureType: c.failureType, numberOfRetries: c.numberOfRetries })),
      } : undefined,
      Tags: Lazy.any({ produce: () => this.renderTags() }) as unknown as TagEntry[],
      OnRemoval: props.onRemoval,
      WaitForRollout: props.waitForRollout ? {
        MinSuccessPercent: String(props.waitForRollout.minSuccessPercent),
        TimeoutSeconds: String((props.waitForRollout.timeout ?? MAX_ROLLOUT_WAIT).toSeconds()),
        PollSeconds: String((props.waitForRollout.pollInterval ?? Duration.seconds(5)).toSeconds()),
      } : undefined,
    };
    resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: DEPLOYMENT_RESOURCE_TYPE,
      properties,
      serviceTimeout: SERVICE_TIMEOUT,
    });
    resource.node.addDependency(policy, ...versions, ...defaults, ...targets.flatMap((t) => t.construct ? [t.construct] : []));
    dependOnPackageConfiguration(resource);
    if (this.presignedUrlRole && this.presignedUrlRole.node.scope && Stack.of(this.presignedUrlRole) === Stack.of(this)) {
      resource.node.addDependency(this.presignedUrlRole);
    }

    // cdk-nag: the job ARNs end in a wildcard by design. Acknowledged now, and
    // again once the app is prepared (the logical id may be overridden).
    const acknowledge = () => acknowledgeWildcard(policy, nagToken(this, jobArns),
      'The deployment creates a new job (id: the logical id, "-" and a hash) whenever its versions, targets or document ' +
      'change, so the handler may manage the jobs of this deployment only: job/<logical id>-*.');
    acknowledge();
    policy.node.addValidation({ validate: () => (acknowledge(), []) });

    this.jobId = resource.ref;
    this.jobArn = resource.getAttString(ATTR_JOB_ARN);
  }

  private newPresignedUrlRole(subject: string, versions: IPackageVersion[]): iam.IRole {
    const artifacts = versions.flatMap((v) => {
      const artifact = declaredVersion(v)?.artifact;
      return artifact ? [artifact] : [];
    });
    if (artifacts.length === 0) {
      throw new Error(`${subject}: the document asks IoT for an artifact's presigned URL, but no deployed PackageVersion of this app ` +
        'declares an artifact (imported versions and $default do not tell); pass presignedUrl: { role } with a role that may read the artifacts');
    }
    const role = new iam.Role(this, 'PresignedUrlRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: 'Lets AWS IoT presign URLs of package-version artifacts for a job',
    });
    for (const artifact of artifacts) {
      const objectArn = Stack.of(this).formatArn({
        service: 's3', region: '', account: '', resource: artifact.bucketName, resourceName: artifact.objectKey, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objectArn] }));
      const key = artifact.encryptionKey ?? artifact.bucket?.encryptionKey;
      key?.grantDecrypt(role);
    }
    return role;
  }

  private renderTags(): TagEntry[] | undefined {
    const tags = Object.entries(this.cdkTagManager.tagValues()).map(([Key, Value]) => ({ Key, Value }));
    return tags.length > 0 ? tags : undefined;
  }
}

/** Range checks of the job settings (literal values only). */
function settingIssues(props: PackageDeploymentProps): string[] {
  const issues: string[] = [];
  const range = (field: string, value: number | undefined, min: number, max: number, integer = true) => {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
      issues.push(`${field}: is ${value}; IoT allows ${integer ? 'an integer ' : ''}${min}-${max}`);
    }
  };
  range('rollout.maximumPerMinute', props.rollout?.maximumPerMinute, 1, 1000);
  const exp = props.rollout?.exponentialRate;
  if (exp) {
    range('rollout.exponentialRate.baseRatePerMinute', exp.baseRatePerMinute, 1, 1000);
    range('rollout.exponentialRate.incrementFactor', exp.incrementFactor, 1.1, 5, false);
    range('rollout.exponentialRate.numberOfNotifiedThings', exp.numberOfNotifiedThings, 1, Number.MAX_SAFE_INTEGER);
    range('rollout.exponentialRate.numberOfSucceededThings', exp.numberOfSucceededThings, 1, Number.MAX_SAFE_INTEGER);
    if (exp.numberOfNotifiedThings === undefined && exp.numberOfSucceededThings === undefined) {
      issues.push('rollout.exponentialRate: needs numberOfNotifiedThings or numberOfSucceededThings');
    }
  }
  (props.abortCriteria ?? []).forEach((c, i) => {
    range(`abortCriteria[${i}].thresholdPercentage`, c.thresholdPercentage, 0, 100, false);
    range(`abortCriteria[${i}].minExecutedThings`, c.minExecutedThings, 1, Number.MAX_SAFE_INTEGER);
  });
  (props.retries ?? []).forEach((c, i) => {
    range(`retries[${i}].numberOfRetries`, c.numberOfRetries, 0, 10);
    if (c.failureType === JobExecutionFailureType.REJECTED) {
      issues.push(`retries[${i}].failureType: is REJECTED; IoT retries FAILED, TIMED_OUT or ALL`);
    }
  });
  if (props.inProgressTimeout && !props.inProgressTimeout.isUnresolved()) {
    range('inProgressTimeout (minutes)', props.inProgressTimeout.toMinutes({ integral: false }), 1, 10080);
  }
  const expires = props.presignedUrl?.expiresIn;
  if (expires && !expires.isUnresolved()) {
    range('presignedUrl.expiresIn (seconds)', expires.toSeconds({ integral: false }), 60, 3600);
  }
  const wait = props.waitForRollout;
  if (wait) {
    range('waitForRollout.minSuccessPercent', wait.minSuccessPercent, 1, 100, false);
    if (wait.timeout && !wait.timeout.isUnresolved()) {
      range('waitForRollout.timeout (seconds)', wait.timeout.toSeconds({ integral: false }), 1, MAX_ROLLOUT_WAIT.toSeconds());
    }
    if (wait.pollInterval && !wait.pollInterval.isUnresolved()) {
      range('waitForRollout.pollInterval (seconds)', wait.pollInterval.toSeconds({ integral: false }), 1, 60);
    }
  }
  return issues;
}
