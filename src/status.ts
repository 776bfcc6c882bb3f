/**
 * The lifecycle state of an AWS IoT software package version.
 *
 * IoT moves a version from `DRAFT` to `PUBLISHED`, and between `PUBLISHED`
 * and `DEPRECATED`. No action brings a version back to `DRAFT`.
 *
 * @example
 * import { PackageVersionStatus } from 'cdk-iot-package-catalog';
 * declare const stack: Stack;
 *
 * new PackageVersion(stack, 'Firmware140', {
 *   packageName: 'firmware',
 *   versionName: '1.4.0',
 *   status: PackageVersionStatus.PUBLISHED,
 * });
 */
export class PackageVersionStatus {
  /**
   * The state every version is created in.
   *
   * Its attributes and artifact can still change. IoT Jobs cannot deploy a
   * draft version, and a draft cannot be its package's default version.
   */
  public static readonly DRAFT = new PackageVersionStatus('DRAFT');

  /**
   * Ready for deployment: IoT Jobs can deploy it and it can be its package's
   * default version.
   *
   * Publishing makes the attributes and the artifact immutable: changing
   * them needs a new version. The description, tags, recipe and SBOM can
   * still change. A published version never returns to `DRAFT`; in particular,
   * a CloudFormation rollback of a deployment that published it does not
   * unpublish it.
   */
  public static readonly PUBLISHED = new PackageVersionStatus('PUBLISHED');

  /**
   * No longer recommended. IoT Jobs can still deploy it, and it can be
   * published again.
   *
   * Like a published version, its attributes and artifact are immutable.
   */
  public static readonly DEPRECATED = new PackageVersionStatus('DEPRECATED');

  /**
   * A status from its name, e.g. from a CloudFormation parameter.
   *
   * `PackageVersion` accepts only `DRAFT`, `PUBLISHED` and `DEPRECATED`: a
   * known other value fails synthesis, and an unresolved one (a token) that
   * resolves to another value fails the deployment before any change.
   * Prefer the constants for literal values.
   *
   * @param value the status's name, as IoT spells it
   */
  public static of(value: string): PackageVersionStatus {
    return new PackageVersionStatus(value);
  }

  /**
   * @param value the status's name, as IoT spells it, e.g. `PUBLISHED`
   */
  private constructor(public readonly value: string) {}

  /**
   * The status's name, e.g. `PUBLISHED`.
   *
   * In Python, `str(status)` does not call this method (jsii maps it to
   * `to_string()`): use `status.value`.
   */
  public toString(): string {
    return this.value;
  }
}
