import { App, CfnOutput, CfnParameter, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { logicalIdsOf } from './template-helpers';
import { PackageVersion, PackageVersionProps } from '../../src';
import { PROVIDER_ID } from '../../src/private/provider';

const TYPE = 'Custom::IotPackageVersion';

function newStack(props: { tags?: Record<string, string> } = {}): Stack {
  const app = new App();
  return new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' }, tags: props.tags });
}

describe('PackageVersion resource', () => {
  test('maps props to the custom resource properties with the native names', () => {
    const stack = newStack();
    new PackageVersion(stack, 'Firmware140', {
      packageName: 'firmware',
      versionName: '1.4.0',
      description: 'Bootloader fix',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { team: 'edge' },
    });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ServiceToken: { 'Fn::GetAtt': ['IotPackageCatalogProvider', 'Arn'] },
      PackageName: 'firmware',
      VersionName: '1.4.0',
      Description: 'Bootloader fix',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: [{ Key: 'team', Value: 'edge' }],
    });
  });

  test('CloudFormation waits at most 7 minutes (the handler\'s 5 and 2) for a response', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    Template.fromStack(stack).hasResourceProperties(TYPE, { ServiceTimeout: '420' });
  });

  test('omits optional properties that are not set', () => {
    const stack = newStack();
    new PackageVersion(stack, 'Minimal', { packageName: 'firmware', versionName: '1.0.0' });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      PackageName: 'firmware',
      VersionName: '1.0.0',
      Description: Match.absent(),
      Attributes: Match.absent(),
      Tags: Match.absent(),
      AdoptExisting: Match.absent(),
    });
  });

  test('adoptExisting is passed as AdoptExisting only when set', () => {
    const stack = newStack();
    new PackageVersion(stack, 'Adopted', { packageName: 'firmware', versionName: '1.0.0', adoptExisting: true });
    new PackageVersion(stack, 'NotAdopted', { packageName: 'firmware', versionName: '1.1.0', adoptExisting: false });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(TYPE, { VersionName: '1.0.0', AdoptExisting: 'true' });
    template.hasResourceProperties(TYPE, { VersionName: '1.1.0', AdoptExisting: Match.absent() });
  });

  test('exposes Ref as the ARN and GetAtt for status and error reason', () => {
    const stack = newStack();
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    new CfnOutput(stack, 'Arn', { value: v.packageVersionArn });
    new CfnOutput(stack, 'Status', { value: v.packageVersionStatus });
    new CfnOutput(stack, 'Reason', { value: v.packageVersionErrorReason });

    const template = Template.fromStack(stack);
    const [crId] = logicalIdsOf(template, TYPE);
    template.hasOutput('Arn', { Value: { Ref: crId } });
    template.hasOutput('Status', { Value: { 'Fn::GetAtt': [crId, 'Status'] } });
    template.hasOutput('Reason', { Value: { 'Fn::GetAtt': [crId, 'ErrorReason'] } });
    expect(v.packageName).toBe('firmware');
    expect(v.versionName).toBe('1.0.0');
  });

  test('a package name from CfnSoftwarePackage makes CloudFormation create the package first', () => {
    const stack = newStack();
    const pkg = new iot.CfnSoftwarePackage(stack, 'Pkg', { packageName: 'firmware' });
    new PackageVersion(stack, 'V', { packageName: pkg.ref, versionName: '1.0.0' });

    const template = Template.fromStack(stack);
    const [pkgId] = logicalIdsOf(template, 'AWS::IoT::SoftwarePackage');
    template.hasResourceProperties(TYPE, { PackageName: { Ref: pkgId } });
    // The package policy is scoped to the token's value too.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/', { Ref: pkgId }, '/version/*']] },
          }),
          Match.objectLike({
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/', { Ref: pkgId }]] },
          }),
        ],
      },
    });
  });
});

