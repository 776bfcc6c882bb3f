import { createHash } from 'crypto';
import * as path from 'path';
import { ArnFormat, Aws, Duration, Fn, Intrinsic, IResolvable, Lazy, Reference, RemovalPolicy, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { ROLE_INLINE_POLICY_LIMIT, roleInlinePolicySize, SizedValues, worstCaseLength } from './policy-size';
import type { PackageCatalogProviderProps } from '../package-catalog-provider';

/** Where `npx projen bundle:handler` writes the handler; shipped in the npm package. */
export const HANDLER_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'package-version-handler');

/** Stable id of the one provider per stack. Permanent once released. */
export const PROVIDER_ID = 'cdk-iot-package-catalog.PackageVersionProvider';

/** The logical id of the provider's framework function, which every custom resource's ServiceToken names. */
export const FRAMEWORK_FUNCTION_LOGICAL_ID = 'IotPackageCatalogProvider';

/** The logical ids of the package groups' policies: this and the group's number. */
export const PACKAGE_GROUP_LOGICAL_ID_PREFIX = 'IotPackageCatalogPackages';

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

/**
 * What the handler may do with a package's versions. IoT authorizes these
 * on both the package ARN and the version ARN (the Service Authorization
 * Reference lists both resource types as required), so both are granted.
 */
const VERSION_ACTIONS = [
  'iot:CreatePackageVersion',
  'iot:UpdatePackageVersion',
  'iot:DeletePackageVersion',
  'iot:GetPackageVersion',
];

/**
 * What the handler may do with versions only (on `package/NAME/version/*`):
 * tag them (CreatePackageVersion with tags needs TagResource too), and
 * associate, replace or remove an SBOM and read its validation (these three
 * are authorized on the packageversion resource type only).
 */
const VERSION_ONLY_ACTIONS = [
  'iot:TagResource',
  'iot:UntagResource',
  'iot:AssociateSbomWithPackageVersion',
  'iot:DisassociateSbomFromPackageVersion',
  'iot:ListSbomValidationResults',
];

/**
 * What the handler may do on a package whose versions it manages, besides
 * VERSION_ACTIONS: read it, to say why IoT refuses to delete a version that
 * is the package's default.
 */
const PACKAGE_OF_VERSIONS_ACTIONS = ['iot:GetPackage'];

/**
 * How many managed policies hold the package grants. Each package belongs to
 * one of them for good (by a hash of its identity), so adding or removing a
 * package changes only its own group's policy. A changed policy is replaced,
 * and its old copy exists until the clean-up phase: with 4 groups, even a
 * deployment that changes all of them needs 8 managed policies on the role,
 * plus AWSLambdaVPCAccessExecutionRole in a VPC: 9 of IAM's default 10.
 */
export const PACKAGE_GROUPS = 4;

/** IAM's limit on a managed policy's document (characters, whitespace excluded). */
export const MANAGED_POLICY_LIMIT = 6_144;

/** IAM's default quota of managed policies attached to a role. */
const MANAGED_POLICIES_PER_ROLE = 10;

