import { RemovalPolicy } from 'aws-cdk-lib';
import { PackageVersionArtifact, PackageVersionSbom } from './s3-object';
import type { ISoftwarePackage } from './software-package';
import { PackageVersionStatus } from './status';

/**
 * Properties of a version that `SoftwarePackage.addVersion()` takes: all
 * of `PackageVersionProps` except the package, which is the one it is
 * added to.
 */
export interface PackageVersionOptions {
  /**
   * The name of the version, e.g. a semantic version like `1.4.0`.
   *
   * 1-64 characters of a-z, A-Z, 0-9, '-', '_' and '.'. Changing it replaces
   * the version.
   */
  readonly versionName: string;

  /**
   * A description of the version.
   *
   * 1-1024 characters with no control characters. IoT treats it as sensitive;
   * this library never logs it. IoT cannot clear a description: removing the
   * prop later keeps the description the version already has.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Metadata that IoT Jobs and fleet indexing can read, e.g.
   * `{ channel: 'stable' }`.
   *
   * Keys are characters of a-z, A-Z, 0-9, ':', '_' and '-'; values are
   * non-empty with no control characters; all keys and values together must
   * fit in 3000 bytes of UTF-8. IoT allows attribute changes only while the
   * version is DRAFT; changing them later fails the deployment with a message
   * saying so. Values are never logged.
   *
   * @default - no attributes
   */
  readonly attributes?: { [key: string]: string };

  /**
   * Tags for the package version.
   *
   * Tags added with `Tags.of(scope)` (including the stack's tags) are added to
   * these. At most 49 tags: IoT allows 50 and this library uses one
   * (`cdk-iot-package-catalog:creation-request`). Keys starting with `aws:`
   * are reserved.
   *
   * @default - no tags beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the version in IoT when it is removed from the stack,
   * replaced, or its stack is deleted.
   *
   * `RemovalPolicy.DESTROY` deletes it; `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`
   * leaves it in IoT, which suits versions that devices in the field run.
   * Prefer that to `RETAIN`: `RETAIN` also keeps a version whose first
   * deployment rolled back. A version that is its package's default version
   * is never deleted: the deployment fails with instructions instead (during
   * a rollback, the version is kept and the rollback goes on).
   *
   * @default RemovalPolicy.DESTROY, as for `CfnSoftwarePackageVersion`
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Take over a version of this name that already exists, and that this
   * resource did not create, and bring it to this construct's state.
   *
   * For versions made with the console or CI, and for migrating from
   * `CfnSoftwarePackageVersion` (retain it, remove it from its stack, then
   * declare it here with `adoptExisting`). From then on this resource owns
   * the version: its `removalPolicy` applies to it. Tags set outside the
   * stack are kept. If the deployment that creates this resource rolls back,
   * the version is handed back to its previous owner, not deleted. Attributes of a
   * version that is no longer DRAFT cannot change, so adopting a published
   * version with other attributes fails before any change.
   *
   * Without it, a version this resource did not create is never modified or
   * deleted, and creating over it fails with a message naming this option.
   *
   * @default false
   */
  readonly adoptExisting?: boolean;

  /**
   * The lifecycle state the version should be in after each deployment.
   *
   * A new version is created as DRAFT, then moved to this state. Only
   * PUBLISHED and DEPRECATED versions can be deployed by IoT Jobs. IoT has
   * no way back to DRAFT: asking for DRAFT once the version is published
   * fails the deployment, and a rollback of the deployment that published it
   * leaves it published. Publishing makes `attributes` and
   * `artifact` immutable.
   *
   * @default PackageVersionStatus.DRAFT, as `CfnSoftwarePackageVersion` creates versions
   */
  readonly status?: PackageVersionStatus;

  /**
   * The file devices download for this version.
   *
   * The bucket must be versioned and in the version's region. IoT allows
   * changing the artifact only while the version is DRAFT.
   *
   * @default - no artifact
   */
  readonly artifact?: PackageVersionArtifact;

  /**
   * The inline job document IoT keeps with the version, used for quick job
   * deployments.
   *
   * At most 3072 characters. IoT treats it as sensitive and this library
   * never logs it or shows it in messages, but it is stored in the template
   * in plain text: never put secrets in it. It can still change while the
   * version is PUBLISHED.
   *
   * @default - no recipe
   */
  readonly recipe?: string;

  /**
   * The software bill of materials: a zip archive of SPDX or CycloneDX JSON
   * documents.
   *
   * IoT reads it as `iot.amazonaws.com`: see `PackageVersionSbom` for the
   * bucket policy it needs. It can change in every state.
   *
   * @default - no SBOM
   */
  readonly sbom?: PackageVersionSbom;

  /**
   * Wait for IoT to validate the SBOM before the deployment goes on.
   *
   * The handler waits within its own time limit (5 minutes for the whole
   * request). If IoT reports the SBOM invalid, or the time runs out first,
   * the deployment fails with the file names and error codes IoT gave, and
   * a version this request created is deleted again. Without it, the
   * deployment does not wait, and `sbomValidationStatus` may be
   * `IN_PROGRESS`. Requires `sbom`.
   *
   * @default false
   */
  readonly waitForSbomValidation?: boolean;
}

/**
 * Properties of a `PackageVersion`.
 *
 * Name the package with exactly one of `package` and `packageName`.
 */
export interface PackageVersionProps extends PackageVersionOptions {
  /**
   * The package the version belongs to, e.g. a `SoftwarePackage` of this
   * stack, or one imported with `SoftwarePackage.fromPackageName()`.
   *
   * The version then depends on the package, so CloudFormation creates the
   * package first and deletes it last. Give either this or `packageName`,
   * not both.
   *
   * @default - the package named by `packageName`
   */
  readonly package?: ISoftwarePackage;

  /**
   * The name of the package the version belongs to.
   *
   * The package must exist before the version is created. For a package in
   * the same stack, prefer `package`; with `CfnSoftwarePackage`, pass
   * `cfnSoftwarePackage.ref` so CloudFormation creates the package first.
   * 1-128 characters of a-z, A-Z, 0-9, '-', '_' and '.'. Give either this or
   * `package`, not both.
   *
   * Changing it replaces the version: the new one is created, then the old one
   * is deleted (subject to `removalPolicy`).
   *
   * @default - the name of `package`
   */
  readonly packageName?: string;
}