describe('removal policy', () => {
  test.each([
    [RemovalPolicy.RETAIN, 'Retain', 'Retain'],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate', 'Retain'],
  ])('%s gives DeletionPolicy %s', (removalPolicy, deletionPolicy, updateReplacePolicy) => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', removalPolicy });

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: deletionPolicy, UpdateReplacePolicy: updateReplacePolicy });
  });

  test.each([undefined, RemovalPolicy.DESTROY])('%s writes no policy: Delete is CloudFormation\'s default for a custom resource', (removalPolicy) => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', removalPolicy });

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  });

  test('applyRemovalPolicy(DESTROY) after RETAIN removes the policies again', () => {
    const stack = newStack();
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', removalPolicy: RemovalPolicy.RETAIN });
    v.applyRemovalPolicy(RemovalPolicy.DESTROY);

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
  });
});

test('removalPolicy SNAPSHOT is rejected, in props and in applyRemovalPolicy()', () => {
  const stack = newStack();
  expect(() => new PackageVersion(stack, 'A', { packageName: 'firmware', versionName: '1.0.0', removalPolicy: RemovalPolicy.SNAPSHOT }))
    .toThrow("PackageVersion 'TestStack/A': removalPolicy SNAPSHOT is not supported; use DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE");
  const v = new PackageVersion(stack, 'B', { packageName: 'firmware', versionName: '1.0.0' });
  expect(() => v.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/removalPolicy SNAPSHOT is not supported/);
});

test('applyRemovalPolicy() changes the custom resource\'s policy', () => {
  const stack = newStack();
  const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
  v.applyRemovalPolicy(RemovalPolicy.RETAIN);

  Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
});

describe('tags', () => {
  test('Tags.of() and stack tags reach the version, props tags included', () => {
    const stack = newStack({ tags: { 'cost-center': '42' } });
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', tags: { team: 'edge' } });
    Tags.of(stack).add('env', 'prod');
    Tags.of(v).add('owner', 'iot');

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      Tags: [
        { Key: 'cost-center', Value: '42' },
        { Key: 'env', Value: 'prod' },
        { Key: 'owner', Value: 'iot' },
        { Key: 'team', Value: 'edge' },
      ],
    });
  });

  test('Tags.of().remove() and priorities work as for AWS constructs', () => {
    const stack = newStack();
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', tags: { team: 'edge', tmp: 'x' } });
    Tags.of(stack).add('team', 'platform');
    Tags.of(v).remove('tmp');

    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: [{ Key: 'team', Value: 'platform' }] });
  });

  test('a stack tag can be removed from a version, or excluded by resource type', () => {
    const stack = newStack({ tags: { 'cost-center': '42', 'owner': 'iot' } });
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    Tags.of(v).remove('cost-center');
    Tags.of(stack).add('excluded', 'x', { excludeResourceTypes: ['Custom::IotPackageVersion'] });

    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: [{ Key: 'owner', Value: 'iot' }] });
  });

  test('props tags win over stack tags with the same key', () => {
    const stack = newStack({ tags: { team: 'platform' } });
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', tags: { team: 'edge' } });

    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: [{ Key: 'team', Value: 'edge' }] });
  });

  test('a reserved tag added with Tags.of() fails synthesis naming the tag', () => {
    const stack = newStack();
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    Tags.of(v).add('cdk-iot-package-catalog:creation-request', 'mine');

    expect(() => Template.fromStack(stack)).toThrow(/tags: key "cdk-iot-package-catalog:creation-request" is reserved/);
  });
});

