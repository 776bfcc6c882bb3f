/**
 * Update: makes the new properties' version the package's default (see
 * designate.ts) and returns its physical id. When the version or package
 * changed, that id is new: CloudFormation then deletes the old designation
 * in its clean-up phase, and that Delete finds the default moved on and
 * leaves it.
 *
 * A rollback's Update (properties and old properties swapped) sets the
 * previous version back the same way. If that version can no longer be the
 * default (deleted, say), the rollback is not failed: the default stays as
 * it is, and the clean-up's Delete of the newer designation unsets it.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { designate } from './designate';
import { HandlerResponse } from '../response';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  return designate(event, 'unlessRollingBack');
}
