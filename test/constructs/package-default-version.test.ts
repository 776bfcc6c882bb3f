/**
 * PackageDefaultVersion: its custom resource and properties, the synth-time
 * checks (same package, a PUBLISHED or DEPRECATED version, valid names),
 * its dependencies and the handler's permissions.
 */
import { App, CfnParameter, Resource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ISoftwarePackage, PackageDefaultVersion, PackageVersion, PackageVersionStatus } from '../../src';
import { PROVIDER_ID } from '../../src/private/provider';

const TYPE = 'Custom::IotPackageDefaultVersion';

/** The grants of a package, which these tests never use. */
abstract class PackageWithoutGrants extends Resource implements ISoftwarePackage {
  public abstract readonly packageName: string;
  public abstract readonly packageArn: string;
  public grant(): iam.Grant {
    throw new Error('not used by these tests');
  }
  public grantRead(): iam.Grant {
    throw new Error('not used by these tests');
  }
  public grantCreateJob(): iam.Grant {
    throw new Error('not used by these tests');
  }
  public addDefaultVersion(): PackageDefaultVersion {
    throw new Error('not used by these tests');
  }
}

/** A package backed by a CfnSoftwarePackage: its name is a reference (a token). */
class TestPackage extends PackageWithoutGrants {
  public readonly packageName: string;
  public readonly packageArn: string;
  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    const cfn = new iot.CfnSoftwarePackage(this, 'Resource', { packageName: name });
    this.packageName = cfn.ref;
    this.packageArn = cfn.attrPackageArn;
  }
}

/** A package known by name only, as an import. */
function importedPackage(scope: Construct, id: string, packageName: string): ISoftwarePackage {
  class Import extends PackageWithoutGrants {
    public readonly packageName = packageName;
    public readonly packageArn = `arn:aws:iot:eu-west-1:123456789012:package/${packageName}`;
  }
  return new Import(scope, id);
}

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function logicalIdOf(stack: Stack, construct: Construct): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

describe('the resource', () => {
  test('names the package and the version, and depends on both and on the package\'s policy', () => {
    const stack = newStack();
    const pkg = new TestPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: pkg.packageName, versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });

    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    const template = Template.fromStack(stack);
    const pkgId = logicalIdOf(stack, pkg);
    const versionId = stack.getLogicalId(version.node.findChild('Resource').node.defaultChild as never);
    const resources = template.findResources(TYPE);
    expect(Object.keys(resources)).toHaveLength(1);
    const [resource] = Object.values(resources);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': ['IotPackageCatalogProvider', 'Arn'] },
      PackageName: { Ref: pkgId },
      VersionName: '1.4.0',
      ServiceTimeout: '420',
    });
    const policies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([pkgId, versionId, policies[0]]));
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  test('Ref and the attributes', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = PackageVersion.fromPackageVersionAttributes(stack, 'V', { packageName: 'firmware', versionName: '1.4.0' });

    const d = new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    const id = stack.getLogicalId(d.node.findChild('Resource').node.defaultChild as never);
    expect(stack.resolve(d.packageDefaultVersionId)).toEqual({ Ref: id });
    expect(stack.resolve(d.packageName)).toEqual({ 'Fn::GetAtt': [id, 'PackageName'] });
    expect(stack.resolve(d.defaultVersionName)).toEqual({ 'Fn::GetAtt': [id, 'DefaultVersionName'] });
    expect(stack.resolve(d.defaultVersionArn)).toEqual({ 'Fn::GetAtt': [id, 'DefaultVersionArn'] });
  });

  test('shares the stack\'s one provider with the versions', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('names the version\'s package only when it is another token than the package\'s name', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'PackageName');
    const pkg = importedPackage(stack, 'Pkg', param.valueAsString);
    const version = PackageVersion.fromPackageVersionAttributes(stack, 'V', { packageName: new CfnParameter(stack, 'Other').valueAsString, versionName: '1.4.0' });

    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      PackageName: { Ref: 'PackageName' },
      VersionName: '1.4.0',
      VersionPackageName: { Ref: 'Other' },
    });
  });

  test('a token-equal package name counts as the same package', () => {
    const stack = newStack();
    const pkg = new TestPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: pkg.packageName, versionName: '2.0.0', status: PackageVersionStatus.DEPRECATED });

    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    Template.fromStack(stack).hasResourceProperties(TYPE, { VersionPackageName: Match.absent() });
  });
});

