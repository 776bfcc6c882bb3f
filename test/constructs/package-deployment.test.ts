import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DeploymentTarget,
  ISoftwarePackage,
  JobDocument,
  JobExecutionFailureType,
  JobRemoval,
  JobTargetSelection,
  PackageConfiguration,
  PackageDeployment,
  PackageVersion,
  PackageVersionArtifact,
  PackageVersionStatus,
  SoftwarePackage,
} from '../../src';
import { DEPLOYMENT_RESOURCE_TYPE } from '../../src/shared/deployment-contract';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function published(stack: Stack, id = 'V140', versionName = '1.4.0', extra: Record<string, unknown> = {}): PackageVersion {
  return new PackageVersion(stack, id, { packageName: 'firmware', versionName, status: PackageVersionStatus.PUBLISHED, ...extra });
}

function softwarePackage(stack: Stack, name: string): ISoftwarePackage {
  const cfn = new iot.CfnSoftwarePackage(stack, `Pkg-${name}`, { packageName: name });
  return Object.assign(cfn, { packageName: name, packageArn: `arn:aws:iot:eu-west-1:123456789012:package/${name}` }) as unknown as ISoftwarePackage;
}

function deploymentOf(template: Template): Record<string, any> {
  const resources = template.findResources(DEPLOYMENT_RESOURCE_TYPE);
  expect(Object.keys(resources)).toHaveLength(1);
  return Object.values(resources)[0];
}

test('deploys versions and $default to targets, with the default document', () => {
  const stack = newStack();
  const version = published(stack);
  new PackageDeployment(stack, 'Rollout', {
    versions: [version],
    defaultVersionOf: [softwarePackage(stack, 'bootloader')],
    targets: [DeploymentTarget.thingGroupName('fleet'), DeploymentTarget.thingArn('arn:aws:iot:eu-west-1:123456789012:thing/dev1')],
  });
  const template = Template.fromStack(stack);
  const res = deploymentOf(template);
  const props = stack.resolve(res.Properties);
  expect(props.Targets).toEqual([
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:thinggroup/fleet']] },
    'arn:aws:iot:eu-west-1:123456789012:thing/dev1',
  ]);
  expect(props.DestinationPackageVersions).toEqual([
    { Ref: stack.getLogicalId(version.node.findChild('Resource').node.defaultChild as any) },
    'arn:aws:iot:eu-west-1:123456789012:package/bootloader/version/$default',
  ]);
  expect(props.JobIdPrefix).toMatch(/^Rollout[A-F0-9]{8}$/);
  expect(JSON.stringify(props.Document)).toContain('\\"versionName\\":\\"$default\\"');
  expect(props.OnRemoval).toBeUndefined();
  expect(res.DependsOn).toEqual(expect.arrayContaining([
    stack.getLogicalId(version.node.findChild('Resource').node.defaultChild as any),
    expect.stringMatching(/^PkgbootloaderResource|^Pkgbootloader/),
    expect.stringMatching(/Deployment/),
  ]));
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Action: 'iot:CreateJob', Resource: Match.arrayWith(['arn:aws:iot:eu-west-1:123456789012:thing/dev1']) }),
        Match.objectLike({ Action: ['iot:DescribeJob', 'iot:UpdateJob', 'iot:CancelJob', 'iot:TagResource', 'iot:UntagResource'] }),
      ]),
    },
  });
});

test('the job id prefix and the IAM job ARNs follow an overridden logical id', () => {
  const stack = newStack();
  const deployment = new PackageDeployment(stack, 'Rollout', { versions: [published(stack)], targets: [DeploymentTarget.thingName('dev1')] });
  (deployment.node.findChild('Resource').node.defaultChild as any).overrideLogicalId('FleetRollout');
  const template = Template.fromStack(stack);
  expect(deploymentOf(template).Properties.JobIdPrefix).toBe('FleetRollout');
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['iot:DescribeJob', 'iot:CancelJob']), Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:job/FleetRollout-*']] } })]) },
  });
});

