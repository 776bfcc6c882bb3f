/**
 * The properties of a `Custom::IotSoftwarePackage`, read and validated with
 * the same readers and rules as a version's (../properties.ts,
 * ../../src/shared/validation.ts).
 */
import { formatIssues, validatePackageVersion, ValidationIssue } from '../../src/shared/validation';
import { MAX_VALIDATION_MESSAGE, truncate } from '../errors';
import {
  asRecord, lenientMap, lenientTagList, own, readDescription, readFlag, readName, readTags, scalarString,
} from '../properties';

/** The desired state of a package. */
export interface DesiredPackage {
  readonly packageName: string;
  /** Sensitive: never logged. */
  readonly description?: string;
  /** A map without a prototype: every key, `__proto__` included, is an own key. */
  readonly tags: Record<string, string>;
  /** Take over an existing package this resource did not create. */
  readonly adoptExisting: boolean;
}

/**
 * Reads and validates the properties of a Create or Update request.
 *
 * @throws Error naming every invalid property, before any IoT call is made
 */
export function readDesiredPackage(raw: unknown): DesiredPackage {
  const props = asRecord(raw);
  const issues: ValidationIssue[] = [];
  const packageName = readName(own(props, 'PackageName'), 'packageName', 'PackageName', issues);
  const description = readDescription(own(props, 'Description'), issues);
  const tags = readTags(own(props, 'Tags'), issues);
  issues.push(...validatePackageVersion({ packageName, description, tags }));
  if (issues.length > 0) {
    throw new Error(truncate(formatIssues(`Package '${truncate(packageName ?? '', 150)}'`, issues), MAX_VALIDATION_MESSAGE));
  }
  return { packageName: packageName!, description, tags, adoptExisting: readFlag(props, 'AdoptExisting') };
}

/**
 * Reads old properties without validating them (see `readLenient` in
 * ../properties.ts). Never throws.
 */
export function readLenientPackage(raw: unknown): DesiredPackage {
  const props = asRecord(raw);
  const tags = own(props, 'Tags');
  return {
    packageName: scalarString(own(props, 'PackageName')) ?? '',
    description: scalarString(own(props, 'Description')),
    tags: Array.isArray(tags) ? lenientTagList(tags) : lenientMap(tags),
    adoptExisting: readFlag(props, 'AdoptExisting'),
  };
}

/** The package the properties name, if it is a valid name: how a Delete finds a package whose ARN CloudFormation never learned. */
export function packageNameOf(raw: unknown): string | undefined {
  const name = own(asRecord(raw), 'PackageName');
  return typeof name === 'string' && name !== '' && validatePackageVersion({ packageName: name }).length === 0 ? name : undefined;
}
