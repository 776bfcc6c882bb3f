import { createHash } from 'crypto';
import * as path from 'path';
import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { acknowledgeWildcard, nagToken } from './nag';
import { PackageAccess, PackageGroups, PackageGroupSize } from './package-groups';
import { ROLE_INLINE_POLICY_LIMIT, roleInlinePolicySize, SizedValues, worstCaseLength } from './policy-size';
import { constructIdPart, valueIdentity } from './tokens';
import type { PackageCatalogProviderProps } from '../package-catalog-provider';

/** Where `npx projen bundle:handler` writes the handler; shipped in the npm package. */
export const HANDLER_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'package-version-handler');

/** Stable id of the one provider per stack. Permanent once released. */
export const PROVIDER_ID = 'cdk-iot-package-catalog.PackageVersionProvider';

/** The logical id of the provider's framework function, which every custom resource's ServiceToken names. */
export const FRAMEWORK_FUNCTION_LOGICAL_ID = 'IotPackageCatalogProvider';

/** The handler's timeout unless configured. */
export const DEFAULT_HANDLER_TIMEOUT = Duration.minutes(5);
/** The longest handler timeout: the framework function, which waits for the handler, stops after 15 minutes. */
export const MAX_HANDLER_TIMEOUT = Duration.minutes(14);
/** Added to the handler's timeout for CloudFormation's ServiceTimeout: the framework's own work and the response. */
const SERVICE_TIMEOUT_MARGIN = Duration.minutes(2);
/** CloudFormation's longest ServiceTimeout. */
const MAX_SERVICE_TIMEOUT_SECONDS = 3600;
/** Lambda's longest timeout: the bound on a handler timeout that is a token. */
const LAMBDA_MAX_TIMEOUT = Duration.minutes(15);
/**
 * The handler's cleanup reserve (lambda/deadline.ts: a fifth of the time,
 * 2 to 60 seconds) and a margin to answer (its 1 second and some slack).
 */
const CLEANUP_RESERVE_MAX_SECONDS = 60;
const CLEANUP_RESERVE_MIN_SECONDS = 2;
const ANSWER_MARGIN_SECONDS = 5;
/** IAM role names: at most 64 characters of these. */
const ROLE_NAME_CHARS = /^[\w+=,.@-]+$/;
/** 64 less 'Framework' (9), '-', the longest region name reserved (20), '-' and the hash (8). */
export const MAX_ROLE_NAME_PREFIX_LENGTH = 25;

/** IAM's default quota of managed policies attached to a role. */
const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * What the handler may do with the objects of a bucket that holds artifacts
 * or SBOMs: look up an object's current version (HeadObject needs
 * s3:GetObject), and let IoT read the artifact's object version with the
 * handler's credentials (IoT requires s3:GetObjectVersion of the caller).
 */
const OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];

/**
 * The custom-resource provider shared by all PackageVersions of a stack.
 *
 * One Lambda handler, one framework function, their roles and log groups.
 * Permissions for packages are added per package with `policyForPackage`
 * (in the managed policies of the package groups, see package-groups.ts),
 * permissions to read artifacts and SBOMs per bucket with `policyForBucket`,
 * and those of one resource with `policyFor`. The resources concerned depend
 * on these policies, so the permission exists when a resource is created and
 * still exists when it is deleted, or rolled back, in CloudFormation's
 * clean-up phase.
 */