test('IAM names versions by package and version name, so deployments stay within the role\'s size limit', () => {
  const stack = newStack();
  const pkg = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
  const thing = new iot.CfnThing(stack, 'Thing', { thingName: 'dev1' });
  for (let i = 0; i < 4; i++) {
    const version = new PackageVersion(stack, `V${i}`, { packageName: pkg.ref, versionName: `1.${i}`, status: PackageVersionStatus.PUBLISHED });
    new PackageDeployment(stack, `Rollout${i}`, { versions: [version], targets: [DeploymentTarget.fromCfnThing(thing)] });
  }
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'iot:CreateJob',
        Resource: Match.arrayWith([
          { 'Fn::GetAtt': ['Thing', 'Arn'] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/', { Ref: 'Firmware' }, '/version/1.0']] },
        ]),
      })]),
    },
  });
  const provider = stack.node.findChild('cdk-iot-package-catalog.PackageVersionProvider') as any;
  expect(provider.inlinePolicySize()).toBeLessThan(10_240);
});

test('too many deployments in one stack fail synthesis with the inline-policy guard, which counts them', () => {
  const stack = newStack();
  const version = published(stack);
  // Each deployment's policy names its job ARN and its targets: about 600 characters at worst.
  for (let i = 0; i < 40; i++) {
    new PackageDeployment(stack, `Rollout${i}`, { versions: [version], targets: [DeploymentTarget.thingName(`device-${i}`)] });
  }
  expect(() => Template.fromStack(stack)).toThrow(/inline policies would take up to \d+ characters, over IAM's limit of 10240.*use 0 different buckets\), and 40 for package deployments/s);
});

test('renders every setting', () => {
  const stack = newStack();
  new PackageDeployment(stack, 'Rollout', {
    versions: [published(stack)],
    targets: [DeploymentTarget.thingName('dev1')],
    document: JobDocument.fromObject({ steps: ['install'] }),
    description: 'Rollout 1.4.0',
    targetSelection: JobTargetSelection.CONTINUOUS,
    rollout: { maximumPerMinute: 50, exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, numberOfSucceededThings: 10 } },
    abortCriteria: [{ failureType: JobExecutionFailureType.FAILED, thresholdPercentage: 10, minExecutedThings: 5 }],
    inProgressTimeout: Duration.hours(1),
    retries: [{ failureType: JobExecutionFailureType.TIMED_OUT, numberOfRetries: 2 }],
    onRemoval: JobRemoval.LEAVE_RUNNING,
    waitForRollout: { minSuccessPercent: 90, timeout: Duration.minutes(2), pollInterval: Duration.seconds(10) },
    tags: { team: 'edge' },
  });
  Template.fromStack(stack).hasResourceProperties(DEPLOYMENT_RESOURCE_TYPE, {
    Document: '{"steps":["install"]}',
    Description: 'Rollout 1.4.0',
    TargetSelection: 'CONTINUOUS',
    JobExecutionsRolloutConfig: {
      maximumPerMinute: 50,
      exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 10 } },
    },
    AbortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 10, minNumberOfExecutedThings: 5 }] },
    TimeoutConfig: { inProgressTimeoutInMinutes: 60 },
    JobExecutionsRetryConfig: { criteriaList: [{ failureType: 'TIMED_OUT', numberOfRetries: 2 }] },
    OnRemoval: 'LEAVE_RUNNING',
    WaitForRollout: { MinSuccessPercent: '90', TimeoutSeconds: '120', PollSeconds: '10' },
    Tags: [{ Key: 'team', Value: 'edge' }],
    PresignedUrlConfig: Match.absent(),
  });
});

