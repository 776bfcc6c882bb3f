/**
 * Update: enables the configuration again (someone may have turned it off)
 * with the new role. The role the previous properties named is this
 * resource's own, so it may be replaced; any other is refused as on create,
 * except during a rollback, which is not failed for it.
 */
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { enable, readDesiredConfiguration, refusal } from './desired';
import { ATTR_ENABLED, ATTR_ROLE_ARN, PACKAGE_CONFIGURATION_PHYSICAL_ID } from '../../src/shared/package-configuration-contract';
import { getPackageConfiguration } from '../aws/iot-account';
import { HandlerResponse } from '../response';
import { refuseUnlessRollingBack } from '../stack-status';

export async function onUpdate(event: CloudFormationCustomResourceUpdateEvent): Promise<HandlerResponse> {
  const desired = readDesiredConfiguration(event.ResourceProperties);
  const previousRole = (event.OldResourceProperties as { RoleArn?: unknown } | undefined)?.RoleArn;
  const live = await getPackageConfiguration();
  const refused = refusal(live, desired, typeof previousRole === 'string' ? [previousRole] : []);
  if (refused) {
    await refuseUnlessRollingBack(event.StackId, refused);
    return { PhysicalResourceId: event.PhysicalResourceId || PACKAGE_CONFIGURATION_PHYSICAL_ID, Data: { [ATTR_ROLE_ARN]: live.roleArn ?? '', [ATTR_ENABLED]: String(live.enabled ?? false) } };
  }
  const response = await enable(live, desired, event.RequestId);
  return { ...response, PhysicalResourceId: event.PhysicalResourceId };
}
