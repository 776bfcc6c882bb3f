/**
 * The IoT client and the small set of calls the handler makes.
 *
 * The client is created once per container. It takes its endpoint from the
 * SDK's standard configuration (`AWS_ENDPOINT_URL_IOT`, `AWS_ENDPOINT_URL`),
 * and retries throttling with adaptive back-off: a stack with hundreds of
 * versions makes hundreds of calls at once.
 */
import {
  CreatePackageVersionCommand,
  CreatePackageVersionCommandOutput,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageCommandOutput,
  GetPackageVersionCommand,
  GetPackageVersionCommandOutput,
  IoTClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
  UpdatePackageVersionCommandInput,
} from '@aws-sdk/client-iot';
import { errorName, IotCallError } from '../errors';

/** Upper bound on attempts per call, including the first. */
export const MAX_ATTEMPTS = 10;

export const iot = new IoTClient({
  maxAttempts: MAX_ATTEMPTS,
  retryMode: 'adaptive',
});

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/** GetPackageVersion, or undefined when the version (or its package) does not exist. */
export async function findPackageVersion(packageName: string, versionName: string): Promise<GetPackageVersionCommandOutput | undefined> {
  try {
    return await iot.send(new GetPackageVersionCommand({ packageName, versionName }));
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw new IotCallError('GetPackageVersion', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
}

/** GetPackage, or undefined when the package does not exist. */
export async function findPackage(packageName: string): Promise<GetPackageCommandOutput | undefined> {
  try {
    return await iot.send(new GetPackageCommand({ packageName }));
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw new IotCallError('GetPackage', `PackageName '${packageName}'`, e);
  }
}

export interface CreateRequest {
  readonly packageName: string;
  readonly versionName: string;
  readonly description?: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly clientToken: string;
}

/** CreatePackageVersion. Errors are thrown as the SDK raised them, so callers can inspect them. */
export async function createPackageVersion(req: CreateRequest): Promise<CreatePackageVersionCommandOutput> {
  return iot.send(new CreatePackageVersionCommand({
    packageName: req.packageName,
    versionName: req.versionName,
    description: req.description,
    attributes: Object.keys(req.attributes).length > 0 ? req.attributes : undefined,
    tags: Object.keys(req.tags).length > 0 ? req.tags : undefined,
    clientToken: req.clientToken,
  }));
}

export async function updatePackageVersion(input: UpdatePackageVersionCommandInput, changed: string[]): Promise<void> {
  try {
    await iot.send(new UpdatePackageVersionCommand(input));
  } catch (e) {
    throw new IotCallError('UpdatePackageVersion', `PackageName '${input.packageName}', VersionName '${input.versionName}' (changing ${changed.join(', ')})`, e);
  }
}

/**
 * DeletePackageVersion. A version that is gone by the time it fails counts
 * as deleted: IoT models no not-found error for this call, and a package
 * delete may remove all its versions at the same moment.
 */
export async function deletePackageVersion(packageName: string, versionName: string): Promise<void> {
  try {
    await iot.send(new DeletePackageVersionCommand({ packageName, versionName }));
  } catch (e) {
    const gone = isNotFound(e) || await findPackageVersion(packageName, versionName).then((v) => !v, () => false);
    if (gone) {
      return;
    }
    // The delete's own error, not the re-check's, says what went wrong.
    throw new IotCallError('DeletePackageVersion', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
}

/** All tags of a resource, following pagination. */
export async function listTags(resourceArn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  try {
    do {
      const page = await iot.send(new ListTagsForResourceCommand({ resourceArn, nextToken }));
      for (const tag of page.tags ?? []) {
        if (tag.Key !== undefined) {
          tags[tag.Key] = tag.Value ?? '';
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (e) {
    throw new IotCallError('ListTagsForResource', `resource '${resourceArn}'`, e);
  }
  return tags;
}

export async function tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
  try {
    await iot.send(new TagResourceCommand({
      resourceArn,
      tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }));
  } catch (e) {
    throw new IotCallError('TagResource', `Tags (${Object.keys(tags).join(', ')}) of '${resourceArn}'`, e);
  }
}

export async function untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
  try {
    await iot.send(new UntagResourceCommand({ resourceArn, tagKeys }));
  } catch (e) {
    throw new IotCallError('UntagResource', `Tags (${tagKeys.join(', ')}) of '${resourceArn}'`, e);
  }
}
