/**
 * PackageVersionSbom: how it reaches the custom resource, the bucket policy
 * that lets IoT read it, and what the version waits for.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { logicalIdsOf } from './template-helpers';
import { PackageVersion, PackageVersionProps, PackageVersionSbom } from '../../src';

const TYPE = 'Custom::IotPackageVersion';
const valid: PackageVersionProps = { packageName: 'firmware', versionName: '1.0.0' };
const env = { account: '123456789012', region: 'eu-west-1' };

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env });
}

/** The DependsOn of the version's custom resource. */
function dependsOn(template: Template): string[] {
  const [resource] = Object.values(template.findResources(TYPE));
  return resource.DependsOn ?? [];
}

describe('rendering', () => {
  test('fromS3Location: bucket, key and version as given', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromS3Location('sboms', 'fw/1.0.0.zip', 'v-1') });

    Template.fromStack(stack).hasResourceProperties(TYPE, { Sbom: { S3Location: { Bucket: 'sboms', Key: 'fw/1.0.0.zip', Version: 'v-1' } } });
  });

  test('fromBucket: Version only when given', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'sboms');
    new PackageVersion(stack, 'A', { ...valid, versionName: 'a', sbom: PackageVersionSbom.fromBucket(bucket, 'a.zip', 'v-a') });
    new PackageVersion(stack, 'B2', { ...valid, versionName: 'b', sbom: PackageVersionSbom.fromBucket(bucket, 'b.zip') });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(TYPE, { VersionName: 'a', Sbom: { S3Location: { Bucket: 'sboms', Key: 'a.zip', Version: 'v-a' } } });
    template.hasResourceProperties(TYPE, { VersionName: 'b', Sbom: { S3Location: { Bucket: 'sboms', Key: 'b.zip', Version: Match.absent() } } });
  });

  test('no Sbom without the prop', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', valid);

    Template.fromStack(stack).hasResourceProperties(TYPE, { Sbom: Match.absent(), WaitForSbomValidation: Match.absent() });
  });

  test.each<[string, () => unknown, string]>([
    ['fromS3Location with an empty bucket name', () => PackageVersionSbom.fromS3Location('', 'k', 'v'),
      'PackageVersionSbom.fromS3Location() has an invalid prop:\n  - sbom: has an empty bucket name'],
    ['fromS3Location with an empty key', () => PackageVersionSbom.fromS3Location('b', '', 'v'),
      'PackageVersionSbom.fromS3Location() has an invalid prop:\n  - sbom: has an empty object key'],
    ['fromS3Location with the version "null"', () => PackageVersionSbom.fromS3Location('b', 'k', 'null'),
      'PackageVersionSbom.fromS3Location() has an invalid prop:\n  - sbom: object version "null" is not an S3 version id'],
    ['fromBucket with a key over 1024 bytes', () => PackageVersionSbom.fromBucket(s3.Bucket.fromBucketName(newStack(), 'B', 'sboms'), 'k'.repeat(1025)),
      `PackageVersionSbom.fromBucket() has an invalid prop:\n  - sbom: key "${'k'.repeat(77)}..." takes 1025 bytes`],
  ])('%s fails, naming the prop and the value', (_, create, message) => {
    expect(create).toThrow(message);
  });
});

