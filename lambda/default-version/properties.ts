/**
 * The properties of a `Custom::IotPackageDefaultVersion`, read and validated
 * with the same rules as a version's names.
 */
import { validatePackageVersion } from '../../src/shared/validation';
import { MAX_VALIDATION_MESSAGE, truncate } from '../errors';
import { describeType, scalarString } from '../properties';

/** The default version a designation asks for. */
export interface Designation {
  readonly packageName: string;
  readonly versionName: string;
  /** The package the version belongs to, when the template names it separately (VersionPackageName). */
  readonly versionPackageName?: string;
}

/**
 * Reads and validates the properties of a Create or Update request.
 *
 * @throws Error naming every invalid property, before any AWS call is made
 */
export function readDesignation(raw: unknown): Designation {
  const props = asRecord(raw);
  const issues: string[] = [];
  const packageName = readName(props, 'PackageName', 'packageName', issues);
  const versionName = readName(props, 'VersionName', 'versionName', issues);
  const hasVersionPackage = own(props, 'VersionPackageName') !== undefined;
  const versionPackageName = hasVersionPackage ? readName(props, 'VersionPackageName', 'packageName', issues) : undefined;
  if (issues.length > 0) {
    throw new Error(truncate(`Package default version has ${issues.length === 1 ? 'an invalid property' : `${issues.length} invalid properties`}:\n` +
      issues.map((i) => `  - ${i}`).join('\n'), MAX_VALIDATION_MESSAGE));
  }
  return { packageName: packageName!, versionName: versionName!, ...(hasVersionPackage ? { versionPackageName } : {}) };
}

/**
 * The package and version the properties name, if both are valid names,
 * else undefined. Never throws: for Deletes, whose properties may come from
 * an older template.
 */
export function designationOf(raw: unknown): Designation | undefined {
  try {
    const { packageName, versionName } = readDesignation(raw);
    return { packageName, versionName };
  } catch {
    return undefined;
  }
}

function readName(props: Record<string, unknown>, property: string, field: 'packageName' | 'versionName', issues: string[]): string | undefined {
  const value = own(props, property);
  if (value === undefined || value === null || value === '') {
    issues.push(`${property}: is missing; ${property} is required`);
    return undefined;
  }
  const name = scalarString(value);
  if (name === undefined) {
    issues.push(`${property}: is ${describeType(value)}; ${property} must be a string`);
    return undefined;
  }
  const problems = validatePackageVersion({ [field]: name });
  issues.push(...problems.map((p) => `${property}: ${p.message}`));
  return problems.length === 0 ? name : undefined;
}

function asRecord(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw as Record<string, unknown> : {};
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
