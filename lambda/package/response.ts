/** What the package handler returns to the provider framework on success. */
import { ATTR_PACKAGE_ARN, ATTR_SOFTWARE_PACKAGE_NAME, SoftwarePackageResponseData } from '../../src/shared/package-contract';
import { HandlerResponse } from '../response';

/** A success response: the physical id is the package ARN, and every attribute is present. */
export function respondPackage(arn: string, packageName: string): HandlerResponse & { Data: SoftwarePackageResponseData } {
  return {
    PhysicalResourceId: arn,
    Data: { [ATTR_PACKAGE_ARN]: arn, [ATTR_SOFTWARE_PACKAGE_NAME]: packageName },
  };
}
