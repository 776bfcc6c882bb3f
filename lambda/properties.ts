/**
 * Turns the custom resource's properties, as CloudFormation delivers them,
 * into the desired state of a package version, and validates it with the
 * same rules the construct applies at synth time.
 *
 * CloudFormation turns scalars into strings, but a raw template or an escape
 * hatch can still deliver objects, arrays and nulls. Types are checked before
 * anything is turned into a string, so an object never becomes
 * "[object Object]" and `['a']` never becomes 'a'. Numbers and booleans are
 * taken in their string form, as CloudFormation itself would deliver them.
 *
 * Maps are built without a prototype, so a `__proto__` key (an own key once
 * JSON.parse has read it) is kept like any other key instead of vanishing
 * into the prototype setter.
 */
import { MAX_VALIDATION_MESSAGE, truncate } from './errors';
import { DEFAULT_STATUS, STATUSES, StatusValue } from '../src/shared/contract';
import { Field, formatIssues, validatePackageVersion, ValidationIssue } from '../src/shared/validation';

/** An S3 object; `version` is absent when the template leaves it to the handler to resolve. */
export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
  readonly version?: string;
}

/** The desired state of a package version. */
export interface DesiredVersion {
  readonly packageName: string;
  readonly versionName: string;
  readonly description?: string;
  /** A map without a prototype: every key, `__proto__` included, is an own key. */
  readonly attributes: Record<string, string>;
  /** A map without a prototype: every key, `__proto__` included, is an own key. */
  readonly tags: Record<string, string>;
  /** Take over an existing version this resource did not create. */
  readonly adoptExisting: boolean;
  /** The state the version should be in after the deploy. */
  readonly status: StatusValue;
  /** Whether the template sets Status (false: `status` is the default). */
  readonly statusSet: boolean;
  /** The inline job document (sensitive: never logged). */
  readonly recipe?: string;
  readonly artifact?: ObjectLocation;
  readonly sbom?: ObjectLocation;
  /** Wait for IoT to validate an SBOM this request associates. */
  readonly waitForSbomValidation: boolean;
}

/** Longest package or version name shown whole in the first line of a message. */
const SUBJECT_NAME_MAX = 150;

/** Longest key shown whole in a message, as in the shared validation messages. */
const KEY_SHOWN_MAX = 80;

const FIELD_ORDER: readonly Field[] = ['packageName', 'versionName', 'description', 'attributes', 'tags', 'status', 'recipe', 'artifact', 'sbom'];

/**
 * Reads and validates the properties of a Create or Update request.
 *
 * @throws Error naming every invalid property, before any IoT call is made
 */
export function readDesiredVersion(raw: unknown): DesiredVersion {
  const props = asRecord(raw);
  const issues: ValidationIssue[] = [];
  // Each reader reports the wrong types of its property and returns only
  // what it could read, so the rules below see strings only.
  const packageName = readName(own(props, 'PackageName'), 'packageName', 'PackageName', issues);
  const versionName = readName(own(props, 'VersionName'), 'versionName', 'VersionName', issues);
  const description = readDescription(own(props, 'Description'), issues);
  const attributes = readAttributes(own(props, 'Attributes'), issues);
  const tags = readTags(own(props, 'Tags'), issues);
  const status = readStatus(own(props, 'Status'), issues);
  const recipe = readRecipe(own(props, 'Recipe'), issues);
  const artifact = readObject(own(props, 'Artifact'), 'artifact', 'Artifact', issues);
  const sbom = readObject(own(props, 'Sbom'), 'sbom', 'Sbom', issues);
  issues.push(...validatePackageVersion({ packageName, versionName, description, attributes, tags, recipe, artifact, sbom }));

  if (issues.length > 0) {
    // Stable: a property's type problems come before its rule violations.
    const sorted = [...issues].sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
    const subject = `Package version '${shown(packageName)}/${shown(versionName)}'`;
    throw new Error(truncate(formatIssues(subject, sorted), MAX_VALIDATION_MESSAGE));
  }
  return {
    packageName: packageName!,
    versionName: versionName!,
    description,
    attributes,
    tags,
    adoptExisting: readFlag(props, 'AdoptExisting'),
    status: status ?? DEFAULT_STATUS,
    statusSet: status !== undefined,
    recipe,
    artifact,
    sbom,
    waitForSbomValidation: readFlag(props, 'WaitForSbomValidation'),
  };
}

/**
 * Reads properties without validating them: for `OldResourceProperties`,
 * which may have been written by an older release of this library, or be
 * the rejected properties of a failed update that is now rolled back.
 *
 * Never throws. Whatever is not a string, number or boolean is skipped (a
 * null attribute or tag value reads as ''); tags may be a list of entries or
 * a map.
 */