describe('IAM', () => {
  test('the package\'s policy allows UpdatePackage, GetPackage and tagging on the package, and only GetPackageVersion on the package and its versions', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = PackageVersion.fromPackageVersionAttributes(stack, 'V', { packageName: 'firmware', versionName: '1.4.0' });
    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    const packageArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/firmware']] };
    const versionsArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/firmware/version/*']] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'iot:GetPackageVersion', Resource: versionsArn },
          {
            Effect: 'Allow',
            Action: ['iot:GetPackage', 'iot:GetPackageVersion', 'iot:TagResource', 'iot:UntagResource', 'iot:UpdatePackage'],
            Resource: packageArn,
          },
        ],
      },
    });
  });

  test('the package\'s actions are added to the policy its versions already use', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });

    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies)).toHaveLength(1);
    const [policyId] = Object.keys(policies);
    const versionResource = Object.values(template.findResources('Custom::IotPackageVersion'))[0];
    const defaultResource = Object.values(template.findResources(TYPE))[0];
    expect(versionResource.DependsOn).toContain(policyId);
    expect(defaultResource.DependsOn).toContain(policyId);
  });
});

describe('synth-time checks', () => {
  const subject = "PackageDefaultVersion 'TestStack/Default' has an invalid prop:\n  - ";
  const notPublished = (status: string, note = '') =>
    `${subject}version: 'TestStack/V' is declared with status ${status}${note}, but only a PUBLISHED or DEPRECATED version can be ` +
    'its package\'s default; declare it with status: PackageVersionStatus.PUBLISHED';

  test.each<[string, PackageVersionStatus | undefined]>([
    ['no status (DRAFT)', undefined],
    ['status DRAFT', PackageVersionStatus.DRAFT],
  ])('a version declared with %s is refused, naming the prop and the value', (_label, status) => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.4.0', status });

    expect(() => new PackageDefaultVersion(stack, 'Default', { package: pkg, version }))
      .toThrow(notPublished('DRAFT', ' (which is also what no status means)'));
  });

  test.each([PackageVersionStatus.PUBLISHED, PackageVersionStatus.DEPRECATED])('a version declared %s is accepted', (status) => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.4.0', status });

    new PackageDefaultVersion(stack, 'Default', { package: pkg, version });
    Template.fromStack(stack).resourceCountIs(TYPE, 1);
  });

  test('a status that is a token, or an imported version\'s unknown status, is left to the handler', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const status = PackageVersionStatus.of(new CfnParameter(stack, 'Status').valueAsString);
    const declared = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.4.0', status });
    const imported = PackageVersion.fromPackageVersionArn(stack, 'I', 'arn:aws:iot:eu-west-1:123456789012:package/bootloader/version/1.3.0');

    new PackageDefaultVersion(stack, 'Default', { package: pkg, version: declared });
    new PackageDefaultVersion(stack, 'Default2', { package: importedPackage(stack, 'Boot', 'bootloader'), version: imported });
    Template.fromStack(stack).resourceCountIs(TYPE, 2);
  });

  test('a version of another package is refused', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'bootloader', versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });

    expect(() => new PackageDefaultVersion(stack, 'Default', { package: pkg, version })).toThrow(
      `${subject}version: 'TestStack/V' (bootloader/1.4.0) is a version of package 'bootloader', not of 'firmware'; ` +
      'a package\'s default version must be one of its own versions');
  });

  test('an invalid package name is refused', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'my firmware');
    const version = PackageVersion.fromPackageVersionAttributes(stack, 'V', { packageName: new CfnParameter(stack, 'P').valueAsString, versionName: '1.4.0' });

    expect(() => new PackageDefaultVersion(stack, 'Default', { package: pkg, version })).toThrow(
      `${subject}package: its packageName "my firmware" contains U+0020`);
  });

  test('every problem is reported at once, and nothing is created', () => {
    const stack = newStack();
    const pkg = importedPackage(stack, 'Pkg', 'firmware');
    const version = new PackageVersion(stack, 'V', { packageName: 'bootloader', versionName: '1.4.0' });
    const before = stack.node.findAll().length;

    expect(() => new PackageDefaultVersion(stack, 'Default', { package: pkg, version }))
      .toThrow("PackageDefaultVersion 'TestStack/Default' has 2 invalid props:\n  - version: 'TestStack/V' (bootloader/1.4.0) is a version of package");
    // Only the failed construct itself was added: no provider policy, no custom resource.
    expect(stack.node.findAll().length).toBe(before + 1);
  });

  test.each(['package', 'version'])('a missing %s (plain JavaScript) is refused before anything is created', (missing) => {
    const stack = newStack();
    const props: Record<string, unknown> = {
      package: importedPackage(stack, 'Pkg', 'firmware'),
      version: PackageVersion.fromPackageVersionAttributes(stack, 'V', { packageName: 'firmware', versionName: '1' }),
    };
    delete props[missing];

    expect(() => new PackageDefaultVersion(stack, 'Default', props as never)).toThrow(`${subject}${missing}: is missing; ${missing} is required`);
    expect(stack.node.tryFindChild(PROVIDER_ID)).toBeUndefined();
  });

  test.each<[string, (stack: Stack) => ISoftwarePackage, string]>([
    ['a literal name', (stack) => importedPackage(stack, 'Pkg', 'firmware'), "package 'firmware'"],
    ['the same token', (stack) => new TestPackage(stack, 'Pkg', 'firmware'), 'this package'],
  ])('a second designation of one package in a stack (%s) is refused, naming the first', (_label, makePackage, shown) => {
    const stack = newStack();
    const pkg = makePackage(stack);
    const v1 = new PackageVersion(stack, 'V1', { packageName: pkg.packageName, versionName: '1.3.0', status: PackageVersionStatus.PUBLISHED });
    const v2 = new PackageVersion(stack, 'V2', { packageName: pkg.packageName, versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });
    new PackageDefaultVersion(stack, 'Default', { package: pkg, version: v1 });

    expect(() => new PackageDefaultVersion(stack, 'Default2', { package: pkg, version: v2 })).toThrow(
      `PackageDefaultVersion 'TestStack/Default2' has an invalid prop:\n  - package: ${shown} already has a default version in this stack, ` +
      "set by 'TestStack/Default'; a package has one default version: change the version of 'TestStack/Default' instead");
  });

  test('designations of different packages, or of one package in different stacks, are fine', () => {
    const app = new App();
    const stacks = ['One', 'Two'].map((name) => new Stack(app, name));
    for (const stack of stacks) {
      for (const packageName of ['firmware', 'bootloader']) {
        const version = PackageVersion.fromPackageVersionAttributes(stack, `V-${packageName}`, { packageName, versionName: '1.0.0' });
        new PackageDefaultVersion(stack, `Default-${packageName}`, { package: importedPackage(stack, `P-${packageName}`, packageName), version });
      }
    }
    for (const stack of stacks) {
      Template.fromStack(stack).resourceCountIs(TYPE, 2);
    }
  });
});
