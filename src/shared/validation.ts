/**
 * Validation rules for package versions, shared by the construct (at synth
 * time) and the handler (at deploy time, once tokens have resolved).
 *
 * The limits come from the IoT API model (see ../shared/docs in the repo):
 * PackageName 1-128 and VersionName 1-64 of [a-zA-Z0-9-_.]; description
 * 1-1024 characters without control characters; attribute keys of
 * [a-zA-Z0-9:_-]; attribute values non-empty without control characters;
 * attributes at most 3 KB in total; at most 50 tags per resource.
 *
 * This module must not import aws-cdk-lib: it is bundled into the handler.
 * Callers pass `isUnresolved` so that unresolved tokens are skipped.
 */
import { CREATION_MARKER_TAG, MAX_USER_TAGS, STATUSES } from './contract';

/** An S3 object named by bucket, key and (optionally) object version. */
export interface S3ObjectInput {
  readonly bucket?: string;
  readonly key?: string;
  readonly version?: string;
}

/** The props of a package version that can be validated without AWS. */
export interface PackageVersionInput {
  readonly packageName?: string;
  readonly versionName?: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  readonly tags?: Record<string, string>;
  /** DRAFT, PUBLISHED or DEPRECATED. */
  readonly status?: string;
  readonly recipe?: string;
  readonly artifact?: S3ObjectInput;
  readonly sbom?: S3ObjectInput;
}

/** Construct prop names, used in messages. */
export type Field = keyof PackageVersionInput;

/** One problem found in the input. */
export interface ValidationIssue {
  /** The prop concerned. */
  readonly field: Field;
  /** What is wrong, with the bad value (or, for sensitive fields, where it is), and what is allowed. */
  readonly message: string;
}

export const PACKAGE_NAME_MAX = 128;
export const VERSION_NAME_MAX = 64;
export const DESCRIPTION_MAX = 1024;
/**
 * IoT documents "3KB" for all attributes combined. Whether that is 3000 or
 * 3072 bytes is unverified, so we enforce the stricter 3000 bytes of UTF-8
 * (keys plus values).
 */
export const ATTRIBUTES_MAX_BYTES = 3000;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
/** IoT's limit on a recipe (the inline job document), in characters. */
export const RECIPE_MAX = 3072;
/** S3's limit on an object key, in bytes of UTF-8. */
export const S3_KEY_MAX_BYTES = 1024;

const NAME_PATTERN = /^[a-zA-Z0-9\-_.]+$/;
const ATTRIBUTE_KEY_PATTERN = /^[a-zA-Z0-9:_-]+$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CONTROL_CHARACTER = /\p{C}/u;

const never = () => false;

/**
 * Validates a package version's props.
 *
 * @param input the props; any of them may be absent
 * @param isUnresolved returns true for values that are not known yet (CDK tokens); those are skipped
 * @returns every problem found, in a stable order; empty when the input is valid
 */
export function validatePackageVersion(input: PackageVersionInput, isUnresolved: (value: unknown) => boolean = never): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const known = (value: unknown) => value !== undefined && !isUnresolved(value);

  // The types are checked too: plain JavaScript can pass anything.
  if (known(input.packageName)) {
    issues.push(...ifString('packageName', input.packageName, (v) => checkName('packageName', v, PACKAGE_NAME_MAX)));
  }
  if (known(input.versionName)) {
    issues.push(...ifString('versionName', input.versionName, (v) => checkName('versionName', v, VERSION_NAME_MAX)));
  }
  if (known(input.description)) {
    issues.push(...ifString('description', input.description, checkDescription));
  }
  if (known(input.attributes)) {
    issues.push(...ifMap('attributes', input.attributes!, (v) => checkAttributes(v, isUnresolved)));
  }
  if (known(input.tags)) {
    issues.push(...ifMap('tags', input.tags!, (v) => checkTags(v, isUnresolved)));
  }
  if (known(input.status) && !(STATUSES as readonly string[]).includes(input.status!)) {
    issues.push({ field: 'status', message: `${quote(String(input.status))} is not a package version status; it must be one of ${STATUSES.join(', ')}` });
  }
  if (known(input.recipe)) {
    issues.push(...ifString('recipe', input.recipe, checkRecipe));
  }
  for (const field of ['artifact', 'sbom'] as const) {
    if (known(input[field])) {
      issues.push(...checkS3Object(field, input[field]!, isUnresolved));
    }
  }
  return issues;
}

