/**
 * Scale: the most packages (one version each) and the most versions (in a
 * few packages) a stack can declare and still synthesize.
 */
import { CatalogShape, synthesize, Variant } from './catalog';

export interface ScaleMeasurement {
  readonly count: number;
  /** Why one more fails. */
  readonly limit: string;
}

/** The largest n in [min, max] for which `shapeOf(n)` synthesizes (synthesis fails from some n on). */
export function largestThatSynthesizes(variant: Variant, max: number, shapeOf: (n: number) => CatalogShape, min = 1): ScaleMeasurement {
  const first = synthesize(variant, shapeOf(min));
  if (first.error !== undefined) {
    return { count: 0, limit: first.error };
  }
  let good = min;
  let bad = max + 1;
  let limit = `not reached at ${max}`;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    const result = synthesize(variant, shapeOf(mid));
    if (result.error === undefined) {
      good = mid;
    } else {
      bad = mid;
      limit = result.error;
    }
  }
  return { count: good, limit };
}

export const packagesPerStack = (variant: Variant) => largestThatSynthesizes(variant, 250, (n) => ({ packages: n, versions: n }));
export const versionsPerStack = (variant: Variant) => largestThatSynthesizes(variant, 600, (n) => ({ packages: 5, versions: n }));
/** Versions in a stack of 100 packages (each package has at least one). */
export const versionsWith100Packages = (variant: Variant) => largestThatSynthesizes(variant, 600, (n) => ({ packages: 100, versions: n }), 100);
