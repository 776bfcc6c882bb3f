import { App, Aws, CfnOutput, CfnParameter, Lazy, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { inlinePolicySizeOfRole, logicalIdsOf, renderWorstCase } from './template-helpers';
import { PackageVersion, PackageVersionProps } from '../../src';
import { ROLE_INLINE_POLICY_LIMIT } from '../../src/private/policy-size';
import { PackageVersionProvider, PROVIDER_ID } from '../../src/private/provider';

const TYPE = 'Custom::IotPackageVersion';

function newStack(props: { tags?: Record<string, string> } = {}): Stack {
  const app = new App();
  return new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' }, tags: props.tags });
}

function handlerRoleLogicalId(template: Template): string {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Description: Match.stringLikeRegexp('^Manages AWS IoT software package versions') },
  });
  const ids = Object.keys(roles);
  expect(ids).toHaveLength(1);
  return ids[0];
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
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('PackageVersionProvider'), 'Arn'] },
      PackageName: 'firmware',
      VersionName: '1.4.0',
      Description: 'Bootloader fix',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: [{ Key: 'team', Value: 'edge' }],
    });
  });

  test('CloudFormation waits at most 10 minutes for a response', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    Template.fromStack(stack).hasResourceProperties(TYPE, { ServiceTimeout: '600' });
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
    });
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
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/', { Ref: pkgId }]] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/', { Ref: pkgId }, '/version/*']] },
          ],
        })],
      },
    });
  });
});

