import { IResource } from 'aws-cdk-lib';

/**
 * An AWS IoT software package: the container of package versions.
 */
export interface ISoftwarePackage extends IResource {
  /**
   * The name of the package.
   *
   * @attribute
   */
  readonly packageName: string;

  /**
   * The ARN of the package, e.g.
   * `arn:aws:iot:eu-west-1:123456789012:package/firmware`.
   *
   * @attribute
   */
  readonly packageArn: string;
}
