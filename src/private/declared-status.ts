/**
 * What a PackageVersion construct declares about itself at synth time, for
 * other constructs of this library: the deployment refuses a DRAFT version,
 * and PackageDefaultVersion needs a PUBLISHED or DEPRECATED one.
 * Imported versions are not recorded: their status is unknown until IoT
 * checks it.
 */
import { IPackageVersion } from '../package-version';
import { PackageVersionS3ObjectConfig } from '../s3-object';

/** The declared status and artifact of a version construct. */
export interface DeclaredVersion {
  /** DRAFT, PUBLISHED, DEPRECATED, or a token. */
  readonly status: string;
  readonly artifact?: PackageVersionS3ObjectConfig;
}

const declared = new WeakMap<IPackageVersion, DeclaredVersion>();

export function declareVersion(version: IPackageVersion, what: DeclaredVersion): void {
  declared.set(version, what);
}

/** What `version` declared, or undefined for an imported (or foreign) version. */
export function declaredVersion(version: IPackageVersion): DeclaredVersion | undefined {
  return declared.get(version);
}

/** The status `version` was declared with (possibly a token), or undefined for an imported version. */
export function declaredStatus(version: IPackageVersion): string | undefined {
  return declared.get(version)?.status;
}