export class PackageVersionProvider extends Construct {
  /** The provider of the stack that holds `scope`, created on first use. */
  public static getOrCreate(scope: Construct): PackageVersionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing ? existing as PackageVersionProvider : new PackageVersionProvider(stack, PROVIDER_ID, {});
  }

  /**
   * Creates the provider of the stack that holds `scope` with `settings`;
   * an error if the stack has its provider already.
   */
  public static configure(scope: Construct, settings: PackageCatalogProviderProps): PackageVersionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as PackageVersionProvider | undefined;
    if (existing) {
      throw new Error(existing.configured
        ? `PackageCatalogProvider.configure: the provider of stack '${stack.node.path}' is configured already; configure it once per stack`
        : `PackageCatalogProvider.configure: stack '${stack.node.path}' has its provider already, created with the default settings by the ` +
          'first construct of cdk-iot-package-catalog in the stack (or by PackageCatalogProvider.of). Its settings are fixed then: call ' +
          'PackageCatalogProvider.configure before declaring packages, versions, deployments or other constructs of the library in the stack');
    }
    const issues = settingIssues(settings);
    if (issues.length > 0) {
      throw new Error(`PackageCatalogProvider.configure (stack '${stack.node.path}') has ${issues.length === 1 ? 'an invalid prop' : 'invalid props'}:` +
        `\n  - ${issues.join('\n  - ')}`);
    }
    const provider = new PackageVersionProvider(stack, PROVIDER_ID, settings);
    provider.configured = true;
    return provider;
  }

  /** The service token for custom resources. */
  public readonly serviceToken: string;

  /** The role of the handler function, which calls IoT. */
  public readonly handlerRole: iam.Role;

  /** The role of the framework function, which invokes the handler. */
  public readonly frameworkRole: iam.Role;

  /** The handler function. */
  public readonly handlerFunction: lambda.Function;

  /** The handler function's timeout. */
  public readonly handlerTimeout: Duration;

  /**
   * How long CloudFormation waits for each custom resource's response: the
   * handler's timeout plus 2 minutes, at most an hour; for a timeout that is
   * a token, Lambda's longest timeout plus 2 minutes.
   */
  public readonly serviceTimeout: Duration;

  /**
   * The longest rollout wait the handler's timeout allows: the timeout less
   * the handler's cleanup reserve and a margin to answer. Undefined for a
   * timeout that is a token.
   */
  public readonly maxRolloutWait?: Duration;

  private configured = false;

  /** AWS managed policies the provider attaches to the handler role (the VPC access policy in a VPC). */
  private readonly awsManagedPolicies: number;

  /** The handler's permissions on packages and versions. */
  private readonly packageGroups: PackageGroups;

  private readonly bucketPolicies = new Map<string, { policy: iam.Policy; bucketName: string; keys: Map<string, string> }>();

  private constructor(scope: Stack, id: string, settings: PackageCatalogProviderProps) {
    super(scope, id);

    this.handlerTimeout = settings.timeout ?? DEFAULT_HANDLER_TIMEOUT;
    this.serviceTimeout = serviceTimeoutFor(this.handlerTimeout);
    this.maxRolloutWait = maxRolloutWaitFor(this.handlerTimeout);

    // The log groups: the user's, or one per function as before.
    const newLogGroup = (logGroupId: string) => settings.logGroup ?? new logs.LogGroup(this, logGroupId, {
      retention: settings.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: settings.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    const roleName = (kind: string) => settings.roleNamePrefix === undefined ? undefined : generatedRoleName(scope, settings.roleNamePrefix, kind);
    const roleSettings = { path: settings.rolePath, permissionsBoundary: settings.permissionsBoundary };
    const vpcSettings = { vpc: settings.vpc, vpcSubnets: settings.vpcSubnets, securityGroups: settings.securityGroups };
    // CDK adds the ENI permissions only to a role it creates for a function.
    const vpcAccess = settings.vpc ? [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')] : undefined;
    this.awsManagedPolicies = vpcAccess?.length ?? 0;

    const handlerLogGroup = newLogGroup('HandlerLogGroup');
    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Manages AWS IoT software package versions for cdk-iot-package-catalog',
      roleName: roleName('Handler'),
      managedPolicies: vpcAccess,
      ...roleSettings,
    });
    this.packageGroups = new PackageGroups(this, this.handlerRole);
    handlerLogGroup.grantWrite(this.handlerRole);
    // Actions IAM authorizes only on '*' for what the handler touches:
    // - IoT documents GetIndexingConfiguration as a dependency of the package
    //   write APIs; the action has no resource type at all.
    // - ListTagsForResource (the creation marker, tags to reconcile) has no
    //   package or packageversion resource type, so for a version ARN IAM
    //   checks it against '*'; a grant on package ARNs would deny it.
    // - ListPackageVersions (a SoftwarePackage's delete keeps a package that
    //   still has versions) has no resource type at all.
    this.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iot:GetIndexingConfiguration', 'iot:ListTagsForResource', 'iot:ListPackageVersions'],
      resources: ['*'],
    }));
    // The handler reads its own stack's status to tell a rollback from a
    // deployment. AWS::StackId is a pseudo parameter: no dependency cycle.
    this.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
    }));

    const handler = new lambda.Function(this, 'Handler', {
      description: 'cdk-iot-package-catalog: creates, updates and deletes AWS IoT software package versions',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET_DIR),
      role: this.handlerRole,
      logGroup: handlerLogGroup,
      timeout: this.handlerTimeout,
      memorySize: settings.memorySize ?? 256,
      ...vpcSettings,
    });
    this.handlerFunction = handler;

    const frameworkLogGroup = newLogGroup('FrameworkLogGroup');
    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the aws-cdk-lib custom-resource framework for cdk-iot-package-catalog',
      roleName: roleName('Framework'),
      managedPolicies: vpcAccess,
      ...roleSettings,
    });
    this.frameworkRole = frameworkRole;
    frameworkLogGroup.grantWrite(frameworkRole);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      logGroup: frameworkLogGroup,
      frameworkOnEventRole: frameworkRole,
      ...vpcSettings,
    });
    this.serviceToken = provider.serviceToken;
    // Every custom resource of the library names this function in its
    // ServiceToken: a short logical id keeps each of them small (the id it
    // would get from its path has 66 characters). Permanent once released.
    const frameworkFunction = provider.node.findChild('framework-onEvent').node.defaultChild as lambda.CfnFunction;
    frameworkFunction.overrideLogicalId(FRAMEWORK_FUNCTION_LOGICAL_ID);

    // Findings that remain by design, acknowledged finding by finding on the
    // constructs that cause them (cdk-nag v3 reads these acknowledgements).
    acknowledgeWildcard(this.handlerRole, '*',
      'IAM authorizes these actions only on "*": iot:GetIndexingConfiguration has no resource type (IoT requires it for ' +
      'package-version writes), iot:ListPackageVersions has none either, and iot:ListTagsForResource has no package or ' +
      'package-version resource type. All three only read.');
    acknowledgeWildcard(frameworkRole, `${nagToken(this, (handler.node.defaultChild as lambda.CfnFunction).attrArn)}:*`,
      'The framework may invoke only this provider\'s handler function, including its versions (ARN:*), as aws-cdk-lib\'s Provider grants.');
    if (vpcAccess) {
      for (const role of [this.handlerRole, frameworkRole]) {
        role.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, {
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]':
            'The function runs in the VPC given to PackageCatalogProvider.configure; Lambda needs this policy\'s permissions to manage its ' +
            'network interfaces, as aws-cdk-lib grants them to the roles it creates for functions in a VPC.',
        });
      }
    }
    if (settings.logGroup) {
      const logStreams = nagToken(this, settings.logGroup.logGroupArn);
      if (logStreams.endsWith('*')) {
        for (const role of [this.handlerRole, frameworkRole]) {
          acknowledgeWildcard(role, logStreams, 'Writes to the log streams of the log group given to PackageCatalogProvider.configure (LOG_GROUP:*).');
        }
      }
    }
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The framework function\'s runtime is chosen by aws-cdk-lib\'s custom-resources Provider and cannot be set; ' +
        'the package-version handler itself uses the newest Node.js runtime.',
    });

    this.node.addValidation({ validate: () => this.validatePolicySize() });
  }

  /**
   * The IAM policy that lets the handler act on one package: on its versions
   * (unless `access.versions` is false; `access.versionActions` grants single
   * actions on them instead), and with `access.packageActions` (such as
   * `iot:UpdatePackage`) on the package itself. Resources that use these
   * permissions must depend on the policy.
   *
   * The policy is the managed policy of the package's group (see
   * PackageGroups), which also grants the other packages of the group. Any
   * change to what it grants, a package renamed through a reference
   * included, replaces the policy: the old copy keeps granting the removed
   * versions' deletes until CloudFormation deletes it in the clean-up phase,
   * after them.
   *
   * @param packageName the package's name (a literal or a token)
   */
  public policyForPackage(packageName: string, access: PackageAccess = {}): IDependable {
    return this.packageGroups.grant(packageName, access);
  }

  /**
   * A policy of the handler role for one resource that needs permissions of
   * its own (an account setting, a job), created on first use under `id`.
   * The resource must depend on it, so that the permissions exist when it is
   * created and still exist when it is deleted, in CloudFormation's clean-up
   * phase too.
   */
  public policyFor(id: string, statements: iam.PolicyStatement[]): iam.Policy {
    const existing = this.node.tryFindChild(id);
    if (existing) {
      (existing as iam.Policy).addStatements(...statements);
      return existing as iam.Policy;
    }
    return new iam.Policy(this, id, { statements, roles: [this.handlerRole] });
  }

  /**
   * The IAM policy that lets the handler read the objects of one bucket,
   * created on first use, with `kms:Decrypt` on `encryptionKey` if given.
   * Versions whose artifact or SBOM is in the bucket must depend on it.
   *
   * The grant covers every object of the bucket (`BUCKET/*`), never one
   * object, so the role's size does not grow with the number of versions.
   * Buckets are told apart as packages are (see `valueIdentity`), so all
   * assets of a stack, whose bucket names are separate tokens for the same
   * bucket, share one policy.
   */
  public policyForBucket(bucketName: string, encryptionKey?: kms.IKey): iam.Policy {
    const { key, resolvesNow } = valueIdentity(this, bucketName);
    let entry = this.bucketPolicies.get(key);
    if (!entry) {
      const objectsArn = Stack.of(this).formatArn({
        service: 's3',
        region: '',
        account: '',
        resource: bucketName,
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      const policy = new iam.Policy(this, `BucketPolicy-${constructIdPart(key)}`, {
        statements: [new iam.PolicyStatement({ actions: OBJECT_ACTIONS, resources: [objectsArn] })],
        roles: [this.handlerRole],
      });
      const acknowledge = () => acknowledgeWildcard(policy, nagToken(this, objectsArn),
        'Scoped to the objects of one bucket that holds package-version artifacts or SBOMs (BUCKET/*), read only, so that ' +
        'the role stays within IAM\'s policy size limit however many versions and objects the stack names.');
      if (resolvesNow) {
        acknowledge();
      } else {
        policy.node.addValidation({ validate: () => (acknowledge(), []) });
      }
      entry = { policy, bucketName, keys: new Map() };
      this.bucketPolicies.set(key, entry);
    }
    if (encryptionKey) {
      const keyIdentity = valueIdentity(this, encryptionKey.keyArn).key;
      if (!entry.keys.has(keyIdentity)) {
        entry.keys.set(keyIdentity, encryptionKey.keyArn);
        entry.policy.addStatements(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [encryptionKey.keyArn] }));
      }
    }
    return entry.policy;
  }

  /**
   * The size IAM would count for the handler role's inline policies, at
   * worst: every statement of its inline policies (its own default policy,
   * the bucket policies, those of `policyFor`, and whatever else is attached
   * to it; the package groups are managed policies, measured apart), with
   * what is not known until deployment at its longest. Once the app is
   * prepared.
   */
  public inlinePolicySize(length = this.worstCaseLength()): number {
    return roleInlinePolicySize(this.handlerRole, length);
  }

  /**
   * The size IAM would count for each package group's managed policy, at
   * worst (as `inlinePolicySize`), and the length of its description.
   */
  public groupPolicySizes(): PackageGroupSize[] {
    return this.packageGroups.sizes(this.worstCaseLength());
  }

  /** A measure of the worst-case length of this stack's values (it reads the whole stack: make one per validation). */
  private worstCaseLength(): (value: unknown) => number {
    return worstCaseLength(this, this.sizedValues());
  }

  private sizedValues(): SizedValues {
    const buckets = [...this.bucketPolicies.values()];
    return {
      packageNames: this.packageGroups.packageNames,
      bucketNames: buckets.map((b) => b.bucketName),
      keyArns: buckets.flatMap((b) => [...b.keys.values()]),
    };
  }

  private validatePolicySize(): string[] {
    const errors: string[] = [];
    const length = this.worstCaseLength();
    const total = this.inlinePolicySize(length);
    if (total > ROLE_INLINE_POLICY_LIMIT) {
      const resourcePolicies = this.node.children.filter((c) => c instanceof iam.Policy).length - this.bucketPolicies.size;
      errors.push(
        `The handler role's inline policies would take up to ${total} characters, over IAM's limit of ${ROLE_INLINE_POLICY_LIMIT} ` +
        'for one role\'s inline policies, so the deployment would fail. They are the role\'s own statements, one policy per S3 ' +
        `bucket that holds artifacts or SBOMs (the PackageVersions of this stack use ${this.bucketPolicies.size} different buckets), ` +
        `and ${resourcePolicies} for package deployments and account settings. Keep artifacts and SBOMs in fewer buckets, or put ` +
        'some versions or deployments in another stack (each stack has its own handler role). The number of versions per bucket ' +
        'does not matter.');
    }
    // A replaced policy's old copy stays attached until the clean-up phase:
    // a deployment that changes every group's policy needs twice as many.
    const managed = 2 * this.packageGroups.policyCount + this.awsManagedPolicies;
    if (managed > MANAGED_POLICIES_PER_ROLE) {
      errors.push(
        `The handler role would need up to ${managed} managed policies while a deployment replaces the policies of the ` +
        `${this.packageGroups.policyCount} package groups (each with its old copy until the clean-up phase)` +
        (this.awsManagedPolicies > 0 ? ', and AWSLambdaVPCAccessExecutionRole' : '') +
        `, over IAM's default of ${MANAGED_POLICIES_PER_ROLE} per role. Each package name that is a token other than a ` +
        'reference (a Lazy, a concatenation, a name cut from an ARN) gets a policy of its own: name packages with literals, ' +
        'with `package: softwarePackage`, or with `cfnSoftwarePackage.ref`.');
    }
    errors.push(...this.packageGroups.validate(length));
    return errors;
  }
}

