/**
 * Helpers shared by the property tests: rendering construct props as the
 * custom resource's properties, and reading the fields an error names.
 */
import type { FieldName, S3ObjectValue, VersionFields } from './arbitraries';
import type { PackageVersionResourceProperties, S3ObjectProperty } from '../../src/shared/contract';

function renderObject(o: S3ObjectValue | undefined): S3ObjectProperty | undefined {
  return o && { S3Location: { Bucket: o.bucket, Key: o.key, ...(o.version !== undefined ? { Version: o.version } : {}) } };
}

/**
 * The custom resource's properties for these fields, as PackageVersion
 * renders them (tags as a list of entries, undefined members left out).
 */
export function toResourceProperties(f: VersionFields): PackageVersionResourceProperties {
  const tags = f.tags && Object.entries(f.tags).map(([Key, Value]) => ({ Key, Value }));
  const props: Record<string, unknown> = {
    PackageName: f.packageName,
    VersionName: f.versionName,
    Description: f.description,
    Attributes: f.attributes,
    Tags: tags && tags.length > 0 ? tags : undefined,
    Status: f.status,
    Recipe: f.recipe,
    Artifact: renderObject(f.artifact),
    Sbom: renderObject(f.sbom),
  };
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as unknown as PackageVersionResourceProperties;
}

/**
 * What a Lambda handler receives: the properties after a JSON round trip
 * (CloudFormation sends the event as JSON; JSON.parse makes `__proto__` an
 * own key, as in the real event).
 */
export function asDelivered(props: unknown): unknown {
  return JSON.parse(JSON.stringify(props));
}

/** The message of the error `fn` throws, or undefined if it returns. */
export function errorOf(fn: () => unknown): Error | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

const ISSUE_LINE = /^\s*- (packageName|versionName|description|attributes|tags|status|recipe|artifact|sbom): /gm;

/** The fields named by the issue lines ("  - field: ...") of a validation message, sorted, without repeats. */
export function fieldsIn(message: string): FieldName[] {
  return [...new Set([...message.matchAll(ISSUE_LINE)].map((m) => m[1] as FieldName))].sort();
}

export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort();
}
