/**
 * What IoT's Software Package Catalog holds, read the way a user would (list,
 * get, list tags): for the demo's tables and the end-to-end tests' assertions.
 */
import {
  ConflictException,
  CreatePackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  ListTagsForResourceCommand,
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

/** The versions as a table of text lines, for people to read. */
export function formatVersions(packageName: string, versions: CatalogVersion[]): string[] {
  if (versions.length === 0) {
    return [`package ${packageName}: no versions`];
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
  return [`package ${packageName}:`, `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`)];
}
