/**
 * AwsSolutions checks (cdk-nag v3) on a stack that uses the construct.
 * The library acknowledges the findings that remain by design, on the exact
 * constructs that cause them; everything else must be clean.
 */
import { App, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PackageVersion } from '../../src';

function buildApp(): App {
  const app = new App();
  const stack = new Stack(app, 'NagStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const pkg = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
  new PackageVersion(stack, 'V1', { packageName: pkg.ref, versionName: '1.0.0', description: 'First', attributes: { channel: 'stable' } });
  new PackageVersion(stack, 'V2', { packageName: pkg.ref, versionName: '1.1.0' });
  new PackageVersion(stack, 'Other', { packageName: 'bootloader', versionName: '3' });
  return app;
}

test('no AwsSolutions violations', () => {
  const app = buildApp();
  const report = new AwsSolutionsChecks(app).validateScope(app);

  expect(report.violations.map((v) => `${v.ruleName}: ${v.description.split('\n')[0]}`)).toEqual([]);
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
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:package/<Firmware>/version/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:123456789012:package/bootloader/version/*]',
    'AwsSolutions-L1',
  ]);
});
