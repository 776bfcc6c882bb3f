/**
 * The status each `PackageVersion` of the app was declared with, so that
 * other constructs (`PackageDefaultVersion`) can check it at synth time.
 * Imported versions are not recorded: their status is unknown until
 * deployment.
 */
import { DEFAULT_STATUS } from '../shared/contract';

const declared = new WeakMap<object, string>();

/**
 * Records the status a version was declared with.
 *
 * @param status the `status` prop's value (possibly a token); undefined means the default, DRAFT
 */
export function recordDeclaredStatus(version: object, status: string | undefined): void {
  declared.set(version, status ?? DEFAULT_STATUS);
}

/**
 * The status `version` was declared with (possibly a token), or undefined
 * when it was not declared in this app (an import).
 */
export function declaredStatus(version: object): string | undefined {
  return declared.get(version);
}
