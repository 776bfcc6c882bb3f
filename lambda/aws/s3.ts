/**
 * The handler's one S3 call: the current version of an artifact or SBOM
 * object, for a template that names the object but not its version.
 *
 * IoT needs an object version (it rejects an SBOM without one, and an
 * artifact without one would follow whatever is uploaded next), so the
 * handler pins the version the object has when the package version is
 * created, or when the template names another object.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig, recordRetries, send, waitOutThrottling } from './send';
import { callFailed, errorName } from '../errors';

/**
 * Path-style requests when an endpoint is configured (a local stand-in
 * such as moto serves every bucket on one host); AWS's own endpoints keep
 * the default, virtual-hosted style.
 */
const endpointOverridden = Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

export const s3 = waitOutThrottling(recordRetries(new S3Client({ ...clientConfig(), forcePathStyle: endpointOverridden })));

/** What the object is, in messages, e.g. "Artifact s3://bucket/key". */
function subject(what: string, bucket: string, key: string): string {
  return `${what} s3://${bucket}/${key}`;
}

/**
 * The version id of the object's current version.
 *
 * @param what the property that names the object, for messages: 'Artifact' or 'Sbom'
 * @throws when the object cannot be read or its bucket is not versioned, saying which and what to do
 */
export async function currentObjectVersion(what: string, bucket: string, key: string): Promise<string> {
  let versionId: string | undefined;
  try {
    const out = await send('HeadObject', (o) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), o));
    versionId = out.VersionId;
  } catch (e) {
    throw callFailed('HeadObject', `${subject(what, bucket, key)} (read to find the object's current version)`, named(e), hintFor(errorName(named(e))));
  }
  // An unversioned bucket answers without a version id; a bucket whose
  // versioning is suspended answers 'null' for objects written since.
  if (!versionId || versionId === 'null') {
    throw new Error(
      `${subject(what, bucket, key)} has no object version: bucket '${bucket}' is not versioned (or its versioning is suspended). ` +
      'IoT needs the version id of an object in a versioned bucket: enable versioning on the bucket and upload the object again, ' +
      'or name the object version in the template.',
    );
  }
  return versionId;
}

/**
 * A HEAD response has no body, so the SDK can name S3's error only from the
 * HTTP status (a 403 comes out as 'Unknown'): name it from the status.
 */
function named(error: unknown): unknown {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = status === undefined ? undefined : STATUS_NAMES[status];
  if (name === undefined || errorName(error) === name || !['Unknown', 'UnknownError', String(status)].includes(errorName(error))) {
    return error;
  }
  return { name, message: `HTTP ${status}` };
}

const STATUS_NAMES: Record<number, string> = { 301: 'PermanentRedirect', 403: 'AccessDenied', 404: 'NotFound' };

function hintFor(name: string): string {
  switch (name) {
    case 'NotFound':
    case 'NoSuchKey':
    case 'NoSuchBucket':
      return ' (the object does not exist: upload it before the package version is deployed, e.g. in an earlier stack or with a BucketDeployment the version depends on)';
    case 'Forbidden':
    case 'AccessDenied':
      return ' (the handler\'s role may not read the object: name the bucket through the construct so it gets s3:GetObject, and check the bucket policy and KMS key)';
    case 'PermanentRedirect':
    case 'MovedPermanently':
    case '301':
      return ' (the bucket is in another region: IoT needs the bucket in the region of the package version)';
    default:
      return '';
  }
}
