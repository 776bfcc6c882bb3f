/**
 * What the fleet-indexing resource writes: the account's thing indexing
 * configuration as it is, with thing indexing at least at the minimum mode,
 * named-shadow indexing ON and `$package` in the named-shadow filter.
 * Everything else (connectivity, Device Defender, custom and managed fields,
 * geolocations, the connectivity filter, other named shadows) is sent back
 * as it was read, because IoT replaces the whole thing indexing
 * configuration with what is sent. Pure functions: no IoT calls here.
 */
import { createHash } from 'crypto';
import type { ThingIndexingConfiguration } from '@aws-sdk/client-iot';
import {
  DEFAULT_THING_INDEXING_MODE,
  FleetIndexingResourceProperties,
  IndexingBefore,
  MINIMUM_THING_INDEXING_MODES,
  PACKAGE_SHADOW,
  THING_INDEXING_MODES,
} from '../../src/shared/fleet-indexing-contract';

/** The desired state read from the resource's properties. */
export interface DesiredIndexing {
  /** The least thing indexing mode; a higher live mode is kept. */
  readonly minimumMode: string;
  readonly restoreOnDelete: boolean;
}

/** Reads and checks the properties. Throws for values the construct would have refused. */
export function readDesiredIndexing(raw: object | undefined): DesiredIndexing {
  const props = raw as Partial<FleetIndexingResourceProperties> | undefined;
  const mode = props?.ThingIndexingMode ?? DEFAULT_THING_INDEXING_MODE;
  if (!(MINIMUM_THING_INDEXING_MODES as readonly string[]).includes(mode)) {
    throw new Error(`Invalid ThingIndexingMode ${JSON.stringify(String(mode).slice(0, 40))}: expected ${MINIMUM_THING_INDEXING_MODES.join(' or ')}`);
  }
  const restore = props?.RestoreOnDelete;
  if (restore !== undefined && restore !== 'true' && restore !== 'false') {
    throw new Error(`Invalid RestoreOnDelete ${JSON.stringify(String(restore).slice(0, 40))}: expected 'true' or 'false'`);
  }
  return { minimumMode: mode, restoreOnDelete: restore === 'true' };
}

function rank(mode: string | undefined): number {
  const i = (THING_INDEXING_MODES as readonly string[]).indexOf(mode ?? 'OFF');
  return i < 0 ? 0 : i;
}

/** The mode after raising `mode` to at least `minimum`. */
export function atLeast(mode: string | undefined, minimum: string): string {
  return rank(mode) >= rank(minimum) ? (mode ?? 'OFF') : minimum;
}

/** The live configuration as IoT reported it; an account that never set one has thing indexing OFF. */
export function liveOrOff(live: ThingIndexingConfiguration | undefined): ThingIndexingConfiguration {
  return live ?? { thingIndexingMode: 'OFF' };
}

/** What the account had before this resource first changed it. */
export function beforeOf(live: ThingIndexingConfiguration): IndexingBefore {
  return {
    thingIndexingMode: live.thingIndexingMode ?? 'OFF',
    namedShadowIndexingMode: live.namedShadowIndexingMode ?? 'OFF',
    packageShadow: namesOf(live).includes(PACKAGE_SHADOW),
    otherNamedShadows: digestOfOthers(live),
  };
}

/** A digest of the named shadows in the filter other than `$package`, in any order. */
export function digestOfOthers(config: ThingIndexingConfiguration): string {
  const others = namesOf(config).filter((n) => n !== PACKAGE_SHADOW).sort();
  return createHash('sha256').update(JSON.stringify(others)).digest('hex').slice(0, 16);
}

export function namesOf(config: ThingIndexingConfiguration): string[] {
  return config.filter?.namedShadowNames ?? [];
}

/** A configuration to send, and what it changes (empty: nothing to write). */
export interface Plan {
  readonly config: ThingIndexingConfiguration;
  readonly changes: string[];
}

/**
 * `live` with the thing indexing mode set to `thingMode`, named-shadow
 * indexing ON and `$package` in the filter, and everything else as it was.
 */
