/**
 * Brings a live package to the template's state: the description (in
 * place, with UpdatePackage) and the tags (the creation marker is never
 * removed).
 */
import { DesiredPackage } from './properties';
import { updatePackage } from '../aws/iot';
import { log } from '../log';
import { applyTags } from '../version/reconcile';

/** What IoT holds for a package (GetPackage). */
export interface LivePackage {
  readonly packageArn?: string;
  readonly description?: string;
}

/**
 * Sets the description when the template sets one that differs from IoT's.
 * IoT cannot clear a description (its pattern refuses ''): when the template
 * has none, the description IoT holds is kept.
 */
export async function applyDescription(desired: DesiredPackage, live: LivePackage): Promise<void> {
  if (desired.description === undefined) {
    if (live.description !== undefined && live.description !== '') {
      log('the template sets no description; IoT cannot clear one, so the package keeps its description', { package: desired.packageName });
    }
    return;
  }
  if (desired.description !== live.description) {
    await updatePackage({ packageName: desired.packageName, description: desired.description }, ['Description']);
    log('package description updated', { package: desired.packageName });
  }
}

/**
 * Brings a package this resource takes (back, or over) or keeps to the
 * template's state.
 *
 * @param previousTags the tags the previous template set: the only ones removed
 */
export async function reconcilePackage(desired: DesiredPackage, arn: string, live: LivePackage, previousTags: Record<string, string>): Promise<void> {
  await applyDescription(desired, live);
  await applyTags(arn, desired.tags, previousTags);
}
