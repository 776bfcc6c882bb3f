/**
 * The handler's permissions on packages and their versions, in a few
 * managed policies (the package groups) on the handler role.
 *
 * The README's "IAM design" explains the layout; in short:
 * - each package belongs to one group for good, by a hash of its identity,
 *   so adding or removing a package changes only its own group's policy;
 * - each ARN is listed once, with only the actions the package's constructs
 *   use;
 * - any change to a group's policy replaces it (its description changes with
 *   it), so the old copy keeps granting what the removed versions' deletes
 *   need until CloudFormation deletes it in the clean-up phase, after them.
 */
import { createHash } from 'crypto';
import { ArnFormat, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { acknowledgeWildcard, nagToken } from './nag';
import { literalOrReferenceIdentity, soleReference } from './tokens';

/** The logical ids of the package groups' policies: this and the group's number. Permanent once released. */
export const PACKAGE_GROUP_LOGICAL_ID_PREFIX = 'IotPackageCatalogPackages';

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

/** IAM's limit on a managed policy's description. */
const DESCRIPTION_LIMIT = 1_000;

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

/** What a construct needs on one package. */
export interface PackageAccess {
  /** Actions on the package ARN itself, such as `iot:UpdatePackage`. */
  readonly packageActions?: string[];
  /**
   * Whether the handler manages the package's versions: creates, updates,
   * tags and deletes them (all of VERSION_ACTIONS and VERSION_ONLY_ACTIONS).
   * @default true
   */
  readonly versions?: boolean;
  /**
   * Single actions on the package's versions when it does not manage them,
   * such as `iot:GetPackageVersion`. Those of VERSION_ACTIONS are granted on
   * the package ARN too, as IoT authorizes them on both.
   */
  readonly versionActions?: string[];
}

/** A group's policy as IAM will count it: the number of packages, its size and its description's length, at worst. */
export interface PackageGroupSize {
  readonly group: string;
  readonly packages: number;
  readonly size: number;
  readonly descriptionLength: number;
}

/** A package the handler may act on, and how. */
interface PackageGrant {
  readonly packageName: string;
  /** What identifies it (see packageIdentity); it orders the group's ARNs. */
  readonly identity: string;
  /** Its package group (see groupFor). */
  readonly group: string;
  /** Actions on `package/NAME/version/*`. */
  readonly versionActions: Set<string>;
  /** Actions on the package ARN. */
  readonly packageActions: Set<string>;
  /** Whether the name already resolves as the template will hold it. */
  readonly resolvesNow: boolean;
}

/** The package groups of one provider: their grants and managed policies. */
export class PackageGroups {
  /** The packages the handler may act on, by identity (see packageIdentity). */
  private readonly packages = new Map<string, PackageGrant>();

  /** The managed policy of each package group in use. */
  private readonly policies = new Map<string, iam.CfnManagedPolicy>();

  /**
   * @param scope the provider: the policies are its children
   * @param role the handler role, which the policies are attached to
   */
  constructor(private readonly scope: Construct, private readonly role: iam.Role) {}

  /** The number of package groups' policies. */
  public get policyCount(): number {
    return this.policies.size;
  }

  /** The names of the packages granted, as given. */
  public get packageNames(): string[] {
    return [...this.packages.values()].map((p) => p.packageName);
  }

  /**
   * Grants `access` to one package in its group's policy, and returns that
   * policy, which the resources using the grant must depend on.
   */
  public grant(packageName: string, access: PackageAccess): IDependable {
    const { key, resolvesNow } = packageIdentity(this.scope, packageName);
    let grant = this.packages.get(key);
    if (!grant) {
      grant = { packageName, identity: key, group: groupFor(packageName, key), versionActions: new Set(), packageActions: new Set(), resolvesNow };
      this.packages.set(key, grant);
    }
    const allVersionActions = access.versions ?? true;
    const versionActions = allVersionActions
      ? [...VERSION_ACTIONS, ...VERSION_ONLY_ACTIONS, ...access.versionActions ?? []]
      : access.versionActions ?? [];
    const packageActions = [
      ...access.packageActions ?? [],
      ...versionActions.filter((a) => VERSION_ACTIONS.includes(a)),
      ...allVersionActions ? PACKAGE_OF_VERSIONS_ACTIONS : [],
    ];
    if (grant.versionActions.size === 0 && versionActions.length > 0) {
      this.acknowledgeVersionsWildcard(grant);
    }
    versionActions.forEach((a) => grant!.versionActions.add(a));
    packageActions.forEach((a) => grant!.packageActions.add(a));
    return this.policy(grant.group);
  }

  /** Each group's policy as IAM will count it, measured with `lengthOf` (see worstCaseLength), by group. */
  public sizes(lengthOf: (value: unknown) => number): PackageGroupSize[] {
    return [...this.policies.entries()].sort(([a], [b]) => compare(a, b)).map(([group, policy]) => ({
      group,
      packages: this.members(group).length,
      size: lengthOf(policy.policyDocument),
      descriptionLength: lengthOf(policy.description),
    }));
  }

  /** The groups whose policy or description would pass IAM's limits, as errors that say what to do. */
  public validate(lengthOf: (value: unknown) => number): string[] {
    const errors: string[] = [];
    for (const { group, packages, size, descriptionLength } of this.sizes(lengthOf)) {
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

  /** The managed policy of a package group, created on first use. */
  private policy(group: string): iam.CfnManagedPolicy {
    const existing = this.policies.get(group);
    if (existing) {
      return existing;
    }
    const policy: iam.CfnManagedPolicy = new iam.CfnManagedPolicy(this.scope, `PackageGroup${group}`, {
      policyDocument: Lazy.any({ produce: () => this.document(group) }),
      description: Lazy.string({ produce: (): string => this.description(group, policy) }),
      roles: [this.role.roleName],
    });
    // Every version names its group's policy in DependsOn: a short logical
    // id keeps each of them small. Permanent once released.
    policy.overrideLogicalId(`${PACKAGE_GROUP_LOGICAL_ID_PREFIX}${group}`);
    this.policies.set(group, policy);
    return policy;
  }

  /** The group's packages, in the order of their identities (not of the constructs' creation). */
  private members(group: string): PackageGrant[] {
    return [...this.packages.values()].filter((p) => p.group === group).sort((a, b) => compare(a.identity, b.identity));
  }

  /**
   * One statement per set of actions on versions (`package/NAME/version/*`),
   * and one per set of actions on package ARNs: each ARN is listed once, and
   * no action is granted where it is not used.
   */
  private document(group: string): iam.PolicyDocument {
    const members = this.members(group);
    const versions = byActionSet(members.filter((p) => p.versionActions.size > 0), (p) => p.versionActions, (p) => `${this.packageArn(p.packageName)}/version/*`);
    const packages = byActionSet(members.filter((p) => p.packageActions.size > 0), (p) => p.packageActions, (p) => this.packageArn(p.packageName));
    return new iam.PolicyDocument({
      statements: [...versions, ...packages].map(({ actions, resources }) => new iam.PolicyStatement({ actions, resources })),
    });
  }

  /**
   * The group policy's description, which changes whenever what the policy
   * grants may change, so that CloudFormation replaces the policy (a managed
   * policy's description cannot be updated): a hash of the policy's document
   * as this stack resolves it, followed by every package name that is a
   * token, as itself, for CloudFormation to resolve at deployment. The
   * document holds such a name as a `Ref` or an import, which stays the same
   * when the package behind it is renamed (whether by its props or by an
   * override); its value in the description does not.
   */
  private description(group: string, policy: iam.CfnManagedPolicy): string {
    const members = this.members(group);
    const document = JSON.stringify(Stack.of(this.scope).resolve(policy.policyDocument));
    const revision = createHash('sha256').update(document).digest('hex').slice(0, 16);
    const text = `cdk-iot-package-catalog: what the handler may do with ${members.length} package(s), revision ${revision}`;
    const tokens = members.map((p) => p.packageName).filter((n) => Token.isUnresolved(n));
    return tokens.length === 0 ? text : Fn.join('', [`${text}; names: `, Fn.join(' ', tokens)]);
  }

  private packageArn(packageName: string): string {
    return Stack.of(this.scope).formatArn({
      service: 'iot',
      resource: 'package',
      resourceName: packageName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * Acknowledges the cdk-nag finding for `package/NAME/version/*`. The
   * finding names the ARN as the template will hold it: a Lazy name must not
   * be resolved before synthesis (it would be frozen), and a reference to
   * another stack becomes an import only then; in those cases the
   * acknowledgement is added once the app is prepared.
   */
  private acknowledgeVersionsWildcard(grant: PackageGrant): void {
    const policy = this.policy(grant.group);
    const versionsArn = `${this.packageArn(grant.packageName)}/version/*`;
    const acknowledge = () => acknowledgeWildcard(policy, nagToken(this.scope, versionsArn),
      'Scoped to the versions of one package (package/NAME/version/*), so that a version\'s delete keeps its permission ' +
      'in CloudFormation\'s clean-up phase and the policies stay within IAM\'s size limits however many versions the stack holds.');
    if (grant.resolvesNow) {
      acknowledge();
    } else {
      policy.node.addValidation({ validate: () => (acknowledge(), []) });
    }
  }
}

/** Statements' actions and resources: one per distinct set of actions, in a fixed order. */
function byActionSet(
  grants: PackageGrant[], actionsOf: (p: PackageGrant) => Set<string>, arnOf: (p: PackageGrant) => string,
): Array<{ actions: string[]; resources: string[] }> {
  const sets = new Map<string, string[]>();
  for (const p of grants) {
    const key = JSON.stringify([...actionsOf(p)].sort(compare));
    sets.set(key, [...sets.get(key) ?? [], arnOf(p)]);
  }
  return [...sets].sort(([a], [b]) => compare(a, b)).map(([key, resources]) => ({ actions: JSON.parse(key), resources }));
}

/** Code-unit order, the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
 *   another order; such a name has a policy of its own (see groupFor), which
 *   is then replaced, which is safe.
 */
function packageIdentity(scope: Construct, packageName: string): { key: string; resolvesNow: boolean } {
  return literalOrReferenceIdentity(scope, packageName) ?? { key: packageName, resolvesNow: false };
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
