/** Create: lets IoT Jobs update the `$package` shadow with the given role. */
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { enable, readDesiredConfiguration, refusal } from './desired';
import { getPackageConfiguration } from '../aws/iot-account';
import { HandlerResponse } from '../response';

export async function onCreate(event: CloudFormationCustomResourceCreateEvent): Promise<HandlerResponse> {
  const desired = readDesiredConfiguration(event.ResourceProperties);
  const live = await getPackageConfiguration();
  const refused = refusal(live, desired, []);
  if (refused) {
    throw new Error(refused);
  }
  return enable(live, desired, event.RequestId);
}