export function readLenient(raw: unknown): DesiredVersion {
  const props = asRecord(raw);
  const tags = own(props, 'Tags');
  const status = lenientStatus(own(props, 'Status'));
  return {
    packageName: scalarString(own(props, 'PackageName')) ?? '',
    versionName: scalarString(own(props, 'VersionName')) ?? '',
    description: scalarString(own(props, 'Description')),
    attributes: lenientMap(own(props, 'Attributes')),
    tags: Array.isArray(tags) ? lenientTagList(tags) : lenientMap(tags),
    adoptExisting: readFlag(props, 'AdoptExisting'),
    status,
    statusSet: status === scalarString(own(props, 'Status')),
    recipe: scalarString(own(props, 'Recipe')),
    artifact: lenientObject(own(props, 'Artifact')),
    sbom: lenientObject(own(props, 'Sbom')),
    waitForSbomValidation: readFlag(props, 'WaitForSbomValidation'),
  };
}

/**
 * What a JSON value is, for messages and logs: never the value itself.
 *
 * @returns e.g. 'an object', 'null', 'a string'; 'missing' for undefined
 */
export function describeType(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** The string form of a string, number or boolean; undefined for anything else. */
export function scalarString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return undefined;
  }
}

export function readName(value: unknown, field: Field, property: string, issues: ValidationIssue[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    issues.push({ field, message: `is missing; ${property} is required` });
    return undefined;
  }
  const name = scalarString(value);
  if (name === undefined) {
    issues.push({ field, message: `is ${describeType(value)}; ${property} must be a string` });
  }
  return name;
}

// The description is sensitive: only its type is named.
export function readDescription(value: unknown, issues: ValidationIssue[]): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const description = scalarString(value);
  if (description === undefined) {
    issues.push({ field: 'description', message: `is ${describeType(value)}; Description must be a string` });
  }
  return description;
}

// Attribute values are sensitive: keys and types are named, values never.
function readAttributes(value: unknown, issues: ValidationIssue[]): Record<string, string> {
  const out = newMap();
  if (value === undefined || value === null) {
    return out;
  }
  if (!isMap(value)) {
    issues.push({ field: 'attributes', message: `is ${describeType(value)}; Attributes must be a map of keys to string values` });
    return out;
  }
  for (const key of Object.keys(value)) {
    const v = scalarString(value[key]);
    if (v === undefined) {
      issues.push({ field: 'attributes', message: `value of ${quoteKey(key)} is ${describeType(value[key])}; values must be strings` });
    } else {
      out[key] = v;
    }
  }
  return out;
}

export function readTags(value: unknown, issues: ValidationIssue[]): Record<string, string> {
  const out = newMap();
  if (value === undefined || value === null) {
    return out;
  }
  if (!Array.isArray(value)) {
    // The construct and the native resource both use the list form.
    issues.push({ field: 'tags', message: `is ${describeType(value)}; Tags must be a list of {"Key": ..., "Value": ...} entries` });
    return out;
  }
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (!isMap(entry)) {
      issues.push({ field: 'tags', message: `Tags[${i}] is ${describeType(entry)}; each tag must be an object with a string Key and Value` });
      continue;
    }
    const rawKey = own(entry, 'Key');
    const rawValue = own(entry, 'Value');
    const key = scalarString(rawKey);
    const v = scalarString(rawValue);
    if (key === undefined) {
      issues.push({ field: 'tags', message: `Tags[${i}].Key is ${describeType(rawKey)}; tag keys must be strings` });
    }
    if (v === undefined) {
      issues.push({ field: 'tags', message: `Tags[${i}].Value is ${describeType(rawValue)}; tag values must be strings ("" for an empty value)` });
    }
    if (key !== undefined && v !== undefined) {
      out[key] = v;
    }
  }
  return out;
}

export function lenientMap(value: unknown): Record<string, string> {
  const out = newMap();
  if (!isMap(value)) {
    return out;
  }
  for (const key of Object.keys(value)) {
    const v = value[key] === null ? '' : scalarString(value[key]);
    if (v !== undefined) {
      out[key] = v;
    }
  }
  return out;
}

export function lenientTagList(entries: readonly unknown[]): Record<string, string> {
  const out = newMap();
  for (const entry of entries) {
    if (!isMap(entry)) {
      continue;
    }
    const key = scalarString(own(entry, 'Key'));
    const rawValue = own(entry, 'Value');
    const v = rawValue === undefined || rawValue === null ? '' : scalarString(rawValue);
    if (key !== undefined && v !== undefined) {
      out[key] = v;
    }
  }
  return out;
}

