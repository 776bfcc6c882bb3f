/**
 * The one provider per stack: its functions and roles, the per-package IAM
 * policies, and the guard on the size of the handler role's policies.
 */
import { App, Aws, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { inlinePolicySizeOfRole, logicalIdsOf, renderWorstCase } from './template-helpers';
import { PackageVersion, SoftwarePackage } from '../../src';
import { MANAGED_POLICY_LIMIT, PACKAGE_GROUP_LOGICAL_ID_PREFIX, PACKAGE_GROUPS } from '../../src/private/package-groups';
import { ROLE_INLINE_POLICY_LIMIT } from '../../src/private/policy-size';
import { PackageVersionProvider, PROVIDER_ID } from '../../src/private/provider';

type Resources = Record<string, { DependsOn?: string[]; Properties?: unknown }>;

/** Whether resource `from` depends on `to`, directly or through other resources (DependsOn and Ref). */
function dependsOn(resources: Resources, from: string, to: string, seen = new Set<string>()): boolean {
  if (seen.has(from) || !resources[from]) {
    return false;
  }
  seen.add(from);
  const next = [...resources[from].DependsOn ?? [], ...[...JSON.stringify(resources[from].Properties ?? {}).matchAll(/"Ref":"(\w+)"/g)].map((m) => m[1])];
  return next.includes(to) || next.some((id) => dependsOn(resources, id, to, seen));
}

const TYPE = 'Custom::IotPackageVersion';

function newStack(props: { tags?: Record<string, string> } = {}): Stack {
  const app = new App();
  return new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' }, tags: props.tags });
}

/** The package groups' managed policies, rendered at worst (see renderWorstCase), by logical id. */
function groupPolicies(template: Template): Record<string, { Statement: Array<{ Action: string[]; Resource: string[] }> }> {
  const resources = template.toJSON().Resources;
  return Object.fromEntries(Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .map(([id, p]) => [id, renderWorstCase(p.Properties.PolicyDocument, resources) as any]));
}

/** Every resource ARN of the package groups' policies, sorted (an ARN in two statements is listed twice). */
function groupResources(template: Template): string[] {
  return Object.values(groupPolicies(template)).flatMap((d) => d.Statement.flatMap((s) => [s.Resource].flat())).sort();
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

  test('450 versions in 5 packages share one provider; each package is granted once, in one of the package groups\' managed policies', () => {
    const stack = newStack();
    for (let i = 0; i < 450; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `package-${i % 5}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::IAM::Role', 2);
    template.resourceCountIs(TYPE, 450);
    const groups = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(groups.length).toBeGreaterThanOrEqual(1);
    expect(groups.length).toBeLessThanOrEqual(PACKAGE_GROUPS);
    const arn = (name: string) => `arn:aws-us-gov:iot:eu-west-1:123456789012:package/${name}`;
    expect(groupResources(template)).toEqual([0, 1, 2, 3, 4].flatMap((i) => [arn(`package-${i}`), `${arn(`package-${i}`)}/version/*`]).sort());
  });

  test('the handler role\'s policies stay under IAM\'s limits with 450 versions of 16 packages', () => {
    const stack = newStack();
    for (let i = 0; i < 450; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(30)}-${i % 16}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    const { total, count } = inlinePolicySizeOfRole(template, handlerRoleLogicalId(template));
    expect(count).toBe(1); // the role's default policy: the packages are in managed policies
    expect(total).toBeLessThan(ROLE_INLINE_POLICY_LIMIT);
    for (const document of Object.values(groupPolicies(template))) {
      expect(JSON.stringify(document).length).toBeLessThan(MANAGED_POLICY_LIMIT);
    }
  });

  test('100 packages fit in one stack, with versions up to CloudFormation\'s 500 resources', () => {
    const stack = newStack();
    for (let i = 0; i < 480; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `package-${String(i % 100).padStart(3, '0')}`, versionName: `1.0.${i}` });
    }

    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThanOrEqual(500);
    const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
    expect(provider.groupPolicySizes().map((g) => g.packages).reduce((a, b) => a + b)).toBe(100);
    for (const { size } of provider.groupPolicySizes()) {
      expect(size).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    }
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
  test.each(packageNames)('the guard measures the handler role\'s policies, never below their real size (%s)', (_, names) => {
    const stack = newStack();
    const declared = names(stack);
    declared.forEach((packageName, i) => new PackageVersion(stack, `V${i}`, { packageName, versionName: '1.0.0' }));
    const provider = stack.node.findChild(PROVIDER_ID) as PackageVersionProvider;
    provider.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::assets/*`] }));

    const template = Template.fromStack(stack);
    const { total: real, count } = inlinePolicySizeOfRole(template, handlerRoleLogicalId(template));
    expect(count).toBe(1); // the role's default policy
    expect(provider.inlinePolicySize()).toBeGreaterThanOrEqual(real);
    expect(provider.inlinePolicySize()).toBeLessThan(real + 50);
    // Each package group's managed policy, in the order of the groups.
    const realGroups = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, p]) => JSON.stringify(renderWorstCase(p.Properties.PolicyDocument, template.toJSON().Resources)).length);
    const guardGroups = provider.groupPolicySizes().map((g) => g.size);
    expect(guardGroups).toHaveLength(realGroups.length);
    guardGroups.forEach((size, i) => {
      expect(size).toBeGreaterThanOrEqual(realGroups[i]);
      expect(size).toBeLessThan(realGroups[i] + 50);
    });
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

  test('too many packages for one role fails synthesis with a clear message, and would really be over IAM\'s limit', () => {
    const stack = newStack();
    for (let i = 0; i < 150; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: `${'p'.repeat(100)}-${i}`, versionName: '1.0.0' });
    }

    expect(() => Template.fromStack(stack)).toThrow(/150 different packages.*group '\d' has \d+ packages.*over IAM's limit of 6144 for a managed policy.*another stack/s);
    const template = Template.fromJSON((stack.node.root as App).synth({ skipValidation: true, force: true }).getStackByName('TestStack').template);
    const largest = Math.max(...Object.values(groupPolicies(template)).map((d) => JSON.stringify(d).length));
    expect(largest).toBeGreaterThan(MANAGED_POLICY_LIMIT);
  });

  test('a name that is a token but not a reference gets a policy of its own: no group refers to a resource that depends on it', () => {
    // A package's name cut from the ARN of a SoftwarePackage of the same stack
    // (whose resource depends on its group's policy); the Lazies before it
    // change the token's number, which once decided its group.
    for (const lazies of [0, 1, 2, 3, 4, 5]) {
      const stack = newStack();
      for (let i = 0; i < lazies; i++) {
        Lazy.string({ produce: () => 'x' });
      }
      const pkg = new SoftwarePackage(stack, 'Pkg', { packageName: 'firmware' });
      const imported = SoftwarePackage.fromPackageArn(stack, 'Imported', pkg.packageArn);
      new PackageVersion(stack, 'V', { package: imported, versionName: '1.0.0' });

      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { DependsOn?: string[]; Properties?: unknown }>;
      const policies = Object.keys(resources).filter((id) => id.startsWith(PACKAGE_GROUP_LOGICAL_ID_PREFIX));
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        const referenced = [...JSON.stringify(resources[policy].Properties).matchAll(/"Ref":"(\w+)"/g)].map((m) => m[1]);
        for (const id of referenced) {
          expect(dependsOn(resources, id, policy)).toBe(false);
        }
      }
    }
  });

  test('too many policies of their own for IAM\'s 10 managed policies per role, with their copies during a replacement, fail synthesis', () => {
    const stack = newStack();
    for (let i = 0; i < 2; i++) {
      new PackageVersion(stack, `V${i}`, { packageName: Lazy.string({ produce: () => `late-${i}` }), versionName: '1' });
    }
    // 4 groups and 2 own policies: 12 during a replacement.
    for (const name of ['firmware', 'tools', 'camera', 'bootloader']) { // groups 2, 3, 1 and 0
      new PackageVersion(stack, `L${name}`, { packageName: name, versionName: '1' });
    }
    expect(() => Template.fromStack(stack)).toThrow(/up to 12 managed policies.*over IAM's default of 10 per role/s);
  });

  test('a name that is a token and not a reference to a package with a literal name counts at IoT\'s longest', () => {
    const sizeWith = (name: (stack: Stack) => string) => {
      const stack = newStack();
      new PackageVersion(stack, 'V', { packageName: name(stack), versionName: '1' });
      Template.fromStack(stack);
      return (stack.node.findChild(PROVIDER_ID) as PackageVersionProvider).groupPolicySizes()[0].size;
    };
    expect(sizeWith((stack) => new CfnParameter(stack, 'Name').valueAsString)).toBe(sizeWith(() => 'p'.repeat(128)));
    expect(sizeWith((stack) => new iot.CfnSoftwarePackage(stack, 'Pkg', { packageName: 'firmware' }).ref)).toBe(sizeWith(() => 'firmware'));
    // Renamed with an override: the name the template has counts, not the prop's.
    expect(sizeWith((stack) => {
      const pkg = new iot.CfnSoftwarePackage(stack, 'Pkg', { packageName: 'firmware' });
      pkg.addPropertyOverride('PackageName', 'p'.repeat(100));
      return pkg.ref;
    })).toBe(sizeWith(() => 'p'.repeat(100)));
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
    const size = sizeOf(build(1));
    // Up to the limit, less a little for rounding in the guard's favour: accepted.
    const fits = ROLE_INLINE_POLICY_LIMIT - size - 50;
    expect(sizeOf(build(1, statementOfSize(fits)))).toBe(size + fits);
    // One character over: refused.
    expect(() => Template.fromStack(build(1, statementOfSize(ROLE_INLINE_POLICY_LIMIT - size + 1))))
      .toThrow(/over IAM's limit of 10240/);
  });

  test('packages do not count towards the role\'s inline policies: they are in the package groups\' managed policies', () => {
    expect(sizeOf(build(60))).toBe(sizeOf(build(1)));
  });
});

describe('IAM', () => {
  test('the handler may manage only the declared packages\' versions: version actions on the package and its versions, ' +
    'tagging and SBOMs on the versions only, GetPackage on the package only', () => {
    const stack = newStack();
    new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1.0.0' });

    const template = Template.fromStack(stack);
    const [[id, document]] = Object.entries(groupPolicies(template));
    expect(document.Statement).toEqual([{
      Action: [
        'iot:AssociateSbomWithPackageVersion',
        'iot:CreatePackageVersion',
        'iot:DeletePackageVersion',
        'iot:DisassociateSbomFromPackageVersion',
        'iot:GetPackageVersion',
        'iot:ListSbomValidationResults',
        'iot:TagResource',
        'iot:UntagResource',
        'iot:UpdatePackageVersion',
      ],
      Effect: 'Allow',
      Resource: 'arn:aws-us-gov:iot:eu-west-1:123456789012:package/firmware/version/*',
    }, {
      Action: ['iot:CreatePackageVersion', 'iot:DeletePackageVersion', 'iot:GetPackage', 'iot:GetPackageVersion', 'iot:UpdatePackageVersion'],
      Effect: 'Allow',
      Resource: 'arn:aws-us-gov:iot:eu-west-1:123456789012:package/firmware',
    }]);
    expect(template.toJSON().Resources[id].Properties.Roles).toEqual([{ Ref: handlerRoleLogicalId(template) }]);
  });

  test('a package group\'s description changes with its document and names its packages that are not literals, ' +
    'so that CloudFormation replaces the policy when a package joins, leaves or is renamed', () => {
    const describe = (build: (stack: Stack) => void) => {
      const stack = newStack();
      build(stack);
      return Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.Description);
    };
    const one = describe((stack) => new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1' }));
    expect(one).toEqual([expect.stringMatching(/^cdk-iot-package-catalog: what the handler may do with 1 package\(s\), revision [0-9a-f]{16}$/)]);
    // Another version of the same package: the same policy.
    expect(describe((stack) => {
      new PackageVersion(stack, 'V', { packageName: 'firmware', versionName: '1' });
      new PackageVersion(stack, 'W', { packageName: 'firmware', versionName: '2' });
    })).toEqual(one);
    // Another package name: another document.
    expect(describe((stack) => new PackageVersion(stack, 'V', { packageName: 'modem', versionName: '1' }))).not.toEqual(one);
    // A name that is a token is in the description as itself, where CloudFormation
    // resolves it: the document holds the Ref, which a rename does not change.
    const byRef = (packageName: string, override?: string) => describe((stack) => {
      const pkg = new iot.CfnSoftwarePackage(stack, 'Pkg', { packageName });
      if (override) {
        pkg.addPropertyOverride('PackageName', override);
      }
      new PackageVersion(stack, 'V', { packageName: pkg.ref, versionName: '1' });
    });
    const [firmware] = byRef('firmware');
    expect(JSON.stringify(firmware)).toMatch(/names: ".*\{"Ref":"Pkg"\}/);
    // Renamed by its props or by an override: the Ref in the description is
    // what changes at deployment, so the same template text is right.
    expect(byRef('modem')).toEqual([firmware]);
    expect(byRef('firmware', 'modem')).toEqual([firmware]);
    // The same for an import from another stack.
    const [imported] = describe((stack) => new PackageVersion(stack, 'V', {
      packageName: new iot.CfnSoftwarePackage(new Stack(stack.node.root as App, 'Other', { env: stack.env }), 'Pkg', { packageName: 'firmware' }).ref,
      versionName: '1',
    }));
    expect(JSON.stringify(imported)).toMatch(/names: ".*\{"Fn::ImportValue":"Other:/);
  });

  test('a group lists its packages in the same order however the constructs are declared', () => {
    const document = (names: string[]) => {
      const stack = newStack();
      names.forEach((packageName, i) => new PackageVersion(stack, `V${i}`, { packageName, versionName: '1' }));
      return Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    };
    // Enough names that some group holds several.
    const names = [...Array(12).keys()].map((i) => `package-${i}`);
    const forward = document(names);
    expect(Object.values(forward).some((p) => [p.Properties.PolicyDocument.Statement[0].Resource].flat().length > 1)).toBe(true);
    expect(document([...names].reverse())).toEqual(forward);
  });

  test('packages referenced from other stacks get a grant each, even when their construct ids are the same', () => {
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
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>)
      .filter((st) => st.Action.includes('iot:GetPackage'));
    const imports = statements.flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r).match(/"Fn::ImportValue":"([^"]+)"/)![1]);
    expect(imports).toHaveLength(2);
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
    const statements = Object.values({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const iotOnStar = statements.filter((s) => s.Resource === '*' && [s.Action].flat().some((a) => a.startsWith('iot:')));
    expect(iotOnStar.map((s) => s.Action)).toEqual([['iot:GetIndexingConfiguration', 'iot:ListTagsForResource', 'iot:ListPackageVersions']]);
    expect(statements.some((s) => [s.Action].flat().some((a) => a === 'iot:*' || a === '*'))).toBe(false);
  });

  test('each version depends on its package group\'s policy', () => {
    const stack = newStack();
    new PackageVersion(stack, 'A1', { packageName: 'pkg-a', versionName: '1' });
    new PackageVersion(stack, 'B1', { packageName: 'pkg-b', versionName: '1' });

    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const policyFor = (pkg: string) => Object.entries(policies).find(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`:package/${pkg}"`))![0];
    const resources = template.findResources(TYPE);
    const byPackage = (pkg: string) => Object.values(resources).find((r) => r.Properties.PackageName === pkg)!;

    expect(byPackage('pkg-a').DependsOn).toEqual([policyFor('pkg-a')]);
    expect(byPackage('pkg-b').DependsOn).toEqual([policyFor('pkg-b')]);
  });

  test('no AWS managed policies on the provider roles (outside a VPC)', () => {
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
