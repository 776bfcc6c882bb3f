/**
 * Delete: by default leaves the configuration enabled (other stacks' jobs
 * may rely on it). With DisableOnDelete, disables it, but only if it still
 * names this resource's role.
 */
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { readDesiredConfiguration } from './desired';
import { getPackageConfiguration, updatePackageConfiguration } from '../aws/iot-account';
import { log } from '../log';
import { HandlerResponse } from '../response';
import { clientTokenFor } from '../version/create';

export async function onDelete(event: CloudFormationCustomResourceDeleteEvent): Promise<HandlerResponse> {
  const done = { PhysicalResourceId: event.PhysicalResourceId };
  let desired;
  try {
    desired = readDesiredConfiguration(event.ResourceProperties);
  } catch (e) {
    log('properties are not valid: leaving the package configuration as it is', { reason: (e as Error).message });
    return done;
  }
  if (!desired.disableOnDelete) {
    log('package configuration stays enabled (disableOnDelete is off)');
    return done;
  }
  const live = await getPackageConfiguration();
  if (!live.enabled || live.roleArn !== desired.roleArn) {
    log('package configuration no longer enabled with this resource\'s role: left as it is', { liveRoleArn: live.roleArn ?? '', enabled: live.enabled ?? false });
    return done;
  }
  await updatePackageConfiguration({ enabled: false }, clientTokenFor(event.RequestId));
  log('package configuration disabled');
  return done;
}
