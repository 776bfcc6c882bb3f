/**
 * What each version costs in the template, against the native resource on
 * the same catalog (the benchmark's, bench/catalog.ts). Deterministic, so
 * asserted; bench/RESULTS.md has the ratios and times.
 */
import { synthesize, Variant } from '../../bench/catalog';

/** Bytes and resources that one more version adds, with the same packages. */
function costOfOneVersion(variant: Variant, versions: number): { bytes: number; resources: number } {
  const before = synthesize(variant, { versions: versions - 1, packages: 5 }).template;
  const after = synthesize(variant, { versions, packages: 5 }).template;
  return {
    bytes: JSON.stringify(after).length - JSON.stringify(before).length,
    resources: Object.keys(after.Resources).length - Object.keys(before.Resources).length,
  };
}

test('a version is one resource, as with CfnSoftwarePackageVersion', () => {
  expect(costOfOneVersion('PackageVersion', 20).resources).toBe(1);
  expect(costOfOneVersion('CfnSoftwarePackageVersion', 20).resources).toBe(1);
});

test('a version adds at most 360 bytes to the template (CfnSoftwarePackageVersion: 222), however many there are', () => {
  // The L1's own size, so that a change of the catalog shows here first.
  expect(costOfOneVersion('CfnSoftwarePackageVersion', 20).bytes).toBe(222);
  for (const versions of [6, 20, 100]) {
    expect(costOfOneVersion('PackageVersion', versions).bytes).toBeLessThanOrEqual(360);
  }
});
