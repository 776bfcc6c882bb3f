/**
 * The wire contract between the `PackageDeployment` construct (src/) and its
 * custom-resource handler (lambda/deployment/). Both sides import this
 * module. The type name, property names and Data keys are part of deployed
 * templates: never rename them.
 *
 * Top-level properties are PascalCase, as CloudFormation's; the nested job
 * settings keep IoT's own CreateJob shapes (camelCase), so the handler passes
 * them on unchanged once CloudFormation's strings are numbers again.
 */
import { TagEntry } from './contract';

/** CloudFormation type of the custom resource. Permanent once released. */
export const DEPLOYMENT_RESOURCE_TYPE = 'Custom::IotPackageDeployment';

/** What happens to the job when the resource is deleted or replaced. */
export const ON_REMOVAL_VALUES = ['CANCEL', 'LEAVE_RUNNING'] as const;
export type OnRemovalValue = typeof ON_REMOVAL_VALUES[number];
export const DEFAULT_ON_REMOVAL: OnRemovalValue = 'CANCEL';

export const TARGET_SELECTIONS = ['SNAPSHOT', 'CONTINUOUS'] as const;

/** IoT's limits on CreateJob (the API model). */
export const MAX_DESTINATION_PACKAGE_VERSIONS = 25;
export const MAX_JOB_ID_LENGTH = 64;
/**
 * Targets per job: the API reference states "the total number of targets
 * associated with a job must not exceed 100" (for AssociateTargetsWithJob;
 * that CreateJob has the same limit is [U], the model sets none).
 */
export const MAX_JOB_TARGETS = 100;
export const JOB_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const MAX_JOB_DESCRIPTION_LENGTH = 2028;
export const MAX_JOB_DOCUMENT_BYTES = 32768;
/** Longest prefix the construct gives job ids: the handler adds '-' and 16 hex digits. */
export const MAX_JOB_ID_PREFIX_LENGTH = MAX_JOB_ID_LENGTH - 17;

/** Thing and thing-group ARNs, as CreateJob's targets take them. */
export const TARGET_ARN = /^arn:[^:]+:iot:[^:]+:\d{12}:(thing|thinggroup)\/[a-zA-Z0-9:_-]{1,128}$/;

/** Package-version ARNs, including `$default`. */
export const DESTINATION_VERSION_ARN = /^arn:[^:]+:iot:[^:]*:[^:]*:package\/[a-zA-Z0-9_.-]{1,128}\/version\/([a-zA-Z0-9_.-]{1,64}|\$default)$/;

/**
 * The artifact presigned-URL placeholder in a job document. The developer
 * guide writes `...:artifact-location:s3-presigned-url}`, IoT's error texts
 * `...:artifact:s3-presigned-url}` ([U] which IoT accepts): both are detected.
 */
export const PRESIGNED_URL_PLACEHOLDER = /\$\{aws:iot:package:[^}]*:artifact(-location)?:s3-presigned-url\}/;

/** The opt-in wait for the rollout. */
export interface WaitForRolloutProperty {
  /** 1-100: the share of targeted things whose execution must have SUCCEEDED. */
  readonly MinSuccessPercent: string;
  /** Seconds to wait at most; capped by the handler's deadline. */
  readonly TimeoutSeconds?: string;
  /** Seconds between two DescribeJob calls. */
  readonly PollSeconds?: string;
}

/** The custom resource's properties, as the handler receives them (scalars as strings). */
export interface DeploymentResourceProperties {
  /** The job id's prefix: the handler appends '-' and 16 hex digits. */
  readonly JobIdPrefix: string;
  readonly Targets: string[];
  readonly DestinationPackageVersions: string[];
  /**
   * For each `$default` in DestinationPackageVersions whose package's
   * default is designated in the same stack, the designation's version
   * (a reference to it): when the default moves, this changes, and the
   * deployment makes a new job. Absent when no default is designated in the
   * stack. Not sent to IoT.
   */
  readonly DefaultVersionNames?: string[];
  /** The job document, JSON (sensitive: never logged). */
  readonly Document: string;
  readonly Description?: string;
  /** SNAPSHOT (absent) or CONTINUOUS. */
  readonly TargetSelection?: string;
  /** IoT's PresignedUrlConfig: { roleArn, expiresInSec? }. */
  readonly PresignedUrlConfig?: Record<string, unknown>;
  /** IoT's JobExecutionsRolloutConfig. */
  readonly JobExecutionsRolloutConfig?: Record<string, unknown>;
  /** IoT's AbortConfig. */
  readonly AbortConfig?: Record<string, unknown>;
  /** IoT's TimeoutConfig. */
  readonly TimeoutConfig?: Record<string, unknown>;
  /** IoT's JobExecutionsRetryConfig. */
  readonly JobExecutionsRetryConfig?: Record<string, unknown>;
  readonly Tags?: TagEntry[];
  /** One of ON_REMOVAL_VALUES; absent means DEFAULT_ON_REMOVAL. */
  readonly OnRemoval?: string;
  readonly WaitForRollout?: WaitForRolloutProperty;
}

/**
 * Properties whose change needs a new job: IoT cannot change them on a job.
 * Every other property is updated in place (UpdateJob, TagResource) or is
 * the handler's own setting.
 */
export const REPLACING_PROPERTIES = ['JobIdPrefix', 'Targets', 'DestinationPackageVersions', 'DefaultVersionNames', 'Document', 'TargetSelection'] as const;

/** The job settings UpdateJob changes in place. */
export const UPDATABLE_JOB_PROPERTIES = [
  'Description', 'PresignedUrlConfig', 'JobExecutionsRolloutConfig', 'AbortConfig', 'TimeoutConfig', 'JobExecutionsRetryConfig',
] as const;

export const ATTR_JOB_ID = 'JobId';
export const ATTR_JOB_ARN = 'JobArn';

/** The handler's Data: every key always present. */
export interface DeploymentResponseData {
  readonly [ATTR_JOB_ID]: string;
  readonly [ATTR_JOB_ARN]: string;
}

/**
 * Tag on every job the handler creates, besides the creation marker:
 * `<hash of the replacing properties>/<job id this one replaced, or ->`.
 * A rollback of a replacement finds the previous job through it.
 */
export const REPLACES_TAG = 'cdk-iot-package-catalog:deployment';