test.each([
  ['artifact-location'], ['artifact'],
])('a document with the %s presigned-URL placeholder gets a role that reads the artifacts', (spelling) => {
  const stack = newStack();
  const bucket = new s3.Bucket(stack, 'Artifacts', { versioned: true });
  const version = published(stack, 'V140', '1.4.0', { artifact: PackageVersionArtifact.fromBucket(bucket, 'fw.bin', 'v1') });
  const deployment = new PackageDeployment(stack, 'Rollout', {
    versions: [version],
    targets: [DeploymentTarget.thingName('dev1')],
    document: JobDocument.fromString(`{"url":"\${aws:iot:package:firmware:version:1.4.0:${spelling}:s3-presigned-url}"}`),
    presignedUrl: spelling === 'artifact' ? { expiresIn: Duration.minutes(10) } : undefined,
  });
  expect(deployment.presignedUrlRole).toBeDefined();
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'iot.amazonaws.com' } })] },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['s3:GetObject', 's3:GetObjectVersion'] })]) },
    Roles: [{ Ref: Match.stringLikeRegexp('PresignedUrlRole') }],
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'iam:PassRole' })]) },
  });
  const res = deploymentOf(template);
  expect(res.Properties.PresignedUrlConfig.roleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/PresignedUrlRole/), 'Arn'] });
  expect(res.Properties.PresignedUrlConfig.expiresInSec).toBe(spelling === 'artifact' ? 600 : undefined);
});

test('a user role is used as given', () => {
  const stack = newStack();
  const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/presign');
  const deployment = new PackageDeployment(stack, 'Rollout', {
    defaultVersionOf: [softwarePackage(stack, 'fw')],
    targets: [DeploymentTarget.thingName('dev1')],
    document: JobDocument.fromString('{"url":"${aws:iot:package:fw:version:$default:artifact:s3-presigned-url}"}'),
    presignedUrl: { role },
  });
  expect(deployment.presignedUrlRole).toBe(role);
  expect(deploymentOf(Template.fromStack(stack)).Properties.PresignedUrlConfig).toEqual({ roleArn: 'arn:aws:iam::123456789012:role/presign' });
});

test('a presigned URL without a known artifact or role is an error', () => {
  const stack = newStack();
  expect(() => new PackageDeployment(stack, 'Rollout', {
    defaultVersionOf: [softwarePackage(stack, 'fw')],
    targets: [DeploymentTarget.thingName('dev1')],
    document: JobDocument.fromString('{"url":"${aws:iot:package:fw:version:$default:artifact:s3-presigned-url}"}'),
  })).toThrow(/presigned URL.*pass presignedUrl: \{ role \}/);
});

test('CfnThing and CfnThingGroup targets are ARNs the deployment depends on', () => {
  const stack = newStack();
  const thing = new iot.CfnThing(stack, 'Thing', { thingName: 'dev1' });
  const group = new iot.CfnThingGroup(stack, 'Group', { thingGroupName: 'fleet' });
  new PackageDeployment(stack, 'Rollout', {
    versions: [published(stack)],
    targets: [DeploymentTarget.fromCfnThing(thing), DeploymentTarget.fromCfnThingGroup(group)],
  });
  const res = deploymentOf(Template.fromStack(stack));
  expect(res.Properties.Targets).toEqual([{ 'Fn::GetAtt': ['Thing', 'Arn'] }, { 'Fn::GetAtt': ['Group', 'Arn'] }]);
  expect(res.DependsOn).toEqual(expect.arrayContaining(['Thing', 'Group']));
});

test('an imported version is deployed as given: its status is left to IoT', () => {
  const stack = newStack();
  const imported = PackageVersion.fromPackageVersionArn(stack, 'Imported', 'arn:aws:iot:eu-west-1:123456789012:package/fw/version/2.0');
  new PackageDeployment(stack, 'Rollout', { versions: [imported], targets: [DeploymentTarget.thingName('dev1')] });
  expect(deploymentOf(Template.fromStack(stack)).Properties.DestinationPackageVersions)
    .toEqual(['arn:aws:iot:eu-west-1:123456789012:package/fw/version/2.0']);
});

