/** What create, update and delete of the fleet-indexing resource share. */
import type { ThingIndexingConfiguration } from '@aws-sdk/client-iot';
import { Plan } from './plan';
import { ATTR_NAMED_SHADOW_INDEXING_MODE, ATTR_THING_INDEXING_MODE } from '../../src/shared/fleet-indexing-contract';
import { updateThingIndexing } from '../aws/iot-account';
import { log } from '../log';
import { HandlerResponse } from '../response';

/** Writes the plan's configuration, unless it changes nothing. */
export async function writeIfChanged(plan: Plan): Promise<void> {
  if (plan.changes.length === 0) {
    log('fleet indexing already as needed: nothing to write');
    return;
  }
  await updateThingIndexing(plan.config, plan.changes);
  log('fleet indexing updated', { changes: plan.changes });
}

/** The response, with the modes the account now has. */
export function respondIndexing(physicalResourceId: string, config: ThingIndexingConfiguration): HandlerResponse {
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      [ATTR_THING_INDEXING_MODE]: config.thingIndexingMode ?? 'OFF',
      [ATTR_NAMED_SHADOW_INDEXING_MODE]: config.namedShadowIndexingMode ?? 'OFF',
    },
  };
}
