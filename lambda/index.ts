/**
 * Lambda entry point of the PackageVersion custom-resource handler, bundled
 * by `npx projen bundle:handler` into assets/package-version-handler.
 *
 * One exhaustive switch over the request type; each lifecycle step has its
 * own module in version/.
 *
 * - Physical id: the version ARN, so `Ref` works in IoT Jobs'
 *   `destinationPackageVersions`. It changes only when PackageName or
 *   VersionName change (a replacement); CloudFormation then deletes the old
 *   version in its clean-up phase.
 * - Failures are thrown, never returned: the framework reports the message to
 *   CloudFormation.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeEvent, log } from './log';
import { HandlerResponse } from './response';
import { onCreate } from './version/create';
import { onDelete } from './version/delete';
import { onUpdate } from './version/update';

export type { HandlerResponse } from './response';

/** Entry point. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<HandlerResponse> {
  log('CloudFormation request', describeEvent(event));
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event);
    case 'Update':
      return onUpdate(event);
    case 'Delete':
      return onDelete(event);
  }
}
