import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { literalNameOfReferencedPackage } from './tokens';

/** IAM's limit on the combined size of a role's inline policies (characters, whitespace excluded). */
export const ROLE_INLINE_POLICY_LIMIT = 10_240;

/** IoT's limit on a package name. */
const PACKAGE_NAME_MAX = 128;

/** S3's limit on a bucket name. */
const BUCKET_NAME_MAX = 63;

/**
 * The longest values AWS gives the pseudo parameters. No partition is longer
 * than aws-us-gov (10 characters; S3 and IAM ARNs have no region), and no
 * region longer than us-isof-south-1 (15). In one regional ARN the two never
 * take more than 24 (aws-iso-f with us-isof-south-1); this counts them as 25,
 * one character too many for each, which is on the safe side.
 */
const PARTITION = 'aws-us-gov';
const REGION = 'us-isof-south-1';
const ACCOUNT = '123456789012';
const STACK_NAME = 'x'.repeat(128);
const PSEUDO: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/${'x'.repeat(36)}`,
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

const arnPrefix = (service: string) => `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}`;

/** `Ref` of a resource, by type, at its longest. */
const REF: Record<string, string> = {
  'AWS::IoT::SoftwarePackage': 'x'.repeat(PACKAGE_NAME_MAX),
  'AWS::Logs::LogGroup': 'x'.repeat(512),
  'AWS::Lambda::Function': 'x'.repeat(64),
  'AWS::IAM::Role': 'x'.repeat(64),
  'AWS::S3::Bucket': 'x'.repeat(63),
  'AWS::KMS::Key': 'x'.repeat(36),
};

/** `Fn::GetAtt` of a resource, by type and attribute, at its longest. */
const GET_ATT: Record<string, string> = {
  'AWS::Logs::LogGroup.Arn': `${arnPrefix('logs')}:log-group:${'x'.repeat(512)}:*`,
  'AWS::Lambda::Function.Arn': `${arnPrefix('lambda')}:function:${'x'.repeat(64)}`,
  'AWS::IAM::Role.Arn': `arn:${PARTITION}:iam::${ACCOUNT}:role/${'x'.repeat(512)}${'x'.repeat(64)}`,
  'AWS::S3::Bucket.Arn': `arn:${PARTITION}:s3:::${'x'.repeat(63)}`,
  'AWS::KMS::Key.Arn': `${arnPrefix('kms')}:key/${'x'.repeat(36)}`,
  'AWS::IoT::SoftwarePackage.PackageArn': `${arnPrefix('iot')}:package/${'x'.repeat(PACKAGE_NAME_MAX)}`,
  // Targets of a PackageDeployment (thing and thing-group names have at most 128 characters).
  'AWS::IoT::Thing.Arn': `${arnPrefix('iot')}:thing/${'x'.repeat(128)}`,
  'AWS::IoT::ThingGroup.Arn': `${arnPrefix('iot')}:thinggroup/${'x'.repeat(128)}`,
};

/** Anything else that does not resolve: as long as an ARN in a policy can be. */
const UNKNOWN = 'x'.repeat(2048);

/** The longest ARN of a KMS key (key ids, multi-Region ones included, have 36 characters). */
const KEY_ARN_MAX = GET_ATT['AWS::KMS::Key.Arn'].length;

/** Values of the role's policies whose unresolved parts have a known longest length. */
export interface SizedValues {
  /** Package names: each token in one is at most IoT's 128 characters. */
  readonly packageNames?: string[];
  /** Bucket names: each token in one is at most S3's 63 characters. */
  readonly bucketNames?: string[];
  /** KMS key ARNs: each token in one is at most a key ARN's length. */
  readonly keyArns?: string[];
}

/**
 * The size IAM counts for a role's inline policies, at worst: every
 * AWS::IAM::Policy of the role's stack that is attached to the role, and the
 * role's own inline policies, each resolved as the template will hold it
 * and measured with `length`, a `worstCaseLength` of the role's stack.
 *
 * Call it once the app is prepared (from a validation): references to other
 * stacks become imports only then.
 */
export function roleInlinePolicySize(role: iam.Role, length: (value: unknown) => number): number {
  const stack = Stack.of(role);
  const roleRef = JSON.stringify(stack.resolve(role.roleName));
  const documents: unknown[] = [];
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  for (const inline of [stack.resolve(cfnRole.policies) ?? []].flat()) {
    documents.push(inline?.policyDocument ?? inline?.PolicyDocument);
  }
  for (const c of stack.node.findAll()) {
    if (c instanceof iam.CfnPolicy && [stack.resolve(c.roles) ?? []].flat().some((r: unknown) => JSON.stringify(r) === roleRef)) {
      documents.push(stack.resolve(c.policyDocument));
    }
  }
  return documents
    // iam.Policy synthesizes no resource for an empty document.
    .filter((d) => [(d as { Statement?: unknown })?.Statement ?? []].flat().length > 0)
    .reduce((sum: number, d) => sum + length(d), 0);
}

/**
 * A measure of the longest a value of `scope`'s stack can be once deployed:
 * a policy document as JSON without whitespace, a string as its characters.
 * What does not resolve yet is measured at its longest: pseudo parameters as
 * AWS's longest values, references to and attributes of resources by their
 * type (a log group's ARN with a 512-character name), each token in the
 * package names given in `sized` at IoT's limit of 128 characters, in the
 * bucket names at S3's limit of 63 and in the KMS key ARNs at a key ARN's
 * longest, and anything else at 2048 characters.
 *
 * Make one for all the values to measure (it reads the whole stack), once
 * the app is prepared.
 */
export function worstCaseLength(scope: Construct, sized: SizedValues): (value: unknown) => number {
  const stack = Stack.of(scope);
  const render = worstCaseRenderer(stack, sized);
  return (value) => {
    const rendered = render(stack.resolve(value));
    return typeof rendered === 'string' ? rendered.length : JSON.stringify(rendered).length;
  };
}

/** Renders resolved values of `stack` with every intrinsic replaced by its longest string (see worstCaseLength). */
function worstCaseRenderer(stack: Stack, sized: SizedValues): (value: unknown) => unknown {
  const known = new Map<string, string>();
  const addKnown = (values: string[] | undefined, max: number) => {
    for (const value of (values ?? []).filter((n) => Token.isUnresolved(n))) {
      // Each token in a value is a part of it, so no longer than it.
      const resolved = stack.resolve(value);
      const parts = isJoin(resolved) ? resolved['Fn::Join'][1] : [resolved];
      for (const part of parts.filter((p: unknown) => typeof p !== 'string')) {
        const key = JSON.stringify(part);
        // Pseudo parameters already count at AWS's longest values.
        if (PSEUDO[(part as { Ref?: string }).Ref ?? ''] !== undefined) {
          continue;
        }
        // A token used in two kinds of value counts at the longer length.
        known.set(key, 'x'.repeat(Math.max(max, known.get(key)?.length ?? 0)));
      }
    }
  };
  // A package named by `Ref` of a CfnSoftwarePackage with a literal name
  // has that name's length: the template holds it.
  for (const name of sized.packageNames ?? []) {
    const literal = literalNameOfReferencedPackage(stack, name);
    if (literal !== undefined) {
      known.set(JSON.stringify(stack.resolve(name)), 'x'.repeat(literal.length));
    }
  }
  addKnown((sized.packageNames ?? []).filter((n) => !known.has(JSON.stringify(stack.resolve(n)))), PACKAGE_NAME_MAX);
  addKnown(sized.bucketNames, BUCKET_NAME_MAX);
  addKnown(sized.keyArns, KEY_ARN_MAX);
  const types = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      types.set(stack.resolve((c as CfnElement).logicalId), c.cfnResourceType);
    }
  }
  return (value: unknown) => renderWorstCase(value, known, types);
}


function isJoin(value: unknown): value is { 'Fn::Join': [string, unknown[]] } {
  return !!value && typeof value === 'object' && 'Fn::Join' in value;
}

/** A resolved CloudFormation value with every intrinsic replaced by its longest string. */
function renderWorstCase(value: unknown, known: Map<string, string>, types: Map<string, string>): unknown {
  const render = (v: unknown) => renderWorstCase(v, known, types);
  if (Array.isArray(value)) {
    return value.map(render);
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const key = JSON.stringify(value);
  if (known.has(key)) {
    return known.get(key);
  }
  const obj = value as Record<string, unknown>;
  const intrinsic = Object.keys(obj).length === 1 ? Object.keys(obj)[0] : undefined;
  if (intrinsic === 'Fn::Join') {
    const [separator, parts] = obj[intrinsic] as [string, unknown[]];
    return parts.map((p) => String(render(p))).join(separator);
  }
  if (intrinsic === 'Ref') {
    const ref = obj.Ref as string;
    return PSEUDO[ref] ?? REF[types.get(ref) ?? ''] ?? UNKNOWN;
  }
  if (intrinsic === 'Fn::GetAtt') {
    const [logicalId, attribute] = obj[intrinsic] as [string, string];
    return GET_ATT[`${types.get(logicalId)}.${attribute}`] ?? UNKNOWN;
  }
  if (intrinsic === 'Fn::Sub' && typeof obj[intrinsic] === 'string') {
    return (obj[intrinsic] as string).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const [logicalId, attribute] = name.split('.');
      return PSEUDO[name] ?? (attribute ? GET_ATT[`${types.get(logicalId)}.${attribute}`] : REF[types.get(logicalId) ?? '']) ?? UNKNOWN;
    });
  }
  if (intrinsic?.startsWith('Fn::')) {
    return UNKNOWN;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, render(v)]));
}
