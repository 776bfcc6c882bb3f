import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DeploymentTarget } from './deployment-target';
import { JobDocument } from './job-document';
import { IPackageVersion } from './package-version';
import { ISoftwarePackage } from './software-package';

/** Whether a job keeps adding things that join its target groups later. */
export enum JobTargetSelection {
  /** The job runs on the things targeted when it is created. */
  SNAPSHOT = 'SNAPSHOT',
  /** The job also runs on things added to the target groups later. */
  CONTINUOUS = 'CONTINUOUS',
}

/** The outcome of a job execution that abort and retry criteria count. */
export enum JobExecutionFailureType {
  /** The execution failed. */
  FAILED = 'FAILED',
  /** The device rejected the execution (abort criteria only). */
  REJECTED = 'REJECTED',
  /** The execution timed out (see `inProgressTimeout`). */
  TIMED_OUT = 'TIMED_OUT',
  /** Any of the outcomes above. */
  ALL = 'ALL',
}

/** What happens to the job when the deployment leaves the stack or is replaced. */
export enum JobRemoval {
  /**
   * Cancel the job, without force.
   *
   * Things that have not started it never will; executions already in
   * progress finish.
   */
  CANCEL = 'CANCEL',
  /**
   * Leave the job running in IoT. Not in a rollback: a job the failed
   * deployment made is cancelled either way.
   */
  LEAVE_RUNNING = 'LEAVE_RUNNING',
}

/** An exponential rollout rate. */
export interface ExponentialRolloutRate {
  /** Things notified per minute at the start (1-1000). */
  readonly baseRatePerMinute: number;
  /** The factor the rate grows by (1.1-5). */
  readonly incrementFactor: number;
  /**
   * Raise the rate after this many things were notified.
   *
   * @default - only `numberOfSucceededThings`; one of the two is required
   */
  readonly numberOfNotifiedThings?: number;
  /**
   * Raise the rate after this many things succeeded.
   *
   * @default - only `numberOfNotifiedThings`; one of the two is required
   */
  readonly numberOfSucceededThings?: number;
}

/** How fast the job reaches things. */
export interface JobRollout {
  /**
   * Things notified per minute at most (1-1000).
   *
   * @default - IoT's default (no limit beyond the account's)
   */
  readonly maximumPerMinute?: number;
  /**
   * An exponential rate, instead of (or capped by) `maximumPerMinute`.
   *
   * @default - a constant rate
   */
  readonly exponentialRate?: ExponentialRolloutRate;
}

/** When IoT cancels the whole job. */
export interface JobAbortCriterion {
  /** Which execution outcomes count. */
  readonly failureType: JobExecutionFailureType;
  /** Cancel when this share of executed things (0-100) had the outcome. */
  readonly thresholdPercentage: number;
  /** ... once at least this many things have executed the job (at least 1). */
  readonly minExecutedThings: number;
}

/** How often IoT retries a thing's execution. */
export interface JobRetryCriterion {
  /** The outcome that is retried: FAILED, TIMED_OUT or ALL. */
  readonly failureType: JobExecutionFailureType;
  /** How many times a thing's execution is retried (0-10). */
  readonly numberOfRetries: number;
}

/** The presigned URL IoT puts into the job document for an artifact. */
export interface PresignedUrlOptions {
  /**
   * The role IoT assumes to presign the URL: it must trust
   * `iot.amazonaws.com` and be allowed `s3:GetObject` on the artifacts.
   *
   * @default - a role that may read the artifacts of the deployed
   * `PackageVersion`s of this app (an error if none is known)
   */
  readonly role?: iam.IRole;
  /**
   * How long the URL is valid (1 minute to 1 hour).
   *
   * @default - IoT's default (1 hour)
   */
  readonly expiresIn?: Duration;
}

/** The deployment waits in the handler until enough things succeeded. */
export interface RolloutWait {
  /** The share of targeted things (1-100) whose execution must have SUCCEEDED. */
  readonly minSuccessPercent: number;
  /**
   * How long to wait at most.
   *
   * Capped by the handler's timeout (5 minutes unless
   * `PackageCatalogProvider.configure` sets another) less the reserve it keeps
   * for cancelling the job (a fifth, at most a minute) and a margin.
   *
   * @default - the longest wait the handler's timeout allows:
   * PackageDeployment.MAX_ROLLOUT_WAIT (3 minutes 55 seconds) with the default timeout
   */
  readonly timeout?: Duration;
  /**
   * How often the job's progress is read while waiting.
   *
   * @default Duration.seconds(5)
   */
  readonly pollInterval?: Duration;
}

/** Props of a `PackageDeployment`. */
export interface PackageDeploymentProps {
  /**
   * Package versions to deploy. They must be PUBLISHED or DEPRECATED when
   * the job is created; a `PackageVersion` declared DRAFT is an error.
   *
   * @default - none; `versions` and `defaultVersionOf` together name 1-25 versions
   */
  readonly versions?: IPackageVersion[];
  /**
   * Packages whose default version (`$default`) to deploy.
   *
   * When the same stack designates a package's default version
   * (`addDefaultVersion` or `PackageDefaultVersion`), the deployment depends
   * on the designation, and moving the default makes a new job.
   *
   * @default - none
   */
  readonly defaultVersionOf?: ISoftwarePackage[];
  /** Things and thing groups to deploy to. */
  readonly targets: DeploymentTarget[];
  /**
   * The job document.
   *
   * @default - `{"operation":"install","packages":[{"packageName":P,"versionName":V},...]}`
   * naming every deployed package and version (`$default` for a default)
   */
  readonly document?: JobDocument;
  /**
   * The job's description.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether the job targets only the things in the groups now (SNAPSHOT), or also things that join later (CONTINUOUS).
   *
   * @default JobTargetSelection.SNAPSHOT
   */
  readonly targetSelection?: JobTargetSelection;
  /**
   * How fast the job reaches things.
   *
   * @default - IoT's default rollout
   */
  readonly rollout?: JobRollout;
  /**
   * When IoT cancels the job.
   *
   * @default - never
   */
  readonly abortCriteria?: JobAbortCriterion[];
  /**
   * How long a thing's execution may stay IN_PROGRESS (1 minute to 7 days).
   *
   * @default - no timeout
   */
  readonly inProgressTimeout?: Duration;
  /**
   * How often IoT retries a thing's execution, per failure type.
   *
   * @default - none
   */
  readonly retries?: JobRetryCriterion[];
  /**
   * The presigned URLs IoT puts into the document for artifacts.
   *
   * Set automatically (with a role this construct creates) when the
   * document uses the artifact presigned-URL placeholder.
   *
   * @default - only when the document asks for one
   */
  readonly presignedUrl?: PresignedUrlOptions;
  /**
   * What happens to the job when the deployment is deleted or replaced by a
   * change that needs a new job.
   *
   * @default JobRemoval.CANCEL
   */
  readonly onRemoval?: JobRemoval;
  /**
   * Makes the deployment wait until enough things succeeded.
   *
   * A failed wait cancels the job and fails the deployment.
   *
   * @default - do not wait
   */
  readonly waitForRollout?: RolloutWait;
  /**
   * Tags of the job.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}
