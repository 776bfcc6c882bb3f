/**
 * Synthesis: time (median of several runs), template bytes per version and
 * resources, for each way of declaring the catalog.
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

export function measureSynth(variant: Variant, shape: CatalogShape, runs: number): SynthMeasurement {
  const failed = (error: string) => ({ error, synthMs: NaN, templateBytes: NaN, bytesPerVersion: NaN, resources: NaN, maxRolePolicyChars: NaN });
  const times: number[] = [];
  let template: any;
  // Discarded: the first synthesis of a variant also loads and compiles its code.
  synthesize(variant, shape);
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const result = synthesize(variant, shape);
    times.push(performance.now() - start);
    if (result.error !== undefined) {
      return failed(result.error);
    }
    template = result.template;
  }
  const oneLess = synthesize(variant, { versions: shape.versions - 1, packages: shape.packages });
  if (oneLess.error !== undefined) {
    return failed(oneLess.error);
  }
  const templateBytes = JSON.stringify(template).length;
  return {
    synthMs: median(times),
    templateBytes,
    bytesPerVersion: templateBytes - JSON.stringify(oneLess.template).length,
    resources: Object.keys(template.Resources).length,
    maxRolePolicyChars: largestRoleInlinePolicySize(Template.fromJSON(template)),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
