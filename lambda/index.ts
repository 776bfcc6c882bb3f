/**
 * Lambda entry point of the catalog's custom-resource handler, bundled by
 * `npx projen bundle:handler` into assets/package-version-handler. All
 * resource types of a stack share it (one provider per stack).
 *
 * Dispatch is on the resource type (one module per type: version/,
 * default-version/, ...),
 * then one exhaustive switch over the request type; each lifecycle step has
 * its own file in the type's module.
 *
 * - Account settings (fleet-indexing/, package-configuration/): one per
 *   account and region, read and merged before any write; their physical
 *   ids never change on update (see their contracts).
 * - Physical id of a package: its ARN (package/), changing only when
 *   PackageName changes (a replacement).
 * - Physical id of a version: its ARN, so `Ref` works in IoT Jobs'
 *   `destinationPackageVersions`. It changes only when PackageName or
 *   VersionName change (a replacement); CloudFormation then deletes the old
 *   version in its clean-up phase.
 * - Physical id of a deployment: its job id (deployment/job.ts); a change
 *   that needs a new job returns the new id, and CloudFormation's clean-up
 *   Delete of the old one cancels (or leaves) the old job.
 * - Time: one deadline from the Lambda context bounds every call and retry
 *   (deadline.ts).
 * - Failures are thrown, never returned, and bounded so that CloudFormation
 *   accepts them (failure.ts).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RemainingTime, withDeadline } from './deadline';
import { defaultVersionHandlers } from './default-version';
import { deploymentHandlers } from './deployment';
import { truncate } from './errors';
import { boundedFailure } from './failure';
import { fleetIndexingHandlers } from './fleet-indexing';
import { describeEvent, log } from './log';
import { packageHandlers } from './package';
import { packageConfigurationHandlers } from './package-configuration';
import { ResourceHandlers } from './resource-handlers';
import { HandlerResponse } from './response';
import { versionHandlers } from './version';
import { RESOURCE_TYPE as VERSION_TYPE } from '../src/shared/contract';
import { DEFAULT_VERSION_RESOURCE_TYPE } from '../src/shared/default-version-contract';
import { DEPLOYMENT_RESOURCE_TYPE } from '../src/shared/deployment-contract';
import { FLEET_INDEXING_RESOURCE_TYPE } from '../src/shared/fleet-indexing-contract';
import { PACKAGE_CONFIGURATION_RESOURCE_TYPE } from '../src/shared/package-configuration-contract';
import { PACKAGE_RESOURCE_TYPE } from '../src/shared/package-contract';

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

/** The module of each resource type, by its CloudFormation type name (permanent once released). */
const RESOURCE_TYPES: Readonly<Record<string, ResourceHandlers>> = {
  [PACKAGE_RESOURCE_TYPE]: packageHandlers,
  [VERSION_TYPE]: versionHandlers,
  [DEFAULT_VERSION_RESOURCE_TYPE]: defaultVersionHandlers,
  [FLEET_INDEXING_RESOURCE_TYPE]: fleetIndexingHandlers,
  [PACKAGE_CONFIGURATION_RESOURCE_TYPE]: packageConfigurationHandlers,
  [DEPLOYMENT_RESOURCE_TYPE]: deploymentHandlers,
};

function dispatch(event: CloudFormationCustomResourceEvent): Promise<HandlerResponse> {
  const type: string = event.RequestType;
  switch (event.RequestType) {
    case 'Create':
      return handlersFor(event).onCreate(event);
    case 'Update':
      return handlersFor(event).onUpdate(event);
    case 'Delete':
      return handlersFor(event).onDelete(event);
    default:
      // Never echo the event: it holds the pre-signed ResponseURL and sensitive properties.
      throw new Error(`Unsupported RequestType ${JSON.stringify(truncate(String(type), 40))}; expected Create, Update or Delete`);
  }
}

function handlersFor(event: CloudFormationCustomResourceEvent): ResourceHandlers {
  const type: string = event.ResourceType;
  if (!Object.prototype.hasOwnProperty.call(RESOURCE_TYPES, type)) {
    throw new Error(`Unsupported ResourceType ${JSON.stringify(truncate(String(type), 60))}; this handler manages ${Object.keys(RESOURCE_TYPES).join(', ')}`);
  }
  return RESOURCE_TYPES[type];
}