describe('removal policy', () => {
  test.each([
    [undefined, 'Delete'],
    [RemovalPolicy.DESTROY, 'Delete'],
    [RemovalPolicy.RETAIN, 'Retain'],
  ])('%s gives DeletionPolicy %s', (removalPolicy, expected) => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0', removalPolicy });

    Template.fromStack(stack).hasResource(TYPE, { DeletionPolicy: expected, UpdateReplacePolicy: expected });
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

describe('provider', () => {
  test('one provider, with one handler and one framework function, for a single version', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Description: Match.stringLikeRegexp('cdk-iot-package-catalog'),
    });
    expect(stack.node.tryFindChild(PROVIDER_ID)).toBeDefined();
  });

  test('450 versions in 5 packages share one provider and get one policy per package', () => {
    const stack = newStack();
    for (let i = 0; i < 450; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `package-${i % 5}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::IAM::Role', 2);
    template.resourceCountIs(TYPE, 450);
    const packagePolicies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('PackagePolicy') },
    });
    expect(Object.keys(packagePolicies)).toHaveLength(5);
  });

  test('the handler role\'s inline policies stay under IAM\'s limit with 450 versions', () => {
    const stack = newStack();
    // Twenty packages with long names, 450 versions in all.
    for (let i = 0; i < 450; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(30)}-${i % 20}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    const { total, count } = inlinePolicySizeOfRole(template, handlerRoleLogicalId(template));
    expect(count).toBe(21); // 20 package policies and the role's default policy
    expect(total).toBeLessThan(ROLE_INLINE_POLICY_LIMIT);
  });

  const packageNames: Array<[string, (stack: Stack) => string[]]> = [
    ['a literal', () => ['firmware']],
    ['128 characters', () => ['p'.repeat(128)]],
    ['a Lazy', () => [Lazy.string({ produce: () => 'late' })]],
    ['a CfnSoftwarePackage', (stack) => [new iot.CfnSoftwarePackage(stack, 'Pkg', { packageName: 'firmware' }).ref]],
    ['a parameter', (stack) => [new CfnParameter(stack, 'Name').valueAsString]],
    ['a package in another stack', (stack) => {
      const other = new Stack(stack.node.root as App, 'Packages', { env: { account: '123456789012', region: 'eu-west-1' } });
      return [new iot.CfnSoftwarePackage(other, 'Pkg', { packageName: 'firmware' }).ref];
    }],
    ['twenty packages', () => Array.from({ length: 20 }, (_, i) => `package-${i}`)],
  ];
  test.each(packageNames)('the guard measures all of the handler role\'s policies, never below their real size (%s)', (_, names) => {
    const stack = newStack();
    const declared = names(stack);
    declared.forEach((packageName, i) => new PackageVersion(stack, `V${i}`, { packageName, versionName: '1.0.0' }));
    const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
    provider.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::assets/*`] }));

    const template = Template.fromStack(stack);
    const { total: real, count } = inlinePolicySizeOfRole(template, handlerRoleLogicalId(template));
    expect(count).toBe(declared.length + 1); // and the role's default policy
    expect(provider.inlinePolicySize()).toBeGreaterThanOrEqual(real);
    expect(provider.inlinePolicySize()).toBeLessThan(real + 50);
  });

  test('two stacks get a provider each', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new PackageVersion(a, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    new PackageVersion(b, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    Template.fromStack(a).resourceCountIs('AWS::Lambda::Function', 2);
    Template.fromStack(b).resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('too many packages for one role fails synthesis with a clear message', () => {
    const stack = newStack();
    for (let i = 0; i < 40; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(100)}-${i}`, versionName: '1.0.0' });
    }

    expect(() => Template.fromStack(stack)).toThrow(/40 different packages.*over IAM's limit of 10240.*another stack/s);
  });
});

describe('the handler role\'s policy size guard', () => {
  /** A new stack with versions of `packages` packages (62-character names), and maybe a statement added to the handler role. */
  function build(packages: number, extra?: iam.PolicyStatement): Stack {
    const stack = newStack();
    for (let i = 0; i < packages; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(60)}-${String(i).padStart(2, '0')}`, versionName: '1.0.0' });
    }
    if (extra) {
      (stack.node.findChild(PROVIDER_ID) as PackageVersionProvider).handlerRole.addToPrincipalPolicy(extra);
    }
    return stack;
  }

  /** What IAM would count for the handler role's inline policies, at worst. */
  function sizeOf(stack: Stack): number {
    const template = Template.fromStack(stack);
    return inlinePolicySizeOfRole(template, handlerRoleLogicalId(template)).total;
  }

  /** A statement that adds exactly `size` characters to a policy (its comma in the Statement list included). */
  function statementOfSize(size: number): iam.PolicyStatement {
    const arn = 'arn:aws:iot:eu-west-1:123456789012:thing/';
    const shell = JSON.stringify({ Action: 'iot:DescribeThing', Effect: 'Allow', Resource: arn }).length + 1;
    return new iam.PolicyStatement({ actions: ['iot:DescribeThing'], resources: [arn + 't'.repeat(size - shell)] });
  }

  test('counts every statement of the role: a stack near the limit passes, and fails once a statement is added to the default policy', () => {
    const one = sizeOf(build(1));
    const perPackage = sizeOf(build(2)) - one;
    const packages = Math.floor((ROLE_INLINE_POLICY_LIMIT - 1_000 - one) / perPackage) + 1;
    const size = sizeOf(build(packages));
    expect(size).toBeGreaterThan(ROLE_INLINE_POLICY_LIMIT - 1_000 - perPackage);
    expect(size).toBeLessThanOrEqual(ROLE_INLINE_POLICY_LIMIT - 1_000);

    // Up to the limit, less a little for rounding in the guard's favour: accepted.
    const fits = ROLE_INLINE_POLICY_LIMIT - size - 50;
    expect(sizeOf(build(packages, statementOfSize(fits)))).toBe(size + fits);
    // One character over: refused.
    expect(() => Template.fromStack(build(packages, statementOfSize(ROLE_INLINE_POLICY_LIMIT - size + 1))))
      .toThrow(/over IAM's limit of 10240/);
  });
});

