/**
 * The deployment's event properties -> typed, validated desired state.
 * CloudFormation turns numbers into strings; the job settings get their
 * numbers back here. The document is checked but never quoted in a message.
 */
import { createHash } from 'crypto';
import { MAX_USER_TAGS, TagEntry } from '../../src/shared/contract';
import {
  DEFAULT_ON_REMOVAL,
  DESTINATION_VERSION_ARN,
  MAX_DESTINATION_PACKAGE_VERSIONS,
  MAX_JOB_DOCUMENT_BYTES,
  MAX_JOB_ID_PREFIX_LENGTH,
  MAX_JOB_TARGETS,
  ON_REMOVAL_VALUES,
  OnRemovalValue,
  REPLACING_PROPERTIES,
  TARGET_ARN,
  TARGET_SELECTIONS,
  UPDATABLE_JOB_PROPERTIES,
} from '../../src/shared/deployment-contract';
import { MAX_VALIDATION_MESSAGE, truncate } from '../errors';

/** The opt-in wait. */
export interface RolloutWait {
  readonly minSuccessPercent: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

/** What the template asks for. */
export interface DesiredDeployment {
  readonly jobIdPrefix: string;
  readonly targets: string[];
  readonly destinationPackageVersions: string[];
  readonly document: string;
  readonly description?: string;
  readonly targetSelection?: string;
  readonly presignedUrlConfig?: Record<string, unknown>;
  readonly jobExecutionsRolloutConfig?: Record<string, unknown>;
  readonly abortConfig?: Record<string, unknown>;
  readonly timeoutConfig?: Record<string, unknown>;
  readonly jobExecutionsRetryConfig?: Record<string, unknown>;
  readonly tags: Record<string, string>;
  readonly onRemoval: OnRemovalValue;
  readonly wait?: RolloutWait;
  /** A hash of the properties that need a new job when they change. */
  readonly replacingHash: string;
}

/** Reads and validates the properties; throws one error naming every problem. */
export function readDeployment(raw: unknown): DesiredDeployment {
  const props = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const issues: string[] = [];
  const prefix = props.JobIdPrefix;
  if (typeof prefix !== 'string' || !new RegExp(`^[a-zA-Z0-9_-]{1,${MAX_JOB_ID_PREFIX_LENGTH}}$`).test(prefix)) {
    issues.push(`JobIdPrefix: must be 1-${MAX_JOB_ID_PREFIX_LENGTH} characters of [a-zA-Z0-9_-]`);
  }
  const targets = stringList(props.Targets);
  if (!targets || targets.length === 0 || targets.length > MAX_JOB_TARGETS) {
    issues.push(`Targets: must list 1-${MAX_JOB_TARGETS} thing or thing-group ARNs`);
  } else {
    targets.filter((t) => !TARGET_ARN.test(t)).slice(0, 3)
      .forEach((t) => issues.push(`Targets: '${truncate(t, 200)}' is not a thing or thing-group ARN`));
  }
  const versions = stringList(props.DestinationPackageVersions);
  if (!versions || versions.length < 1 || versions.length > MAX_DESTINATION_PACKAGE_VERSIONS) {
    issues.push(`DestinationPackageVersions: must list 1-${MAX_DESTINATION_PACKAGE_VERSIONS} package-version ARNs`);
  } else {
    versions.filter((v) => !DESTINATION_VERSION_ARN.test(v)).slice(0, 3)
      .forEach((v) => issues.push(`DestinationPackageVersions: '${truncate(v, 200)}' is not a package-version ARN`));
  }
  const document = props.Document;
  if (typeof document !== 'string' || !isJsonObject(document)) {
    issues.push('Document: must be a JSON object (its content is not shown: job documents are sensitive)');
  } else if (Buffer.byteLength(document, 'utf8') > MAX_JOB_DOCUMENT_BYTES) {
    issues.push(`Document: has ${Buffer.byteLength(document, 'utf8')} bytes; IoT allows ${MAX_JOB_DOCUMENT_BYTES}`);
  }
  const description = optionalString(props.Description, 'Description', issues);
  const targetSelection = optionalString(props.TargetSelection, 'TargetSelection', issues);
  if (targetSelection !== undefined && !(TARGET_SELECTIONS as readonly string[]).includes(targetSelection)) {
    issues.push(`TargetSelection: is '${truncate(targetSelection, 40)}'; expected ${TARGET_SELECTIONS.join(' or ')}`);
  }
  const onRemoval = optionalString(props.OnRemoval, 'OnRemoval', issues) ?? DEFAULT_ON_REMOVAL;
  if (!(ON_REMOVAL_VALUES as readonly string[]).includes(onRemoval)) {
    issues.push(`OnRemoval: is '${truncate(onRemoval, 40)}'; expected ${ON_REMOVAL_VALUES.join(' or ')}`);
  }
  const tags = readTags(props.Tags, issues);
  const wait = readWait(props.WaitForRollout, issues);
  const settings: Record<string, Record<string, unknown> | undefined> = {};
  for (const name of ['PresignedUrlConfig', 'JobExecutionsRolloutConfig', 'AbortConfig', 'TimeoutConfig', 'JobExecutionsRetryConfig']) {
    const value = props[name];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      issues.push(`${name}: must be an object`);
    } else {
      settings[name] = value === undefined ? undefined : withNumbers(value) as Record<string, unknown>;
    }
  }
  if (issues.length > 0) {
    throw new Error(truncate(`Invalid properties of the package deployment:\n  - ${issues.join('\n  - ')}`, MAX_VALIDATION_MESSAGE));
  }
  return {
    jobIdPrefix: prefix as string,
    targets: targets!,
    destinationPackageVersions: versions!,
    document: document as string,
    description,
    targetSelection,
    presignedUrlConfig: settings.PresignedUrlConfig,
    jobExecutionsRolloutConfig: settings.JobExecutionsRolloutConfig,
    abortConfig: settings.AbortConfig,
    timeoutConfig: settings.TimeoutConfig,
    jobExecutionsRetryConfig: settings.JobExecutionsRetryConfig,
    tags,
    onRemoval: onRemoval as OnRemovalValue,
    wait,
    replacingHash: replacingHash(props),
  };
}