/** The settings' problems that can be told before deployment (literal values only). */
function settingIssues(settings: PackageCatalogProviderProps): string[] {
  const issues: string[] = [];
  if (settings.logGroup && (settings.logRetention !== undefined || settings.logRemovalPolicy !== undefined)) {
    const other = settings.logRetention !== undefined ? 'logRetention' : 'logRemovalPolicy';
    issues.push(`logGroup and ${other}: give one or the other; ${other} applies to the log groups the provider creates when no logGroup is given`);
  }
  if (!settings.vpc) {
    for (const prop of ['vpcSubnets', 'securityGroups'] as const) {
      if (settings[prop] !== undefined) {
        issues.push(`${prop}: requires vpc`);
      }
    }
  }
  const memory = settings.memorySize;
  if (memory !== undefined && !Token.isUnresolved(memory) && !(Number.isInteger(memory) && memory >= 128 && memory <= 10240)) {
    issues.push(`memorySize: is ${memory}; Lambda allows an integer 128-10240 (MiB)`);
  }
  const timeout = settings.timeout;
  if (timeout && !timeout.isUnresolved()) {
    const seconds = timeout.toSeconds({ integral: false });
    if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= MAX_HANDLER_TIMEOUT.toSeconds())) {
      issues.push(`timeout: is ${timeout.toHumanString()}; the handler's timeout must be whole seconds, 1 second to 14 minutes ` +
        '(aws-cdk-lib\'s framework function, which waits for the handler, stops after 15)');
    }
  }
  const rolePath = settings.rolePath;
  if (rolePath !== undefined && !Token.isUnresolved(rolePath) && !(rolePath.length <= 512 && /^\/([\x21-\x7e]+\/)?$/.test(rolePath) && !rolePath.includes('//'))) {
    issues.push(`rolePath: is '${rolePath}'; IAM allows '/' or a path that starts and ends with '/', of printable ASCII characters, at most 512`);
  }
  const prefix = settings.roleNamePrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) &&
      !(prefix.length >= 1 && prefix.length <= MAX_ROLE_NAME_PREFIX_LENGTH && ROLE_NAME_CHARS.test(prefix))) {
    issues.push(`roleNamePrefix: is '${prefix}'; it must have 1-${MAX_ROLE_NAME_PREFIX_LENGTH} characters of A-Za-z0-9+=,.@_- ` +
      '(the role names add the function, the region and a hash, within IAM\'s 64)');
  }
  return issues;
}