describe('the bucket policy for iot.amazonaws.com', () => {
  test('a bucket of the same stack allows IoT to read exactly the SBOM\'s key, with no condition', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Sboms', { versioned: true });
    new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromBucket(bucket, 'fw/1.0.0-sbom.zip') });

    const template = Template.fromStack(stack);
    const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: [{
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Effect: 'Allow',
          Principal: { Service: 'iot.amazonaws.com' },
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/fw/1.0.0-sbom.zip']] },
          Condition: Match.absent(),
        }],
      },
    });
  });

  test('the version is created after the bucket policy', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Sboms', { versioned: true });
    new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromBucket(bucket, 'sbom.zip') });

    const template = Template.fromStack(stack);
    const [bucketPolicyId] = logicalIdsOf(template, 'AWS::S3::BucketPolicy');
    expect(dependsOn(template)).toContain(bucketPolicyId);
  });

  test('two versions with SBOMs in one bucket get a statement each, in one bucket policy', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Sboms', { versioned: true });
    new PackageVersion(stack, 'A', { ...valid, versionName: 'a', sbom: PackageVersionSbom.fromBucket(bucket, 'a.zip') });
    new PackageVersion(stack, 'B', { ...valid, versionName: 'b', sbom: PackageVersionSbom.fromBucket(bucket, 'b.zip') });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const resources = policy.Properties.PolicyDocument.Statement.map((s: { Resource: unknown }) => JSON.stringify(s.Resource));
    expect(resources).toEqual([expect.stringContaining('/a.zip'), expect.stringContaining('/b.zip')]);
  });

  test('an artifact in the same bucket gets no bucket-policy statement (the handler reads it)', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Files', { versioned: true });
    new PackageVersion(stack, 'V', { ...valid, artifact: { bind: () => ({ bucketName: bucket.bucketName, objectKey: 'fw.bin', bucket }) } });

    Template.fromStack(stack).resourceCountIs('AWS::S3::BucketPolicy', 0);
  });

  test.each<[string, (stack: Stack) => PackageVersionSbom]>([
    ['an imported bucket', (stack) => PackageVersionSbom.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'sboms'), 'sbom.zip')],
    ['a bucket name', () => PackageVersionSbom.fromS3Location('sboms', 'sbom.zip', 'v-1')],
    ['a bucket of another stack', (stack) => {
      const other = new Stack(stack.node.root as App, 'Buckets', { env });
      return PackageVersionSbom.fromBucket(new s3.Bucket(other, 'Sboms', { versioned: true }), 'sbom.zip');
    }],
  ])('%s gets no statement: the README gives it', (_, sbom) => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { ...valid, sbom: sbom(stack) });

    const root = stack.node.root as App;
    for (const s of root.node.children.filter((c): c is Stack => c instanceof Stack)) {
      Template.fromStack(s).resourceCountIs('AWS::S3::BucketPolicy', 0);
    }
  });
});

describe('objects that a BucketDeployment puts', () => {
  function deploy(stack: Stack): { bucket: s3.Bucket; deployment: s3deploy.BucketDeployment } {
    const bucket = new s3.Bucket(stack, 'Sboms', { versioned: true });
    const deployment = new s3deploy.BucketDeployment(stack, 'Deploy', {
      sources: [s3deploy.Source.data('sbom.zip', 'not really a zip')],
      destinationBucket: bucket,
    });
    return { bucket, deployment };
  }

  const deploymentId = (template: Template) => logicalIdsOf(template, 'Custom::CDKBucketDeployment')[0];

  test('deployedBucket makes the version wait for the deployment, through the bucket name it references', () => {
    const stack = newStack();
    const { deployment } = deploy(stack);
    new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromBucket(deployment.deployedBucket, 'sbom.zip') });

    const template = Template.fromStack(stack);
    const [resource] = Object.values(template.findResources(TYPE));
    // CloudFormation creates a resource after every resource it references with Fn::GetAtt.
    expect(JSON.stringify(resource.Properties.Sbom)).toContain(`{"Fn::GetAtt":["${deploymentId(template)}","DestinationBucketArn"]}`);
    // deployedBucket is an imported bucket: no bucket policy is added to it.
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
  });

  test('the destination bucket itself does not make the version wait for the deployment', () => {
    const stack = newStack();
    const { bucket } = deploy(stack);
    new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromBucket(bucket, 'sbom.zip') });

    const template = Template.fromStack(stack);
    const [resource] = Object.values(template.findResources(TYPE));
    expect(JSON.stringify(resource)).not.toContain(deploymentId(template));
  });

  test('with the destination bucket, version.node.addDependency(deployment) gives both the bucket policy and the wait', () => {
    const stack = newStack();
    const { bucket, deployment } = deploy(stack);
    const version = new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromBucket(bucket, 'sbom.zip') });
    version.node.addDependency(deployment);

    const template = Template.fromStack(stack);
    const [bucketPolicyId] = logicalIdsOf(template, 'AWS::S3::BucketPolicy');
    expect(dependsOn(template)).toEqual(expect.arrayContaining([deploymentId(template), bucketPolicyId]));
  });
});

test('tokens are not validated at synthesis', () => {
  const stack = newStack();
  const p = (id: string) => new CfnParameter(stack, id).valueAsString;
  expect(() => new PackageVersion(stack, 'V', { ...valid, sbom: PackageVersionSbom.fromS3Location(p('B'), p('K'), p('O')) })).not.toThrow();
});
