/** The `Custom::IotSoftwarePackage` resource: a software package, the container of versions. */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const packageHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };
