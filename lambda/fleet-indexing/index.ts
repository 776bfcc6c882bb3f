/** The `Custom::IotFleetIndexing` resource: the account's fleet indexing, as the package catalog needs it. */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const fleetIndexingHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };
