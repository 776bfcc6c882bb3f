/**
 * Registers, in a lifecycle suite, the test that every call the handler made
 * in that suite is allowed by the role a real stack would give it.
 *
 * Call it at the end of the file: jest runs tests in the order they are
 * declared, so the test sees the calls of every test before it
 * (`allRequests()` survives moto's resets).
 */
import { App, CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findViolations } from './authorization';
import {
  DeploymentTarget, FleetIndexing, ISoftwarePackage, JobDocument, PackageConfiguration, PackageDeployment, PackageVersion,
  PackageVersionArtifact, SoftwarePackage,
} from '../../src';
import { PackageVersionProvider, PROVIDER_ID } from '../../src/private/provider';
import { HANDLER_CREDENTIALS } from '../lifecycle/cloudformation-simulator';
import type { MotoServer, RecordedRequest } from '../moto/moto-server';

export const HANDLER_CALLS_TEST_TITLE = 'every call the handler made is allowed by its role (Service Authorization data)';

export interface HandlerCallsOptions {
  /**
   * The name of the stack the handler's events come from. AWS::StackId
   * resolves to the id of the stack of that name that each call names (the
   * lifecycle harness re-creates the stack whenever moto is reset).
   */
  readonly stackName: string;
  /**
   * Register it with `test.failing`: the role is known not to allow a call
   * yet, and the test proves it.
   * @default false
   */
  readonly expectFailure?: boolean;
  /**
   * Declare a `SoftwarePackage` for each package the calls name, besides
   * the versions, so its handler role has the package-level permissions
   * (for suites of the Custom::IotSoftwarePackage resource). Off for version
   * suites, which must pass with the versions' permissions alone.
   * @default false
   */
  readonly softwarePackages?: boolean;
}

/**
 * The handler's calls. IAM authorizes a call by the principal that signed
 * it, and so does this: the simulator gives the handler its own credentials
 * (as Lambda gives a function its role's), while the tests' own clients
 * (creating packages, publishing, tagging from outside) sign with
 * MOTO_CREDENTIALS. A test client that signed with the handler's
 * credentials would be checked too: never skipped unnoticed.
 */
export function handlerCalls(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId);
}

/** Package names the calls name, in their labels or ARNs. */
export function packageNamesOf(requests: readonly RecordedRequest[]): string[] {
  const names = requests.flatMap((r) => [
    r.uriLabels?.packageName,
    r.resourceArn ? /:package\/([^/]+)/.exec(r.resourceArn)?.[1] : undefined,
  ]);
  return [...new Set(names.filter((n): n is string => !!n))].sort();
}

/** Buckets the calls read: the handler's own S3 calls, and the artifacts IoT reads on its behalf. */
export function bucketNamesOf(requests: readonly RecordedRequest[]): string[] {
  const names = requests.flatMap((r) => [
    r.service === 's3' && r.resourceArn ? /^arn:[^:]+:s3:::([^/]+)/.exec(r.resourceArn)?.[1] : undefined,
    r.artifactS3Location?.bucket ?? undefined,
  ]);
  return [...new Set(names.filter((n): n is string => !!n))].sort();
}

/**
 * A stack as a user would write it for these calls: one PackageVersion per
 * package the calls name (and, with `softwarePackages`, one SoftwarePackage), and one with an artifact in each bucket
 * they read, so its handler role has every per-package and per-bucket policy;
 * and a FleetIndexing or a PackageConfiguration if the calls touch those
 * account settings.
 */