describe('IAM', () => {
  test('the handler may manage only the declared packages\' versions', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('PackagePolicy') },
    });
    const [policy] = Object.values(policies);
    const rendered = renderWorstCase(policy.Properties.PolicyDocument) as { Statement: unknown[] };
    expect(rendered.Statement).toEqual([{
      Action: [
        'iot:CreatePackageVersion',
        'iot:UpdatePackageVersion',
        'iot:DeletePackageVersion',
        'iot:GetPackageVersion',
        'iot:TagResource',
        'iot:UntagResource',
        'iot:GetPackage',
      ],
      Effect: 'Allow',
      Resource: [
        'arn:aws-iso-f:iot:eu-west-1:123456789012:package/firmware',
        'arn:aws-iso-f:iot:eu-west-1:123456789012:package/firmware/version/*',
      ],
    }]);
    expect(policy.Properties.Roles).toEqual([{ Ref: handlerRoleLogicalId(template) }]);
  });

  test('packages referenced from other stacks get a policy each, even when their construct ids are the same', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'eu-west-1' };
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    const alpha = new iot.CfnSoftwarePackage(a, 'Pkg', { packageName: 'alpha' });
    const beta = new iot.CfnSoftwarePackage(b, 'Pkg', { packageName: 'beta' });
    const c = new Stack(app, 'C', { env });
    new PackageVersion(c, 'Alpha1', { packageName: alpha.ref, versionName: '1' });
    new PackageVersion(c, 'Beta1', { packageName: beta.ref, versionName: '1' });
    new PackageVersion(c, 'Alpha2', { packageName: alpha.ref, versionName: '2' });

    const template = Template.fromStack(c);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('iot:CreatePackageVersion'));
    expect(policies).toHaveLength(2);
    const imports = policies.map((p) => JSON.stringify(p.Properties.PolicyDocument.Statement[0].Resource[0]).match(/"Fn::ImportValue":"([^"]+)"/)![1]);
    expect(new Set(imports).size).toBe(2);
    expect(imports.sort()).toEqual([expect.stringMatching(/^A:/), expect.stringMatching(/^B:/)]);
  });

  test('a package name from a Lazy is rendered at synthesis, not when the version is declared', () => {
    const stack = newStack();
    let name = 'early';
    new PackageVersion(stack, 'V', { packageName: Lazy.string({ produce: () => name }), versionName: '1' });
    name = 'late';

    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain(':package/late');
    expect(json).not.toContain('early');
  });

  test('ARNs are partition-aware', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).not.toContain('arn:aws:');
    expect(json).toContain('{"Ref":"AWS::Partition"}');
  });

  test('the only unscoped IoT permissions are those IAM authorizes only on "*" for packages', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const iotOnStar = statements.filter((s) => s.Resource === '*' && [s.Action].flat().some((a) => a.startsWith('iot:')));
    expect(iotOnStar.map((s) => s.Action)).toEqual([['iot:GetIndexingConfiguration', 'iot:ListTagsForResource']]);
    expect(statements.some((s) => [s.Action].flat().some((a) => a === 'iot:*' || a === '*'))).toBe(false);
  });

  test('each version depends on its package\'s policy', () => {
    const stack = newStack();
    new PackageVersion(stack, 'A1', { packageName: 'pkg-a', versionName: '1' });
    new PackageVersion(stack, 'B1', { packageName: 'pkg-b', versionName: '1' });

    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('PackagePolicy') } });
    const policyFor = (pkg: string) => Object.entries(policies).find(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`:package/${pkg}"`))![0];
    const resources = template.findResources(TYPE);
    const byPackage = (pkg: string) => Object.values(resources).find((r) => r.Properties.PackageName === pkg)!;

    expect(byPackage('pkg-a').DependsOn).toEqual([policyFor('pkg-a')]);
    expect(byPackage('pkg-b').DependsOn).toEqual([policyFor('pkg-b')]);
  });

  test('no managed policies on the provider roles', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('grantRead scopes GetPackageVersion to the package and the version, and grants ListTagsForResource on "*"', () => {
    const stack = newStack();
    const v = new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    v.grantRead(role);

    const template = Template.fromStack(stack);
    const [crId] = logicalIdsOf(template, TYPE);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: [{
          Action: 'iot:GetPackageVersion',
          Effect: 'Allow',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:123456789012:package/firmware']] },
            { Ref: crId },
          ],
        }, {
          // IAM authorizes it on no package or package-version resource type.
          Action: 'iot:ListTagsForResource',
          Effect: 'Allow',
          Resource: '*',
        }],
      },
    });
  });
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
