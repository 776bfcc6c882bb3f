/**
 * What the handler role may do with the S3 objects of artifacts and SBOMs:
 * one policy per bucket, deduplicated, KMS only with a key; the versions'
 * dependencies on those policies; and the size guard with many versions.
 */
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { inlinePolicySizeOfRole, renderWorstCase } from './template-helpers';
import { PackageVersion, PackageVersionArtifact, PackageVersionSbom } from '../../src';
import { ROLE_INLINE_POLICY_LIMIT } from '../../src/private/policy-size';
import { PackageVersionProvider, PROVIDER_ID } from '../../src/private/provider';

const TYPE = 'Custom::IotPackageVersion';
const FIRMWARE = path.join(__dirname, 'fixtures', 'firmware.bin');
const env = { account: '123456789012', region: 'eu-west-1' };

function newStack(agnostic = false): Stack {
  return new Stack(new App(), 'TestStack', { env: agnostic ? undefined : env });
}

/** The handler role's policies that read S3 objects, by logical id. */
function bucketPolicies(template: Template): Record<string, any> {
  return template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('BucketPolicy') } });
}

function handlerRoleId(template: Template): string {
  const [id] = Object.keys(template.findResources('AWS::IAM::Role', {
    Properties: { Description: Match.stringLikeRegexp('^Manages AWS IoT software package versions') },
  }));
  return id;
}

function provider(stack: Stack): PackageVersionProvider {
  return stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
}

describe('one policy per bucket', () => {
  test('the handler may read every object of the bucket, and nothing else', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1', artifact: PackageVersionArtifact.fromS3Location('fw-bucket', 'a/fw.bin', 'v1') });

    const template = Template.fromStack(stack);
    const policies = Object.values(bucketPolicies(template));
    expect(policies).toHaveLength(1);
    expect(renderWorstCase(policies[0].Properties.PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: 'arn:aws-us-gov:s3:::fw-bucket/*' }],
    });
    expect(policies[0].Properties.Roles).toEqual([{ Ref: handlerRoleId(template) }]);
  });

  type Objects = Array<{ artifact?: PackageVersionArtifact; sbom?: PackageVersionSbom }>;
  test.each<[string, (stack: Stack) => Objects, number]>([
    ['one bucket name for artifacts and SBOMs of several versions', () => [
      { artifact: PackageVersionArtifact.fromS3Location('files', 'a.bin', 'v'), sbom: PackageVersionSbom.fromS3Location('files', 'a.zip', 'v') },
      { artifact: PackageVersionArtifact.fromS3Location('files', 'b.bin', 'v') },
    ], 1],
    ['one Bucket construct', (stack) => {
      const bucket = new s3.Bucket(stack, 'Files', { versioned: true });
      return [{ artifact: PackageVersionArtifact.fromBucket(bucket, 'a') }, { sbom: PackageVersionSbom.fromBucket(bucket, 'b') }];
    }, 1],
    ['assets of an environment-agnostic stack (one Fn::Sub each)', () => [
      { artifact: PackageVersionArtifact.fromAsset(FIRMWARE) },
      { artifact: PackageVersionArtifact.fromAsset(path.dirname(FIRMWARE)) },
    ], 1],
    ['a bucket imported twice by name', (stack) => [
      { artifact: PackageVersionArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'I1', 'files'), 'a') },
      { artifact: PackageVersionArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'I2', 'files'), 'b') },
    ], 1],
    ['a parameter used twice', (stack) => {
      const name = new CfnParameter(stack, 'Bucket').valueAsString;
      return [{ artifact: PackageVersionArtifact.fromS3Location(name, 'a', 'v') }, { sbom: PackageVersionSbom.fromS3Location(name, 'b', 'v') }];
    }, 1],
    ['two buckets', () => [
      { artifact: PackageVersionArtifact.fromS3Location('files', 'a', 'v') },
      { artifact: PackageVersionArtifact.fromS3Location('other-files', 'a', 'v') },
    ], 2],
    ['an artifact in one bucket and an SBOM in another', () => [
      { artifact: PackageVersionArtifact.fromS3Location('files', 'a', 'v'), sbom: PackageVersionSbom.fromS3Location('sboms', 'a', 'v') },
    ], 2],
  ])('%s', (_, objects, count) => {
    const stack = newStack(true);
    objects(stack).forEach((o, i) => new PackageVersion(stack, `V${i}`, { packageName: 'firmware', versionName: `${i}`, ...o }));

    expect(Object.keys(bucketPolicies(Template.fromStack(stack)))).toHaveLength(count);
  });

  test('no bucket policy for versions without artifact or SBOM', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1' });

    expect(bucketPolicies(Template.fromStack(stack))).toEqual({});
  });
});

describe('KMS', () => {
  function keyStatements(template: Template): unknown[] {
    return Object.values(bucketPolicies(template)).flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('kms:'));
  }

  test('kms:Decrypt on the bucket\'s key, once per key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Files', { versioned: true, encryptionKey: key });
    new PackageVersion(stack, 'A', { packageName: 'firmware', versionName: 'a', artifact: PackageVersionArtifact.fromBucket(bucket, 'a') });
    new PackageVersion(stack, 'B', { packageName: 'firmware', versionName: 'b', sbom: PackageVersionSbom.fromBucket(bucket, 'b') });

    expect(keyStatements(Template.fromStack(stack))).toEqual([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
    ]);
  });

  test('a key given by a custom source is granted', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    new PackageVersion(stack, 'V', {
      packageName: 'firmware',
      versionName: '1',
      artifact: { bind: () => ({ bucketName: 'files', objectKey: 'a', encryptionKey: key }) },
    });

    expect(keyStatements(Template.fromStack(stack))).toEqual([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: key.keyArn }]);
  });

  test.each<[string, (stack: Stack) => PackageVersionArtifact]>([
    ['an S3-managed bucket', (stack) => PackageVersionArtifact.fromBucket(new s3.Bucket(stack, 'Files', { encryption: s3.BucketEncryption.S3_MANAGED }), 'a')],
    ['a bucket name', () => PackageVersionArtifact.fromS3Location('files', 'a', 'v')],
    ['an asset', () => PackageVersionArtifact.fromAsset(FIRMWARE)],
  ])('none for %s', (_, artifact) => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1', artifact: artifact(stack) });

    expect(keyStatements(Template.fromStack(stack))).toEqual([]);
  });
});

