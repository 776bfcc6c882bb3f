/**
 * Structured, redacted logging for the handler.
 *
 * Never log the raw event: it carries the pre-signed `ResponseURL` (anyone
 * holding it can fail the deployment) and the sensitive description and
 * attributes. What is logged of a request:
 *
 * - ids (StackId, LogicalResourceId, RequestId, PhysicalResourceId), capped
 *   at LOG_ID_MAX characters;
 * - PackageName and VersionName only if they pass validation (so at most
 *   128 and 64 characters), otherwise "(invalid, N characters)" or
 *   "(invalid: an object)";
 * - the number of attributes, never their keys or values: the IoT API marks
 *   the whole attributes map sensitive, keys included;
 * - the number of tags and the first LOG_TAG_KEYS_MAX tag keys, each only if
 *   it passes the tag key rules (so at most 128 characters);
 * - "(redacted)" for a description. Nothing else.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeType, scalarString } from './properties';
import { validatePackageVersion } from '../src/shared/validation';

/** Longest id logged whole; CloudFormation's own ids are shorter (a logical id has at most 255 characters). */
export const LOG_ID_MAX = 256;

/** Most tag keys logged per request; `tagCount` gives them all. */
export const LOG_TAG_KEYS_MAX = 10;

/** Writes one JSON log line. */
export function log(notice: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ notice, ...details }));
}

/** The parts of a CloudFormation event that are safe to log. */
export function describeEvent(event: CloudFormationCustomResourceEvent): Record<string, unknown> {
  return {
    requestType: capped(event.RequestType),
    requestId: capped(event.RequestId),
    stackId: capped(event.StackId),
    logicalResourceId: capped(event.LogicalResourceId),
    physicalResourceId: 'PhysicalResourceId' in event ? capped(event.PhysicalResourceId) : undefined,
    resourceType: capped(event.ResourceType),
    properties: safeProperties(event.ResourceProperties),
    oldProperties: 'OldResourceProperties' in event ? safeProperties(event.OldResourceProperties) : undefined,
  };
}

function safeProperties(props: unknown): Record<string, unknown> | string | undefined {
  if (props === undefined) {
    return undefined;
  }
  if (!isMap(props)) {
    return invalidType(props);
  }
  const description = own(props, 'Description');
  return {
    PackageName: safeName('packageName', own(props, 'PackageName')),
    VersionName: safeName('versionName', own(props, 'VersionName')),
    Description: description === undefined || description === null ? undefined : '(redacted)',
    attributeCount: attributeCount(own(props, 'Attributes')),
    ...safeTags(own(props, 'Tags')),
  };
}

/** A name if it is valid, else its length or type. */
function safeName(field: 'packageName' | 'versionName', value: unknown): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const name = scalarString(value);
  if (name === undefined) {
    return invalidType(value);
  }
  return validatePackageVersion({ [field]: name }).length === 0 ? name : invalidLength(name);
}

function safeTags(value: unknown): { tagCount?: number | string; tagKeys?: string[] } {
  if (value === undefined || value === null) {
    return {};
  }
  if (Array.isArray(value)) {
    const keys = value.slice(0, LOG_TAG_KEYS_MAX).map((entry: unknown) => isMap(entry) ? safeTagKey(own(entry, 'Key')) : invalidType(entry));
    return { tagCount: value.length, tagKeys: keys };
  }
  if (isMap(value)) {
    // A map of tags, in old properties (readLenient accepts it).
    const keys = Object.keys(value);
    return { tagCount: keys.length, tagKeys: keys.slice(0, LOG_TAG_KEYS_MAX).map(safeTagKey) };
  }
  return { tagCount: invalidType(value) };
}

/** A tag key if it passes the tag key rules, else its length or type. */
function safeTagKey(key: unknown): string {
  const name = scalarString(key);
  if (name === undefined) {
    return invalidType(key);
  }
  return validatePackageVersion({ tags: { [name]: '' } }).length === 0 ? name : invalidLength(name);
}

function attributeCount(value: unknown): number | string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return isMap(value) ? Object.keys(value).length : invalidType(value);
}

function capped(value: unknown): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    return invalidType(value);
  }
  return value.length > LOG_ID_MAX ? `${value.slice(0, LOG_ID_MAX)}... (${value.length} characters)` : value;
}

function invalidType(value: unknown): string {
  return `(invalid: ${describeType(value)})`;
}

function invalidLength(value: string): string {
  return `(invalid, ${value.length} characters)`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
