/** The `Custom::IotPackageVersion` resource: a version of a software package. */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const versionHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };
