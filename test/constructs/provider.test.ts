/**
 * The one provider per stack: its functions and roles, the per-package IAM
 * policies, and the guard on the size of the handler role's policies.
 */
import { App, Aws, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { inlinePolicySizeOfRole, logicalIdsOf, renderWorstCase } from './template-helpers';
import { PackageVersion } from '../../src';
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
    // Sixteen packages with long names, 450 versions in all. (With the SBOM
    // actions, a package's policy takes about 530 characters at worst.)
    for (let i = 0; i < 450; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(30)}-${i % 16}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    const { total, count } = inlinePolicySizeOfRole(template, handlerRoleLogicalId(template));
    expect(count).toBe(17); // 16 package policies and the role's default policy
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
    ['sixteen packages', () => Array.from({ length: 16 }, (_, i) => `package-${i}`)],
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
        'iot:AssociateSbomWithPackageVersion',
        'iot:DisassociateSbomFromPackageVersion',
        'iot:ListSbomValidationResults',
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
    expect(iotOnStar.map((s) => s.Action)).toEqual([['iot:GetIndexingConfiguration', 'iot:ListTagsForResource', 'iot:ListPackageVersions']]);
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