/** A map with no prototype: assigning `__proto__` makes an own key, like any other. */
function newMap(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asRecord(raw: unknown): Record<string, unknown> {
  return isMap(raw) ? raw : {};
}

/** An own property only: nothing inherited, should a prototype ever be polluted. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > KEY_SHOWN_MAX ? `${key.slice(0, KEY_SHOWN_MAX - 3)}...` : key);
}

function shown(name: string | undefined): string {
  return truncate(name ?? '', SUBJECT_NAME_MAX);
}

/** A flag is 'true' (CloudFormation's form of a boolean) or absent. */
export function readFlag(props: Record<string, unknown>, name: 'AdoptExisting' | 'WaitForSbomValidation'): boolean {
  return scalarString(own(props, name)) === 'true';
}

function readStatus(value: unknown, issues: ValidationIssue[]): StatusValue | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const status = scalarString(value);
  if (status === undefined) {
    issues.push({ field: 'status', message: `is ${describeType(value)}; Status must be one of ${STATUSES.join(', ')}` });
    return undefined;
  }
  // An unknown string is reported by the shared rules, with its value.
  if (!(STATUSES as readonly string[]).includes(status)) {
    issues.push(...validatePackageVersion({ status }));
    return undefined;
  }
  return status as StatusValue;
}

/** An unreadable status in an old template counts as the default: what IoT made of it is read back anyway. */
function lenientStatus(value: unknown): StatusValue {
  const status = scalarString(value);
  return (STATUSES as readonly string[]).includes(status ?? '') ? status as StatusValue : DEFAULT_STATUS;
}

// The recipe is sensitive: only its type is named.
function readRecipe(value: unknown, issues: ValidationIssue[]): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const recipe = scalarString(value);
  if (recipe === undefined) {
    issues.push({ field: 'recipe', message: `is ${describeType(value)}; Recipe must be a string` });
  }
  return recipe;
}

/** `{"S3Location": {"Bucket": ..., "Key": ..., "Version"?: ...}}`, as on the native resource. */
function readObject(value: unknown, field: 'artifact' | 'sbom', property: string, issues: ValidationIssue[]): ObjectLocation | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const shape = `${property} must be {"S3Location": {"Bucket": ..., "Key": ..., "Version": ...}} (Version optional)`;
  const location = isMap(value) ? own(value, 'S3Location') : undefined;
  if (!isMap(location)) {
    const what = isMap(value) ? `S3Location is ${describeType(location)}` : `is ${describeType(value)}`;
    issues.push({ field, message: `${what}; ${shape}` });
    return undefined;
  }
  const read = (member: string, required: boolean): string | undefined => {
    const raw = own(location, member);
    if (raw === undefined || raw === null) {
      if (required) {
        issues.push({ field, message: `${property}.S3Location.${member} is missing; ${shape}` });
      }
      return undefined;
    }
    const text = typeof raw === 'string' ? raw : undefined;
    if (text === undefined) {
      issues.push({ field, message: `${property}.S3Location.${member} is ${describeType(raw)}; it must be a string` });
    }
    return text;
  };
  const bucket = read('Bucket', true);
  const key = read('Key', true);
  const version = read('Version', false);
  return bucket !== undefined && key !== undefined ? { bucket, key, ...(version !== undefined ? { version } : {}) } : undefined;
}

function lenientObject(value: unknown): ObjectLocation | undefined {
  const location = isMap(value) ? own(value, 'S3Location') : undefined;
  if (!isMap(location)) {
    return undefined;
  }
  const bucket = scalarString(own(location, 'Bucket'));
  const key = scalarString(own(location, 'Key'));
  const version = scalarString(own(location, 'Version'));
  return bucket !== undefined && key !== undefined ? { bucket, key, ...(version !== undefined ? { version } : {}) } : undefined;
}

/**
 * The package and version the properties name, if both are valid names:
 * how a Delete finds a version whose ARN CloudFormation never learned.
 */
export function identityOf(raw: unknown): { packageName: string; versionName: string } | undefined {
  const props = asRecord(raw);
  const packageName = own(props, 'PackageName');
  const versionName = own(props, 'VersionName');
  if (typeof packageName !== 'string' || typeof versionName !== 'string') {
    return undefined;
  }
  return validatePackageVersion({ packageName, versionName }).length === 0 && packageName && versionName
    ? { packageName, versionName }
    : undefined;
}