/**
 * A role name unique per stack and region: the prefix, the function
 * ('Handler' or 'Framework'), the region and a hash of the stack's name
 * (role names are global in an account, stack names per region).
 */
function generatedRoleName(stack: Stack, prefix: string, kind: string): string {
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  return Token.isUnresolved(stack.region)
    ? Fn.join('', [`${prefix}${kind}-`, stack.region, `-${hash}`])
    : `${prefix}${kind}-${stack.region}-${hash}`;
}

/** CloudFormation's ServiceTimeout for a handler timeout (see PackageVersionProvider.serviceTimeout). */
function serviceTimeoutFor(timeout: Duration): Duration {
  const handlerSeconds = timeout.isUnresolved() ? LAMBDA_MAX_TIMEOUT.toSeconds() : timeout.toSeconds();
  return Duration.seconds(Math.min(handlerSeconds + SERVICE_TIMEOUT_MARGIN.toSeconds(), MAX_SERVICE_TIMEOUT_SECONDS));
}

/** The longest rollout wait for a handler timeout (see PackageVersionProvider.maxRolloutWait). */
export function maxRolloutWaitFor(timeout: Duration): Duration | undefined {
  if (timeout.isUnresolved()) {
    return undefined;
  }
  const seconds = timeout.toSeconds();
  const reserve = Math.min(CLEANUP_RESERVE_MAX_SECONDS, Math.max(CLEANUP_RESERVE_MIN_SECONDS, Math.floor(seconds / 5)));
  return Duration.seconds(Math.max(1, seconds - reserve - ANSWER_MARGIN_SECONDS));
}