test.each([
  ['49 tags', Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v'])), /the job would have 49 tags; IoT allows 50, and the handler adds 2 of its own, so at most 48/],
  ['a reserved tag', { 'cdk-iot-package-catalog:x': 'v' }, /tag 'cdk-iot-package-catalog:x' is reserved for the handler/],
])('%s fail synthesis', (_, tags, message) => {
  const stack = newStack();
  new PackageDeployment(stack, 'Rollout', { versions: [published(stack)], targets: [DeploymentTarget.thingName('dev1')], tags });
  expect(() => Template.fromStack(stack)).toThrow(message);
});

describe('validation', () => {
  const target = [DeploymentTarget.thingName('dev1')];
  test.each<[string, (stack: Stack) => any, RegExp]>([
    ['no versions', () => ({ targets: target }), /versions: versions and defaultVersionOf name 0 versions; IoT deploys 1-25/],
    ['26 versions', (s) => ({ targets: target, versions: Array.from({ length: 26 }, (_, i) => published(s, `V${i}`, `1.${i}`)) }), /name 26 versions/],
    ['a DRAFT version', (s) => ({ targets: target, versions: [new PackageVersion(s, 'Draft', { packageName: 'fw', versionName: '1' })] }),
      /versions\[0\]: version 'Stack\/Draft' is declared DRAFT/],
    ['no targets', (s) => ({ targets: [], versions: [published(s)] }), /targets: is empty/],
    ['101 targets', (s) => ({ targets: Array.from({ length: 101 }, (_, i) => DeploymentTarget.thingName(`t${i}`)), versions: [published(s)] }),
      /targets: has 101 things and thing groups; a job takes at most 100/],
    ['a bad thing name', (s) => ({ targets: [DeploymentTarget.thingName('a b')], versions: [published(s)] }), /targets: thing name 'a b'/],
    ['a bad ARN', (s) => ({ targets: [DeploymentTarget.thingGroupArn('arn:aws:iot:eu-west-1:123456789012:thing/x')], versions: [published(s)] }),
      /targets: 'arn:aws:iot:eu-west-1:123456789012:thing\/x' is not a thinggroup ARN/],
    ['a long description', (s) => ({ targets: target, versions: [published(s)], description: 'x'.repeat(2029) }), /description: has 2029 characters/],
    ['a large document', (s) => ({ targets: target, versions: [published(s)], document: JobDocument.fromString('x'.repeat(32769)) }), /document: has 32769 bytes/],
    ['a rollout rate', (s) => ({ targets: target, versions: [published(s)], rollout: { maximumPerMinute: 0 } }), /rollout.maximumPerMinute: is 0/],
    ['an exponential rate without criteria', (s) => ({ targets: target, versions: [published(s)], rollout: { exponentialRate: { baseRatePerMinute: 1, incrementFactor: 6 } } }),
      /incrementFactor: is 6[\s\S]*needs numberOfNotifiedThings/],
    ['an abort threshold', (s) => ({ targets: target, versions: [published(s)], abortCriteria: [{ failureType: JobExecutionFailureType.ALL, thresholdPercentage: 101, minExecutedThings: 0 }] }),
      /thresholdPercentage: is 101[\s\S]*minExecutedThings: is 0/],
    ['a REJECTED retry', (s) => ({ targets: target, versions: [published(s)], retries: [{ failureType: JobExecutionFailureType.REJECTED, numberOfRetries: 11 }] }),
      /numberOfRetries: is 11[\s\S]*failureType: is REJECTED/],
    ['a timeout', (s) => ({ targets: target, versions: [published(s)], inProgressTimeout: Duration.days(8) }), /inProgressTimeout \(minutes\): is 11520/],
    ['an expiry', (s) => ({ targets: target, versions: [published(s)], presignedUrl: { role: iam.Role.fromRoleArn(s, 'R', 'arn:aws:iam::123456789012:role/r'), expiresIn: Duration.hours(2) } }),
      /presignedUrl.expiresIn \(seconds\): is 7200/],
    ['a wait', (s) => ({ targets: target, versions: [published(s)], waitForRollout: { minSuccessPercent: 0, timeout: Duration.minutes(5) } }),
      /minSuccessPercent: is 0[\s\S]*timeout \(seconds\): is 300; allowed an integer 1-235, the handler.s timeout \(5 minutes\)/],
  ])('%s', (_, props, message) => {
    const stack = newStack();
    expect(() => new PackageDeployment(stack, 'Rollout', props(stack))).toThrow(message);
  });
});

describe('what the deployment waits for', () => {
  test.each([['declared before it', true], ['declared after it', false]])(
    'the stack\'s PackageConfiguration (%s), so that the job\'s executions update $package from the start', (_label, first) => {
      const stack = newStack();
      const declare = () => new PackageConfiguration(stack, 'Shadows');
      if (first) {
        declare();
      }
      new PackageDeployment(stack, 'Rollout', { versions: [published(stack)], targets: [DeploymentTarget.thingGroupName('fleet')] });
      if (!first) {
        declare();
      }

      const template = Template.fromStack(stack);
      const [configurationId] = Object.keys(template.findResources('Custom::IotPackageConfiguration'));
      expect(deploymentOf(template).DependsOn).toContain(configurationId);
    });

  test('the default designation of a package whose $default it deploys', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
    const version = pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
    const designation = pkg.addDefaultVersion(version);

    new PackageDeployment(stack, 'Rollout', { defaultVersionOf: [pkg], targets: [DeploymentTarget.thingGroupName('fleet')] });

    const template = Template.fromStack(stack);
    const designationId = stack.getLogicalId(designation.node.findChild('Resource').node.defaultChild as any);
    expect(deploymentOf(template).DependsOn).toContain(designationId);
  });
});

