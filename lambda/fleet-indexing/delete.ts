/**
 * Delete: by default leaves fleet indexing as it is (other stacks, and the
 * account's package catalog, may rely on it). With RestoreOnDelete, undoes
 * only what this resource changed, and only where the live setting is still
 * what it wrote (see plan.ts, restorePlan).
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { liveOrOff, readDesiredIndexing, restorePlan } from './plan';
import { writeIfChanged } from './write';
import { parseFleetIndexingPhysicalId } from '../../src/shared/fleet-indexing-contract';
import { getThingIndexing } from '../aws/iot-account';
import { log } from '../log';
import { HandlerResponse } from '../response';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const done = { PhysicalResourceId: event.PhysicalResourceId };
  let desired;
  try {
    desired = readDesiredIndexing(event.ResourceProperties);
  } catch (e) {
    log('properties are not valid: leaving fleet indexing as it is', { reason: (e as Error).message });
    return done;
  }
  if (!desired.restoreOnDelete) {
    log('fleet indexing stays enabled (restoreOnDelete is off)');
    return done;
  }
  const before = parseFleetIndexingPhysicalId(event.PhysicalResourceId);
  if (!before) {
    log('the physical id records nothing this resource changed: leaving fleet indexing as it is');
    return done;
  }
  const live = liveOrOff(await getThingIndexing());
  const plan = restorePlan(live, before, desired.minimumMode);
  if (plan.kept.length > 0) {
    log('restoreOnDelete: kept what others may rely on', { kept: plan.kept });
  }
  await writeIfChanged(plan);
  return done;
}
