/**
 * The SBOM of a version: associated after create (IoT's create and update
 * calls have no SBOM member), replaced or removed on update, and, when the
 * template asks for it, waited on until IoT has validated it.
 *
 * The wait runs inside the handler, bounded by the invocation's deadline
 * (which leaves the cleanup reserve for undoing a failed create) and so by
 * the custom resource's ServiceTimeout: no polling state machine.
 */
import type { GetPackageVersionCommandOutput } from '@aws-sdk/client-iot';
import { associateSbom, disassociateSbom, failedSbomResults, findPackageVersion, S3Object } from '../aws/iot';
import { now, sleep, timeLeft } from '../deadline';
import { errorName, truncate } from '../errors';
import { log } from '../log';

/** What a request does to the SBOM. */
export type SbomChange =
  | { readonly kind: 'associate'; readonly sbom: S3Object }
  | { readonly kind: 'disassociate' };

/** Time kept back from the wait for the calls that follow it (publishing, responding). */
export const AFTER_WAIT_MS = 15_000;
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 10_000;
/** Failed results named in a failure message. */
const RESULTS_SHOWN = 5;

/**
 * Makes the change.
 *
 * @returns the SBOM validation status IoT reports after it ('' once removed)
 */
export async function changeSbom(packageName: string, versionName: string, change: SbomChange): Promise<string> {
  const version = `${packageName}/${versionName}`;
  if (change.kind === 'disassociate') {
    await afterRunningValidation(packageName, versionName, () => disassociateSbom(packageName, versionName));
    log('SBOM removed', { version });
    return '';
  }
  const out = await afterRunningValidation(packageName, versionName, () => associateSbom(packageName, versionName, change.sbom));
  log('SBOM associated', { version, bucket: change.sbom.bucket, key: change.sbom.key, objectVersion: change.sbom.version });
  return out.sbomValidationStatus ?? 'IN_PROGRESS';
}

/**
 * Runs an SBOM change. Whether IoT accepts one while it still validates
 * the previous SBOM is not documented: if it answers ConflictException and
 * reports a validation in progress, the change is made again once that
 * validation has finished (within the time left).
 */
async function afterRunningValidation<T>(packageName: string, versionName: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (e) {
    if (errorName(e) !== 'ConflictException') {
      throw e;
    }
    const live = await findPackageVersion(packageName, versionName);
    if (live?.sbomValidationStatus !== 'IN_PROGRESS') {
      throw e;
    }
    const version = `${packageName}/${versionName}`;
    log('IoT is still validating the previous SBOM: waiting for it before changing the SBOM', { version });
    const started = now();
    await untilValidated(packageName, versionName, () => new Error(
      `IoT was still validating the previous SBOM of package version '${version}' after ${Math.round((now() - started) / 1000)} s, ` +
      'when the handler\'s time ran out, and refuses another SBOM change until it has finished (ConflictException). ' +
      'Deploy again once the validation has finished.'));
    return change();
  }
}

/**
 * Waits until IoT has validated the version's SBOM.
 *
 * @returns 'SUCCEEDED'
 * @throws when validation fails (naming the files and error codes), or when time runs out first
 */
export async function awaitSbomValidation(packageName: string, versionName: string): Promise<string> {
  const version = `${packageName}/${versionName}`;
  const started = now();
  const live = await untilValidated(packageName, versionName, () => new Error(
    `IoT was still validating the SBOM of package version '${version}' after ${Math.round((now() - started) / 1000)} s, ` +
    'when the handler\'s time ran out. Deploy again to wait longer, or turn waitForSbomValidation off and check ' +
    'the sbomValidationStatus attribute later.'));
  const status = live?.sbomValidationStatus;
  if (status === 'SUCCEEDED') {
    log('SBOM validated', { version, waitedMs: now() - started });
    return status;
  }
  if (status === 'FAILED') {
    throw new Error(`IoT's validation of the SBOM of package version '${version}' failed: ${await describeFailures(packageName, versionName)}. ` +
      'An SBOM must be a zip of SPDX or CycloneDX JSON documents.');
  }
  throw new Error(`Cannot wait for the SBOM validation of package version '${version}': IoT reports status '${status ?? '(none)'}'` +
    (live ? '' : ' (the version no longer exists)'));
}

/**
 * Reads the version until its SBOM validation is no longer IN_PROGRESS.
 *
 * @param timedOut the error to throw when the time left runs out first
 * @returns the version as IoT last reported it (undefined if it is gone)
 */
async function untilValidated(packageName: string, versionName: string, timedOut: () => Error): Promise<GetPackageVersionCommandOutput | undefined> {
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    const live = await findPackageVersion(packageName, versionName);
    if (live?.sbomValidationStatus !== 'IN_PROGRESS') {
      return live;
    }
    if (timeLeft() - AFTER_WAIT_MS < delay) {
      throw timedOut();
    }
    await sleep(delay);
  }
}

async function describeFailures(packageName: string, versionName: string): Promise<string> {
  const results = await failedSbomResults(packageName, versionName, RESULTS_SHOWN + 1);
  if (results.length === 0) {
    return 'IoT listed no failed file';
  }
  const shown = results.slice(0, RESULTS_SHOWN).map((r) =>
    `${truncate(r.fileName ?? '(no file name)', 120)}: ${r.errorCode ?? 'no error code'}${r.errorMessage ? ` (${truncate(r.errorMessage, 160)})` : ''}`);
  const more = results.length > RESULTS_SHOWN ? '; and more' : '';
  return `${shown.join('; ')}${more}`;
}