describe('a deployment of a package\'s $default follows the designation in its stack', () => {
  test.each([['declared before the deployment', true], ['declared after it', false]])(
    'the designation (%s) is referenced, so moving the default updates the deployment (a new job)', (_label, first) => {
      const stack = newStack();
      const pkg = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
      const version = pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
      const designate = () => pkg.addDefaultVersion(version);
      const designation = first ? designate() : undefined;
      new PackageDeployment(stack, 'Rollout', { defaultVersionOf: [pkg], targets: [DeploymentTarget.thingGroupName('fleet')] });
      const made = designation ?? designate();

      const props = deploymentOf(Template.fromStack(stack)).Properties;
      const designationId = stack.getLogicalId(made.node.findChild('Resource').node.defaultChild as any);
      expect(props.DefaultVersionNames).toEqual([{ 'Fn::GetAtt': [designationId, 'DefaultVersionName'] }]);
    });

  test('without a designation in the stack (an imported package), the property is left out', () => {
    const stack = newStack();
    new PackageDeployment(stack, 'Rollout', {
      defaultVersionOf: [SoftwarePackage.fromPackageName(stack, 'Tools', 'tools')],
      targets: [DeploymentTarget.thingGroupName('fleet')],
    });
    expect(deploymentOf(Template.fromStack(stack)).Properties.DefaultVersionNames).toBeUndefined();
  });

  test('versions and packages mixed: one entry per package, empty where the stack designates none', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
    const made = pkg.addDefaultVersion(pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED }));
    new PackageDeployment(stack, 'Rollout', {
      versions: [published(stack, 'Other', '2.0.0')],
      defaultVersionOf: [SoftwarePackage.fromPackageName(stack, 'Tools', 'tools'), pkg],
      targets: [DeploymentTarget.thingGroupName('fleet')],
    });
    const designationId = stack.getLogicalId(made.node.findChild('Resource').node.defaultChild as any);
    expect(deploymentOf(Template.fromStack(stack)).Properties.DefaultVersionNames).toEqual(['', { 'Fn::GetAtt': [designationId, 'DefaultVersionName'] }]);
  });
});
