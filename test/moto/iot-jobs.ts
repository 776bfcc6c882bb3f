/** The test hook of the moto extension iot_jobs.py: job execution outcomes. */
import { httpRequest } from './moto-server';

export const EXECUTIONS_PATH = '/moto-api/iot-jobs/executions';

/** An execution status IoT reports. */
export type ExecutionStatus = 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'REJECTED' | 'TIMED_OUT' | 'REMOVED' | 'CANCELED';

/** Sets the status of one thing's execution of a job; answers the job's status after abort and completion were evaluated. */
export async function setExecution(endpoint: string, jobId: string, thingName: string, status: ExecutionStatus): Promise<{ jobStatus: string }> {
  const res = await httpRequest(endpoint, 'POST', EXECUTIONS_PATH, { jobId, thingName, status });
  if (res.status !== 200) {
    throw new Error(`${EXECUTIONS_PATH} answered ${res.status}: ${res.body}`);
  }
  return JSON.parse(res.body) as { jobStatus: string };
}
