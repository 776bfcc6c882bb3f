/**
 * Create: turns on what the package catalog needs in the account's fleet
 * indexing, keeping every other setting, and records in the physical id
 * what the account had before (see the contract).
 *
 * A retried create that finds its own earlier write records the setting as
 * it finds it (enabled): restoreOnDelete then leaves it enabled, the safe
 * direction.
 */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { respondIndexing, writeIfChanged } from './write';
import { fleetIndexingPhysicalId } from '../../src/shared/fleet-indexing-contract';
import { getThingIndexing } from '../aws/iot-account';
import { HandlerResponse } from '../response';
import { atLeast, beforeOf, enablePlan, liveOrOff, readDesiredIndexing } from './plan';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredIndexing(event.ResourceProperties);
  const live = liveOrOff(await getThingIndexing());
  const before = beforeOf(live);
  const plan = enablePlan(live, atLeast(live.thingIndexingMode, desired.minimumMode));
  await writeIfChanged(plan);
  return respondIndexing(fleetIndexingPhysicalId(before), plan.config);
}
