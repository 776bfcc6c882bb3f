/**
 * The README's "Footprint" table is what the constructs add to a stack:
 * each case below synthesizes a small stack and compares its resources, by
 * type, with the sum of the table's rows that the case is made of.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REPO_ROOT, tableAfter } from './markdown';
import {
  DeploymentTarget, FleetIndexing, JobDocument, PackageConfiguration, PackageDefaultVersion, PackageDeployment, PackageVersion,
  PackageVersionArtifact, PackageVersionSbom, PackageVersionStatus, SoftwarePackage,
} from '../../src';

type Counts = Record<string, number>;

/** The table's rows, by the start of their first cell: resource counts by type. */
const ROWS = new Map(tableAfter(path.join(REPO_ROOT, 'README.md'), '## Footprint').map(([what, resources]) => {
  const counts: Counts = {};
  for (const m of resources.matchAll(/(\d+) `([\w:]+)`/g)) {
    counts[m[2]] = (counts[m[2]] ?? 0) + Number(m[1]);
  }
  // "8: 2 `A`, 2 `B`, ...": the total is the sum.
  const total = /^(\d+):/.exec(resources);
  if (total && Number(total[1]) !== Object.values(counts).reduce((a, b) => a + b, 0)) {
    throw new Error(`Footprint row '${what}': ${total[1]} is not the sum of ${JSON.stringify(counts)}`);
  }
  return [what, counts] as const;
}));

function row(start: string): Counts {
  const matches = [...ROWS.keys()].filter((what) => what.startsWith(start));
  if (matches.length !== 1) {
    throw new Error(`expected one Footprint row starting with '${start}', found ${matches.length}: ${[...ROWS.keys()].join(' / ')}`);
  }
  return ROWS.get(matches[0])!;
}

/** The sum of rows, each as many times as given. */
function sum(...parts: Array<[string, number]>): Counts {
  const total: Counts = {};
  for (const [start, times] of parts) {
    for (const [type, n] of Object.entries(row(start))) {
      total[type] = (total[type] ?? 0) + n * times;
    }
  }
  return total;
}

