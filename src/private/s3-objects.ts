import { Token } from 'aws-cdk-lib';
import type { PackageVersionS3ObjectConfig } from '../s3-object';
import { formatIssues, S3ObjectInput, validatePackageVersion } from '../shared/validation';

/** The S3 object of a config, as the shared validation takes it. */
export function s3ObjectInput(config: PackageVersionS3ObjectConfig): S3ObjectInput {
  return { bucket: config.bucketName, key: config.objectKey, version: config.objectVersion };
}

/**
 * Throws if the object is invalid, with one line per problem naming `field`
 * (the prop) and the bad value.
 *
 * @param subject what is validated, e.g. `PackageVersionArtifact.fromS3Location()`
 */
export function validateObject(subject: string, field: 'artifact' | 'sbom', config: PackageVersionS3ObjectConfig): void {
  const issues = validatePackageVersion({ [field]: s3ObjectInput(config) }, Token.isUnresolved);
  if (issues.length > 0) {
    throw new Error(formatIssues(subject, issues));
  }
}
