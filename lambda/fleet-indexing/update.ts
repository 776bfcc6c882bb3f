/**
 * Update: makes sure the account still has what the package catalog needs
 * (someone may have turned it off since), with the new minimum mode. The
 * physical id never changes: it records the account before the create.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { enablePlan, liveOrOff, readDesiredIndexing, updatedThingMode } from './plan';
import { respondIndexing, writeIfChanged } from './write';
import { parseFleetIndexingPhysicalId } from '../../src/shared/fleet-indexing-contract';
import { getThingIndexing } from '../aws/iot-account';
import { HandlerResponse } from '../response';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDesiredIndexing(event.ResourceProperties);
  // The previous properties were accepted once; if they no longer parse, only the new minimum counts.
  const previous = (() => {
    try {
      return readDesiredIndexing(event.OldResourceProperties);
    } catch {
      return desired;
    }
  })();
  const before = parseFleetIndexingPhysicalId(event.PhysicalResourceId);
  const live = liveOrOff(await getThingIndexing());
  const plan = enablePlan(live, updatedThingMode(live, before, previous.minimumMode, desired.minimumMode));
  await writeIfChanged(plan);
  return respondIndexing(event.PhysicalResourceId, plan.config);
}
