import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { referenceKey, soleReference } from './tokens';

/**
 * Id of the warning for duplicates whose environments cannot be compared.
 * Acknowledge it with `Annotations.of(stack).acknowledgeWarning()` on the
 * version's stack or another ancestor: aws-cdk-lib does not match an
 * acknowledgement on the PackageVersion itself against its later warnings.
 */
export const DUPLICATE_VERSION_WARNING_ID = 'cdk-iot-package-catalog:duplicateVersion';

/** One PackageVersion, as far as duplicates are concerned. */
interface Declaration {
  readonly construct: Construct;
  /** How messages name the package. */
  readonly packageLabel: string;
  readonly versionName: string;
}

/**
 * The PackageVersions of each app (by the root of its construct tree),
 * grouped by package and version, in the order they were created.
 */
const registries = new WeakMap<IConstruct, Map<string, Declaration[]>>();

/**
 * Registers a PackageVersion so that, when the app synthesizes, a version
 * declared twice in one account and region fails with an error naming both
 * constructs, instead of failing the deployment with IoT's ConflictException.
 * When the stacks' accounts or regions are not known at synth
 * (environment-agnostic stacks), it is a warning.
 *
 * This is a validation, not a check in the constructor, because the other
 * declaration may be in a stack that is created later. Each declaration
 * reports the earlier ones, so a pair is reported once.
 *
 * Only names known at synth are compared. A package or version name that is
 * an unresolved token (a Lazy, a parameter, an import) cannot be, and is
 * skipped, with one exception: a package name that is exactly a reference to
 * another resource (e.g. `cfnSoftwarePackage.ref`) is the same package
 * wherever the same construct's attribute is referenced.
 */
export function registerForDuplicateCheck(version: Construct, packageName: string, versionName: string): void {
  const pkg = comparablePackage(packageName);
  if (pkg === undefined || Token.isUnresolved(versionName)) {
    return;
  }

  const root = version.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  const key = JSON.stringify([pkg.key, versionName]);
  let declarations = registry.get(key);
  if (!declarations) {
    declarations = [];
    registry.set(key, declarations);
  }
  const declaration: Declaration = { construct: version, packageLabel: pkg.label, versionName };
  const earlier = declarations.slice();
  declarations.push(declaration);

  if (earlier.length > 0) {
    version.node.addValidation({ validate: () => reportDuplicates(declaration, earlier) });
  }
}

/** The package's identity and how messages name it, or undefined if it cannot be compared. */
function comparablePackage(packageName: string): { key: string; label: string } | undefined {
  if (!Token.isUnresolved(packageName)) {
    return { key: packageName, label: `package '${packageName}'` };
  }
  const reference = soleReference(packageName);
  if (reference === undefined) {
    return undefined;
  }
  return {
    key: `reference:${referenceKey(reference)}`,
    label: `the package given by ${reference.displayName} of '${reference.target.node.path}'`,
  };
}

/** Errors for earlier declarations in the same account and region; a warning for those that cannot be told. */
function reportDuplicates(declaration: Declaration, earlier: Declaration[]): string[] {
  const stack = Stack.of(declaration.construct);
  const same: string[] = [];
  const unknown: string[] = [];
  for (const other of earlier) {
    const verdict = compareEnvironments(stack, Stack.of(other.construct));
    if (verdict === 'same') {
      same.push(other.construct.node.path);
    } else if (verdict === 'unknown') {
      unknown.push(other.construct.node.path);
    }
  }

  const what = `PackageVersion '${declaration.construct.node.path}' declares version '${declaration.versionName}' of ${declaration.packageLabel}`;
  const remedy = 'Give one of them another versionName, or remove one.';
  if (unknown.length > 0) {
    Annotations.of(declaration.construct).addWarningV2(DUPLICATE_VERSION_WARNING_ID,
      `${what}, as ${unknown.length === 1 ? 'does' : 'do'} ${listPaths(unknown)}. Their stacks are environment-agnostic ` +
      '(account or region unknown at synth), so whether they deploy to the same account and region cannot be told; ' +
      'if they do, the later deployment fails, as IoT holds each version of a package once per account and region. ' +
      `${remedy} If they deploy to different accounts or regions, give the stacks an env, or acknowledge this warning.`);
  }
  if (same.length === 0) {
    return [];
  }
  const known = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
  return [
    `${what}, which ${listPaths(same)} already ${same.length === 1 ? 'declares' : 'declare'}, in the same account and region` +
    `${known ? ` (${stack.account}, ${stack.region})` : ''}. IoT holds each version of a package once per account and region, ` +
    `so the deployment would fail with a ConflictException. ${remedy}`,
  ];
}

/**
 * Whether two stacks deploy to the same account and region: 'same' only
 * when that is certain, 'different' when a known account or region differs.
 */
function compareEnvironments(a: Stack, b: Stack): 'same' | 'different' | 'unknown' {
  // A stack and its nested stacks deploy together, whether or not their
  // account and region are known.
  if (deploymentStack(a) === deploymentStack(b)) {
    return 'same';
  }
  const pairs = [[a.account, b.account], [a.region, b.region]];
  const known = pairs.filter(([x, y]) => !Token.isUnresolved(x) && !Token.isUnresolved(y));
  if (known.some(([x, y]) => x !== y)) {
    return 'different';
  }
  return known.length === pairs.length ? 'same' : 'unknown';
}

/** The top-level stack that deploys `stack`: itself, or the parent of a nested stack. */
function deploymentStack(stack: Stack): Stack {
  let current = stack;
  while (current.nestedStackParent) {
    current = current.nestedStackParent;
  }
  return current;
}

/** 'a', 'a' and 'b', 'a', 'b' and 'c'. */
function listPaths(paths: string[]): string {
  const quoted = paths.map((p) => `'${p}'`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
