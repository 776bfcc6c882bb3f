import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { validateObject } from './private/s3-objects';

/**
 * An S3 object as a package version's artifact or SBOM resolves to, with
 * what the version needs to grant access to it.
 */
export interface PackageVersionS3ObjectConfig {
  /**
   * The name of the bucket. It must be in the version's region.
   */
  readonly bucketName: string;

  /**
   * The object's key.
   */
  readonly objectKey: string;

  /**
   * The object's version id. The bucket must be versioned.
   *
   * @default - the handler looks up the object's current version when the
   * package version is created, or when the bucket or key change
   */
  readonly objectVersion?: string;

  /**
   * The bucket, when it is known as a construct.
   *
   * @default - the bucket is known only by its name: no bucket policy is added
   */
  readonly bucket?: s3.IBucket;

  /**
   * The KMS key that encrypts the object. The handler is allowed
   * `kms:Decrypt` with it.
   *
   * @default - the bucket's `encryptionKey`, if any; otherwise no KMS permission
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The file that devices download for a package version, in S3.
 *
 * IoT keeps the bucket, key and object version on the package version, and
 * reads the object with the deploying role's permissions: the handler of
 * this library is allowed `s3:GetObject` and `s3:GetObjectVersion` on every
 * object of the bucket (one statement per bucket, so that many versions fit
 * in IAM's policy size limit), and `kms:Decrypt` with the bucket's KMS key
 * when the `IBucket` has one. The bucket must be versioned and in the same
 * region as the package version. IoT allows changing the artifact only while
 * the version is DRAFT.
 *
 * @example
 * import { PackageVersionArtifact } from 'cdk-iot-package-catalog';
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 * declare const stack: Stack;
 * declare const firmwareBucket: s3.IBucket;
 *
 * new PackageVersion(stack, 'Firmware140', {
 *   packageName: 'firmware',
 *   versionName: '1.4.0',
 *   artifact: PackageVersionArtifact.fromBucket(firmwareBucket, 'firmware-1.4.0.bin', 'E7AF6bhq7yO0mmu.rjU0k7DK7zj0M3Pj'),
 * });
 */
export abstract class PackageVersionArtifact {
  /**
   * An object named by bucket name, key and object version.
   *
   * Nothing is granted beyond the handler's read permission: for an
   * encrypted object, use `fromBucket` with a bucket that has its
   * `encryptionKey`.
   *
   * @param bucketName the bucket's name
   * @param key the object's key
   * @param objectVersion the object's version id
   */
  public static fromS3Location(bucketName: string, key: string, objectVersion: string): PackageVersionArtifact {
    return new S3ObjectArtifact({ bucketName, objectKey: key, objectVersion }, 'PackageVersionArtifact.fromS3Location()');
  }

  /**
   * An object in a bucket.
   *
   * @param bucket the bucket; its `encryptionKey`, if any, is granted for decryption
   * @param key the object's key
   * @param objectVersion the object's version id; by default, the handler
   * looks up the object's current version when the package version is
   * created, or when the bucket or key change
   */
  public static fromBucket(bucket: s3.IBucket, key: string, objectVersion?: string): PackageVersionArtifact {
    return new S3ObjectArtifact({ bucketName: bucket.bucketName, objectKey: key, objectVersion, bucket }, 'PackageVersionArtifact.fromBucket()');
  }

  /**
   * A local file or directory, uploaded as a CDK asset.
   *
   * The asset is uploaded to the bucket of the environment's CDK bootstrap
   * stack, which `cdk bootstrap` creates versioned; the handler looks up the
   * uploaded object's version. A directory is uploaded as a zip archive.
   * The key is the asset's hash, so a changed file gives a new key, which IoT
   * accepts only while the version is DRAFT. The object must stay in the
   * bucket as long as devices download it: garbage collection of assets
   * (`cdk gc`) deletes objects that no template references.
   *
   * @param path the file or directory, relative to the current working directory
   * @param options asset options, e.g. `exclude` or `assetHash`
   */
  public static fromAsset(path: string, options?: s3_assets.AssetOptions): PackageVersionArtifact {
    return new AssetArtifact(path, options ?? {});
  }

