/** The PackageConfiguration construct: its role, the handler's IAM, props, validation and dependencies. */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PackageConfiguration } from '../../src';

const TYPE = 'Custom::IotPackageConfiguration';

function newStack(id = 'Stack'): Stack {
  return new Stack(new App(), id, { env: { account: '123456789012', region: 'eu-west-1' } });
}

function resourceOf(stack: Stack): { Properties: Record<string, unknown>; DependsOn?: string[] } {
  const resources = Object.values(Template.fromStack(stack).findResources(TYPE));
  expect(resources).toHaveLength(1);
  return resources[0] as { Properties: Record<string, unknown>; DependsOn?: string[] };
}

function logicalIdOf(stack: Stack, construct: Construct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('the role it creates', () => {
  test('trusts iot.amazonaws.com without conditions', () => {
    const stack = newStack();
    const config = new PackageConfiguration(stack, 'PackageConfiguration');
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalIdOf(stack, config.role as iam.Role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'iot.amazonaws.com' } },
    ]);
  });

  test('may get and update only the $package shadow of the account\'s things, and describe the endpoint', () => {
    const stack = newStack();
    const config = new PackageConfiguration(stack, 'PackageConfiguration');
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalIdOf(stack, config.role as iam.Role)];
    expect(role.Properties.Policies).toEqual([{
      PolicyName: 'PackageShadow',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: ['iot:GetThingShadow', 'iot:UpdateThingShadow'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:thing/*/$package']] },
          },
          { Action: 'iot:DescribeEndpoint', Effect: 'Allow', Resource: '*' },
        ],
      },
    }]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the resource names it, and depends on it', () => {
    const stack = newStack();
    const config = new PackageConfiguration(stack, 'PackageConfiguration');
    const roleId = logicalIdOf(stack, config.role as iam.Role);
    const resource = resourceOf(stack);
    expect(resource.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(resource.DependsOn).toContain(roleId);
  });
});

test.each([
  ['left enabled on delete (the default): the role is retained, as the configuration still names it', {}, 'Retain'],
  ['disableOnDelete: the role goes with the stack', { disableOnDelete: true }, 'Delete'],
])('the role it creates, %s', (_label, props, policy) => {
  const stack = newStack();
  new PackageConfiguration(stack, 'PackageConfiguration', props);
  const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'iot.amazonaws.com' } }] } },
  }));
  expect(role.DeletionPolicy).toBe(policy);
});

test('a role of the user\'s is used as it is, and no role is created', () => {
  const stack = newStack();
  const role = iam.Role.fromRoleArn(stack, 'Mine', 'arn:aws:iam::123456789012:role/my-shadow-role', { mutable: false });
  const config = new PackageConfiguration(stack, 'PackageConfiguration', { role });
  expect(config.role).toBe(role);
  expect(resourceOf(stack).Properties.RoleArn).toBe('arn:aws:iam::123456789012:role/my-shadow-role');
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  expect(roles.some((r) => JSON.stringify(r).includes('iot.amazonaws.com'))).toBe(false);
});

test('a role ARN outside IoT\'s 20..2048 characters fails, naming the prop', () => {
  const stack = newStack();
  const role = { roleArn: 'arn:aws:iam::1:r/x' } as iam.IRole;
  expect(() => new PackageConfiguration(stack, 'PackageConfiguration', { role }))
    .toThrow('PackageConfiguration \'Stack/PackageConfiguration\': role\'s ARN must be 20 to 2048 characters, got 18 (\'arn:aws:iam::1:r/x\')');
});

test('the handler may get and update the configuration on "*", and pass only this role, only to IoT', () => {
  const stack = newStack();
  const config = new PackageConfiguration(stack, 'PackageConfiguration');

  const template = Template.fromStack(stack);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['iot:UpdatePackageConfiguration']) })]) } },
  });
  const [[policyId, policy]] = Object.entries(policies);
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    { Action: ['iot:GetPackageConfiguration', 'iot:UpdatePackageConfiguration'], Effect: 'Allow', Resource: '*' },
    {
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logicalIdOf(stack, config.role as iam.Role), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } },
    },
  ]);
  expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/HandlerRole/) }]);
  expect(resourceOf(stack).DependsOn).toContain(policyId);
});

test('defaults: no flags, a service timeout; disableOnDelete and replaceExistingRole are passed on as "true"', () => {
  const plain = newStack();
  new PackageConfiguration(plain, 'PackageConfiguration');
  expect(resourceOf(plain).Properties).toMatchObject({ ServiceTimeout: '420' });
  expect(resourceOf(plain).Properties.DisableOnDelete).toBeUndefined();
  expect(resourceOf(plain).Properties.ReplaceExistingRole).toBeUndefined();

  const flagged = newStack();
  new PackageConfiguration(flagged, 'PackageConfiguration', { disableOnDelete: true, replaceExistingRole: true });
  expect(resourceOf(flagged).Properties).toMatchObject({ DisableOnDelete: 'true', ReplaceExistingRole: 'true' });
});

test('roleArn reads the RoleArn attribute', () => {
  const stack = newStack();
  const config = new PackageConfiguration(stack, 'PackageConfiguration');
  expect(stack.resolve(config.roleArn)).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, config.node.defaultChild as Construct), 'RoleArn'] });
});

describe('one per stack', () => {
  test('of() finds it from any construct of the stack', () => {
    const stack = newStack();
    const deep = new Construct(stack, 'Deep');
    expect(PackageConfiguration.of(deep)).toBeUndefined();
    const config = new PackageConfiguration(new Construct(stack, 'Prereqs'), 'PackageConfiguration');
    expect(PackageConfiguration.of(deep)).toBe(config);
  });

  test('a second one fails, naming both', () => {
    const stack = newStack();
    new PackageConfiguration(stack, 'First');
    expect(() => new PackageConfiguration(stack, 'Second'))
      .toThrow('PackageConfiguration \'Stack/Second\': the stack already has a PackageConfiguration (\'Stack/First\')');
  });
});