/**
 * Formats issues as one error message.
 *
 * @param subject what was validated, e.g. "PackageVersion 'Stack/Firmware'"
 */
export function formatIssues(subject: string, issues: readonly ValidationIssue[]): string {
  const lines = issues.map((i) => `  - ${i.field}: ${i.message}`);
  return `${subject} has ${issues.length === 1 ? 'an invalid prop' : `${issues.length} invalid props`}:\n${lines.join('\n')}`;
}

/** What a value is, for messages: never the value itself. */
function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function ifString(field: Field, value: unknown, check: (value: string) => ValidationIssue[]): ValidationIssue[] {
  return typeof value === 'string' ? check(value) : [{ field, message: `is ${describeType(value)}; it must be a string` }];
}

function ifMap<T>(field: Field, value: T, check: (value: T) => ValidationIssue[]): ValidationIssue[] {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? check(value)
    : [{ field, message: `is ${describeType(value)}; it must be a map of keys to strings` }];
}

function checkName(field: Field, value: string, max: number): ValidationIssue[] {
  const allowed = `1-${max} characters of a-z, A-Z, 0-9, '-', '_' and '.'`;
  if (value.length < 1 || value.length > max) {
    return [{ field, message: `${quote(value)} has ${value.length} characters; it must be ${allowed}` }];
  }
  if (!NAME_PATTERN.test(value)) {
    const bad = [...value].find((c) => !NAME_PATTERN.test(c))!;
    return [{ field, message: `${quote(value)} contains ${describeChar(bad)}; it must be ${allowed}` }];
  }
  return [];
}

// The description is sensitive (the IoT API marks it so): messages say where
// the problem is, never what the text says.
function checkDescription(value: string): ValidationIssue[] {
  const allowed = `1-${DESCRIPTION_MAX} characters with no control characters`;
  if (value.length < 1 || value.length > DESCRIPTION_MAX) {
    return [{
      field: 'description',
      message: `has ${value.length} characters; it must have ${allowed}` +
        (value.length === 0 ? ' (omit the prop for no description)' : ''),
    }];
  }
  const at = indexOfControl(value);
  if (at >= 0) {
    return [{ field: 'description', message: `contains ${describeChar(value.codePointAt(at)!)} at index ${at}; it must have ${allowed}` }];
  }
  return [];
}

// Attribute values are sensitive too: keys are named, values are not quoted.
function checkAttributes(attributes: Record<string, string>, isUnresolved: (value: unknown) => boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let bytes = 0;
  let complete = true;
  for (const [key, value] of Object.entries(attributes)) {
    const keyKnown = !isUnresolved(key);
    const valueKnown = value !== undefined && !isUnresolved(value);
    complete = complete && keyKnown && valueKnown;
    if (keyKnown) {
      if (key.length === 0) {
        issues.push({ field: 'attributes', message: 'has an empty key; keys must be 1 or more characters of a-z, A-Z, 0-9, \':\', \'_\' and \'-\'' });
      } else if (!ATTRIBUTE_KEY_PATTERN.test(key)) {
        const bad = [...key].find((c) => !ATTRIBUTE_KEY_PATTERN.test(c))!;
        issues.push({ field: 'attributes', message: `key ${quote(key)} contains ${describeChar(bad)}; keys must be characters of a-z, A-Z, 0-9, ':', '_' and '-'` });
      }
      bytes += utf8Length(key);
    }
    if (valueKnown) {
      const name = keyKnown ? `value of ${quote(key)}` : 'a value';
      if (typeof value !== 'string') {
        issues.push({ field: 'attributes', message: `${name} is ${describeType(value)}; values must be strings` });
        continue;
      }
      if (value.length === 0) {
        issues.push({ field: 'attributes', message: `${name} is empty; values must be 1 or more characters with no control characters (remove the key instead)` });
      } else {
        const at = indexOfControl(value);
        if (at >= 0) {
          issues.push({ field: 'attributes', message: `${name} contains ${describeChar(value.codePointAt(at)!)} at index ${at}; values must have no control characters` });
        }
      }
      bytes += utf8Length(value);
    }
  }
  if (complete && bytes > ATTRIBUTES_MAX_BYTES) {
    issues.push({
      field: 'attributes',
      message: `take ${bytes} bytes (UTF-8, keys plus values); all attributes of a version together must fit in ${ATTRIBUTES_MAX_BYTES} bytes`,
    });
  }
  return issues;
}

