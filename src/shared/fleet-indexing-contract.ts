/**
 * The wire contract between the `FleetIndexing` construct (src/) and its
 * custom-resource handler (lambda/fleet-indexing/). Both sides import this
 * module. Names are part of deployed templates: never rename them.
 */

/** CloudFormation type of the custom resource. Permanent once released. */
export const FLEET_INDEXING_RESOURCE_TYPE = 'Custom::IotFleetIndexing';

/** The thing indexing modes, from least to most indexed (IoT's `ThingIndexingMode`). */
export const THING_INDEXING_MODES = ['OFF', 'REGISTRY', 'REGISTRY_AND_SHADOW'] as const;

/** The modes a user may ask for as the minimum. */
export const MINIMUM_THING_INDEXING_MODES = ['REGISTRY', 'REGISTRY_AND_SHADOW'] as const;

/** The minimum thing indexing mode when the template names none. */
export const DEFAULT_THING_INDEXING_MODE = 'REGISTRY';

/** The reserved named shadow that the package catalog keeps per thing. */
export const PACKAGE_SHADOW = '$package';

/** The custom resource's properties, as the handler receives them (all strings). */
export interface FleetIndexingResourceProperties {
  /** One of MINIMUM_THING_INDEXING_MODES; absent means DEFAULT_THING_INDEXING_MODE. */
  readonly ThingIndexingMode?: string;
  /** 'true' to undo, on delete, what this resource changed; absent otherwise. */
  readonly RestoreOnDelete?: string;
}

/** Names of the attributes the handler returns in `Data`. */
export const ATTR_THING_INDEXING_MODE = 'ThingIndexingMode';
export const ATTR_NAMED_SHADOW_INDEXING_MODE = 'NamedShadowIndexingMode';

/**
 * What the account's thing indexing was before this resource first changed
 * it. The handler keeps it in the physical id, the one place that survives
 * from one invocation to the next; it is written at create and never
 * changes afterwards (a changed id would make CloudFormation delete the
 * resource).
 */
export interface IndexingBefore {
  readonly thingIndexingMode: string;
  readonly namedShadowIndexingMode: string;
  /** Whether `$package` was in the named-shadow filter already. */
  readonly packageShadow: boolean;
  /**
   * A digest (16 hex digits) of the other named shadows in the filter, so
   * that a restore can tell whether anyone added or removed one since.
   */
  readonly otherNamedShadows: string;
}

const PHYSICAL_ID_PREFIX = 'iot-fleet-indexing';
const PHYSICAL_ID = new RegExp('^iot-fleet-indexing:before:thingIndexingMode=(OFF|REGISTRY|REGISTRY_AND_SHADOW),' +
  'namedShadowIndexingMode=(OFF|ON),packageShadow=(present|absent),otherNamedShadows=([0-9a-f]{16})$');

/**
 * The physical id that records `before`, e.g.
 * `iot-fleet-indexing:before:thingIndexingMode=OFF,namedShadowIndexingMode=OFF,packageShadow=absent,otherNamedShadows=e3b0c44298fc1c14`
 * (about 150 characters, far below CloudFormation's 1 KB).
 */
export function fleetIndexingPhysicalId(before: IndexingBefore): string {
  return `${PHYSICAL_ID_PREFIX}:before:thingIndexingMode=${before.thingIndexingMode},` +
    `namedShadowIndexingMode=${before.namedShadowIndexingMode},packageShadow=${before.packageShadow ? 'present' : 'absent'},` +
    `otherNamedShadows=${before.otherNamedShadows}`;
}

/** What a physical id records; undefined if it is not one of ours. */
export function parseFleetIndexingPhysicalId(physicalId: string): IndexingBefore | undefined {
  const m = PHYSICAL_ID.exec(physicalId);
  return m ? { thingIndexingMode: m[1], namedShadowIndexingMode: m[2], packageShadow: m[3] === 'present', otherNamedShadows: m[4] } : undefined;
}