export function enablePlan(live: ThingIndexingConfiguration, thingMode: string): Plan {
  const changes: string[] = [];
  let config: ThingIndexingConfiguration = { ...live };
  if ((live.thingIndexingMode ?? 'OFF') !== thingMode) {
    changes.push(`thingIndexingMode ${live.thingIndexingMode ?? 'OFF'} -> ${thingMode}`);
    config = { ...config, thingIndexingMode: thingMode as ThingIndexingConfiguration['thingIndexingMode'] };
  }
  if (live.namedShadowIndexingMode !== 'ON') {
    changes.push(`namedShadowIndexingMode ${live.namedShadowIndexingMode ?? 'OFF'} -> ON`);
    config = { ...config, namedShadowIndexingMode: 'ON' };
  }
  const names = namesOf(live);
  if (!names.includes(PACKAGE_SHADOW)) {
    changes.push(`'${PACKAGE_SHADOW}' added to the named-shadow filter`);
    config = { ...config, filter: { ...live.filter, namedShadowNames: [...names, PACKAGE_SHADOW] } };
  }
  return { config, changes };
}

/**
 * The thing indexing mode an update sets. What this resource itself set
 * (the mode its previous properties gave, from the mode recorded before
 * its create) follows the new properties, down as well as up; a mode set
 * by someone else since is only ever raised to the new minimum.
 */
export function updatedThingMode(
  live: ThingIndexingConfiguration, before: IndexingBefore | undefined, oldMinimum: string, newMinimum: string,
): string {
  const liveMode = live.thingIndexingMode ?? 'OFF';
  if (before) {
    const wrote = atLeast(before.thingIndexingMode, oldMinimum);
    if (liveMode === wrote) {
      return atLeast(before.thingIndexingMode, newMinimum);
    }
  }
  return atLeast(liveMode, newMinimum);
}

/**
 * What restoring on delete sends: only what this resource changed, and
 * only where the live setting is still what it wrote.
 *
 * - `$package` is removed from the filter if it was not there before.
 * - Named-shadow indexing goes back to what it was if this resource turned
 *   it ON and the other named shadows in the filter are the ones that were
 *   there before (one added since means someone relies on it).
 * - The thing indexing mode goes back if this resource changed it and it is
 *   still what it wrote; back to OFF only when nothing else indexes
 *   (named shadows, connectivity, Device Defender).
 *
 * @returns the plan, and why anything was kept
 */
export function restorePlan(live: ThingIndexingConfiguration, before: IndexingBefore, minimumMode: string): Plan & { kept: string[] } {
  const changes: string[] = [];
  const kept: string[] = [];
  let config: ThingIndexingConfiguration = { ...live };

  const names = namesOf(live);
  if (!before.packageShadow && names.includes(PACKAGE_SHADOW)) {
    changes.push(`'${PACKAGE_SHADOW}' removed from the named-shadow filter`);
    config = { ...config, filter: { ...live.filter, namedShadowNames: names.filter((n) => n !== PACKAGE_SHADOW) } };
  }

  if (before.namedShadowIndexingMode !== 'ON' && live.namedShadowIndexingMode === 'ON') {
    const others = namesOf(config).filter((n) => n !== PACKAGE_SHADOW);
    if (others.length === 0 || digestOfOthers(config) === before.otherNamedShadows) {
      changes.push(`namedShadowIndexingMode ON -> ${before.namedShadowIndexingMode}`);
      config = { ...config, namedShadowIndexingMode: before.namedShadowIndexingMode as ThingIndexingConfiguration['namedShadowIndexingMode'] };
    } else {
      kept.push(`namedShadowIndexingMode ON (named shadows were added to the filter since: ${others.join(', ')})`);
    }
  }

  const wrote = atLeast(before.thingIndexingMode, minimumMode);
  const liveMode = live.thingIndexingMode ?? 'OFF';
  if (before.thingIndexingMode !== wrote) {
    if (liveMode !== wrote) {
      kept.push(`thingIndexingMode ${liveMode} (changed by someone else since; this resource wrote ${wrote})`);
    } else if (before.thingIndexingMode === 'OFF' && stillIndexes(config)) {
      // (Named shadows, connectivity or Device Defender need thing indexing.)
      kept.push(`thingIndexingMode ${liveMode} (named shadows, connectivity or Device Defender are still indexed)`);
    } else {
      changes.push(`thingIndexingMode ${liveMode} -> ${before.thingIndexingMode}`);
      config = { ...config, thingIndexingMode: before.thingIndexingMode as ThingIndexingConfiguration['thingIndexingMode'] };
    }
  }
  return { config, changes, kept };
}

function stillIndexes(config: ThingIndexingConfiguration): boolean {
  return config.namedShadowIndexingMode === 'ON'
    || (config.thingConnectivityIndexingMode ?? 'OFF') !== 'OFF'
    || (config.deviceDefenderIndexingMode ?? 'OFF') !== 'OFF';
}