describe('dependencies', () => {
  test('a version depends on its package\'s policy and on the policies of its artifact\'s and SBOM\'s buckets', () => {
    const stack = newStack();
    new PackageVersion(stack, 'Both', {
      packageName: 'firmware',
      versionName: '1',
      artifact: PackageVersionArtifact.fromS3Location('files', 'a', 'v'),
      sbom: PackageVersionSbom.fromS3Location('sboms', 'a', 'v'),
    });
    new PackageVersion(stack, 'Plain', { packageName: 'firmware', versionName: '2' });

    const template = Template.fromStack(stack);
    const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
    const policyFor = (fragment: string) => Object.entries(policies)
      .find(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(fragment))![0];
    const versions = Object.values(template.findResources(TYPE));
    const byVersion = (name: string) => versions.find((v) => v.Properties.VersionName === name)!.DependsOn;

    expect(byVersion('1').sort()).toEqual([policyFor(':package/firmware'), policyFor(':s3:::files/'), policyFor(':s3:::sboms/')].sort());
    expect(byVersion('2')).toEqual([policyFor(':package/firmware')]);
  });
});

describe('the size guard with artifacts', () => {
  /** `versions` versions in `packages` packages, with artifacts and SBOMs spread over `buckets` buckets (63-character names). */
  function build(packages: number, buckets: number, agnosticAssets = false, versions = 450): Stack {
    const stack = newStack(agnosticAssets);
    for (let i = 0; i < versions; i++) {
      const bucket = `${'b'.repeat(60)}-${String(i % buckets).padStart(2, '0')}`;
      new PackageVersion(stack, `V${i}`, {
        packageName: `${'p'.repeat(30)}-${i % packages}`,
        versionName: `1.0.${i}`,
        artifact: agnosticAssets ? PackageVersionArtifact.fromAsset(FIRMWARE) : PackageVersionArtifact.fromS3Location(bucket, `firmware/${i}.bin`, `v${i}`),
        sbom: PackageVersionSbom.fromS3Location(bucket, `sbom/${i}.zip`, `v${i}`),
      });
    }
    return stack;
  }

  test.each([
    ['in one bucket', 5, 1],
    ['over 10 buckets', 5, 10],
    ['over 10 buckets, in 10 packages', 10, 10],
  ])('450 versions with artifacts and SBOMs %s fit, measured at worst', (_, packages, buckets) => {
    const stack = build(packages, buckets);
    const template = Template.fromStack(stack);
    const { total: real, count } = inlinePolicySizeOfRole(template, handlerRoleId(template));

    // The role's default policy and one per bucket; the packages are in managed policies.
    expect(count).toBe(buckets + 1);
    const guard = provider(stack).inlinePolicySize();
    expect(guard).toBeGreaterThanOrEqual(real);
    expect(guard).toBeLessThanOrEqual(ROLE_INLINE_POLICY_LIMIT);
    expect(provider(stack).groupPolicySizes().map((g) => g.packages).reduce((a, b) => a + b)).toBe(packages);
  });

  test('450 versions with assets fit', () => {
    const stack = build(5, 1, true);
    expect(Object.keys(bucketPolicies(Template.fromStack(stack)))).toHaveLength(2);
    expect(provider(stack).inlinePolicySize()).toBeLessThanOrEqual(ROLE_INLINE_POLICY_LIMIT);
  });

  test('bucket names from tokens count at S3\'s longest bucket name, 63 characters', () => {
    const sizeWith = (bucketName: (stack: Stack) => string) => {
      const stack = newStack();
      new PackageVersion(stack, 'V', {
        packageName: 'firmware',
        versionName: '1',
        artifact: PackageVersionArtifact.fromS3Location(bucketName(stack), 'k', 'v'),
      });
      Template.fromStack(stack);
      return provider(stack).inlinePolicySize();
    };
    const literal = sizeWith(() => 'b'.repeat(63));

    expect(sizeWith((stack) => new CfnParameter(stack, 'Name').valueAsString)).toBe(literal);
    expect(sizeWith((stack) => new s3.Bucket(stack, 'B').bucketName)).toBe(literal);
    expect(sizeWith((stack) => {
      const other = new Stack(stack.node.root as App, 'Buckets', { env });
      return new s3.Bucket(other, 'B').bucketName;
    })).toBe(literal);
    expect(sizeWith(() => 'short')).toBeLessThan(literal);
  });

  test('too many buckets fail synthesis with the guard\'s message, and would really be over IAM\'s limit', () => {
    // 100 versions: with 450, the stack would also be over CloudFormation's 500 resources.
    const stack = build(5, 60, false, 100);

    expect(() => Template.fromStack(stack)).toThrow(/over IAM's limit of 10240.*use 60 different buckets\), and 0 for package deployments/s);
    const assembly = (stack.node.root as App).synth({ skipValidation: true, force: true });
    const template = Template.fromJSON(assembly.getStackByName('TestStack').template);
    expect(inlinePolicySizeOfRole(template, handlerRoleId(template)).total).toBeGreaterThan(ROLE_INLINE_POLICY_LIMIT);
  });
});
