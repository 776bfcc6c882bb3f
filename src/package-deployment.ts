import {
  ArnFormat,
  CfnResource,
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
import { Construct } from 'constructs';
import { JobDocument } from './job-document';
import { JobExecutionFailureType, PackageDeploymentProps } from './package-deployment-props';
import { IPackageVersion } from './package-version';
import { customResource } from './private/custom-resource';
import { declaredVersion } from './private/declared-status';
import { acknowledgeWildcard, nagToken } from './private/nag';
import { dependOnPackageConfiguration, designatedDefault } from './private/package-dependency';
import { DEFAULT_HANDLER_TIMEOUT, maxRolloutWaitFor, PackageVersionProvider } from './private/provider';
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
} from './shared/deployment-contract';

/**
 * The longest wait for a rollout with the default handler timeout: 5 minutes
 * less the reserve the handler keeps for cancelling the job (60 seconds) and
 * a margin to answer. A stack whose provider has a longer timeout allows
 * longer (see maxRolloutWaitFor in private/provider.ts).
 */
const MAX_ROLLOUT_WAIT = maxRolloutWaitFor(DEFAULT_HANDLER_TIMEOUT)!;

/** IoT's 50 tags per job, less the handler's creation marker and deployment tag. */
const MAX_DEPLOYMENT_TAGS = 48;

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
   * The longest `waitForRollout.timeout` with the handler's default timeout
   * (5 minutes): that timeout less the minute the handler keeps for
   * cancelling the job and a margin to answer. A stack whose
   * `PackageCatalogProvider` has a longer `timeout` allows that timeout less
   * the same reserve (a fifth of it, at most a minute) and margin.
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
    const provider = PackageVersionProvider.getOrCreate(this);
    // Undefined when the handler's timeout is a token: the handler caps the wait.
    const maxRolloutWait = provider.maxRolloutWait;
    issues.push(...settingIssues(props, provider.handlerTimeout, maxRolloutWait));
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

    let resource: CfnResource | undefined;
    const jobIdPrefix = Lazy.uncachedString({
      // The logical id as the template has it (overrideLogicalId included).
      produce: () => String(Stack.of(this).resolve(resource!.logicalId)).slice(0, MAX_JOB_ID_PREFIX_LENGTH),
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
      // Designations may be declared after the deployment: looked up at synthesis.
      DefaultVersionNames: Lazy.list({
        produce: () => {
          const names = defaults.map((p) => designatedDefault(p, this));
          return names.some((n) => n !== undefined) ? names.map((n) => n ?? '') : undefined;
        },
      }),
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
        TimeoutSeconds: String((props.waitForRollout.timeout ?? maxRolloutWait ?? MAX_ROLLOUT_WAIT).toSeconds()),
        PollSeconds: String((props.waitForRollout.pollInterval ?? Duration.seconds(5)).toSeconds()),
      } : undefined,
    };
    resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: DEPLOYMENT_RESOURCE_TYPE,
      properties,
      serviceTimeout: provider.serviceTimeout,
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
    this.jobArn = Token.asString(resource.getAtt(ATTR_JOB_ARN));
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
function settingIssues(props: PackageDeploymentProps, handlerTimeout: Duration, maxRolloutWait: Duration | undefined): string[] {
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
      // Up to the stack's handler timeout less its cleanup reserve; any length for a timeout that is a token.
      const seconds = wait.timeout.toSeconds({ integral: false });
      const max = maxRolloutWait?.toSeconds() ?? Infinity;
      if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= max)) {
        issues.push(`waitForRollout.timeout (seconds): is ${seconds}; allowed an integer 1-${max}` + (maxRolloutWait
          ? `, the handler's timeout (${handlerTimeout.toHumanString()}) less its cleanup reserve; PackageCatalogProvider.configure sets a longer timeout`
          : ''));
      }
    }
    if (wait.pollInterval && !wait.pollInterval.isUnresolved()) {
      range('waitForRollout.pollInterval (seconds)', wait.pollInterval.toSeconds({ integral: false }), 1, 60);
    }
  }
  return issues;
}
