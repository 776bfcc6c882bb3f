/**
 * The benchmark's catalog: the same package versions declared three ways.
 *
 * - PackageVersion (this library)
 * - CfnSoftwarePackageVersion (the native L1)
 * - AwsCustomResource calling iot:CreatePackageVersion (the usual workaround)
 *
 * Each version has a description, attributes and tags, as users' catalogs do.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as cr from 'aws-cdk-lib/custom-resources';
import { PackageVersion } from '../src';

export type Variant = 'PackageVersion' | 'CfnSoftwarePackageVersion' | 'AwsCustomResource';
export const VARIANTS: Variant[] = ['PackageVersion', 'CfnSoftwarePackageVersion', 'AwsCustomResource'];

/** A catalog: how many versions, spread over how many packages. */
export interface CatalogShape {
  readonly versions: number;
  readonly packages: number;
}

/** The benchmark stack's name. */
export const BENCH_STACK = 'Bench';

export interface BenchVersionProps {
  readonly versionName: string;
  readonly description: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** What version `i` of every catalog carries besides its package. */
export function versionProps(i: number): BenchVersionProps {
  return { versionName: `1.0.${i}`, description: 'Release', attributes: { channel: 'stable' }, tags: { team: 'firmware' } };
}

/** The stack's template, or why synthesis failed (its first line). */
export type SynthResult = { template: any; error?: undefined } | { template?: undefined; error: string };

/** Declares the catalog in a new app and synthesizes it. */
export function synthesize(variant: Variant, shape: CatalogShape): SynthResult {
  const app = new App();
  const stack = new Stack(app, BENCH_STACK);
  declare(variant, stack, shape);
  try {
    return { template: app.synth().getStackByName(BENCH_STACK).template };
  } catch (e) {
    // The first error, not the heading of a list of validation errors.
    const lines = (e as Error).message.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    return { error: (lines[0].startsWith('Validation failed') && lines[1] ? lines[1] : lines[0]).replace(/^\[[^\]]*\]\s*/, '') };
  }
}

function declare(variant: Variant, stack: Stack, shape: CatalogShape): void {
  const packages = [...Array(shape.packages).keys()].map((i) => new iot.CfnSoftwarePackage(stack, `Package${i}`, { packageName: `package-${i}` }));
  for (let i = 0; i < shape.versions; i++) {
    const packageName = packages[i % shape.packages].ref;
    const { versionName, description, attributes, tags } = versionProps(i);
    switch (variant) {
      case 'PackageVersion':
        new PackageVersion(stack, `V${i}`, { packageName, versionName, description, attributes, tags });
        break;
      case 'CfnSoftwarePackageVersion':
        new iot.CfnSoftwarePackageVersion(stack, `V${i}`, {
          packageName,
          versionName,
          description,
          attributes,
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        });
        break;
      case 'AwsCustomResource':
        new cr.AwsCustomResource(stack, `V${i}`, {
          onCreate: {
            service: 'IoT',
            action: 'createPackageVersion',
            parameters: { packageName, versionName, description, attributes, tags },
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
