/** Create: makes the version the package's default (see designate.ts). */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { designate } from './designate';
import { HandlerResponse } from '../response';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  return designate(event, 'throw');
}
