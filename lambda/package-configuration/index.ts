/** The `Custom::IotPackageConfiguration` resource: lets IoT Jobs update the `$package` shadow. */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const packageConfigurationHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };
