/**
 * What IoT's Software Package Catalog holds, read the way a user would (list,
 * get, list tags), and the jobs that deploy its versions: for the demo's
 * tables and the end-to-end tests' assertions; and the devices' registry
 * entries (a thing group) that the example's job targets.
 */
import {
  AddThingToThingGroupCommand,
  ConflictException,
  CreatePackageCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeJobCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  ListTagsForResourceCommand,
  paginateListJobs,
  paginateListPackageVersions,
} from '@aws-sdk/client-iot';

/** One version as IoT reports it. */
export interface CatalogVersion {
  readonly versionName: string;
  readonly arn: string;
  readonly status: string;
  readonly description?: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** Creates a thing group with things in it, as device provisioning would (the targets of a job). */
export async function ensureThingGroup(iot: IoTClient, groupName: string, thingNames: string[]): Promise<void> {
  await iot.send(new CreateThingGroupCommand({ thingGroupName: groupName }));
  for (const thingName of thingNames) {
    await iot.send(new CreateThingCommand({ thingName }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: groupName, thingName }));
  }
}

/** The package's default version, or undefined when it has none or does not exist. */
export async function defaultVersionOf(iot: IoTClient, packageName: string): Promise<string | undefined> {
  try {
    return (await iot.send(new GetPackageCommand({ packageName }))).defaultVersionName;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw err;
  }
}

/** One IoT job, as the demo shows it. */
export interface CatalogJob {
  readonly jobId: string;
  readonly status: string;
  readonly targets: string[];
  readonly versions: string[];
}

/** Every job of the account and region, with what it deploys where. */
export async function jobsOf(iot: IoTClient): Promise<CatalogJob[]> {
  const ids: string[] = [];
  for await (const page of paginateListJobs({ client: iot }, {})) {
    ids.push(...(page.jobs ?? []).map((j) => j.jobId!));
  }
  return Promise.all(ids.sort().map(async (jobId) => {
    const { job } = await iot.send(new DescribeJobCommand({ jobId }));
    return {
      jobId,
      status: job?.status ?? '?',
      targets: (job?.targets ?? []).map((t) => t.replace(/^arn:[^:]+:iot:[^:]*:[^:]*:/, '')),
      versions: (job?.destinationPackageVersions ?? []).map((v) => v.replace(/^arn:[^:]+:iot:[^:]*:[^:]*:package\//, '')),
    };
  }));
}

/** The jobs as text lines, for people to read. */
export function formatJobs(jobs: CatalogJob[]): string[] {
  return jobs.length === 0 ? ['jobs: none'] : jobs.map((j) => `job ${j.jobId}: ${j.status}, deploys ${j.versions.join(', ')} to ${j.targets.join(', ')}`);
}

/** Creates the package unless it exists (as `aws iot create-package` would). */
export async function ensurePackage(iot: IoTClient, packageName: string): Promise<void> {
  try {
    await iot.send(new CreatePackageCommand({ packageName }));
  } catch (err) {
    if (!(err instanceof ConflictException)) {
      throw err;
    }
  }
}

/** Every version of the package, sorted by name, with its tags. */
export async function versionsOf(iot: IoTClient, packageName: string): Promise<CatalogVersion[]> {
  const names: string[] = [];
  for await (const page of paginateListPackageVersions({ client: iot }, { packageName })) {
    names.push(...(page.packageVersionSummaries ?? []).map((s) => s.versionName!));
  }
  const versions = await Promise.all(names.sort().map(async (versionName) => {
    const v = await iot.send(new GetPackageVersionCommand({ packageName, versionName }));
    const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: v.packageVersionArn! }));
    return {
      versionName,
      arn: v.packageVersionArn!,
      status: v.status!,
      description: v.description,
      attributes: v.attributes ?? {},
      tags: Object.fromEntries((tags.tags ?? []).map((t) => [t.Key!, t.Value!])),
    };
  }));
  return versions;
}

/** Long tag values (the creation marker) shortened for a table. */
function short(value: string): string {
  return value.length > 24 ? `${value.slice(0, 12)}…` : value;
}

/** The versions as a table of text lines, for people to read; with the package's default version, if given. */
export function formatVersions(packageName: string, versions: CatalogVersion[], defaultVersion?: string): string[] {
  const title = `package ${packageName}${defaultVersion ? ` (default version: ${defaultVersion})` : ''}`;
  if (versions.length === 0) {
    return [`${title}: no versions`];
  }
  const rows = versions.map((v) => [
    v.versionName,
    v.status,
    v.description ?? '-',
    Object.entries(v.attributes).map(([k, val]) => `${k}=${val}`).join(', ') || '-',
    Object.entries(v.tags).map(([k, val]) => `${k}=${short(val)}`).join(', ') || '-',
  ]);
  const header = ['VERSION', 'STATUS', 'DESCRIPTION', 'ATTRIBUTES', 'TAGS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`${title}:`, `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`)];
}
