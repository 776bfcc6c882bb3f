/**
 * PackageCatalogProvider: the per-stack settings of the provider's functions
 * and roles, what they change in the template, and what they refuse.
 */
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DeploymentTarget, FleetIndexing, PackageCatalogProvider, PackageCatalogProviderProps, PackageConfiguration, PackageDeployment,
  PackageVersion, PackageVersionStatus, SoftwarePackage,
} from '../../src';

const CUSTOM_TYPES = [
  'Custom::IotPackageVersion', 'Custom::IotSoftwarePackage', 'Custom::IotPackageDefaultVersion',
  'Custom::IotPackageDeployment', 'Custom::IotPackageConfiguration', 'Custom::IotFleetIndexing',
];

function newStack(env: { account: string; region: string } | 'agnostic' = { account: '123456789012', region: 'eu-west-1' }): Stack {
  return new Stack(new App(), 'TestStack', { env: env === 'agnostic' ? undefined : env });
}

/** One construct of each custom-resource type of the library. */
function declareCatalog(stack: Stack): void {
  new FleetIndexing(stack, 'FleetIndexing');
  new PackageConfiguration(stack, 'PackageConfiguration');
  const agent = new SoftwarePackage(stack, 'Agent', { packageName: 'agent' });
  const version = agent.addVersion('V1', { versionName: '1.0.0', status: PackageVersionStatus.PUBLISHED });
  agent.addDefaultVersion(version);
  new PackageDeployment(stack, 'Rollout', { versions: [version], targets: [DeploymentTarget.thingGroupName('fleet')] });
}

function configured(props: PackageCatalogProviderProps, stack = newStack()): Template {
  PackageCatalogProvider.configure(stack, props);
  new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
  return Template.fromStack(stack);
}

const HANDLER = { Handler: 'index.handler' };
const FRAMEWORK = { Handler: 'framework.onEvent' };
const HANDLER_ROLE = { Description: Match.stringLikeRegexp('^Manages AWS IoT') };
const FRAMEWORK_ROLE = { Description: Match.stringLikeRegexp('^Runs the aws-cdk-lib') };

function onlyResource(template: Template, type: string, props: object): { id: string; properties: any } {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return { id: found[0][0], properties: found[0][1].Properties };
}

describe('defaults', () => {
  test.each([
    ['without configure', (stack: Stack) => stack],
    ['with configure and no settings', (stack: Stack) => (PackageCatalogProvider.configure(stack), stack)],
  ])('%s: 256 MB, 5 minutes, ONE_YEAR, destroyed logs, no VPC, no boundary, no names', (_name, prepare) => {
    const stack = prepare(newStack());
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', { ...HANDLER, MemorySize: 256, Timeout: 300, VpcConfig: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', { ...FRAMEWORK, VpcConfig: Match.absent() });
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Delete' });
    template.allResourcesProperties('AWS::IAM::Role', { PermissionsBoundary: Match.absent(), RoleName: Match.absent(), Path: Match.absent() });
    template.hasResourceProperties('Custom::IotPackageVersion', { ServiceTimeout: '420' });
  });

  test('the provider and its children keep their ids', () => {
    const stack = newStack();
    const provider = PackageCatalogProvider.configure(stack, { memorySize: 512 });
    expect(stack.resolve((provider.handlerFunction.node.defaultChild as any).logicalId))
      .toMatch(/^cdkiotpackagecatalogPackageVersionProviderHandler[0-9A-F]{8}$/);
    const ids = (provider.handlerFunction.node.scope as any).node.children.map((c: any) => c.node.id);
    expect(ids).toEqual(expect.arrayContaining(['HandlerLogGroup', 'HandlerRole', 'Handler', 'FrameworkLogGroup', 'FrameworkRole', 'Provider']));
  });
});

