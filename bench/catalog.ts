/**
 * Synthesis benchmark: the same catalog of package versions declared three
 * ways, measured in one run:
 *
 * - PackageVersion (this library)
 * - CfnSoftwarePackageVersion (the native L1)
 * - AwsCustomResource calling iot:CreatePackageVersion (the usual workaround)
 *
 * For each size it reports synthesis time (median of several runs), template
 * size, resource count and the size of the largest role's inline policies
 * (IAM allows 10,240 characters per role; measured with the ARNs at their
 * longest), and our ratios to the other two.
 *
 *   npx projen bench            # sizes 1, 50, 450
 *   npx projen bench -- 10 100  # other sizes
 */
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as cr from 'aws-cdk-lib/custom-resources';
import { PackageVersion } from '../src';
import { largestRoleInlinePolicySize } from '../test/constructs/template-helpers';

type Variant = 'PackageVersion' | 'CfnSoftwarePackageVersion' | 'AwsCustomResource';
const VARIANTS: Variant[] = ['PackageVersion', 'CfnSoftwarePackageVersion', 'AwsCustomResource'];
const PACKAGES = 5;
const RUNS = 5;

interface Measurement {
  /** Why synthesis failed, if it did. */
  readonly error?: string;
  readonly synthMs: number;
  readonly templateBytes: number;
  readonly resources: number;
  readonly maxRolePolicyChars: number;
}

function declare(variant: Variant, stack: Stack, versions: number): void {
  const packages = [...Array(PACKAGES).keys()].map((i) => new iot.CfnSoftwarePackage(stack, `Package${i}`, { packageName: `package-${i}` }));
  for (let i = 0; i < versions; i++) {
    const packageName = packages[i % PACKAGES].ref;
    const versionName = `1.0.${i}`;
    const attributes = { channel: 'stable' };
    switch (variant) {
      case 'PackageVersion':
        new PackageVersion(stack, `V${i}`, { packageName, versionName, description: 'Release', attributes });
        break;
      case 'CfnSoftwarePackageVersion':
        new iot.CfnSoftwarePackageVersion(stack, `V${i}`, { packageName, versionName, description: 'Release', attributes });
        break;
      case 'AwsCustomResource':
        new cr.AwsCustomResource(stack, `V${i}`, {
          onCreate: {
            service: 'IoT',
            action: 'createPackageVersion',
            parameters: { packageName, versionName, description: 'Release', attributes },
            physicalResourceId: cr.PhysicalResourceId.fromResponse('packageVersionArn'),
          },
          onDelete: {
            service: 'IoT',
            action: 'deletePackageVersion',
            parameters: { packageName, versionName },
          },
          policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
          installLatestAwsSdk: false,
        });
        break;
    }
  }
}

function measure(variant: Variant, versions: number): Measurement {
  const times: number[] = [];
  let last: Omit<Measurement, 'synthMs'> | undefined;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const app = new App();
    const stack = new Stack(app, 'Bench');
    declare(variant, stack, versions);
    let template;
    try {
      template = app.synth().getStackByName('Bench').template;
    } catch (e) {
      const error = (e as Error).message.split('\n')[0];
      return { error, synthMs: NaN, templateBytes: NaN, resources: NaN, maxRolePolicyChars: NaN };
    }
    times.push(performance.now() - start);
    last = {
      templateBytes: JSON.stringify(template).length,
      resources: Object.keys(template.Resources).length,
      maxRolePolicyChars: largestRoleInlinePolicySize(Template.fromJSON(template)),
    };
  }
  times.sort((a, b) => a - b);
  return { synthMs: times[Math.floor(times.length / 2)], ...last! };
}

function ratio(ours: number, theirs: number): string {
  if (Number.isNaN(ours) || Number.isNaN(theirs)) {
    return 'n/a (synthesis failed)';
  }
  return theirs === 0 ? (ours === 0 ? '1.00x' : 'n/a') : `${(ours / theirs).toFixed(2)}x`;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const versions of sizes.length > 0 ? sizes : [1, 50, 450]) {
  const results = Object.fromEntries(VARIANTS.map((v) => [v, measure(v, versions)])) as Record<Variant, Measurement>;
  console.log(`\n${versions} version(s) in ${Math.min(PACKAGES, versions)} package(s), median of ${RUNS} synths`);
  console.log(['variant'.padEnd(26), 'synth ms', 'template KB', 'resources', 'max role policy chars'].join('  '));
  for (const v of VARIANTS) {
    const m = results[v];
    if (m.error) {
      console.log(`${v.padEnd(26)}  synthesis fails: ${m.error}`);
      continue;
    }
    console.log([v.padEnd(26), m.synthMs.toFixed(0).padStart(8), (m.templateBytes / 1024).toFixed(1).padStart(11),
      String(m.resources).padStart(9), String(m.maxRolePolicyChars).padStart(21)].join('  '));
  }
  const ours = results.PackageVersion;
  for (const other of ['CfnSoftwarePackageVersion', 'AwsCustomResource'] as Variant[]) {
    const m = results[other];
    console.log(`PackageVersion / ${other}: synth ${ratio(ours.synthMs, m.synthMs)}, template ${ratio(ours.templateBytes, m.templateBytes)}, ` +
      `resources ${ratio(ours.resources, m.resources)}, max role policy ${ratio(ours.maxRolePolicyChars, m.maxRolePolicyChars)}`);
  }
}