function resourcesOf(build: (stack: Stack) => void): Counts {
  const app = new App();
  const stack = new Stack(app, 'Footprint', { env: { account: '123456789012', region: 'eu-west-1' } });
  build(stack);
  const counts: Counts = {};
  for (const resource of Object.values<{ Type: string }>(app.synth().getStackByName('Footprint').template.Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

const PROVIDER = 'The provider';
const VERSION = 'Each `PackageVersion`';
const PACKAGE_POLICY = 'Each package group in use';
const BUCKET_POLICY = 'Each distinct S3 bucket';
const SOFTWARE_PACKAGE = 'Each `SoftwarePackage`';
const DEFAULT_VERSION = 'Each `PackageDefaultVersion`';
const FLEET_INDEXING = '`FleetIndexing`';
const PACKAGE_CONFIGURATION = '`PackageConfiguration`';
const DEPLOYMENT = 'Each `PackageDeployment`';
const PRESIGNED = 'A `PackageDeployment` whose document asks for presigned URLs';

test('the table has the rows the cases use, and no other', () => {
  const used = [PROVIDER, VERSION, PACKAGE_POLICY, BUCKET_POLICY, SOFTWARE_PACKAGE, DEFAULT_VERSION, FLEET_INDEXING,
    PACKAGE_CONFIGURATION, DEPLOYMENT, PRESIGNED];
  expect(ROWS.size).toBe(used.length);
  used.forEach(row);
});

test('one PackageVersion: the provider, the version and its package group\'s policy', () => {
  expect(resourcesOf((stack) => new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' })))
    .toEqual(sum([PROVIDER, 1], [VERSION, 1], [PACKAGE_POLICY, 1]));
});

test('versions of two packages in two groups (firmware, bootloader), with artifacts and SBOMs in two buckets: a policy per group and per bucket', () => {
  expect(resourcesOf((stack) => {
    const releases = s3.Bucket.fromBucketName(stack, 'Releases', 'releases');
    const sboms = s3.Bucket.fromBucketName(stack, 'Sboms', 'sboms');
    for (const [id, packageName, versionName] of [['F1', 'firmware', '1'], ['F2', 'firmware', '2'], ['B1', 'bootloader', '1']]) {
      new PackageVersion(stack, id, {
        packageName,
        versionName,
        artifact: PackageVersionArtifact.fromBucket(releases, `${packageName}/${versionName}.bin`),
        sbom: PackageVersionSbom.fromBucket(sboms, `${packageName}/${versionName}.zip`),
      });
    }
  })).toEqual(sum([PROVIDER, 1], [VERSION, 3], [PACKAGE_POLICY, 2], [BUCKET_POLICY, 2]));
});

test('versions of two packages in one group (package-0, package-1): one policy for both', () => {
  expect(resourcesOf((stack) => {
    new PackageVersion(stack, 'A', { packageName: 'package-0', versionName: '1' });
    new PackageVersion(stack, 'B', { packageName: 'package-1', versionName: '1' });
  })).toEqual(sum([PROVIDER, 1], [VERSION, 2], [PACKAGE_POLICY, 1]));
});

test('a SoftwarePackage with two versions and its default version (firmware and tools are in two groups)', () => {
  expect(resourcesOf((stack) => {
    const firmware = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
    const v1 = firmware.addVersion('V1', { versionName: '1', status: PackageVersionStatus.PUBLISHED });
    firmware.addVersion('V2', { versionName: '2' });
    firmware.addDefaultVersion(v1);
    // The default version of a package the stack does not declare.
    const tools = SoftwarePackage.fromPackageName(stack, 'Tools', 'tools');
    new PackageDefaultVersion(stack, 'ToolsDefault', {
      package: tools, version: PackageVersion.fromPackageVersionAttributes(stack, 'T3', { packageName: 'tools', versionName: '3' }),
    });
  })).toEqual(sum([PROVIDER, 1], [SOFTWARE_PACKAGE, 1], [VERSION, 2], [PACKAGE_POLICY, 2], [DEFAULT_VERSION, 2]));
});

test('the prerequisites', () => {
  expect(resourcesOf((stack) => new FleetIndexing(stack, 'FleetIndexing'))).toEqual(sum([PROVIDER, 1], [FLEET_INDEXING, 1]));
  expect(resourcesOf((stack) => new PackageConfiguration(stack, 'PackageConfiguration')))
    .toEqual(sum([PROVIDER, 1], [PACKAGE_CONFIGURATION, 1]));
});

test('deployments, one of them with presigned URLs', () => {
  expect(resourcesOf((stack) => {
    const releases = s3.Bucket.fromBucketName(stack, 'Releases', 'releases');
    const v2 = new PackageVersion(stack, 'V2', {
      packageName: 'firmware',
      versionName: '2',
      status: PackageVersionStatus.PUBLISHED,
      artifact: PackageVersionArtifact.fromBucket(releases, 'firmware/2.bin'),
    });
    const v1 = PackageVersion.fromPackageVersionAttributes(stack, 'V1', { packageName: 'firmware', versionName: '1' });
    new PackageDeployment(stack, 'Old', { versions: [v1], targets: [DeploymentTarget.thingGroupName('lab')] });
    new PackageDeployment(stack, 'New', {
      versions: [v2],
      targets: [DeploymentTarget.thingGroupName('fleet')],
      document: JobDocument.fromObject({ url: '${aws:iot:package:firmware:version:2:artifact-location:s3-presigned-url}' }),
    });
  })).toEqual(sum([PROVIDER, 1], [VERSION, 1], [PACKAGE_POLICY, 1], [BUCKET_POLICY, 1], [DEPLOYMENT, 2], [PRESIGNED, 1]));
});

test('the two functions and their log groups, as the README describes them', () => {
  const app = new App();
  const stack = new Stack(app, 'Functions');
  new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
  const template = app.synth().getStackByName('Functions').template as { Resources: Record<string, { Type: string; Properties: any; DeletionPolicy?: string }> };
  const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
  const readme = proseText();

  const logGroups = ofType('AWS::Logs::LogGroup');
  expect(logGroups.map((g) => [g.Properties.RetentionInDays, g.DeletionPolicy])).toEqual([[365, 'Delete'], [365, 'Delete']]);
  expect(readme).toContain('with a retention of one year (`RetentionDays.ONE_YEAR`), deleted with the stack');

  const handler = ofType('AWS::Lambda::Function').find((f) => f.Properties.Runtime !== undefined && /package versions/.test(f.Properties.Description ?? ''))!;
  expect([handler.Properties.Runtime, handler.Properties.MemorySize, handler.Properties.Timeout]).toEqual(['nodejs24.x', 256, 300]);
  expect(readme).toContain('the handler (Node.js 24, 256 MB, 5 minutes)');
});

/** The README, its line breaks and indentation as single spaces. */
function proseText(): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
}