/** IAM's limit on a managed policy's description. */
const DESCRIPTION_LIMIT = 1_000;

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
 * Permissions for packages are added per package with
 * `policyForPackage`, and permissions to read artifacts and SBOMs per bucket
 * with `policyForBucket`, each in its own IAM policy that the versions
 * concerned depend on, so the permission exists when a version is created
 * and still exists when it is deleted, or rolled back, in CloudFormation's
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

  /** The packages the handler may act on, by identity (see packageIdentity). */
  private readonly packages = new Map<string, PackageGrant>();

  /** The managed policy of each package group in use. */
  private readonly groupPolicies = new Map<string, iam.CfnManagedPolicy>();

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
   * (unless `access.versions` is false), and with `access.packageActions`
   * (such as `iot:UpdatePackage`) on the package itself. Resources that use
   * these permissions must depend on the policy.
   *
   * The policy is the managed policy of the package's group (see
   * PACKAGE_GROUPS), which also grants the other packages of the group. Its
   * description names a hash of its document and every package name that is
   * not a literal, so that any change to the group, a package renamed
   * through a reference included, replaces the policy: the old copy keeps
   * granting the removed versions' deletes until CloudFormation deletes it
   * in the clean-up phase, after them.
   *
   * @param packageName the package's name (a literal or a token)
   */
  public policyForPackage(packageName: string, access: { packageActions?: string[]; versions?: boolean } = {}): IDependable {
    const { key, resolvesNow } = packageIdentity(this, packageName);
    let grant = this.packages.get(key);
    if (!grant) {
      grant = { packageName, group: groupFor(packageName, key), versions: false, packageActions: new Set(), resolvesNow };
      this.packages.set(key, grant);
    }
    for (const action of access.packageActions ?? []) {
      grant.packageActions.add(action);
    }
    if (access.versions ?? true) {
      if (!grant.versions) {
        grant.versions = true;
        this.acknowledgeVersionsWildcard(grant);
      }
    }
    return this.groupPolicy(grant.group);
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

  private packageArn(packageName: string): string {
    return Stack.of(this).formatArn({
      service: 'iot',
      resource: 'package',
      resourceName: packageName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The managed policy of a package group, created on first use. */
  private groupPolicy(group: string): iam.CfnManagedPolicy {
    let policy = this.groupPolicies.get(group);
    if (!policy) {
      policy = new iam.CfnManagedPolicy(this, `PackageGroup${group}`, {
        policyDocument: Lazy.any({ produce: () => this.groupDocument(group) }),
        description: Lazy.string({ produce: () => this.groupDescription(group) }),
        roles: [this.handlerRole.roleName],
      });
      // Every version names its group's policy in DependsOn: a short logical
      // id keeps each of them small. Permanent once released.
      policy.overrideLogicalId(`${PACKAGE_GROUP_LOGICAL_ID_PREFIX}${group}`);
      this.groupPolicies.set(group, policy);
    }
    return policy;
  }

  private groupMembers(group: string): PackageGrant[] {
    return [...this.packages.values()].filter((p) => p.group === group);
  }

  /**
   * One statement on the versions of the group's packages (`package/NAME/version/*`),
   * and one on the package ARNs per set of actions the packages need: each
   * ARN is listed once, and no action is granted where it is not used.
   */
  private groupDocument(group: string): iam.PolicyDocument {
    const members = this.groupMembers(group);
    const statements: iam.PolicyStatement[] = [];
    const versioned = members.filter((p) => p.versions);
    if (versioned.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: [...VERSION_ACTIONS, ...VERSION_ONLY_ACTIONS],
        resources: versioned.map((p) => `${this.packageArn(p.packageName)}/version/*`),
      }));
    }
    const byActions = new Map<string, string[]>();
    for (const p of members) {
      const actions = [...new Set([...(p.versions ? [...VERSION_ACTIONS, ...PACKAGE_OF_VERSIONS_ACTIONS] : []), ...p.packageActions])];
      const setKey = JSON.stringify(actions.sort());
      byActions.set(setKey, [...byActions.get(setKey) ?? [], this.packageArn(p.packageName)]);
    }
    for (const [setKey, resources] of [...byActions].sort(([a], [b]) => a.localeCompare(b))) {
      statements.push(new iam.PolicyStatement({ actions: JSON.parse(setKey), resources }));
    }
    return new iam.PolicyDocument({ statements });
  }

  /**
   * The group policy's description: a hash of its document as the template
   * holds it, and the package names that are not literals. CloudFormation
   * replaces a managed policy whose description changes.
   */
  private groupDescription(group: string): string {
    const members = this.groupMembers(group);
    const document = JSON.stringify(Stack.of(this).resolve(this.groupDocument(group)));
    const revision = createHash('sha256').update(document).digest('hex').slice(0, 16);
    const text = `cdk-iot-package-catalog: what the handler may do with ${members.length} package(s), revision ${revision}`;
    const tokens = members.map((p) => p.packageName).filter((n) => Token.isUnresolved(n));
    return tokens.length === 0 ? text : Fn.join('', [`${text}; names: `, Fn.join(' ', tokens)]);
  }

  /**
   * Acknowledges the cdk-nag finding for `package/NAME/version/*`. The
   * finding names the ARN as the template will hold it: a Lazy name must not
   * be resolved before synthesis (it would be frozen), and a reference to
   * another stack becomes an import only then; in those cases the
   * acknowledgement is added once the app is prepared.
   */
  private acknowledgeVersionsWildcard(grant: PackageGrant): void {
    const policy = this.groupPolicy(grant.group);
    const versionsArn = `${this.packageArn(grant.packageName)}/version/*`;
    const acknowledge = () => acknowledgeWildcard(policy, nagToken(this, versionsArn),
      'Scoped to the versions of one package (package/NAME/version/*), so that a version\'s delete keeps its permission ' +
      'in CloudFormation\'s clean-up phase and the policies stay within IAM\'s size limits however many versions the stack holds.');
    if (grant.resolvesNow) {
      acknowledge();
    } else {
      policy.node.addValidation({ validate: () => (acknowledge(), []) });
    }
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
   * worst: every statement the role has (its own default policy, the package
   * and bucket policies, and whatever else is attached to it), with what is
   * not known until deployment at its longest. Once the app is prepared.
   */
  public inlinePolicySize(): number {
    return roleInlinePolicySize(this.handlerRole, this.sizedValues());
  }

  /**
   * The size IAM would count for each package group's managed policy, at
   * worst (as `inlinePolicySize`), and the length of its description.
   */
  public groupPolicySizes(): Array<{ group: string; packages: number; size: number; descriptionLength: number }> {
    const lengthOf = worstCaseLength(this, this.sizedValues());
    return [...this.groupPolicies.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, policy]) => ({
      group,
      packages: this.groupMembers(group).length,
      size: lengthOf(policy.policyDocument),
      descriptionLength: lengthOf(policy.description),
    }));
  }

  private sizedValues(): SizedValues {
    const buckets = [...this.bucketPolicies.values()];
    return {
      packageNames: [...this.packages.values()].map((p) => p.packageName),
      bucketNames: buckets.map((b) => b.bucketName),
      keyArns: buckets.flatMap((b) => [...b.keys.values()]),
    };
  }

  private validatePolicySize(): string[] {
    const errors: string[] = [];
    const total = this.inlinePolicySize();
    if (total > ROLE_INLINE_POLICY_LIMIT) {
      errors.push(
        `The PackageVersions of this stack use ${this.bucketPolicies.size} different S3 buckets for artifacts and SBOMs. ` +
        'Each bucket needs its own IAM policy on the shared handler role, and with the role\'s other statements its inline ' +
        `policies would take up to ${total} characters, over IAM's limit of ${ROLE_INLINE_POLICY_LIMIT} for one role's inline ` +
        'policies, so the deployment would fail. Keep artifacts and SBOMs in fewer buckets, or put some versions in another ' +
        'stack (each stack has its own handler role). The number of versions per bucket does not matter.');
    }
    // A replaced policy's old copy stays attached until the clean-up phase:
    // a deployment that changes every group's policy needs twice as many.
    const managed = 2 * this.groupPolicies.size + this.awsManagedPolicies;
    if (managed > MANAGED_POLICIES_PER_ROLE) {
      errors.push(
        `The handler role would need up to ${managed} managed policies while a deployment replaces the policies of the ` +
        `${this.groupPolicies.size} package groups (each with its old copy until the clean-up phase)` +
        (this.awsManagedPolicies > 0 ? ', and AWSLambdaVPCAccessExecutionRole' : '') +
        `, over IAM's default of ${MANAGED_POLICIES_PER_ROLE} per role. Each package name that is a token other than a ` +
        'reference (a Lazy, a concatenation, a name cut from an ARN) gets a policy of its own: name packages with literals, ' +
        'with `package: softwarePackage`, or with `cfnSoftwarePackage.ref`.');
    }
    for (const { group, packages, size, descriptionLength } of this.groupPolicySizes()) {
      if (size > MANAGED_POLICY_LIMIT || descriptionLength > DESCRIPTION_LIMIT) {
        const over = size > MANAGED_POLICY_LIMIT
          ? `its policy would take up to ${size} characters, over IAM's limit of ${MANAGED_POLICY_LIMIT} for a managed policy`
          : `the description that names its packages that are not literals would take up to ${descriptionLength} characters, ` +
            `over IAM's limit of ${DESCRIPTION_LIMIT}`;
        errors.push(
          `The constructs of this stack use ${this.packages.size} different packages. Their IAM permissions are in ` +
          `${PACKAGE_GROUPS} managed policies on the shared handler role, each package in one of them; group '${group}' has ` +
          `${packages} packages, and ${over}, so the deployment would fail. Put some packages' versions in another stack ` +
          '(each stack has its own handler role), or give packages shorter or literal names (a name that is a token counts ' +
          'at IoT\'s longest, 128 characters). The number of versions per package does not matter.');
      }
    }
    return errors;
  }
}