function checkTags(tags: Record<string, string>, isUnresolved: (value: unknown) => boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_USER_TAGS) {
    issues.push({
      field: 'tags',
      message: `has ${keys.length} tags; a package version takes at most ${MAX_USER_TAGS} (IoT allows 50, and this library uses one, '${CREATION_MARKER_TAG}')`,
    });
  }
  for (const key of keys) {
    const value = tags[key];
    if (!isUnresolved(key)) {
      if (key.length < 1 || key.length > TAG_KEY_MAX) {
        issues.push({ field: 'tags', message: `key ${quote(key)} has ${key.length} characters; tag keys must have 1-${TAG_KEY_MAX}` });
      } else if (!TAG_KEY_PATTERN.test(key)) {
        const bad = [...key].find((c) => !TAG_KEY_PATTERN.test(c))!;
        issues.push({ field: 'tags', message: `key ${quote(key)} contains ${describeChar(bad)}; tag keys may contain letters, digits, spaces and _ . : / = + - @` });
      } else if (key.toLowerCase().startsWith('aws:')) {
        issues.push({ field: 'tags', message: `key ${quote(key)} starts with 'aws:', which is reserved for AWS; IoT does not accept it` });
      } else if (key === CREATION_MARKER_TAG) {
        issues.push({ field: 'tags', message: `key ${quote(key)} is reserved by cdk-iot-package-catalog to mark the versions it creates` });
      }
    }
    if (value !== undefined && !isUnresolved(value)) {
      if (typeof value !== 'string') {
        issues.push({ field: 'tags', message: `value of ${quote(key)} is ${describeType(value)}; tag values must be strings` });
      } else if (value.length > TAG_VALUE_MAX) {
        issues.push({ field: 'tags', message: `value of ${quote(key)} has ${value.length} characters; tag values must have 0-${TAG_VALUE_MAX}` });
      }
    }
  }
  return issues;
}

// The recipe is sensitive: its length is named, never its text.
function checkRecipe(value: string): ValidationIssue[] {
  // IoT counts characters (Unicode code points), not UTF-16 units.
  const length = [...value].length;
  return length > RECIPE_MAX
    ? [{ field: 'recipe', message: `has ${length} characters; a recipe must have at most ${RECIPE_MAX}` }]
    : [];
}

function checkS3Object(field: Field, value: S3ObjectInput, isUnresolved: (value: unknown) => boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { bucket, key, version } = value;
  const notStrings = (['bucket', 'key', 'version'] as const)
    .filter((member) => value[member] !== undefined && !isUnresolved(value[member]) && typeof value[member] !== 'string');
  if (notStrings.length > 0) {
    return notStrings.map((member) => ({ field, message: `${member} is ${describeType(value[member])}; it must be a string` }));
  }
  // Absent only where plain JavaScript left them out: the template needs both.
  if (bucket === undefined) {
    issues.push({ field, message: 'has no bucket name' });
  }
  if (key === undefined) {
    issues.push({ field, message: 'has no object key' });
  }
  if (bucket !== undefined && !isUnresolved(bucket) && bucket.length === 0) {
    issues.push({ field, message: 'has an empty bucket name' });
  }
  if (key !== undefined && !isUnresolved(key)) {
    if (key.length === 0) {
      issues.push({ field, message: 'has an empty object key' });
    } else if (utf8Length(key) > S3_KEY_MAX_BYTES) {
      issues.push({ field, message: `key ${quote(key)} takes ${utf8Length(key)} bytes; S3 keys take at most ${S3_KEY_MAX_BYTES} bytes of UTF-8` });
    }
  }
  if (version !== undefined && !isUnresolved(version) && (version.length === 0 || version === 'null')) {
    issues.push({
      field,
      message: `object version ${quote(version)} is not an S3 version id; IoT needs the version id of an object in a versioned bucket (omit it to use the object's current version)`,
    });
  }
  return issues;
}

function indexOfControl(value: string): number {
  const m = CONTROL_CHARACTER.exec(value);
  return m ? m.index : -1;
}

function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

function describeChar(c: string | number): string {
  const code = typeof c === 'number' ? c : c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = code > 0x20 && !CONTROL_CHARACTER.test(String.fromCodePoint(code));
  return printable ? `'${String.fromCodePoint(code)}' (${hex})` : hex;
}