describe('imports', () => {
  test('fromPackageVersionArn parses the names', () => {
    const stack = newStack();
    const v = PackageVersion.fromPackageVersionArn(stack, 'I', 'arn:aws:iot:us-east-1:111122223333:package/firmware/version/1.4.0');

    expect(v.packageName).toBe('firmware');
    expect(v.versionName).toBe('1.4.0');
    expect(v.packageVersionArn).toBe('arn:aws:iot:us-east-1:111122223333:package/firmware/version/1.4.0');
    expect(v.env).toEqual({ account: '111122223333', region: 'us-east-1' });
  });

  test.each([
    'arn:aws:iot:us-east-1:111122223333:package/firmware',
    'arn:aws:iot:us-east-1:111122223333:thing/firmware/version/1',
    'arn:aws:s3:::bucket/package/firmware/version/1',
    'arn:aws:iot:us-east-1:111122223333:package/firm ware/version/1',
  ])('fromPackageVersionArn rejects %s', (arn) => {
    const stack = newStack();
    expect(() => PackageVersion.fromPackageVersionArn(stack, 'I', arn)).toThrow(`No package version found in ARN '${arn}'`);
  });

  test('fromPackageVersionArn with a token selects the names at deploy time', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'Arn');
    const v = PackageVersion.fromPackageVersionArn(stack, 'I', param.valueAsString);
    new CfnOutput(stack, 'Pkg', { value: v.packageName });
    new CfnOutput(stack, 'Ver', { value: v.versionName });

    const template = Template.fromStack(stack);
    template.hasOutput('Pkg', { Value: { 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'Arn' }] }] } });
    template.hasOutput('Ver', { Value: { 'Fn::Select': [3, { 'Fn::Split': ['/', { Ref: 'Arn' }] }] } });
  });

  test('fromPackageVersionAttributes builds the ARN in the stack\'s environment', () => {
    const stack = newStack();
    const v = PackageVersion.fromPackageVersionAttributes(stack, 'I', { packageName: 'firmware', versionName: '2.0.0' });

    expect(stack.resolve(v.packageVersionArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/firmware/version/2.0.0']],
    });
  });

  test('fromPackageVersionAttributes validates the names', () => {
    const stack = newStack();
    expect(() => PackageVersion.fromPackageVersionAttributes(stack, 'I', { packageName: 'firmware', versionName: 'v 2' }))
      .toThrow(/versionName: "v 2" contains U\+0020/);
  });

  test('a grant on a version imported from another account and region uses that account and region', () => {
    const stack = newStack();
    const v = PackageVersion.fromPackageVersionArn(stack, 'I', 'arn:aws:iot:us-east-1:999999999999:package/firmware/version/1.3.0');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    v.grantRead(role);

    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    expect(stack.resolve(policy.Properties.PolicyDocument.Statement[0].Resource)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:us-east-1:999999999999:package/firmware']] },
      'arn:aws:iot:us-east-1:999999999999:package/firmware/version/1.3.0',
    ]);
  });

  test('imports create no resources and can be granted', () => {
    const stack = newStack();
    const v = PackageVersion.fromPackageVersionArn(stack, 'I', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.4.0');
    const role = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    v.grant(role, 'iot:DescribePackageVersion');

    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: Match.arrayWith(['arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.4.0']),
        })],
      },
    });
  });
});

