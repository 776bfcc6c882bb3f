/**
 * The package's default-version marker tag (see
 * DEFAULT_VERSION_MARKER_TAG): which designation set the default last, and
 * the one before it.
 */
import { DEFAULT_VERSION_MARKER_TAG } from '../../src/shared/default-version-contract';
import { listTags, tagResource, untagResource } from '../aws/iot';

/** What a marker records. */
export interface DefaultMarker {
  /** The designation that set the default last. */
  readonly owner: string;
  /** The designation that had set it before, when another one had. */
  readonly previous?: string;
  /**
   * The package's default before `owner` changed it: a version name, `null`
   * when there was none; undefined when not recorded (`owner` found the
   * default already set, or the marker predates the record).
   */
  readonly previousDefault?: string | null;
}

const MARKER_VALUE = /^([0-9a-f]{32})(?:\/([0-9a-f]{32}))?(?:=([a-zA-Z0-9_.-]*))?$/;

/** Parses a marker's value; undefined when absent or malformed (then no designation is known to have set the default). */
export function parseDefaultMarker(value: string | undefined): DefaultMarker | undefined {
  const m = value === undefined ? null : MARKER_VALUE.exec(value);
  if (!m) {
    return undefined;
  }
  return {
    owner: m[1],
    ...(m[2] === undefined ? {} : { previous: m[2] }),
    ...(m[3] === undefined ? {} : { previousDefault: m[3] === '' ? null : m[3] }),
  };
}

export function defaultMarkerValue(owner: string, previous?: string, previousDefault?: string | null): string {
  const owners = previous === undefined || previous === owner ? owner : `${owner}/${previous}`;
  return previousDefault === undefined ? owners : `${owners}=${previousDefault ?? ''}`;
}

export async function readDefaultMarker(packageArn: string): Promise<DefaultMarker | undefined> {
  return parseDefaultMarker((await listTags(packageArn))[DEFAULT_VERSION_MARKER_TAG]);
}

export async function writeDefaultMarker(packageArn: string, owner: string, previous?: string, previousDefault?: string | null): Promise<void> {
  await tagResource(packageArn, { [DEFAULT_VERSION_MARKER_TAG]: defaultMarkerValue(owner, previous, previousDefault) });
}

export async function removeDefaultMarker(packageArn: string): Promise<void> {
  await untagResource(packageArn, [DEFAULT_VERSION_MARKER_TAG]);
}
