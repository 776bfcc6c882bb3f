/**
 * AwsSolutions checks (cdk-nag v3) on a stack that uses the construct.
 * The library acknowledges the findings that remain by design, on the exact
 * constructs that cause them; everything else must be clean.
 */
import * as path from 'path';
import { App, CfnResource, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DeploymentTarget, FleetIndexing, JobDocument, PackageCatalogProvider, PackageConfiguration, PackageDeployment, PackageVersion,
  PackageVersionArtifact, PackageVersionSbom, PackageVersionStatus, SoftwarePackage,
} from '../../src';

function buildApp(): App {
  const app = new App();
  const stack = new Stack(app, 'NagStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const pkg = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
  new PackageVersion(stack, 'V1', { packageName: pkg.ref, versionName: '1.0.0', description: 'First', attributes: { channel: 'stable' } });
  new PackageVersion(stack, 'V2', { packageName: pkg.ref, versionName: '1.1.0' });
  const other = new PackageVersion(stack, 'Other', { packageName: 'bootloader', versionName: '3', status: PackageVersionStatus.PUBLISHED });
  new PackageDeployment(stack, 'Rollout', { versions: [other], targets: [DeploymentTarget.thingGroupName('fleet')] });
  return app;
}

test('no AwsSolutions violations', () => {
  const app = buildApp();
  const report = new AwsSolutionsChecks(app).validateScope(app);

  expect(report.violations.map((v) => `${v.ruleName}: ${v.description.split('\n')[0]}`)).toEqual([]);
});

test('no violations for a deployment whose logical id is overridden, once the app is synthesized', () => {
  const app = new App();
  const stack = new Stack(app, 'OverrideStack');
  const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1', status: PackageVersionStatus.PUBLISHED });
  const deployment = new PackageDeployment(stack, 'Rollout', { versions: [version], targets: [DeploymentTarget.thingName('dev1')] });
  (deployment.node.findChild('Resource').node.defaultChild as CfnResource).overrideLogicalId('FleetRollout');
  const checks = new AwsSolutionsChecks(app);
  expect(checks.validateScope(app).violations.map((v) => v.ruleName))
    .toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:job/FleetRollout-*]']);

  app.synth();

  expect(checks.validateScope(app).violations).toEqual([]);
});

