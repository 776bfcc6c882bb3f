/**
 * What a package request made, and how to undo it when the request fails
 * after making it (as for versions, see ../version/made.ts): a package it
 * created is deleted again (only while it has no versions), a package it
 * took over is handed back to its previous owner.
 */
import { CREATION_MARKER_TAG } from '../../src/shared/contract';
import { readStackStatus } from '../aws/cloudformation';
import { deletePackage, listPackageVersionNames, tagResource, untagResource } from '../aws/iot';
import { inCleanup } from '../deadline';
import { sentence, truncate } from '../errors';
import { log } from '../log';
import { isDeploying } from '../stack-status';

/** How to undo what a request made. */
export type PackageUndo =
  | { readonly kind: 'delete'; readonly packageName: string }
  | { readonly kind: 'hand-back'; readonly previous: string | null };

/** The package a create ended with; `undo` is set when the request made or took it. */
export interface MadePackage {
  readonly arn: string;
  readonly packageName: string;
  readonly undo?: PackageUndo;
}

/** Hands a package this resource took over back to its previous owner (or to nobody). */
export async function handBackPackage(arn: string, previous: string | null): Promise<void> {
  if (previous === null) {
    await untagResource(arn, [CREATION_MARKER_TAG]);
  } else {
    await tagResource(arn, { [CREATION_MARKER_TAG]: `${previous}/handed-back` });
  }
  log('package handed back to its previous owner', { arn, previousOwner: previous ?? 'none' });
}

/**
 * After a create: CloudFormation may have given up on this request (a
 * sibling failed, or the stack is being deleted) while it ran, and would
 * then never learn what it made. If so, undo it and fail.
 */
export async function confirmPackageStillDeploying(stackId: string, made: MadePackage): Promise<void> {
  if (!made.undo) {
    return;
  }
  let status: string;
  try {
    status = await readStackStatus(stackId);
  } catch (e) {
    throw await undoAndExplain(made, e as Error);
  }
  if (!isDeploying(status)) {
    throw await undoAndExplain(made, new Error(`CloudFormation stopped deploying this resource while the package was being created (stack status ${status})`));
  }
}

/** Undoes what `made` records, within the cleanup reserve, and returns `failure` extended by what happened. */
export async function undoAndExplain(made: MadePackage, failure: Error): Promise<Error> {
  const undo = made.undo!;
  try {
    const what = await inCleanup(async () => {
      if (undo.kind === 'hand-back') {
        await handBackPackage(made.arn, undo.previous);
        return 'The package was handed back to its previous owner.';
      }
      const versions = await listPackageVersionNames(undo.packageName);
      if (versions.length > 0) {
        log('undo: the package this request created now has versions: kept', { package: undo.packageName, versionCount: versions.length });
        return `The package this request created, ${made.arn}, now has ${versions.length} version(s) and was kept.`;
      }
      await deletePackage(undo.packageName);
      log('undone: package deleted again', { package: undo.packageName });
      return 'The package this request created was deleted again, so nothing is left behind.';
    });
    return new Error(`${sentence(failure.message)} ${what}`);
  } catch (cleanupError) {
    const leak = undo.kind === 'delete'
      ? `The package this request created, ${made.arn}, could not be deleted again (${truncate((cleanupError as Error).message, 300)}); ` +
        `delete it with 'aws iot delete-package --package-name ${undo.packageName}'.`
      : `The package ${made.arn} could not be handed back to its previous owner (${truncate((cleanupError as Error).message, 300)}); ` +
        `its tag '${CREATION_MARKER_TAG}' still names this resource.`;
    return new Error(`${sentence(failure.message)} ${leak}`);
  }
}
