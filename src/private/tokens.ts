/**
 * What identifies a value that may be a token (a package name, a bucket
 * name, a key ARN) across the constructs of an app, and what can be told
 * about it before deployment. Shared by the provider, its package groups,
 * the policy size guard and the duplicate-version check.
 */
import { createHash } from 'crypto';
import { Intrinsic, IResolvable, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';

/**
 * The identity of a literal (itself) or of a sole reference (the referenced
 * construct's path and attribute; it resolves now only within `scope`'s
 * stack); undefined for any other token.
 */
export function literalOrReferenceIdentity(scope: Construct, value: string): { key: string; resolvesNow: boolean } | undefined {
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
export function valueIdentity(scope: Construct, value: string): { key: string; resolvesNow: boolean } {
  const known = literalOrReferenceIdentity(scope, value);
  if (known) {
    return known;
  }
  const intrinsic = literalIntrinsic(value);
  return intrinsic !== undefined ? { key: intrinsic, resolvesNow: true } : { key: value, resolvesNow: false };
}

/** A part of a construct id for a value's identity: the value itself if it is a usable id, else a hash. */
export function constructIdPart(key: string): string {
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

/** The literal name (as the template has it) of the CfnSoftwarePackage of `stack` whose `Ref` the value is, if it is one. */
export function literalNameOfReferencedPackage(stack: Stack, value: string): string | undefined {
  const token = soleReference(value);
  if (!token || token.displayName !== 'Ref' || !(token.target instanceof iot.CfnSoftwarePackage)) {
    return undefined;
  }
  if (Stack.of(token.target) !== stack) {
    return undefined;
  }
  // As the template will have it: a `PackageName` set with addPropertyOverride wins over the prop.
  const name = renderedProperties(token.target)?.PackageName;
  return typeof name === 'string' ? name : undefined;
}

/** A resource's properties as its template renders them (overrides included), resolved; undefined if that cannot be told. */
function renderedProperties(resource: iot.CfnSoftwarePackage): Record<string, unknown> | undefined {
  // What Stack renders each resource with: internal to aws-cdk-lib, so checked (without it the name counts at its longest).
  const render = (resource as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  if (typeof render !== 'function') {
    return undefined;
  }
  const rendered = Stack.of(resource).resolve(render.call(resource)) as { Resources?: Record<string, { Properties?: Record<string, unknown> }> };
  return Object.values(rendered?.Resources ?? {})[0]?.Properties;
}
