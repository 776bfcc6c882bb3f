/** Events and stubs for the deployment handler's unit tests. */
import { DescribeJobCommand, Job } from '@aws-sdk/client-iot';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { jobIdFor } from '../../../lambda/deployment/job';
import { replacingHash } from '../../../lambda/deployment/properties';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { DEPLOYMENT_RESOURCE_TYPE, REPLACES_TAG } from '../../../src/shared/deployment-contract';
import { ACCOUNT, createEvent, deleteEvent, LOGICAL_ID, Props, REGION, STACK_ID, updateEvent } from '../events';
import { iotMock, ownMarker, OWNER, stubTags } from '../mocks';

export const PREFIX = 'Rollout1A2B3C4D';
export const GROUP = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/fleet`;
export const VERSION = `arn:aws:iot:${REGION}:${ACCOUNT}:package/firmware/version/1.4.0`;
export const DOCUMENT = '{"operation":"install","secret":"do-not-log-this-document"}';

export function deploymentProps(overrides: Props = {}): Props {
  return { JobIdPrefix: PREFIX, Targets: [GROUP], DestinationPackageVersions: [VERSION], Document: DOCUMENT, ...overrides };
}

export function jobIdOf(requestId: string): string {
  return jobIdFor(PREFIX, { owner: OWNER, requestId });
}

export function jobArnOf(jobId: string): string {
  return `arn:aws:iot:${REGION}:${ACCOUNT}:job/${jobId}`;
}

export function create(props: Props, requestId: string): CloudFormationCustomResourceCreateEvent {
  return { ...createEvent(props, { requestId }), ResourceType: DEPLOYMENT_RESOURCE_TYPE };
}

export function update(props: Props, oldProps: Props, physicalResourceId: string, requestId?: string): CloudFormationCustomResourceUpdateEvent {
  return { ...updateEvent(props, oldProps, { physicalResourceId, requestId }), ResourceType: DEPLOYMENT_RESOURCE_TYPE };
}

export function remove(physicalResourceId: string, props: Props): CloudFormationCustomResourceDeleteEvent {
  return { ...deleteEvent(physicalResourceId, props), ResourceType: DEPLOYMENT_RESOURCE_TYPE };
}

/** A live job of this resource: DescribeJob and its tags. */
export function stubOwnJob(jobId: string, job: Job = {}, props: Props = deploymentProps(), rid = 'rid', replaced = '-', owner = ownMarker(rid)): void {
  iotMock.on(DescribeJobCommand, { jobId }).resolves({ job: { jobId, jobArn: jobArnOf(jobId), status: 'IN_PROGRESS', ...job } });
  stubTags(jobArnOf(jobId), { [CREATION_MARKER_TAG]: owner, [REPLACES_TAG]: `${replacingHash(props)}/${replaced}` });
}

export { STACK_ID, LOGICAL_ID };
