/**
 * PackageVersionArtifact: its sources, how they reach the custom resource,
 * and their validation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { logicalIdsOf } from './template-helpers';
import { PackageVersion, PackageVersionArtifact, PackageVersionProps, PackageVersionS3ObjectConfig } from '../../src';

const TYPE = 'Custom::IotPackageVersion';
const FIRMWARE = path.join(__dirname, 'fixtures', 'firmware.bin');
const valid: PackageVersionProps = { packageName: 'firmware', versionName: '1.0.0' };

function newStack(env: { account: string; region: string } | 'agnostic' = { account: '123456789012', region: 'eu-west-1' }): Stack {
  return new Stack(new App(), 'TestStack', { env: env === 'agnostic' ? undefined : env });
}

function artifactOf(stack: Stack): unknown {
  const [resource] = Object.values(Template.fromStack(stack).findResources(TYPE));
  return resource.Properties.Artifact;
}

describe('sources', () => {
  test('fromS3Location: bucket, key and version as given', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromS3Location('firmware-bucket', 'fw/1.0.0.bin', 'v-123') });

    expect(artifactOf(stack)).toEqual({ S3Location: { Bucket: 'firmware-bucket', Key: 'fw/1.0.0.bin', Version: 'v-123' } });
  });

  test('fromBucket: the bucket\'s name, and Version only when given', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { versioned: true });
    new PackageVersion(stack, 'Pinned', { ...valid, versionName: '1', artifact: PackageVersionArtifact.fromBucket(bucket, 'fw.bin', 'v-1') });
    new PackageVersion(stack, 'Current', { ...valid, versionName: '2', artifact: PackageVersionArtifact.fromBucket(bucket, 'fw.bin') });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(TYPE, {
      VersionName: '1',
      Artifact: { S3Location: { Bucket: { Ref: Match.stringLikeRegexp('^Bucket') }, Key: 'fw.bin', Version: 'v-1' } },
    });
    template.hasResourceProperties(TYPE, {
      VersionName: '2',
      Artifact: { S3Location: { Bucket: { Ref: Match.stringLikeRegexp('^Bucket') }, Key: 'fw.bin', Version: Match.absent() } },
    });
  });

  test('fromAsset: the bootstrap bucket and the asset\'s key from the synthesizer, no Version (the handler looks it up)', () => {
    const stack = newStack('agnostic');
    new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromAsset(FIRMWARE) });

    expect(artifactOf(stack)).toEqual({
      S3Location: {
        Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
        Key: expect.stringMatching(/^[0-9a-f]{64}\.bin$/),
      },
    });
  });

  test('fromAsset in a stack with an environment: the bucket name is resolved', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromAsset(FIRMWARE) });

    expect(artifactOf(stack)).toEqual({
      S3Location: { Bucket: 'cdk-hnb659fds-assets-123456789012-eu-west-1', Key: expect.stringMatching(/^[0-9a-f]{64}\.bin$/) },
    });
  });

  test('fromAsset: a directory is uploaded as a zip, and asset options apply', () => {
    const stack = newStack();
    const a = new PackageVersion(stack, 'A', { ...valid, versionName: 'a', artifact: PackageVersionArtifact.fromAsset(path.dirname(FIRMWARE)) });
    const b = new PackageVersion(stack, 'B', { ...valid, versionName: 'b', artifact: PackageVersionArtifact.fromAsset(FIRMWARE, { assetHash: 'fixed-hash' }) });

    const keys = Object.values(Template.fromStack(stack).findResources(TYPE)).map((r) => r.Properties.Artifact.S3Location.Key);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.zip$/), expect.stringMatching(/^[0-9a-f]{64}\.bin$/)]);
    // The asset is added below the version, with a stable id.
    expect(a.node.tryFindChild('Artifact')).toBeDefined();
    expect(b.node.tryFindChild('Artifact')).toBeDefined();
  });

  test('fromAsset: the asset is published with the stack', () => {
    const app = new App();
    const stack = new Stack(app, 'TestStack');
    new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromAsset(FIRMWARE) });

    const assembly = app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'TestStack.assets.json'), 'utf8'));
    const key = assembly.getStackByName('TestStack').template.Resources[logicalIdsOf(Template.fromStack(stack), TYPE)[0]].Properties.Artifact.S3Location.Key;
    type FileAsset = { source: { path: string }; destinations: Record<string, { objectKey: string; bucketName: string }> };
    const published = Object.values<FileAsset>(manifest.files)
      .filter((f) => f.source.path.endsWith('.bin'));
    expect(published).toHaveLength(1);
    expect(Object.values(published[0].destinations)).toEqual([expect.objectContaining({
      objectKey: key,
      bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}',
    })]);
  });

  test('bind() tells what the artifact resolves to', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS });
    const scope = new Construct(stack, 'Scope');

    expect(PackageVersionArtifact.fromS3Location('b', 'k', 'v').bind(scope)).toEqual({ bucketName: 'b', objectKey: 'k', objectVersion: 'v' });
    const config = PackageVersionArtifact.fromBucket(bucket, 'k').bind(scope);
    expect(config.bucket).toBe(bucket);
    expect(config.bucket?.encryptionKey).toBeDefined();
    expect(config.objectVersion).toBeUndefined();
    const asset = PackageVersionArtifact.fromAsset(FIRMWARE).bind(scope);
    expect(asset.bucket?.bucketName).toBe(asset.bucketName);
    expect(asset.objectVersion).toBeUndefined();
  });

  test('a custom artifact source is supported, and validated', () => {
    class Fixed extends PackageVersionArtifact {
      constructor(private readonly config: PackageVersionS3ObjectConfig) {
        super();
      }
      public bind(): PackageVersionS3ObjectConfig {
        return this.config;
      }
    }
    const stack = newStack();
    new PackageVersion(stack, 'V', { ...valid, artifact: new Fixed({ bucketName: 'b', objectKey: 'k' }) });
    expect(artifactOf(stack)).toEqual({ S3Location: { Bucket: 'b', Key: 'k' } });

    expect(() => new PackageVersion(newStack(), 'Bad', { ...valid, artifact: new Fixed({ bucketName: 'b', objectKey: '' }) }))
      .toThrow("PackageVersion 'TestStack/Bad' has an invalid prop:\n  - artifact: has an empty object key");
  });

  test('no Artifact without the prop', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', valid);

    Template.fromStack(stack).hasResourceProperties(TYPE, { Artifact: Match.absent() });
  });
});

describe('validation', () => {
  const bucket = () => s3.Bucket.fromBucketName(newStack(), 'B', 'firmware-bucket');

  test.each<[string, () => unknown, string]>([
    ['fromS3Location with an empty bucket name', () => PackageVersionArtifact.fromS3Location('', 'k', 'v'),
      'PackageVersionArtifact.fromS3Location() has an invalid prop:\n  - artifact: has an empty bucket name'],
    ['fromS3Location with an empty key', () => PackageVersionArtifact.fromS3Location('b', '', 'v'),
      'PackageVersionArtifact.fromS3Location() has an invalid prop:\n  - artifact: has an empty object key'],
    ['fromS3Location with a key over 1024 bytes', () => PackageVersionArtifact.fromS3Location('b', 'é'.repeat(513), 'v'),
      `PackageVersionArtifact.fromS3Location() has an invalid prop:\n  - artifact: key "${'é'.repeat(77)}..." takes 1026 bytes; S3 keys take at most 1024 bytes of UTF-8`],
    ['fromS3Location with an empty version', () => PackageVersionArtifact.fromS3Location('b', 'k', ''),
      'PackageVersionArtifact.fromS3Location() has an invalid prop:\n  - artifact: object version "" is not an S3 version id'],
    ['fromS3Location with the version "null"', () => PackageVersionArtifact.fromS3Location('b', 'k', 'null'),
      'PackageVersionArtifact.fromS3Location() has an invalid prop:\n  - artifact: object version "null" is not an S3 version id'],
    ['fromBucket with an empty key', () => PackageVersionArtifact.fromBucket(bucket(), ''),
      'PackageVersionArtifact.fromBucket() has an invalid prop:\n  - artifact: has an empty object key'],
    ['fromBucket with the version "null"', () => PackageVersionArtifact.fromBucket(bucket(), 'k', 'null'),
      'PackageVersionArtifact.fromBucket() has an invalid prop:\n  - artifact: object version "null" is not an S3 version id'],
  ])('%s', (_, create, message) => {
    expect(create).toThrow(message);
  });

  test('every problem is listed', () => {
    expect(() => PackageVersionArtifact.fromS3Location('', '', 'null')).toThrow(/has 3 invalid props:\n {2}- artifact: has an empty bucket name\n {2}- artifact: has an empty object key\n {2}- artifact: object version "null"/);
  });

  test('tokens are not validated at synthesis', () => {
    const stack = newStack();
    const p = (id: string) => new CfnParameter(stack, id).valueAsString;
    expect(() => new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromS3Location(p('B'), p('K'), p('O')) })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties(TYPE, { Artifact: { S3Location: { Bucket: { Ref: 'B' }, Key: { Ref: 'K' }, Version: { Ref: 'O' } } } });
  });

  test('a bucket in another region fails synthesis naming the bucket and both regions', () => {
    const app = new App();
    const other = new Stack(app, 'Other', { env: { account: '123456789012', region: 'us-east-1' } });
    const stack = new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const elsewhere = new s3.Bucket(other, 'Bucket');

    expect(() => new PackageVersion(stack, 'V', { ...valid, artifact: PackageVersionArtifact.fromBucket(elsewhere, 'fw.bin') }))
      .toThrow("PackageVersion 'TestStack/V' has an invalid prop:\n  - artifact: bucket 'Other/Bucket' is in us-east-1, but IoT needs it in the version's region, eu-west-1");
  });
});
