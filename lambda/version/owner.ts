/**
 * Who owns a live version, read from its creation-marker tag (see ../ownership.ts).
 */
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { findTags, listTags } from '../aws/iot';
import { Marker, parseMarker } from '../ownership';

/** The version's marker; undefined when it has none (or a malformed one): then it is not ours. */
export async function readMarker(arn: string): Promise<Marker | undefined> {
  return parseMarker((await listTags(arn))[CREATION_MARKER_TAG]);
}

/** What findMarker learnt: that IoT reports no such resource, or the marker (as readMarker) of one it has. */
export type MarkerLookup =
  | { readonly found: false }
  | { readonly found: true; readonly marker: Marker | undefined };

/**
 * The marker of the version at `arn`, read without first checking that the
 * version exists: `found: false` when IoT answers ListTagsForResource with
 * ResourceNotFoundException.
 */
export async function findMarker(arn: string): Promise<MarkerLookup> {
  const tags = await findTags(arn);
  return tags === undefined ? { found: false } : { found: true, marker: parseMarker(tags[CREATION_MARKER_TAG]) };
}
