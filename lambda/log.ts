/**
 * Structured, redacted logging for the handler.
 *
 * Never log the raw event: it carries the pre-signed `ResponseURL` (anyone
 * holding it can fail the deployment) and the sensitive description and
 * attribute values. Only names, ids and keys are logged.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** Writes one JSON log line. */
export function log(notice: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ notice, ...details }));
}

/** The parts of a CloudFormation event that are safe to log. */
export function describeEvent(event: CloudFormationCustomResourceEvent): Record<string, unknown> {
  const props = (event.ResourceProperties ?? {}) as Record<string, unknown>;
  const old = 'OldResourceProperties' in event ? (event.OldResourceProperties as Record<string, unknown>) : undefined;
  return {
    requestType: event.RequestType,
    requestId: event.RequestId,
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined,
    resourceType: event.ResourceType,
    properties: safeProperties(props),
    oldProperties: old ? safeProperties(old) : undefined,
  };
}

function safeProperties(props: Record<string, unknown>): Record<string, unknown> {
  const attributes = props.Attributes;
  const tags = props.Tags;
  return {
    PackageName: props.PackageName,
    VersionName: props.VersionName,
    Description: props.Description === undefined ? undefined : '(redacted)',
    AttributeKeys: attributes && typeof attributes === 'object' ? Object.keys(attributes) : undefined,
    TagKeys: Array.isArray(tags) ? tags.map((t) => (t && typeof t === 'object' ? (t as { Key?: unknown }).Key : undefined)) : undefined,
  };
}
