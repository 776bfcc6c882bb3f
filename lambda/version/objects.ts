/**
 * Artifact and SBOM objects: which object version a template means.
 *
 * A template may name an object without its version. The handler then
 * resolves the version once: when the package version is created, or when
 * the template names another bucket or key than IoT holds. After that it
 * keeps the version IoT holds, so a new upload under the same key does not
 * change a deployed package version (CloudFormation sends no event when the
 * template does not change, and the handler does not look).
 */
import { S3Object } from '../aws/iot';
import { currentObjectVersion } from '../aws/s3';
import { ObjectLocation } from '../properties';

/** IoT's S3 location shape, as GetPackageVersion returns it. */
export interface LiveObject {
  readonly s3Location?: { readonly bucket?: string; readonly key?: string; readonly version?: string };
}

/** What IoT holds, as a location; undefined when it holds none. */
export function liveLocation(live: LiveObject | undefined): ObjectLocation | undefined {
  const loc = live?.s3Location;
  return loc?.bucket !== undefined && loc.key !== undefined
    ? { bucket: loc.bucket, key: loc.key, ...(loc.version !== undefined ? { version: loc.version } : {}) }
    : undefined;
}

/** Same bucket and key. */
export function sameObject(a: ObjectLocation | undefined, b: ObjectLocation | undefined): boolean {
  return a !== undefined && b !== undefined && a.bucket === b.bucket && a.key === b.key;
}

/**
 * Whether `desired` means what `held` is: the same bucket and key, and the
 * same version where the template names one.
 */
export function matches(desired: ObjectLocation | undefined, held: ObjectLocation | undefined): boolean {
  if (desired === undefined || held === undefined) {
    return desired === held;
  }
  return sameObject(desired, held) && (desired.version === undefined || desired.version === held.version);
}

/**
 * The object version to give IoT: the template's, else the one IoT already
 * holds for the same bucket and key, else the object's current version.
 *
 * @param what 'Artifact' or 'Sbom', for messages
 */
export async function resolveObject(what: string, desired: ObjectLocation, held: ObjectLocation | undefined): Promise<S3Object> {
  const { bucket, key } = desired;
  const version = desired.version
    ?? (sameObject(desired, held) && held!.version ? held!.version : await currentObjectVersion(what, bucket, key));
  return { bucket, key, version };
}