describe('logs', () => {
  test('logRetention and logRemovalPolicy apply to both log groups', () => {
    const template = configured({ logRetention: logs.RetentionDays.ONE_MONTH, logRemovalPolicy: RemovalPolicy.RETAIN });

    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
  });

  test('a log group of one\'s own is used by both functions, and both roles may write to it', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Shared', { retention: logs.RetentionDays.ONE_WEEK });
    const template = configured({ logGroup }, stack);

    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    const logGroupId = stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
    for (const fn of [HANDLER, FRAMEWORK]) {
      template.hasResourceProperties('AWS::Lambda::Function', { ...fn, LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    }
    for (const role of [HANDLER_ROLE, FRAMEWORK_ROLE]) {
      const roleId = onlyResource(template, 'AWS::IAM::Role', role).id;
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
          })]),
        },
      });
    }
  });

  test.each([
    ['logRetention', { logRetention: logs.RetentionDays.ONE_MONTH }],
    ['logRemovalPolicy', { logRemovalPolicy: RemovalPolicy.RETAIN }],
  ])('logGroup with %s is refused, naming both', (other, props) => {
    const stack = newStack();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Shared', 'shared');
    expect(() => PackageCatalogProvider.configure(stack, { logGroup, ...props }))
      .toThrow(`PackageCatalogProvider.configure (stack 'TestStack') has an invalid prop:\n  - logGroup and ${other}: give one or the other`);
  });
});

describe('roles', () => {
  test('a permissions boundary on both roles', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'iot-boundary');
    const template = configured({ permissionsBoundary: boundary }, stack);

    template.resourceCountIs('AWS::IAM::Role', 2);
    template.allResourcesProperties('AWS::IAM::Role', {
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:policy/iot-boundary']] },
    });
  });

  test('iam.PermissionsBoundary.of(stack) reaches the provider\'s roles and the IoT roles the library creates', () => {
    const stack = newStack();
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'iot-boundary'));
    new PackageConfiguration(stack, 'PackageConfiguration');
    const artifactVersion = new PackageVersion(stack, 'V', {
      packageName: 'firmware',
      versionName: '1.0.0',
      status: PackageVersionStatus.PUBLISHED,
      artifact: { bind: () => ({ bucketName: 'builds', objectKey: 'fw.bin', objectVersion: 'v1' }) } as any,
    });
    const deployment = new PackageDeployment(stack, 'Rollout', {
      versions: [artifactVersion],
      targets: [DeploymentTarget.thingGroupName('fleet')],
      presignedUrl: {},
    });
    const template = Template.fromStack(stack);

    // The handler's and the framework's roles, the package configuration's role, the presigned-URL role.
    expect(deployment.presignedUrlRole).toBeDefined();
    template.resourceCountIs('AWS::IAM::Role', 4);
    template.allResourcesProperties('AWS::IAM::Role', { PermissionsBoundary: Match.anyValue() });
  });

  test('a role path and role names unique per stack and region', () => {
    const template = configured({ rolePath: '/iot/', roleNamePrefix: 'acme-' });

    const handler = onlyResource(template, 'AWS::IAM::Role', HANDLER_ROLE).properties;
    const framework = onlyResource(template, 'AWS::IAM::Role', FRAMEWORK_ROLE).properties;
    expect(handler.Path).toBe('/iot/');
    expect(framework.Path).toBe('/iot/');
    expect(handler.RoleName).toMatch(/^acme-Handler-eu-west-1-[0-9a-f]{8}$/);
    expect(framework.RoleName).toMatch(/^acme-Framework-eu-west-1-[0-9a-f]{8}$/);
    // Another stack name, another hash.
    const other = new Stack(new App(), 'OtherStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const otherHandler = onlyResource(configured({ roleNamePrefix: 'acme-' }, other), 'AWS::IAM::Role', HANDLER_ROLE).properties;
    expect(otherHandler.RoleName).not.toBe(handler.RoleName);
  });

  test('the longest prefix keeps the names within 64 characters in the longest region, and a token region is in the name', () => {
    const prefix = 'p'.repeat(25);
    const template = configured({ roleNamePrefix: prefix }, newStack({ account: '123456789012', region: 'us-isof-southeast-1' }));
    const name = onlyResource(template, 'AWS::IAM::Role', FRAMEWORK_ROLE).properties.RoleName as string;
    expect(name.length).toBeLessThanOrEqual(64);

    const agnostic = configured({ roleNamePrefix: 'acme-' }, newStack('agnostic'));
    expect(onlyResource(agnostic, 'AWS::IAM::Role', HANDLER_ROLE).properties.RoleName)
      .toEqual({ 'Fn::Join': ['', ['acme-Handler-', { Ref: 'AWS::Region' }, expect.stringMatching(/^-[0-9a-f]{8}$/)]] });
  });
});

