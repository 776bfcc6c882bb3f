/** The pure planning of fleet-indexing writes: what is kept, what is added, what a restore undoes. */
import type { ThingIndexingConfiguration } from '@aws-sdk/client-iot';
import {
  atLeast,
  beforeOf,
  enablePlan,
  liveOrOff,
  readDesiredIndexing,
  restorePlan,
  updatedThingMode,
} from '../../../lambda/fleet-indexing/plan';
import { fleetIndexingPhysicalId, parseFleetIndexingPhysicalId } from '../../../src/shared/fleet-indexing-contract';

/** The digest of no other named shadows: sha256('[]'), computed here independently of plan.ts. */
const NO_OTHERS = '4f53cda18c2baa0c';

/** A configuration with every member IoT has, none of them the package catalog's. */
const RICH: ThingIndexingConfiguration = {
  thingIndexingMode: 'REGISTRY_AND_SHADOW',
  thingConnectivityIndexingMode: 'STATUS',
  deviceDefenderIndexingMode: 'VIOLATIONS',
  namedShadowIndexingMode: 'ON',
  customFields: [{ name: 'attributes.serial', type: 'String' }],
  managedFields: [{ name: 'thingName', type: 'String' }],
  filter: {
    namedShadowNames: ['config'],
    geoLocations: [{ name: 'shadow.name.config.reported.location', order: 'LatLon' }],
    connectivity: { includeSocketInformation: ['GET_THING_CONNECTIVITY_DATA'] },
  },
};

describe('readDesiredIndexing', () => {
  test('defaults to REGISTRY, no restore', () => {
    expect(readDesiredIndexing({})).toEqual({ minimumMode: 'REGISTRY', restoreOnDelete: false });
    expect(readDesiredIndexing(undefined)).toEqual({ minimumMode: 'REGISTRY', restoreOnDelete: false });
  });
  test('reads the mode and the flag', () => {
    expect(readDesiredIndexing({ ThingIndexingMode: 'REGISTRY_AND_SHADOW', RestoreOnDelete: 'true' }))
      .toEqual({ minimumMode: 'REGISTRY_AND_SHADOW', restoreOnDelete: true });
  });
  test.each([['OFF'], ['registry'], ['']])('refuses ThingIndexingMode %j', (mode) => {
    expect(() => readDesiredIndexing({ ThingIndexingMode: mode })).toThrow(`Invalid ThingIndexingMode "${mode}": expected REGISTRY or REGISTRY_AND_SHADOW`);
  });
  test('refuses a RestoreOnDelete that is not a boolean', () => {
    expect(() => readDesiredIndexing({ RestoreOnDelete: 'yes' })).toThrow('Invalid RestoreOnDelete "yes"');
  });
});

test('atLeast raises, never lowers', () => {
  expect(atLeast(undefined, 'REGISTRY')).toBe('REGISTRY');
  expect(atLeast('OFF', 'REGISTRY_AND_SHADOW')).toBe('REGISTRY_AND_SHADOW');
  expect(atLeast('REGISTRY_AND_SHADOW', 'REGISTRY')).toBe('REGISTRY_AND_SHADOW');
  expect(atLeast('REGISTRY', 'REGISTRY')).toBe('REGISTRY');
});