  /**
   * Resolves the artifact for a package version.
   *
   * @param scope the package version
   */
  public abstract bind(scope: Construct): PackageVersionS3ObjectConfig;
}

/**
 * The software bill of materials of a package version: a zip archive of
 * SPDX or CycloneDX JSON documents, in S3.
 *
 * IoT reads the SBOM as the service principal `iot.amazonaws.com`, so the
 * bucket's policy must allow it. For a bucket defined in the same stack as
 * the version, the version adds a statement to the bucket's policy that
 * allows `iot.amazonaws.com` `s3:GetObject` and `s3:GetObjectVersion` on
 * exactly the SBOM's key; for an imported bucket or a bucket name, add such
 * a statement yourself. The bucket must be versioned and in the same region
 * as the package version. The handler is allowed to read the bucket's
 * objects (to look up an object's current version). The SBOM can change in
 * every state.
 *
 * There is no asset source: the bootstrap bucket belongs to the bootstrap
 * stack, whose bucket policy IoT cannot read through.
 *
 * @example
 * import { PackageVersionSbom } from 'cdk-iot-package-catalog';
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 * declare const stack: Stack;
 *
 * const sboms = new s3.Bucket(stack, 'Sboms', { versioned: true, enforceSSL: true });
 * new PackageVersion(stack, 'Firmware140', {
 *   packageName: 'firmware',
 *   versionName: '1.4.0',
 *   sbom: PackageVersionSbom.fromBucket(sboms, 'firmware-1.4.0-sbom.zip'),
 *   waitForSbomValidation: true,
 * });
 */
export abstract class PackageVersionSbom {
  /**
   * An object named by bucket name, key and object version.
   *
   * No bucket policy is added: the bucket's policy must allow
   * `iot.amazonaws.com` to read the object.
   *
   * @param bucketName the bucket's name
   * @param key the object's key
   * @param objectVersion the object's version id
   */
  public static fromS3Location(bucketName: string, key: string, objectVersion: string): PackageVersionSbom {
    return new S3ObjectSbom({ bucketName, objectKey: key, objectVersion }, 'PackageVersionSbom.fromS3Location()');
  }

  /**
   * An object in a bucket.
   *
   * For a bucket defined in the same stack as the version, a statement
   * allowing `iot.amazonaws.com` to read the object is added to the bucket's
   * policy, and the version is created after it. Nothing is added to an
   * imported bucket's policy.
   *
   * @param bucket the bucket
   * @param key the object's key
   * @param objectVersion the object's version id; by default, the handler
   * looks up the object's current version when the package version is
   * created, or when the bucket or key change
   */
  public static fromBucket(bucket: s3.IBucket, key: string, objectVersion?: string): PackageVersionSbom {
    return new S3ObjectSbom({ bucketName: bucket.bucketName, objectKey: key, objectVersion, bucket }, 'PackageVersionSbom.fromBucket()');
  }

  /**
   * Resolves the SBOM for a package version.
   *
   * @param scope the package version
   */
  public abstract bind(scope: Construct): PackageVersionS3ObjectConfig;
}

class S3ObjectArtifact extends PackageVersionArtifact {
  constructor(private readonly config: PackageVersionS3ObjectConfig, subject: string) {
    super();
    validateObject(subject, 'artifact', config);
  }

  public bind(_scope: Construct): PackageVersionS3ObjectConfig {
    return this.config;
  }
}

class AssetArtifact extends PackageVersionArtifact {
  constructor(private readonly path: string, private readonly options: s3_assets.AssetOptions) {
    super();
  }

  public bind(scope: Construct): PackageVersionS3ObjectConfig {
    const id = 'Artifact';
    const asset = scope.node.tryFindChild(id) as s3_assets.Asset | undefined
      ?? new s3_assets.Asset(scope, id, { ...this.options, path: this.path });
    return { bucketName: asset.s3BucketName, objectKey: asset.s3ObjectKey, bucket: asset.bucket };
  }
}

class S3ObjectSbom extends PackageVersionSbom {
  constructor(private readonly config: PackageVersionS3ObjectConfig, subject: string) {
    super();
    validateObject(subject, 'sbom', config);
  }

  public bind(_scope: Construct): PackageVersionS3ObjectConfig {
    return this.config;
  }
}
