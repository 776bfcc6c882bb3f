/**
 * What a request made, and how to undo it when the request fails after
 * making it.
 *
 * When the handler fails a Create, the provider framework answers
 * CloudFormation's later Delete itself, without calling the handler; when a
 * replacing Update fails, it answers with the old physical id. Either way
 * CloudFormation never learns what the request made, so the request undoes
 * it before failing: it deletes a version it created, or hands a version it
 * took over back to its previous owner. Undoing uses the cleanup reserve
 * (see ../deadline.ts); if it cannot finish, the failure names the leaked
 * ARN and the command that deletes it.
 */
import type { Pending } from './reconcile';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { deletePackageVersion, tagResource, untagResource } from '../aws/iot';
import { inCleanup } from '../deadline';
import { sentence } from '../errors';
import { log } from '../log';
import { VersionState } from '../response';

/** How to undo what a request made. */
export type Undo =
  | { readonly kind: 'delete'; readonly packageName: string; readonly versionName: string }
  | { readonly kind: 'hand-back'; readonly arn: string; readonly previous: string | null };

/**
 * The version a create ended with; `undo` is set when the request made or
 * took something, `pending` holds what is still to do (SBOM, status steps).
 */
export interface Made {
  readonly state: VersionState;
  readonly undo?: Undo;
  readonly pending: Pending;
}

/**
 * Runs the steps that follow a create; if one fails, undoes what the create
 * made and rethrows, saying what was undone (or what leaked).
 */
export async function completeOrUndo<T>(made: Made, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (e) {
    if (!made.undo) {
      throw e;
    }
    const failure = e as Error;
    try {
      await inCleanup(() => undo(made.undo!));
    } catch (cleanupError) {
      throw new Error(`${sentence(failure.message)} ${leakNotice(made.state.arn, made.undo, cleanupError as Error)}`);
    }
    const what = made.undo.kind === 'delete'
      ? 'The version this request created was deleted again, so nothing is left behind.'
      : 'The version was handed back to its previous owner.';
    throw new Error(`${sentence(failure.message)} ${what}`);
  }
}

/** Hands a version this resource took over back to its previous owner (or to nobody). */
export async function handBack(arn: string, previous: string | null): Promise<void> {
  if (previous === null) {
    await untagResource(arn, [CREATION_MARKER_TAG]);
  } else {
    await tagResource(arn, { [CREATION_MARKER_TAG]: `${previous}/handed-back` });
  }
  log('version handed back to its previous owner', { arn, previousOwner: previous ?? 'none' });
}

async function undo(action: Undo): Promise<void> {
  if (action.kind === 'delete') {
    await deletePackageVersion(action.packageName, action.versionName);
    log('undone: version deleted again', { version: `${action.packageName}/${action.versionName}` });
  } else {
    await handBack(action.arn, action.previous);
  }
}

function leakNotice(arn: string, action: Undo, cleanupError: Error): string {
  if (action.kind === 'delete') {
    return `The version this request created, ${arn}, could not be deleted again (${cleanupError.message}); ` +
      `delete it with 'aws iot delete-package-version --package-name ${action.packageName} --version-name ${action.versionName}'`;
  }
  return `The version ${arn} could not be handed back to its previous owner (${cleanupError.message}); its tag ` +
    `'${CREATION_MARKER_TAG}' still names this resource`;
}