export function stackForCalls(
  requests: readonly RecordedRequest[], stackId: string, options: { softwarePackages?: boolean } = {},
): { stack: Stack; roleLogicalId: string } {
  const stackName = /:stack\/([^/]+)\//.exec(stackId)?.[1] ?? 'HandlerCalls';
  const stack = new Stack(new App(), stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  const packages = packageNamesOf(requests);
  packages.forEach((packageName, i) => new PackageVersion(stack, `Version${i}`, { packageName, versionName: '1.0.0' }));
  if (options.softwarePackages) {
    packages.forEach((packageName, i) => new SoftwarePackage(stack, `Package${i}`, { packageName }));
  }
  // One version per bucket the calls read, with its artifact there, so the role has each bucket's policy.
  bucketNamesOf(requests).forEach((bucketName, i) => new PackageVersion(stack, `ArtifactIn${i}`, {
    packageName: packages[0] ?? 'firmware',
    versionName: `artifact-${i}`,
    artifact: PackageVersionArtifact.fromBucket(s3.Bucket.fromBucketName(stack, `Bucket${i}`, bucketName), 'artifact.bin'),
  }));
  // The account prerequisites' policies, when the calls touch their settings.
  const operations = new Set(requests.map((r) => r.operation));
  if (operations.has('GetIndexingConfiguration') || operations.has('UpdateIndexingConfiguration')) {
    new FleetIndexing(stack, 'FleetIndexing');
  }
  if (operations.has('GetPackageConfiguration') || operations.has('UpdatePackageConfiguration')) {
    new PackageConfiguration(stack, 'PackageConfiguration');
  }
  deploymentsFor(stack, requests);
  const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
  const roleLogicalId = stack.getLogicalId(provider.handlerRole.node.defaultChild as CfnElement);
  return { stack, roleLogicalId };
}

/** Registers the test; `getMoto` is read when it runs (after beforeAll). */
export function testHandlerCallsAuthorized(getMoto: () => MotoServer, options: HandlerCallsOptions): void {
  (options.expectFailure ? test.failing : test)(HANDLER_CALLS_TEST_TITLE, async () => {
    const requests = handlerCalls(await getMoto().allRequests());
    expect(requests.length).toBeGreaterThan(0);
    const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${options.stackName}/00000000-0000-4000-8000-000000000000`;
    const { stack, roleLogicalId } = stackForCalls(requests, stackId, { softwarePackages: options.softwarePackages });
    const violations = await findViolations(requests, Template.fromStack(stack).toJSON(), { roleLogicalId, stackId });
    if (violations.length > 0) {
      throw new Error(`The handler role does not allow ${violations.length} of the handler's calls:\n- ${violations.join('\n- ')}`);
    }
  });
}

/**
 * One PackageDeployment per job-id prefix the calls name (the logical id of
 * the deployment's custom resource, which the construct makes the prefix),
 * with the targets, versions and presigned-URL role of that prefix's
 * CreateJob calls, so the handler role has each deployment's policy.
 */
function deploymentsFor(stack: Stack, requests: readonly RecordedRequest[]): void {
  const byPrefix = new Map<string, { targets: Set<string>; versions: Set<string>; roles: Set<string> }>();
  for (const r of requests) {
    const prefix = r.uriLabels?.jobId?.replace(/-[0-9a-f]{16}$/, '')
      ?? (r.resourceArn ? /:job\/(.+)-[0-9a-f]{16}$/.exec(r.resourceArn)?.[1] : undefined);
    if (!prefix) {
      continue;
    }
    const entry = byPrefix.get(prefix) ?? { targets: new Set(), versions: new Set(), roles: new Set() };
    byPrefix.set(prefix, entry);
    r.jobTargets?.forEach((t) => entry.targets.add(t));
    r.destinationPackageVersions?.forEach((v) => entry.versions.add(v));
    if (r.presignedUrlRoleArn) {
      entry.roles.add(r.presignedUrlRoleArn);
    }
  }
  let n = 0;
  for (const [prefix, entry] of byPrefix) {
    const id = `Deployment${n++}`;
    const versions = [...entry.versions];
    const defaults = versions.filter((v) => v.endsWith('/version/$default'));
    const [role] = [...entry.roles];
    const deployment = new PackageDeployment(stack, id, {
      versions: versions.filter((v) => !defaults.includes(v)).map((v, i) => PackageVersion.fromPackageVersionArn(stack, `${id}V${i}`, v)),
      defaultVersionOf: defaults.map((v, i) => packageOf(stack, `${id}P${i}`, v.replace(/\/version\/\$default$/, ''))),
      targets: [...entry.targets].map((t) => t.includes(':thinggroup/') ? DeploymentTarget.thingGroupArn(t) : DeploymentTarget.thingArn(t)),
      document: JobDocument.fromString('{}'),
      presignedUrl: role ? { role: iam.Role.fromRoleArn(stack, `${id}Role`, role) } : undefined,
    });
    (deployment.node.findChild('Resource').node.defaultChild as CfnResource).overrideLogicalId(prefix);
  }
}

function packageOf(scope: Stack, id: string, packageArn: string): ISoftwarePackage {
  return SoftwarePackage.fromPackageArn(scope, id, packageArn);
}
