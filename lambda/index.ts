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
 * - Time: one deadline from the Lambda context bounds every call and retry
 *   (deadline.ts).
 * - Failures are thrown, never returned, and bounded so that CloudFormation
 *   accepts them (failure.ts).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RemainingTime, withDeadline } from './deadline';
import { truncate } from './errors';
import { boundedFailure } from './failure';
import { describeEvent, log } from './log';
import { HandlerResponse } from './response';
import { onCreate } from './version/create';
import { onDelete } from './version/delete';
import { onUpdate } from './version/update';

export type { HandlerResponse } from './response';

/** Entry point. */
export async function handler(event: CloudFormationCustomResourceEvent, context?: RemainingTime): Promise<HandlerResponse> {
  return withDeadline(context, async () => {
    try {
      log('CloudFormation request', describeEvent(event));
      return await dispatch(event);
    } catch (e) {
      const failure = boundedFailure(e, event);
      log('request failed', { reason: failure.message });
      throw failure;
    }
  });
}

function dispatch(event: CloudFormationCustomResourceEvent): Promise<HandlerResponse> {
  const type: string = event.RequestType;
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event);
    case 'Update':
      return onUpdate(event);
    case 'Delete':
      return onDelete(event);
    default:
      // Never echo the event: it holds the pre-signed ResponseURL and sensitive properties.
      throw new Error(`Unsupported RequestType ${JSON.stringify(truncate(String(type), 40))}; expected Create, Update or Delete`);
  }
}
