/**
 * Synthesis: time (median of several runs, the variants taking turns),
 * template bytes per version and resources, for each way of declaring the
 * catalog.
 */
import { performance } from 'perf_hooks';
import { Template } from 'aws-cdk-lib/assertions';
import { CatalogShape, synthesize, Variant } from './catalog';
import { largestRoleInlinePolicySize } from '../test/constructs/template-helpers';

export interface SynthMeasurement {
  /** Why synthesis failed, if it did. */
  readonly error?: string;
  /** Median wall-clock time of one synthesis (declare and synth), ms. */
  readonly synthMs: number;
  /** Bytes of the template (compact JSON). */
  readonly templateBytes: number;
  /** What one more version adds to the template: bytes at N less bytes at N - 1 (the same packages). */
  readonly bytesPerVersion: number;
  readonly resources: number;
  /** The largest role's inline policies, in IAM's characters, with the ARNs at their longest. */
  readonly maxRolePolicyChars: number;
}

/**
 * Measures every variant on one catalog shape. The timed runs take turns
 * (one of each variant per round, the order rotating), so that a slow spell
 * of this shared machine falls on all of them alike. (Collecting garbage
 * before each run would not help: a full collection also flushes compiled
 * code, and each run would then measure compilation.)
 */
export function measureSynthAll(variants: Variant[], shape: CatalogShape, runs: number): Record<Variant, SynthMeasurement> {
  const failed = (error: string) => ({ error, synthMs: NaN, templateBytes: NaN, bytesPerVersion: NaN, resources: NaN, maxRolePolicyChars: NaN });
  const results = {} as Record<Variant, SynthMeasurement>;
  const templates = new Map<Variant, any>();
  // Discarded: the first synthesis of a variant also loads and compiles its code.
  for (const variant of variants) {
    const first = synthesize(variant, shape);
    if (first.error !== undefined) {
      results[variant] = failed(first.error);
    } else {
      templates.set(variant, first.template);
    }
  }
  const timed = variants.filter((v) => templates.has(v));
  const times = new Map<Variant, number[]>(timed.map((v) => [v, []]));
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < timed.length; i++) {
      const variant = timed[(run + i) % timed.length];
      const start = performance.now();
      const result = synthesize(variant, shape);
      times.get(variant)!.push(performance.now() - start);
      if (result.error !== undefined) {
        results[variant] ??= failed(result.error);
      }
    }
  }
  for (const variant of timed.filter((v) => results[v] === undefined)) {
    const template = templates.get(variant);
    const oneLess = synthesize(variant, { versions: shape.versions - 1, packages: shape.packages });
    if (oneLess.error !== undefined) {
      results[variant] = failed(oneLess.error);
      continue;
    }
    const templateBytes = JSON.stringify(template).length;
    results[variant] = {
      synthMs: median(times.get(variant)!),
      templateBytes,
      bytesPerVersion: templateBytes - JSON.stringify(oneLess.template).length,
      resources: Object.keys(template.Resources).length,
      maxRolePolicyChars: largestRoleInlinePolicySize(Template.fromJSON(template)),
    };
  }
  return results;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
