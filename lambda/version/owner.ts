/**
 * Who owns a live version, read from its creation-marker tag (see ../ownership.ts).
 */
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { listTags } from '../aws/iot';
import { Caller, parseMarker } from '../ownership';

/**
 * Whether the version's creation marker names another CloudFormation
 * resource. A version without a marker counts as ours: the physical id says so.
 */
export async function ownedByAnother(arn: string, caller: Caller): Promise<boolean> {
  const owner = parseMarker((await listTags(arn))[CREATION_MARKER_TAG])?.owner;
  return owner !== undefined && owner !== caller.owner;
}