describe('VPC', () => {
  test('both functions in the VPC\'s subnets with the security groups, and both roles may manage ENIs', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const template = configured({ vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [securityGroup] }, stack);

    const subnets = vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) }));
    const vpcConfig = { SubnetIds: subnets, SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }] };
    for (const fn of [HANDLER, FRAMEWORK]) {
      template.hasResourceProperties('AWS::Lambda::Function', { ...fn, VpcConfig: vpcConfig });
    }
    template.allResourcesProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] }],
    });
  });

  test.each(['vpcSubnets', 'securityGroups'])('%s without vpc is refused', (prop) => {
    const stack = newStack();
    const value = prop === 'vpcSubnets' ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : [];
    expect(() => PackageCatalogProvider.configure(stack, { [prop]: value })).toThrow(`- ${prop}: requires vpc`);
  });
});

describe('memory and timeout', () => {
  test('the handler\'s memory and timeout; every custom resource waits the timeout plus 2 minutes', () => {
    const stack = newStack();
    PackageCatalogProvider.configure(stack, { memorySize: 1024, timeout: Duration.minutes(10) });
    declareCatalog(stack);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', { ...HANDLER, MemorySize: 1024, Timeout: 600 });
    for (const type of CUSTOM_TYPES) {
      template.resourceCountIs(type, 1);
      template.hasResourceProperties(type, { ServiceTimeout: '720' });
    }
  });

  test('the default: every custom resource waits 7 minutes', () => {
    const stack = newStack();
    declareCatalog(stack);
    const template = Template.fromStack(stack);
    for (const type of CUSTOM_TYPES) {
      template.hasResourceProperties(type, { ServiceTimeout: '420' });
    }
  });

  test('a timeout that is a token: ServiceTimeout is Lambda\'s 15 minutes plus 2', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const provider = PackageCatalogProvider.configure(stack, { timeout: Duration.seconds(seconds.valueAsNumber) });
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    Template.fromStack(stack).hasResourceProperties('Custom::IotPackageVersion', { ServiceTimeout: '1020' });
    expect(provider.serviceTimeout.toSeconds()).toBe(1020);
    expect(Token.isUnresolved(provider.timeout.toSeconds())).toBe(true);
  });

  test.each([
    [{ timeout: Duration.minutes(15) }, 'timeout: is 15 minutes; the handler\'s timeout must be whole seconds, 1 second to 14 minutes'],
    [{ timeout: Duration.millis(1500) }, 'timeout: is 1 second 500 millis; the handler\'s timeout must be whole seconds'],
    [{ memorySize: 64 }, 'memorySize: is 64; Lambda allows an integer 128-10240 (MiB)'],
    [{ rolePath: 'iot' }, 'rolePath: is \'iot\'; IAM allows \'/\' or a path that starts and ends with \'/\''],
    [{ roleNamePrefix: 'p'.repeat(26) }, `roleNamePrefix: is '${'p'.repeat(26)}'; it must have 1-25 characters of A-Za-z0-9+=,.@_-`],
    [{ roleNamePrefix: 'acme/' }, 'roleNamePrefix: is \'acme/\'; it must have 1-25 characters'],
  ])('refuses %j', (props, message) => {
    expect(() => PackageCatalogProvider.configure(newStack(), props)).toThrow(message);
  });

  test('settings that are tokens pass', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Prefix').valueAsString;
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    expect(() => PackageCatalogProvider.configure(stack, { roleNamePrefix: name, rolePath: name, memorySize: memory })).not.toThrow();
  });

  test('a longer handler timeout allows a longer rollout wait, and the default wait follows it', () => {
    const stack = newStack();
    PackageCatalogProvider.configure(stack, { timeout: Duration.minutes(10) });
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', status: PackageVersionStatus.PUBLISHED });
    const targets = [DeploymentTarget.thingGroupName('fleet')];
    new PackageDeployment(stack, 'Long', { versions: [version], targets, waitForRollout: { minSuccessPercent: 50, timeout: Duration.seconds(535) } });
    new PackageDeployment(stack, 'Default', { versions: [version], targets, waitForRollout: { minSuccessPercent: 50 } });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::IotPackageDeployment', { WaitForRollout: Match.objectLike({ TimeoutSeconds: '535' }) });
    template.resourcePropertiesCountIs('Custom::IotPackageDeployment', { WaitForRollout: Match.objectLike({ TimeoutSeconds: '535' }) }, 2);
    expect(() => new PackageDeployment(stack, 'TooLong', { versions: [version], targets, waitForRollout: { minSuccessPercent: 50, timeout: Duration.seconds(536) } }))
      .toThrow('waitForRollout.timeout (seconds): is 536; allowed an integer 1-535, the handler\'s timeout (10 minutes) less its cleanup reserve');
    expect(PackageDeployment.MAX_ROLLOUT_WAIT.toSeconds()).toBe(235);
  });
});

