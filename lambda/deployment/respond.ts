/** The deployment's success response: every Data key present. */
import { ATTR_JOB_ARN, ATTR_JOB_ID, DeploymentResponseData } from '../../src/shared/deployment-contract';
import { HandlerResponse } from '../response';
import { OwnJob } from './job';

export function respondJob(job: OwnJob): HandlerResponse & { Data: DeploymentResponseData } {
  return { PhysicalResourceId: job.jobId, Data: { [ATTR_JOB_ID]: job.jobId, [ATTR_JOB_ARN]: job.jobArn } };
}