describe('validation at synth time', () => {
  const valid: PackageVersionProps = { packageName: 'firmware', versionName: '1.0.0' };

  test.each<[string, Partial<PackageVersionProps>, RegExp]>([
    ['empty packageName', { packageName: '' }, /packageName: "" has 0 characters; it must be 1-128 characters/],
    ['long packageName', { packageName: 'p'.repeat(129) }, /packageName: "p{77}\.\.\." has 129 characters; it must be 1-128/],
    ['packageName with a slash', { packageName: 'fw/main' }, /packageName: "fw\/main" contains '\/' \(U\+002F\)/],
    ['empty versionName', { versionName: '' }, /versionName: "" has 0 characters; it must be 1-64 characters/],
    ['long versionName', { versionName: '1'.repeat(65) }, /versionName: "1{65}" has 65 characters; it must be 1-64/],
    ['versionName with a plus', { versionName: '1.0.0+build' }, /versionName: "1.0.0\+build" contains '\+' \(U\+002B\)/],
    ['empty description', { description: '' }, /description: has 0 characters; it must have 1-1024 characters .*omit the prop/],
    ['long description', { description: 'd'.repeat(1025) }, /description: has 1025 characters; it must have 1-1024/],
    ['description with a newline', { description: 'line one\nline two' }, /description: contains U\+000A at index 8/],
    ['attribute key with a dot', { attributes: { 'hw.rev': 'B' } }, /attributes: key "hw.rev" contains '\.' \(U\+002E\)/],
    ['empty attribute value', { attributes: { channel: '' } }, /attributes: value of "channel" is empty/],
    ['attribute value with a tab', { attributes: { channel: 'a\tb' } }, /attributes: value of "channel" contains U\+0009 at index 1/],
    ['attributes over 3000 bytes', { attributes: { a: 'x'.repeat(2000), b: 'é'.repeat(500) } }, /attributes: take 3002 bytes .* 3000 bytes/],
    ['50 tags', { tags: Object.fromEntries([...Array(50).keys()].map((i) => [`k${i}`, 'v'])) }, /tags: has 50 tags; a package version takes at most 49/],
    ['aws: tag key', { tags: { 'AWS:team': 'x' } }, /tags: key "AWS:team" starts with 'aws:'/],
    ['long tag key', { tags: { ['k'.repeat(129)]: 'x' } }, /tags: key "k{77}\.\.\." has 129 characters; tag keys must have 1-128/],
    ['long tag value', { tags: { team: 'v'.repeat(257) } }, /tags: value of "team" has 257 characters; tag values must have 0-256/],
    ['tag key with a bracket', { tags: { 'team[1]': 'x' } }, /tags: key "team\[1\]" contains '\[' \(U\+005B\)/],
  ])('%s', (_name, override, expected) => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', { ...valid, ...override })).toThrow(expected);
  });

  test('errors name the construct and list every invalid prop', () => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'Bad', { packageName: 'a b', versionName: 'c d' }))
      .toThrow(/^PackageVersion 'TestStack\/Bad' has 2 invalid props:\n {2}- packageName: .*\n {2}- versionName: /);
  });

  test('sensitive values are not echoed in errors', () => {
    const stack = newStack();
    let message = '';
    try {
      new PackageVersion(stack, 'V', { ...valid, description: 'secret\u0007text', attributes: { key: 'hidden\u0000value' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('description');
    expect(message).not.toContain('secret');
    expect(message).not.toContain('hidden');
  });

  test.each(['attributes', 'tags'] as const)('%s with a "__proto__" key (from JSON.parse) are refused: CDK would leave the key out of the template', (field) => {
    const stack = newStack();
    const map = JSON.parse('{"__proto__": "x", "channel": "stable"}') as Record<string, string>;
    expect(() => new PackageVersion(stack, 'V', { ...valid, [field]: map }))
      .toThrow(`PackageVersion 'TestStack/V' has an invalid prop:\n  - ${field}: has a key "__proto__", which CDK leaves out of the template; rename the key`);
  });

  test.each<[string, Partial<Record<keyof PackageVersionProps, unknown>>, string]>([
    ['a missing packageName', { packageName: undefined }, 'packageName: is missing; give exactly one of package (an ISoftwarePackage) and packageName'],
    ['a status given as a string', { status: 'PUBLISHED' }, 'status: must be a PackageVersionStatus, e.g. PackageVersionStatus.PUBLISHED or PackageVersionStatus.of(name)'],
    ['a description given as an object', { description: { text: 'x' } }, 'description: is an object; it must be a string'],
    ['attributes given as null', { attributes: null }, 'attributes: is null; it must be a map of keys to strings'],
  ])('plain JavaScript: %s fails synthesis with a validation error', (_name, override, expected) => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', { ...valid, ...override } as PackageVersionProps))
      .toThrow(`PackageVersion 'TestStack/V' has an invalid prop:\n  - ${expected}`);
  });

  test('validation runs before anything is added to the tree', () => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', { ...valid, versionName: 'bad name' })).toThrow();
    expect(stack.node.tryFindChild(PROVIDER_ID)).toBeUndefined();
    expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
  });

  test('tokens are not validated at synth time', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const value = new CfnParameter(stack, 'Value').valueAsString;

    expect(() => new PackageVersion(stack, 'V', {
      packageName: name,
      versionName: name,
      description: value,
      attributes: { channel: value },
      tags: { team: value },
    })).not.toThrow();
  });

  test('accepts values at the limits', () => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', {
      packageName: 'p'.repeat(128),
      versionName: 'v'.repeat(64),
      description: 'd'.repeat(1024),
      attributes: { a: 'x'.repeat(2999) },
      tags: Object.fromEntries([...Array(49).keys()].map((i) => [`k${i}`, 'v'.repeat(256)])),
    })).not.toThrow();
  });
});