describe('when', () => {
  test('configure after the first construct of the library is refused, naming the stack', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    expect(() => PackageCatalogProvider.configure(stack, { memorySize: 512 }))
      .toThrow(/stack 'TestStack' has its provider already, created with the default settings[\s\S]*call PackageCatalogProvider.configure before declaring packages, versions/);
  });

  test('configure twice is refused', () => {
    const stack = newStack();
    PackageCatalogProvider.configure(stack, { memorySize: 512 });
    expect(() => PackageCatalogProvider.configure(stack, { memorySize: 512 }))
      .toThrow('PackageCatalogProvider.configure: the provider of stack \'TestStack\' is configured already; configure it once per stack');
  });

  test('of() returns the stack\'s provider, from any scope in it, and lets users add to its roles', () => {
    const stack = newStack();
    const configuredProvider = PackageCatalogProvider.configure(stack, { memorySize: 512 });
    const provider = PackageCatalogProvider.of(new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' }));
    expect(provider.handlerFunction).toBe(configuredProvider.handlerFunction);
    expect(provider.handlerRole).toBe(configuredProvider.handlerRole);
    expect(provider.frameworkRole).toBe(configuredProvider.frameworkRole);
    expect(provider.serviceTimeout.toSeconds()).toBe(420);
    expect(provider.timeout.toSeconds()).toBe(300);
    provider.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'xray:PutTraceSegments' })]) },
    });
  });

  test('of() on a stack without a provider creates one with the defaults; configure then is refused', () => {
    const stack = newStack();
    PackageCatalogProvider.of(stack);
    expect(() => PackageCatalogProvider.configure(stack, {})).toThrow(/has its provider already/);
  });

  test('each stack has its own settings', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    PackageCatalogProvider.configure(a, { memorySize: 512 });
    new PackageVersion(a, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    new PackageVersion(b, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    Template.fromStack(a).hasResourceProperties('AWS::Lambda::Function', { ...HANDLER, MemorySize: 512 });
    Template.fromStack(b).hasResourceProperties('AWS::Lambda::Function', { ...HANDLER, MemorySize: 256 });
  });
});
