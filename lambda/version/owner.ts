/**
 * Who owns a live version, read from its creation-marker tag (see ../ownership.ts).
 */
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { listTags } from '../aws/iot';
import { Marker, parseMarker } from '../ownership';

/** The version's marker; undefined when it has none (or a malformed one): then it is not ours. */
export async function readMarker(arn: string): Promise<Marker | undefined> {
  return parseMarker((await listTags(arn))[CREATION_MARKER_TAG]);
}