test('no violations for a package name from a Lazy, once the app is synthesized', () => {
  const app = new App();
  const stack = new Stack(app, 'LazyStack');
  new PackageVersion(stack, 'V', { packageName: Lazy.string({ produce: () => 'firmware' }), versionName: '1' });
  const checks = new AwsSolutionsChecks(app);
  expect(checks.validateScope(app).violations.map((v) => v.ruleName))
    .toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:package/firmware/version/*]']);

  app.synth();

  expect(checks.validateScope(app).violations).toEqual([]);
});

test('no violations for a package in another stack, once the app is synthesized', () => {
  const app = new App();
  const env = { account: '123456789012', region: 'eu-west-1' };
  const packages = new Stack(app, 'Packages', { env });
  const firmware = new iot.CfnSoftwarePackage(packages, 'Firmware', { packageName: 'firmware' });
  const versions = new Stack(app, 'Versions', { env });
  new PackageVersion(versions, 'V', { packageName: firmware.ref, versionName: '1' });

  app.synth();

  expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
});

/** Every construct of the library: the prerequisites, a package, its default version, an artifact, a presigned-URL deployment. */
function buildCatalog(): App {
  const app = new App();
  const stack = new Stack(app, 'CatalogStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  new FleetIndexing(stack, 'FleetIndexing');
  new PackageConfiguration(stack, 'PackageConfiguration');
  const firmware = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
  const v1 = firmware.addVersion('V1', {
    versionName: '1',
    status: PackageVersionStatus.PUBLISHED,
    artifact: PackageVersionArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Releases', 'releases'), 'firmware/1.bin'),
  });
  firmware.addDefaultVersion(v1);
  new PackageDeployment(stack, 'Rollout', {
    versions: [v1],
    targets: [DeploymentTarget.thingGroupName('fleet')],
    document: JobDocument.fromObject({ url: '${aws:iot:package:firmware:version:1:artifact-location:s3-presigned-url}' }),
  });
  return app;
}

test('a whole catalog passes; without the acknowledgements it has the README\'s findings', () => {
  const app = buildCatalog();
  expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);

  for (const construct of app.node.findAll()) {
    const metadata = construct.node.metadata as Array<{ type: string }>;
    const kept = metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
  }
  // One finding per rule id, wherever it occurs (the README's table says where).
  const found = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName).sort();
  expect(found).toEqual([
    'AwsSolutions-IAM5[Resource::*]',
    expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<cdkiotpackagecatalogPackageVersionProviderHandler[0-9A-F]{8}\.Arn>:\*\]$/),
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:job/Rollout5400B0F2-*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:package/firmware/version/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:thing/*/$package]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::releases/*]',
    'AwsSolutions-L1',
  ]);
});

test('without the library\'s acknowledgements the checks do find the expected rules', () => {
  // Proves the first test can fail: the same stack, with acknowledgements stripped.
  const app = buildApp();
  for (const construct of app.node.findAll()) {
    const metadata = construct.node.metadata as Array<{ type: string }>;
    const kept = metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
  }
  const report = new AwsSolutionsChecks(app).validateScope(app);
  const rules = report.violations.map((v) => v.ruleName).sort();

  expect(rules).toEqual([
    'AwsSolutions-IAM5[Resource::*]',
    expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<cdkiotpackagecatalogPackageVersionProviderHandler[0-9A-F]{8}\.Arn>:\*\]$/),
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:job/Rollout5400B0F2-*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:package/<Firmware>/version/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:package/bootloader/version/*]',
    'AwsSolutions-L1',
  ]);
});

describe('artifacts and SBOMs', () => {
  const FIRMWARE = path.join(__dirname, 'fixtures', 'firmware.bin');

  function buildObjectsApp(agnostic: boolean): App {
    const app = new App();
    const stack = new Stack(app, 'ObjectsStack', { env: agnostic ? undefined : { account: '123456789012', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Files', { versioned: true, encryptionKey: key, enforceSSL: true });
    // The user's bucket, not the library's: its own findings are the user's to handle.
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'A test bucket; server access logs are the user\'s choice.' });
    new PackageVersion(stack, 'Literal', {
      packageName: 'firmware',
      versionName: '1',
      artifact: PackageVersionArtifact.fromS3Location('firmware-files', 'fw.bin', 'v1'),
      sbom: PackageVersionSbom.fromS3Location('firmware-sboms', 'sbom.zip', 'v1'),
    });
    new PackageVersion(stack, 'Bucket', {
      packageName: 'firmware',
      versionName: '2',
      artifact: PackageVersionArtifact.fromBucket(bucket, 'fw.bin'),
      sbom: PackageVersionSbom.fromBucket(bucket, 'sbom.zip'),
    });
    new PackageVersion(stack, 'Imported', {
      packageName: 'firmware',
      versionName: '3',
      artifact: PackageVersionArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'ImportedBucket', 'imported-files'), 'fw.bin'),
    });
    new PackageVersion(stack, 'Asset', { packageName: 'firmware', versionName: '4', artifact: PackageVersionArtifact.fromAsset(FIRMWARE) });
    return app;
  }

  test.each([['with an environment', false], ['environment-agnostic', true]])('no violations (%s)', (_, agnostic) => {
    const app = buildObjectsApp(agnostic);
    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations.map((v) => `${v.ruleName}: ${v.description.split('\n')[0]}`)).toEqual([]);
  });

  test('the bucket policies\' findings exist, and are acknowledged', () => {
    const app = buildObjectsApp(true);
    for (const construct of app.node.findAll()) {
      const metadata = construct.node.metadata as Array<{ type: string; data: Record<string, string> }>;
      const kept = metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !JSON.stringify(m.data).includes(':s3:::'));
      (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
    }
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName).sort();

    expect(rules).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::<Files[0-9A-F]{8}>\/\*\]$/),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::firmware-files/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::firmware-sboms/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::imported-files/*]',
    ]);
  });

  test.each<[string, (app: App, stack: Stack) => string]>([
    ['a bucket name from a Lazy', () => Lazy.string({ produce: () => 'late-files' })],
    ['a bucket of another stack', (app) => new s3.Bucket(new Stack(app, 'Buckets', { env: { account: '123456789012', region: 'eu-west-1' } }), 'B', {
      enforceSSL: true, serverAccessLogsPrefix: 'logs/',
    }).bucketName],
    ['a BucketDeployment\'s deployedBucket', (_, stack) => {
      const bucket = new s3.Bucket(stack, 'Dest', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
      return new s3deploy.BucketDeployment(stack, 'Deploy', { sources: [s3deploy.Source.data('fw.bin', 'x')], destinationBucket: bucket }).deployedBucket.bucketName;
    }],
  ])('no violations of the library for %s, once the app is synthesized', (_, bucketName) => {
    const app = new App();
    const stack = new Stack(app, 'ObjectsStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1', artifact: PackageVersionArtifact.fromS3Location(bucketName(app, stack), 'fw.bin', 'v1') });

    app.synth();

    const ours = new AwsSolutionsChecks(app).validateScope(app).violations
      .filter((v) => JSON.stringify(v).includes('PackageVersionProvider'));
    expect(ours.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('the account prerequisites', () => {
  function buildPrerequisitesApp(): App {
    const app = new App();
    const stack = new Stack(app, 'PrerequisitesStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    new FleetIndexing(stack, 'FleetIndexing');
    new PackageConfiguration(stack, 'PackageConfiguration');
    return app;
  }

  test('no AwsSolutions violations', () => {
    const app = buildPrerequisitesApp();
    expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  test('without the library\'s acknowledgements the checks find the wildcards on the policies and the role', () => {
    const app = buildPrerequisitesApp();
    for (const construct of app.node.findAll()) {
      const metadata = construct.node.metadata as Array<{ type: string }>;
      const kept = metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
    }
    const findings = new AwsSolutionsChecks(app).validateScope(app).violations
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} on ${(r as { constructPath?: string }).constructPath}`))
      .sort();
    expect(findings).toEqual([
      'AwsSolutions-IAM5[Resource::*] on PrerequisitesStack/PackageConfiguration/Role/Resource',
      'AwsSolutions-IAM5[Resource::*] on PrerequisitesStack/cdk-iot-package-catalog.PackageVersionProvider/FleetIndexingPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] on PrerequisitesStack/cdk-iot-package-catalog.PackageVersionProvider/HandlerRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] on PrerequisitesStack/cdk-iot-package-catalog.PackageVersionProvider/PackageConfigurationPolicy/Resource',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<cdkiotpackagecatalogPackageVersionProviderHandler[0-9A-F]{8}\.Arn>:\*\] on /),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:thing/*/$package] on PrerequisitesStack/PackageConfiguration/Role/Resource',
      expect.stringMatching(/^AwsSolutions-L1 on /),
    ]);
  });
});

