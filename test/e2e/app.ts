/**
 * The end-to-end tests' CDK app: one stack of `PackageVersion`s whose shape
 * comes from the JSON file named by `--context spec=FILE` (see spec.ts).
 *
 * Per version it outputs the ARN, the status attribute and the logical id
 * of its custom resource (the creation marker's owner is derived from it).
 */
import * as fs from 'fs';
import { App, CfnOutput, CfnResource, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { defaultOutputKey, outputKeys, SPEC_CONTEXT_KEY, StackSpec } from './spec';
import { PackageVersion, PackageVersionStatus, SoftwarePackage } from '../../src';

const app = new App();
const file: unknown = app.node.tryGetContext(SPEC_CONTEXT_KEY);
if (typeof file !== 'string' || file === '') {
  throw new Error(`test/e2e/app.ts needs --context ${SPEC_CONTEXT_KEY}=FILE, a JSON stack spec (test/e2e/spec.ts)`);
}
const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as StackSpec;

const stack = new Stack(app, spec.stackName);
for (const [key, value] of Object.entries(spec.stackTags ?? {})) {
  Tags.of(stack).add(key, value);
}

const packages = new Map<string, SoftwarePackage>();
for (const p of spec.packages ?? []) {
  packages.set(p.id, new SoftwarePackage(stack, p.id, {
    packageName: p.packageName,
    description: p.description,
    removalPolicy: p.removalPolicy === undefined ? undefined : RemovalPolicy[p.removalPolicy],
  }));
}

const made = new Map<string, Construct>();
for (const v of spec.versions) {
  const pkg = v.packageId === undefined ? undefined : packages.get(v.packageId);
  if (v.packageId !== undefined && !pkg) {
    throw new Error(`version '${v.id}' names package '${v.packageId}', which is not declared`);
  }
  const version = new PackageVersion(stack, v.id, {
    package: pkg,
    packageName: pkg ? undefined : v.packageName,
    versionName: v.versionName,
    description: v.description,
    attributes: v.attributes,
    tags: v.tags,
    status: v.status === undefined ? undefined : PackageVersionStatus.of(v.status),
    removalPolicy: v.removalPolicy === undefined ? undefined : RemovalPolicy[v.removalPolicy],
    adoptExisting: v.adoptExisting,
    recipe: v.recipe,
  });
  made.set(v.id, version);

  const keys = outputKeys(v.id);
  const resource = version.node.findChild('Resource').node.defaultChild as CfnResource;
  new CfnOutput(stack, keys.arn, { value: version.packageVersionArn });
  new CfnOutput(stack, keys.status, { value: version.packageVersionStatus });
  new CfnOutput(stack, keys.logicalId, { value: stack.getLogicalId(resource) });
}

for (const p of spec.packages ?? []) {
  if (p.defaultVersionId !== undefined) {
    const version = made.get(p.defaultVersionId);
    if (!(version instanceof PackageVersion)) {
      throw new Error(`package '${p.id}' names default version '${p.defaultVersionId}', which is not declared`);
    }
    const designation = packages.get(p.id)!.addDefaultVersion(version);
    new CfnOutput(stack, defaultOutputKey(p.id), { value: designation.defaultVersionName });
  }
}

// Dependencies last: a version may wait for a designation (`<packageId>/DefaultVersion`).
for (const v of spec.versions) {
  for (const dep of v.dependsOn ?? []) {
    const [first, child] = dep.split('/');
    const target = child === undefined ? made.get(first) : packages.get(first)?.node.tryFindChild(child);
    if (!target) {
      throw new Error(`version '${v.id}' depends on '${dep}', which is not declared`);
    }
    made.get(v.id)!.node.addDependency(target);
  }
}

app.synth();
