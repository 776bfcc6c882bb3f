/**
 * The private customResource (src/private/custom-resource.ts) declares what
 * aws-cdk-lib's CustomResource declares, to the byte, and PackageVersion
 * keeps CustomResource's construct path (escape hatches and tests reach the
 * CfnResource at `version/Resource/Default`).
 */
import { App, CfnResource, CustomResource, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PackageVersion } from '../../src';
import { customResource } from '../../src/private/custom-resource';

const options = {
  serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  resourceType: 'Custom::IotPackageVersion',
  properties: { PackageName: 'firmware', VersionName: '1.0.0', Tags: [{ Key: 'team', Value: 'edge' }] },
  serviceTimeout: Duration.minutes(17),
};

function templateOf(declare: (stack: Stack) => void): unknown {
  const stack = new Stack(new App(), 'S');
  declare(stack);
  return Template.fromStack(stack).toJSON();
}

test.each([
  ['a literal service timeout', Duration.minutes(17)],
  ['a service timeout that is a token', Duration.seconds(Lazy.number({ produce: () => 900 }))],
])('the same template as CustomResource, with %s', (_label, serviceTimeout) => {
  const ours = templateOf((stack) => customResource(stack, 'Version', { ...options, serviceTimeout }));
  const theirs = templateOf((stack) => new CustomResource(stack, 'Version', { ...options, serviceTimeout }));

  expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
});

test('deleted on removal, as CustomResource\'s default, and the policy can be changed', () => {
  const deleted = templateOf((stack) => customResource(stack, 'Version', options)) as { Resources: object };
  const retained = templateOf((stack) => customResource(stack, 'Version', options).applyRemovalPolicy(RemovalPolicy.RETAIN)) as { Resources: object };

  expect(Object.values(deleted.Resources)[0]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  expect(Object.values(retained.Resources)[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
});

test('a PackageVersion\'s resource is at Resource/Default, its ref the version ARN', () => {
  const stack = new Stack(new App(), 'S');
  const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

  const cfn = version.node.findChild('Resource').node.defaultChild;
  expect(cfn).toBeInstanceOf(CfnResource);
  expect(stack.resolve(version.packageVersionArn)).toEqual({ Ref: stack.getLogicalId(cfn as CfnResource) });
  expect(stack.resolve(version.packageVersionStatus)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(cfn as CfnResource), 'Status'] });
});
