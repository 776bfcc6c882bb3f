/**
 * The IoT client and the small set of calls the handler makes, each within
 * the invocation's deadline (see send.ts).
 */
import {
  AssociateSbomWithPackageVersionCommand,
  AssociateSbomWithPackageVersionCommandOutput,
  CreatePackageCommand,
  CreatePackageCommandOutput,
  DeletePackageCommand,
  CreatePackageVersionCommand,
  CreatePackageVersionCommandOutput,
  DeletePackageVersionCommand,
  DisassociateSbomFromPackageVersionCommand,
  GetPackageCommand,
  GetPackageCommandOutput,
  GetPackageVersionCommand,
  GetPackageVersionCommandOutput,
  IoTClient,
  ListPackageVersionsCommand,
  ListSbomValidationResultsCommand,
  ListTagsForResourceCommand,
  SbomValidationResultSummary,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageCommand,
  UpdatePackageCommandInput,
  UpdatePackageVersionCommand,
  UpdatePackageVersionCommandInput,
} from '@aws-sdk/client-iot';
import { clientConfig, recordRetries, send, waitOutThrottling } from './send';
import { callFailed, errorName, summarizeKeys } from '../errors';

export const iot = waitOutThrottling(recordRetries(new IoTClient(clientConfig())));

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/** GetPackageVersion, or undefined when the version (or its package) does not exist. */
export async function findPackageVersion(packageName: string, versionName: string): Promise<GetPackageVersionCommandOutput | undefined> {
  try {
    return await send('GetPackageVersion', (o) => iot.send(new GetPackageVersionCommand({ packageName, versionName }), o));
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw callFailed('GetPackageVersion', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
}

/** GetPackage, or undefined when the package does not exist. */
export async function findPackage(packageName: string): Promise<GetPackageCommandOutput | undefined> {
  try {
    return await send('GetPackage', (o) => iot.send(new GetPackageCommand({ packageName }), o));
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw callFailed('GetPackage', `PackageName '${packageName}'`, e);
  }
}

/**
 * UpdatePackage (description, default version).
 *
 * @param changed what the call changes, for the error message (never values: a description is sensitive)
 */
export async function updatePackage(input: UpdatePackageCommandInput, changed: string[]): Promise<void> {
  try {
    await send('UpdatePackage', (o) => iot.send(new UpdatePackageCommand(input), o));
  } catch (e) {
    throw callFailed('UpdatePackage', `PackageName '${input.packageName}' (changing ${changed.join(', ')})`, e);
  }
}

export interface CreatePackageRequest {
  readonly packageName: string;
  readonly description?: string;
  readonly tags: Record<string, string>;
  readonly clientToken: string;
}

/** CreatePackage. Errors are thrown as the SDK raised them, so callers can inspect them. */
export async function createPackage(req: CreatePackageRequest): Promise<CreatePackageCommandOutput> {
  return send('CreatePackage', (o) => iot.send(new CreatePackageCommand({
    packageName: req.packageName,
    description: req.description,
    tags: Object.keys(req.tags).length > 0 ? req.tags : undefined,
    clientToken: req.clientToken,
  }), o));
}

/**
 * DeletePackage. Errors are thrown as the SDK raised them: IoT models no
 * not-found error for this call, and refuses (with an error it does not
 * document) while the package has versions, so callers check first and
 * inspect a failure.
 */
export async function deletePackage(packageName: string): Promise<void> {
  await send('DeletePackage', (o) => iot.send(new DeletePackageCommand({ packageName }), o));
}

/** The names of a package's versions, following pagination; [] when the package does not exist. */
export async function listPackageVersionNames(packageName: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await send('ListPackageVersions', (o) => iot.send(new ListPackageVersionsCommand({ packageName, nextToken }), o));
      names.push(...(page.packageVersionSummaries ?? []).map((v) => v.versionName ?? '').filter((n) => n !== ''));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (e) {
    if (isNotFound(e)) {
      return [];
    }
    throw callFailed('ListPackageVersions', `PackageName '${packageName}'`, e);
  }
  return names;
}

export interface CreateRequest {
  readonly packageName: string;
  readonly versionName: string;
  readonly description?: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly clientToken: string;
  /** With its object version resolved. */
  readonly artifact?: S3Object;
  readonly recipe?: string;
}

/** An S3 object with its version, as IoT takes it. */
export interface S3Object {
  readonly bucket: string;
  readonly key: string;
  readonly version: string;
}

/** IoT's shape of an artifact or SBOM. */
export function s3Location(object: S3Object): { s3Location: { bucket: string; key: string; version: string } } {
  return { s3Location: { bucket: object.bucket, key: object.key, version: object.version } };
}

/** CreatePackageVersion. Errors are thrown as the SDK raised them, so callers can inspect them. */
export async function createPackageVersion(req: CreateRequest): Promise<CreatePackageVersionCommandOutput> {
  return send('CreatePackageVersion', (o) => iot.send(new CreatePackageVersionCommand({
    packageName: req.packageName,
    versionName: req.versionName,
    description: req.description,
    attributes: Object.keys(req.attributes).length > 0 ? req.attributes : undefined,
    tags: Object.keys(req.tags).length > 0 ? req.tags : undefined,
    artifact: req.artifact ? s3Location(req.artifact) : undefined,
    recipe: req.recipe,
    clientToken: req.clientToken,
  }), o));
}

export async function updatePackageVersion(input: UpdatePackageVersionCommandInput, changed: string[]): Promise<void> {
  try {
    await send('UpdatePackageVersion', (o) => iot.send(new UpdatePackageVersionCommand(input), o));
  } catch (e) {
    throw callFailed('UpdatePackageVersion', `PackageName '${input.packageName}', VersionName '${input.versionName}' (changing ${changed.join(', ')})`, e);
  }
}

/**
 * DeletePackageVersion. A version that is gone by the time it fails counts
 * as deleted: IoT models no not-found error for this call, and a package
 * delete may remove all its versions at the same moment.
 */
export async function deletePackageVersion(packageName: string, versionName: string): Promise<void> {
  try {
    await send('DeletePackageVersion', (o) => iot.send(new DeletePackageVersionCommand({ packageName, versionName }), o));
  } catch (e) {
    const gone = isNotFound(e) || await findPackageVersion(packageName, versionName).then((v) => !v, () => false);
    if (gone) {
      return;
    }
    // The delete's own error, not the re-check's, says what went wrong.
    throw callFailed('DeletePackageVersion', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
}

/** AssociateSbomWithPackageVersion: replaces any SBOM the version has. */
export async function associateSbom(packageName: string, versionName: string, sbom: S3Object): Promise<AssociateSbomWithPackageVersionCommandOutput> {
  try {
    return await send('AssociateSbomWithPackageVersion', (o) => iot.send(new AssociateSbomWithPackageVersionCommand({
      packageName, versionName, sbom: s3Location(sbom),
    }), o));
  } catch (e) {
    // IoT's refusal to read the object is not documented: the hint goes with the errors it could be.
    const unreadable = ['ValidationException', 'AccessDeniedException'].includes(errorName(e));
    throw callFailed('AssociateSbomWithPackageVersion',
      `PackageName '${packageName}', VersionName '${versionName}', Sbom s3://${sbom.bucket}/${sbom.key} (version ${sbom.version})`, e,
      unreadable ? ' (IoT reads the SBOM itself: the bucket policy must allow iot.amazonaws.com s3:GetObject on the object)' : '');
  }
}

export async function disassociateSbom(packageName: string, versionName: string): Promise<void> {
  try {
    await send('DisassociateSbomFromPackageVersion', (o) => iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName, versionName }), o));
  } catch (e) {
    throw callFailed('DisassociateSbomFromPackageVersion', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
}

/** The failed results of the version's SBOM validation, following pagination (at most `max`). */
export async function failedSbomResults(packageName: string, versionName: string, max = 100): Promise<SbomValidationResultSummary[]> {
  const results: SbomValidationResultSummary[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await send('ListSbomValidationResults', (o) => iot.send(new ListSbomValidationResultsCommand({
        packageName, versionName, validationResult: 'FAILED', nextToken,
      }), o));
      results.push(...page.validationResultSummaries ?? []);
      nextToken = page.nextToken;
    } while (nextToken && results.length < max);
  } catch (e) {
    throw callFailed('ListSbomValidationResults', `PackageName '${packageName}', VersionName '${versionName}'`, e);
  }
  return results.slice(0, max);
}

/** All tags of a resource, following pagination. */
export async function listTags(resourceArn: string): Promise<Record<string, string>> {
  // No prototype: a tag named '__proto__' is a tag like any other.
  const tags: Record<string, string> = Object.create(null);
  let nextToken: string | undefined;
  try {
    do {
      const page = await send('ListTagsForResource', (o) => iot.send(new ListTagsForResourceCommand({ resourceArn, nextToken }), o));
      for (const tag of page.tags ?? []) {
        if (tag.Key !== undefined) {
          tags[tag.Key] = tag.Value ?? '';
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (e) {
    throw callFailed('ListTagsForResource', `resource '${resourceArn}'`, e);
  }
  return tags;
}

/**
 * A resource's tags (as listTags), or undefined when IoT reports the
 * resource not found (ResourceNotFoundException, on any page).
 */
export async function findTags(resourceArn: string): Promise<Record<string, string> | undefined> {
  try {
    return await listTags(resourceArn);
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw e;
  }
}

export async function tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
  try {
    await send('TagResource', (o) => iot.send(new TagResourceCommand({
      resourceArn,
      tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }), o));
  } catch (e) {
    throw callFailed('TagResource', `tags (${summarizeKeys(Object.keys(tags))}) of '${resourceArn}'`, e);
  }
}

export async function untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
  try {
    await send('UntagResource', (o) => iot.send(new UntagResourceCommand({ resourceArn, tagKeys }), o));
  } catch (e) {
    throw callFailed('UntagResource', `tags (${summarizeKeys(tagKeys)}) of '${resourceArn}'`, e);
  }
}
