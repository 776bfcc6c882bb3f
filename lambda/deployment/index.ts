/** The `Custom::IotPackageDeployment` resource: an IoT job that deploys package versions. */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const deploymentHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };
