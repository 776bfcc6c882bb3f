/**
 * What the handler returns to the provider framework on success.
 */
import { truncate } from './errors';
import { DesiredVersion } from './properties';
import {
  ATTR_ERROR_REASON,
  ATTR_PACKAGE_NAME,
  ATTR_PACKAGE_VERSION_ARN,
  ATTR_SBOM_VALIDATION_STATUS,
  ATTR_STATUS,
  ATTR_VERSION_NAME,
  PackageVersionResponseData,
} from '../src/shared/contract';

/** What the provider framework expects back. */
export interface HandlerResponse {
  readonly PhysicalResourceId: string;
  /** The attributes `Fn::GetAtt` reads, under the keys of the resource type's contract. */
  readonly Data?: Readonly<Record<string, string>>;
}

/** The state of a version as IoT reported it. */
export interface VersionState {
  readonly arn: string;
  readonly status?: string;
  readonly errorReason?: string;
  readonly sbomValidationStatus?: string;
}

/** The state of a version as IoT reports it (GetPackageVersion, CreatePackageVersion). */
export function stateOf(arn: string, reported: { status?: string; errorReason?: string; sbomValidationStatus?: string }): VersionState {
  return { arn, status: reported.status, errorReason: reported.errorReason, sbomValidationStatus: reported.sbomValidationStatus ?? '' };
}

/** A success response with every attribute of the version. */
export function respond(
  physicalResourceId: string, desired: DesiredVersion, state: VersionState,
): HandlerResponse & { Data: PackageVersionResponseData } {
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      [ATTR_PACKAGE_VERSION_ARN]: state.arn,
      [ATTR_STATUS]: state.status ?? '',
      // Bounded so the whole response stays far below CloudFormation's 4 KB.
      [ATTR_ERROR_REASON]: truncate(state.errorReason ?? '', 1000),
      [ATTR_PACKAGE_NAME]: desired.packageName,
      [ATTR_VERSION_NAME]: desired.versionName,
      [ATTR_SBOM_VALIDATION_STATUS]: state.sbomValidationStatus ?? '',
    },
  };
}
