/**
 * The S3 side of the moto server (moto's own S3), which the emulated IoT
 * reads artifacts and SBOMs from: a client for tests, buckets, objects,
 * bucket policies, and SBOM zips.
 */
import * as zlib from 'zlib';
import { CreateBucketCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS } from './moto-server';

// --------------------------------------------------------------------------- //
// S3 on the same server (moto's own S3, which the emulated IoT reads)
// --------------------------------------------------------------------------- //

/**
 * An S3 client for a moto server: path-style addressing (moto serves every
 * bucket on its one host), signed with MOTO_CREDENTIALS unless other
 * credentials are given, so the request log tells its calls from the handler's.
 */
export function motoS3Client(
  endpoint: string,
  options: { region?: string; maxAttempts?: number; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): S3Client {
  return new S3Client({
    endpoint,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? MOTO_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: options.maxAttempts,
  });
}

/**
 * Creates a bucket in the client's region, versioned unless `versioned: false`
 * (artifacts and SBOMs are named by object version).
 */
export async function createBucket(s3: S3Client, bucket: string, options: { versioned?: boolean } = {}): Promise<void> {
  const region = await s3.config.region();
  await s3.send(new CreateBucketCommand({
    Bucket: bucket,
    ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
  }));
  if (options.versioned ?? true) {
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}

/**
 * Uploads an object; resolves to its VersionId (undefined in a bucket that
 * never had versioning, where S3 reports none).
 */
export async function putObject(s3: S3Client, bucket: string, key: string, body: string | Uint8Array): Promise<string | undefined> {
  const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return out.VersionId;
}

/** Sets a bucket's policy (an object is serialized as JSON). */
export async function putBucketPolicy(s3: S3Client, bucket: string, policy: object | string): Promise<void> {
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: typeof policy === 'string' ? policy : JSON.stringify(policy) }));
}

/**
 * A bucket policy that lets AWS IoT (the service principal iot.amazonaws.com)
 * read SBOMs: by default s3:GetObject and s3:GetObjectVersion on every object
 * of the bucket.
 */
export function iotSbomReadPolicy(bucket: string, options: { actions?: string[]; resource?: string } = {}): object {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: 'iot.amazonaws.com' },
      Action: options.actions ?? ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: options.resource ?? `arn:aws:s3:::${bucket}/*`,
    }],
  };
}

/** A minimal SPDX document (valid for the emulator's SBOM check). */
export const SPDX_DOCUMENT = { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'firmware', dataLicense: 'CC0-1.0' };
/** A minimal CycloneDX document (valid for the emulator's SBOM check). */
export const CYCLONEDX_DOCUMENT = { bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] };

/**
 * A zip archive (entries stored, not compressed) of the given files, e.g. an
 * SBOM: `zipArchive({ 'sbom.spdx.json': SPDX_DOCUMENT })`. An object value is
 * written as JSON.
 */
export function zipArchive(files: Record<string, string | Uint8Array | object>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8')
      : content instanceof Uint8Array ? Buffer.from(content)
        : Buffer.from(JSON.stringify(content), 'utf8');
    const fileName = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data); // Node >= 20.15
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42); // 30..41: extra, comment, disk, attributes: 0
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}
