/**
 * Turns the custom resource's properties, as CloudFormation delivers them,
 * into the desired state of a package version, and validates it with the
 * same rules the construct applies at synth time.
 */
import { MAX_VALIDATION_MESSAGE, truncate } from './errors';
import { PackageVersionResourceProperties, TagEntry } from '../src/shared/contract';
import { formatIssues, validatePackageVersion, ValidationIssue } from '../src/shared/validation';

/** The desired state of a package version. */
export interface DesiredVersion {
  readonly packageName: string;
  readonly versionName: string;
  readonly description?: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
}

/**
 * Reads and validates the properties of a Create or Update request.
 *
 * @throws Error naming every invalid property, before any IoT call is made
 */
export function readDesiredVersion(raw: unknown): DesiredVersion {
  const desired = readLenient(raw);
  const missing: ValidationIssue[] = [];
  if (!desired.packageName) {
    missing.push({ field: 'packageName', message: 'is missing; PackageName is required' });
  }
  if (!desired.versionName) {
    missing.push({ field: 'versionName', message: 'is missing; VersionName is required' });
  }
  // A missing name is reported once, not again as "0 characters".
  const issues = [...missing, ...validatePackageVersion({
    ...desired,
    packageName: desired.packageName || undefined,
    versionName: desired.versionName || undefined,
  })];
  if (issues.length > 0) {
    throw new Error(truncate(formatIssues(`Package version '${desired.packageName}/${desired.versionName}'`, issues), MAX_VALIDATION_MESSAGE));
  }
  return desired;
}

/**
 * Reads properties without validating them: for `OldResourceProperties`,
 * which may have been written by an older release of this library.
 */
export function readLenient(raw: unknown): DesiredVersion {
  const props = (raw ?? {}) as Partial<PackageVersionResourceProperties>;
  return {
    packageName: asString(props.PackageName) ?? '',
    versionName: asString(props.VersionName) ?? '',
    description: asString(props.Description),
    attributes: asStringMap(props.Attributes),
    tags: tagsToMap(props.Tags),
  };
}

function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === 'string' ? value : String(value);
}

function asStringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = asString(v) ?? '';
  }
  return out;
}

function tagsToMap(value: unknown): Record<string, string> {
  if (!Array.isArray(value)) {
    return asStringMap(value);
  }
  const out: Record<string, string> = {};
  for (const entry of value as Partial<TagEntry>[]) {
    if (entry && entry.Key !== undefined) {
      out[String(entry.Key)] = asString(entry.Value) ?? '';
    }
  }
  return out;
}
