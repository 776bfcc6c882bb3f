/**
 * The shape of the end-to-end tests' stack, as a JSON file: each step of a
 * test writes one and deploys it with `--context spec=FILE` (test/e2e/app.ts
 * builds the stack from it), so a test changes the stack between deploys
 * without an app of its own.
 */

/** The `removalPolicy` of a version, by the name of its `RemovalPolicy` member. */
export type RemovalPolicyName = 'DESTROY' | 'RETAIN' | 'RETAIN_ON_UPDATE_OR_DELETE';

/** One `SoftwarePackage` of the stack. */
export interface PackageSpec {
  /** The construct id, a child of the stack. */
  readonly id: string;
  readonly packageName: string;
  readonly description?: string;
  readonly removalPolicy?: RemovalPolicyName;
  /** The id of the version (of this package, in this stack) to make the default with `addDefaultVersion`. */
  readonly defaultVersionId?: string;
}

/** One `PackageVersion` of the stack. */
export interface VersionSpec {
  /** The construct id, a child of the stack: keep it to update the version, change it to replace it. */
  readonly id: string;
  /** The package's name; with `packageId`, the name of that package (ignored: the version takes it from the package). */
  readonly packageName: string;
  /** The id of a package of `packages`: the version is declared with its `package` prop. */
  readonly packageId?: string;
  readonly versionName: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  readonly tags?: Record<string, string>;
  /** DRAFT, PUBLISHED or DEPRECATED. */
  readonly status?: string;
  readonly removalPolicy?: RemovalPolicyName;
  readonly adoptExisting?: boolean;
  readonly recipe?: string;
  /** Ids of versions (or `<packageId>/DefaultVersion`) of this stack that CloudFormation must create or update first. */
  readonly dependsOn?: string[];
}

/** The whole stack. */
export interface StackSpec {
  readonly stackName: string;
  /** Added with `Tags.of(stack)`: every version gets them. */
  readonly stackTags?: Record<string, string>;
  readonly packages?: PackageSpec[];
  readonly versions: VersionSpec[];
}

/** The context key naming the spec file. */
export const SPEC_CONTEXT_KEY = 'spec';

/** Stack outputs of a package's default designation: the version it set. */
export const defaultOutputKey = (packageId: string) => `${packageId}DefaultVersion`;

/** Stack outputs of a version: its ARN (`Ref`), its status attribute, and its custom resource's logical id. */
export const outputKeys = (id: string) => ({ arn: `${id}Arn`, status: `${id}Status`, logicalId: `${id}LogicalId` });