/** A package the handler may act on, and how. */
interface PackageGrant {
  readonly packageName: string;
  /** Its package group (see groupFor). */
  readonly group: string;
  /** Whether the handler manages its versions. */
  versions: boolean;
  /** Actions on the package ARN, besides those its versions need. */
  readonly packageActions: Set<string>;
  /** Whether the name already resolves as the template will hold it. */
  readonly resolvesNow: boolean;
}

/**
 * The package group of a package: one of PACKAGE_GROUPS ('0' to '3') by a
 * hash of its identity, so that a package never moves to another group.
 *
 * A name that is a token but not a sole reference (a Lazy, a concatenation,
 * `Fn.select` of an ARN) has no stable identity (its token string depends on
 * how many tokens were made before it), and it may refer to a resource of the
 * stack that depends on a group's policy, such as a `SoftwarePackage` whose
 * ARN it is cut from: in that group, the policy would refer to the resource
 * that depends on it, a circular dependency. Such a name gets a policy of its
 * own ('T' and a hash), which no other resource depends on.
 */
function groupFor(packageName: string, identity: string): string {
  const hash = createHash('sha256').update(identity).digest();
  if (Token.isUnresolved(packageName) && !soleReference(packageName)) {
    return `T${hash.toString('hex').slice(0, 12)}`;
  }
  return String(hash.readUInt32BE(0) % PACKAGE_GROUPS);
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

/**
 * What identifies a package name for its grant (and its package group), and
 * whether the name already resolves as the template will hold it (a literal,
 * or a reference within `scope`'s stack; not a Lazy, nor a reference that
 * will become an import from another stack).
 *
 * - A literal name is its own identity.
 * - A reference to another resource (e.g. `cfnSoftwarePackage.ref`) is
 *   identified by the referenced construct's path and attribute, which is
 *   unique in the app even when packages in different stacks share an id,
 *   and stays the same when the package is renamed.
 * - Any other token (a Lazy, a concatenation) is identified by its token
 *   string. That is unique, but it may change when tokens are created in
 *   another order, and with it the package's group; both groups' policies
 *   are then replaced, which is safe.
 */
function packageIdentity(scope: Construct, packageName: string): { key: string; resolvesNow: boolean } {
  return literalOrReferenceIdentity(scope, packageName) ?? { key: packageName, resolvesNow: false };
}

/**
 * The identity of a literal (itself) or of a sole reference (the referenced
 * construct's path and attribute; it resolves now only within `scope`'s
 * stack); undefined for any other token.
 */
function literalOrReferenceIdentity(scope: Construct, value: string): { key: string; resolvesNow: boolean } | undefined {
  if (!Token.isUnresolved(value)) {
    return { key: value, resolvesNow: true };
  }
  const reference = soleReference(value);
  return reference ? { key: referenceKey(reference), resolvesNow: Stack.of(reference.target) === Stack.of(scope) } : undefined;
}

/**
 * What identifies a value (a bucket name, a key ARN) for deduplication, and
 * whether it already resolves as the template will hold it. As for package
 * names, and in addition: a value that is one intrinsic function with no
 * token inside (such as the `Fn::Sub` of the bootstrap bucket's name, which
 * every asset of an environment-agnostic stack gets as a separate token) is
 * identified by its JSON, so equal functions are one value.
 */
function valueIdentity(scope: Construct, value: string): { key: string; resolvesNow: boolean } {
  const known = literalOrReferenceIdentity(scope, value);
  if (known) {
    return known;
  }
  const intrinsic = literalIntrinsic(value);
  return intrinsic !== undefined ? { key: intrinsic, resolvesNow: true } : { key: value, resolvesNow: false };
}

/** A part of a construct id for a value's identity: the value itself if it is a usable id, else a hash. */
function constructIdPart(key: string): string {
  return /^[a-z0-9.-]{1,63}$/.test(key) ? key : createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The JSON of the intrinsic function that an unresolved string consists of,
 * if the function holds no token (no reference, no Lazy); otherwise
 * undefined. Resolving such a function has no side effect (a Lazy would
 * cache its value when resolved early).
 */
function literalIntrinsic(value: string): string | undefined {
  const fragments = Tokenization.reverseString(value);
  const token = fragments.length === 1 ? fragments.firstToken : undefined;
  if (!(token instanceof Intrinsic) || Reference.isReference(token)) {
    return undefined;
  }
  let raw: unknown;
  try {
    // Intrinsic.resolve returns the function as given, without resolving inside it.
    raw = token.resolve(undefined as unknown as Parameters<IResolvable['resolve']>[0]);
  } catch {
    return undefined;
  }
  return containsToken(raw) ? undefined : JSON.stringify(raw);
}

function containsToken(value: unknown): boolean {
  if (typeof value === 'string') {
    return Token.isUnresolved(value);
  }
  if (Array.isArray(value)) {
    return value.some(containsToken);
  }
  if (value && typeof value === 'object') {
    return Tokenization.isResolvable(value) || Object.entries(value).some(([k, v]) => Token.isUnresolved(k) || containsToken(v));
  }
  return false;
}

/**
 * The reference that an unresolved string consists of, and nothing else
 * (e.g. `cfnSoftwarePackage.ref`), or undefined.
 */
export function soleReference(value: string): Reference | undefined {
  const fragments = Tokenization.reverseString(value);
  const token = fragments.length === 1 ? fragments.firstToken : undefined;
  return token !== undefined && Reference.isReference(token) ? token : undefined;
}

/**
 * Identifies a reference by the referenced construct's path and attribute,
 * which is unique in the app even when resources in different stacks share
 * an id.
 */
export function referenceKey(reference: Reference): string {
  return `${reference.target.node.path}#${reference.displayName}`;
}

/**
 * Acknowledges one AwsSolutions-IAM5 finding (a wildcard resource) on a
 * construct, in the metadata format `Validations.of().acknowledge()` writes
 * and cdk-nag v3 reads. The metadata is written directly because
 * `acknowledge()` rejects ids with more than one '::', and finding ids for
 * partition-aware ARNs contain '<AWS::Partition>'.
 */
export function acknowledgeWildcard(scope: Construct, resource: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`AwsSolutions-IAM5[Resource::${resource}]`]: reason });
}

/**
 * Renders a value the way cdk-nag names it in finding ids: references as
 * `<LogicalId>` or `<LogicalId.Attribute>`, pseudo parameters as
 * `<AWS::Name>`, imports as the export's name.
 */
export function nagToken(scope: Construct, value: string): string {
  // As cdk-nag's flattenCfnReference does.
  const render = (v: unknown): string => {
    if (typeof v === 'string') {
      return v.replace(/\$\{/g, '<').replace(/\}/g, '>');
    }
    const obj = v as Record<string, unknown>;
    if (obj && 'Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (obj && 'Fn::Sub' in obj) {
      return render(obj['Fn::Sub']);
    }
    if (obj && 'Fn::GetAtt' in obj) {
      const [logicalId, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${render(logicalId)}.${render(attribute)}>`;
    }
    if (obj && 'Fn::ImportValue' in obj) {
      return render(obj['Fn::ImportValue']);
    }
    if (obj && 'Ref' in obj) {
      return `<${render(obj.Ref)}>`;
    }
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
}