/** What needs a new job, hashed: 16 hex digits. */
export function replacingHash(props: Record<string, unknown>): string {
  const parts = REPLACING_PROPERTIES.map((name) => canonical(props?.[name]));
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** The UpdateJob settings that differ between two property sets (by name). */
export function changedJobSettings(props: Record<string, unknown>, old: Record<string, unknown>): string[] {
  return UPDATABLE_JOB_PROPERTIES.filter((name) => canonical(props?.[name]) !== canonical(old?.[name]));
}

/** The OnRemoval of a Delete's properties, read leniently: anything unreadable is the default. */
export function onRemovalOf(raw: unknown): OnRemovalValue {
  const value = (raw as Record<string, unknown> | undefined)?.OnRemoval;
  return (ON_REMOVAL_VALUES as readonly unknown[]).includes(value) ? value as OnRemovalValue : DEFAULT_ON_REMOVAL;
}

/** JSON with sorted keys and numbers as strings (CloudFormation's scalars are strings). */
function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(norm);
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    }
    return v === undefined || v === null ? null : String(v);
  };
  return JSON.stringify(norm(value));
}

/** A job setting with its numbers back (every scalar of the settings but these names is a number). */
function withNumbers(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => withNumbers(v));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNumbers(v, k)]));
  }
  if (typeof value === 'string' && !['roleArn', 'failureType', 'action'].includes(key) && /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  return value;
}

function readWait(value: unknown, issues: string[]): RolloutWait | undefined {
  if (value === undefined) {
    return undefined;
  }
  const w = (value ?? {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: number) => v === undefined ? fallback : Number(v);
  const minSuccessPercent = num(w.MinSuccessPercent, NaN);
  const timeoutSeconds = num(w.TimeoutSeconds, 235);
  const pollSeconds = num(w.PollSeconds, 5);
  if (!(minSuccessPercent >= 1 && minSuccessPercent <= 100)) {
    issues.push('WaitForRollout.MinSuccessPercent: must be a number 1-100');
  }
  if (!(timeoutSeconds > 0)) {
    issues.push('WaitForRollout.TimeoutSeconds: must be a positive number');
  }
  if (!(pollSeconds > 0)) {
    issues.push('WaitForRollout.PollSeconds: must be a positive number');
  }
  return { minSuccessPercent, timeoutMs: timeoutSeconds * 1000, pollMs: pollSeconds * 1000 };
}

function readTags(value: unknown, issues: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined) {
    return tags;
  }
  if (!Array.isArray(value)) {
    issues.push('Tags: must be a list of {Key, Value}');
    return tags;
  }
  for (const entry of value as TagEntry[]) {
    if (!entry || typeof entry.Key !== 'string' || typeof entry.Value !== 'string') {
      issues.push('Tags: every entry needs a string Key and Value');
      return tags;
    }
    if (entry.Key.startsWith('cdk-iot-package-catalog:')) {
      issues.push(`Tags: '${truncate(entry.Key, 128)}' is reserved for the handler`);
    }
    tags[entry.Key] = entry.Value;
  }
  if (Object.keys(tags).length > MAX_USER_TAGS - 1) {
    issues.push(`Tags: ${Object.keys(tags).length} tags; a job takes at most ${MAX_USER_TAGS - 1} besides the handler's two`);
  }
  return tags;
}

function optionalString(value: unknown, name: string, issues: string[]): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.push(`${name}: must be a string`);
    return undefined;
  }
  return value;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value as string[] : undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const parsed = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