test('the physical id records the state before, and parses back; anything else parses to undefined', () => {
  const before = beforeOf(liveOrOff(undefined));
  expect(before).toEqual({ thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', packageShadow: false, otherNamedShadows: NO_OTHERS });
  const id = fleetIndexingPhysicalId(before);
  expect(id).toBe(`iot-fleet-indexing:before:thingIndexingMode=OFF,namedShadowIndexingMode=OFF,packageShadow=absent,otherNamedShadows=${NO_OTHERS}`);
  expect(parseFleetIndexingPhysicalId(id)).toEqual(before);
  const full = { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', packageShadow: true, otherNamedShadows: '0123456789abcdef' };
  expect(parseFleetIndexingPhysicalId(fleetIndexingPhysicalId(full))).toEqual(full);
  expect(parseFleetIndexingPhysicalId('a1b2c3-request-id')).toBeUndefined();
});

describe('enablePlan', () => {
  test('from OFF: sets the mode, named shadows ON and the $package filter', () => {
    const plan = enablePlan({ thingIndexingMode: 'OFF' }, 'REGISTRY');
    expect(plan.config).toEqual({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } });
    expect(plan.changes).toEqual([
      'thingIndexingMode OFF -> REGISTRY', 'namedShadowIndexingMode OFF -> ON', '\'$package\' added to the named-shadow filter',
    ]);
  });

  test('keeps every other setting and shadow filter, adding $package after the others', () => {
    const plan = enablePlan(RICH, atLeast(RICH.thingIndexingMode, 'REGISTRY'));
    expect(plan.config).toEqual({ ...RICH, filter: { ...RICH.filter, namedShadowNames: ['config', '$package'] } });
    expect(plan.changes).toEqual(['\'$package\' added to the named-shadow filter']);
  });

  test('changes nothing when everything is there', () => {
    const live = { ...RICH, filter: { ...RICH.filter, namedShadowNames: ['$package', 'config'] } };
    expect(enablePlan(live, 'REGISTRY_AND_SHADOW')).toEqual({ config: live, changes: [] });
  });
});

describe('updatedThingMode', () => {
  const before = { thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', packageShadow: false, otherNamedShadows: NO_OTHERS };
  test('what this resource wrote follows the new minimum, down as well as up', () => {
    expect(updatedThingMode({ thingIndexingMode: 'REGISTRY' }, before, 'REGISTRY', 'REGISTRY_AND_SHADOW')).toBe('REGISTRY_AND_SHADOW');
    expect(updatedThingMode({ thingIndexingMode: 'REGISTRY_AND_SHADOW' }, before, 'REGISTRY_AND_SHADOW', 'REGISTRY')).toBe('REGISTRY');
  });
  test('a mode someone else set since is only raised', () => {
    expect(updatedThingMode({ thingIndexingMode: 'REGISTRY_AND_SHADOW' }, before, 'REGISTRY', 'REGISTRY')).toBe('REGISTRY_AND_SHADOW');
    expect(updatedThingMode({ thingIndexingMode: 'OFF' }, before, 'REGISTRY', 'REGISTRY')).toBe('REGISTRY');
  });
  test('a mode that was already higher before the create is kept', () => {
    const high = { ...before, thingIndexingMode: 'REGISTRY_AND_SHADOW' };
    expect(updatedThingMode({ thingIndexingMode: 'REGISTRY_AND_SHADOW' }, high, 'REGISTRY_AND_SHADOW', 'REGISTRY')).toBe('REGISTRY_AND_SHADOW');
  });
  test('without a record, only the minimum counts', () => {
    expect(updatedThingMode({ thingIndexingMode: 'REGISTRY_AND_SHADOW' }, undefined, 'REGISTRY_AND_SHADOW', 'REGISTRY')).toBe('REGISTRY_AND_SHADOW');
  });
});

describe('restorePlan', () => {
  const fromOff = { thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', packageShadow: false, otherNamedShadows: NO_OTHERS };
  const enabled: ThingIndexingConfiguration = { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: ['$package'] } };

  test('undoes everything it changed when the live setting is still what it wrote', () => {
    const plan = restorePlan(enabled, fromOff, 'REGISTRY');
    expect(plan.config).toEqual({ thingIndexingMode: 'OFF', namedShadowIndexingMode: 'OFF', filter: { namedShadowNames: [] } });
    expect(plan.kept).toEqual([]);
  });

  test('only removes $package when the rest was there before', () => {
    const before = beforeOf(RICH);
    const live = enablePlan(RICH, 'REGISTRY_AND_SHADOW').config;
    const plan = restorePlan(live, before, 'REGISTRY');
    expect(plan.config).toEqual(RICH);
    expect(plan.changes).toEqual(['\'$package\' removed from the named-shadow filter']);
  });

  test('changes nothing that was there before the create', () => {
    const before = beforeOf({ ...enabled, thingIndexingMode: 'REGISTRY_AND_SHADOW' });
    expect(restorePlan({ ...enabled, thingIndexingMode: 'REGISTRY_AND_SHADOW' }, before, 'REGISTRY').changes).toEqual([]);
  });

  test('keeps named-shadow indexing ON, and thing indexing, when another named shadow was added since', () => {
    const live = { ...enabled, filter: { namedShadowNames: ['$package', 'config'] } };
    const plan = restorePlan(live, fromOff, 'REGISTRY');
    expect(plan.config).toEqual({ ...enabled, filter: { namedShadowNames: ['config'] } });
    expect(plan.kept).toEqual([
      'namedShadowIndexingMode ON (named shadows were added to the filter since: config)',
      'thingIndexingMode REGISTRY (named shadows, connectivity or Device Defender are still indexed)',
    ]);
  });

  test('turns named-shadow indexing OFF again when the other names in the filter were there before, in any order', () => {
    const existing: ThingIndexingConfiguration = { thingIndexingMode: 'REGISTRY', filter: { namedShadowNames: ['b', 'a'] } };
    const before = beforeOf(existing);
    const live = { ...enablePlan(existing, 'REGISTRY').config, filter: { namedShadowNames: ['a', '$package', 'b'] } };
    const plan = restorePlan(live, before, 'REGISTRY');
    expect(plan.config).toEqual({ thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'OFF', filter: { namedShadowNames: ['a', 'b'] } });
    expect(plan.kept).toEqual([]);
  });

  test('keeps a thing mode someone else changed since', () => {
    const live = { ...enabled, thingIndexingMode: 'REGISTRY_AND_SHADOW' as const };
    const plan = restorePlan(live, fromOff, 'REGISTRY');
    expect(plan.config.thingIndexingMode).toBe('REGISTRY_AND_SHADOW');
    expect(plan.kept).toEqual(['thingIndexingMode REGISTRY_AND_SHADOW (changed by someone else since; this resource wrote REGISTRY)']);
  });

  test('keeps thing indexing when connectivity is indexed', () => {
    const live = { ...enabled, thingConnectivityIndexingMode: 'STATUS' as const };
    const plan = restorePlan(live, fromOff, 'REGISTRY');
    expect(plan.config.thingIndexingMode).toBe('REGISTRY');
    expect(plan.config.namedShadowIndexingMode).toBe('OFF');
  });

  test('sets a raised mode back to the mode before, not to OFF', () => {
    const before = { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON', packageShadow: true, otherNamedShadows: NO_OTHERS };
    const live = { ...enabled, thingIndexingMode: 'REGISTRY_AND_SHADOW' as const };
    const plan = restorePlan(live, before, 'REGISTRY_AND_SHADOW');
    expect(plan.config).toEqual({ ...enabled, thingIndexingMode: 'REGISTRY' });
    expect(plan.changes).toEqual(['thingIndexingMode REGISTRY_AND_SHADOW -> REGISTRY']);
  });
});
