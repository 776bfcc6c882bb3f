/**
 * What each resource type's module gives the entry point (index.ts): one
 * function per CloudFormation request type. A module per resource type
 * (version/, package/, ...) exports one of these from its index.ts.
 */
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { HandlerResponse } from './response';

/** The lifecycle steps of one resource type. */
export interface ResourceHandlers {
  onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse>;
  onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse>;
  onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse>;
}