describe('with provider settings', () => {
  function buildSettingsApp(logGroupOfOwn: boolean): App {
    const app = new App();
    const stack = new Stack(app, 'SettingsStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    PackageCatalogProvider.configure(stack, {
      vpc,
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'iot-boundary'),
      rolePath: '/iot/',
      roleNamePrefix: 'acme-',
      memorySize: 512,
      timeout: Duration.minutes(10),
      ...logGroupOfOwn ? { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', 'iot-catalog') } : { logRetention: logs.RetentionDays.ONE_MONTH },
    });
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1', status: PackageVersionStatus.PUBLISHED });
    new PackageDeployment(stack, 'Rollout', { versions: [version], targets: [DeploymentTarget.thingGroupName('fleet')] });
    return app;
  }

  test.each([['log groups of the provider', false], ['a log group of one\'s own', true]])('no AwsSolutions violations (%s)', (_, own) => {
    const app = buildSettingsApp(own);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  test('without the library\'s acknowledgements the checks find the VPC access policy and the log streams', () => {
    const app = buildSettingsApp(true);
    for (const construct of app.node.findAll()) {
      const metadata = construct.node.metadata as Array<{ type: string; data: Record<string, string> }>;
      const kept = metadata.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY ||
        !/AWSLambdaVPCAccessExecutionRole|log-group/.test(JSON.stringify(m.data)));
      (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
    }
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName).sort();
    expect(rules).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-west-1:123456789012:log-group:iot-catalog:*]',
    ]);
  });
});
