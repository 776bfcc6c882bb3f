/**
 * A version that a stack update deletes (removed, or replaced) is deleted in
 * CloudFormation's clean-up phase, after every policy update: its delete
 * must be authorized by a policy that the update leaves unchanged, or
 * deletes after the version (see cleanup-permission.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iot from 'aws-cdk-lib/aws-iot';
import { CfnResourceJson, CfnTemplate, cleanupFindings, CleanupFinding, describeFindings, handlerRoleOf } from './cleanup-permission';
import { PackageVersion, SoftwarePackage } from '../../src';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const PACKAGES = `arn:aws:iot:${REGION}:${ACCOUNT}:package`;

// --------------------------------------------------------------------------
// Hand-written templates

const ROLE = 'HandlerRole';
const FRAMEWORK = 'FrameworkFunction';
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** A template with a provider (framework function, handler, role) and the given resources. */
function template(resources: Record<string, CfnResourceJson>): CfnTemplate {
  return {
    Resources: {
      [ROLE]: { Type: 'AWS::IAM::Role', Properties: {} },
      OtherRole: { Type: 'AWS::IAM::Role', Properties: {} },
      Handler: { Type: 'AWS::Lambda::Function', Properties: { Role: getAtt(ROLE) } },
      [FRAMEWORK]: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: getAtt('OtherRole'), Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: getAtt('Handler') } } },
      },
      ...resources,
    },
  };
}

function version(packageName: unknown, versionName: unknown, dependsOn: string[] = [], more: Partial<CfnResourceJson> = {}): CfnResourceJson {
  return {
    Type: 'Custom::IotPackageVersion',
    Properties: { ServiceToken: getAtt(FRAMEWORK), PackageName: packageName, VersionName: versionName },
    DependsOn: dependsOn,
    ...more,
  };
}

function policy(statements: object[], role = ROLE): CfnResourceJson {
  return {
    Type: 'AWS::IAM::Policy',
    Properties: { PolicyName: 'P', Roles: [{ Ref: role }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  };
}

const allow = (Action: string | string[], Resource: unknown) => ({ Effect: 'Allow', Action, Resource });
/** What the provider grants for one package: the package and its versions. */
const packageGrant = (name: string, actions: string[] = ['iot:DeletePackageVersion', 'iot:GetPackageVersion']) =>
  allow(actions, [`${PACKAGES}/${name}`, `${PACKAGES}/${name}/version/*`]);

/** The findings, or an error listing the versions whose delete is not covered. */
async function expectCovered(before: CfnTemplate, after: CfnTemplate): Promise<CleanupFinding[]> {
  const findings = await cleanupFindings(before, after);
  const uncovered = findings.filter((f) => !f.covered);
  if (uncovered.length > 0) {
    throw new Error(`${uncovered.length} deleted version(s) lose the permission of their delete in the clean-up phase:\n${describeFindings(uncovered)}`);
  }
  return findings;
}

/** The one finding of an update. */
async function onlyFinding(before: CfnTemplate, after: CfnTemplate): Promise<CleanupFinding> {
  const findings = await cleanupFindings(before, after);
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('the checker, on hand-written templates', () => {
  const withVersion = { Policy: policy([packageGrant('fw')]), V: version('fw', '1.0', ['Policy']) };
  const withoutVersion = { Policy: policy([packageGrant('fw')]) };

  test('nothing deleted: no finding (nor for a version whose other properties change)', async () => {
    expect(await cleanupFindings(template(withVersion), template(withVersion))).toEqual([]);
    const described = { ...withVersion, V: { ...withVersion.V, Properties: { ...withVersion.V.Properties, Description: 'x' } } };
    expect(await cleanupFindings(template(withVersion), template(described))).toEqual([]);
  });

  test('a removed version whose policy is unchanged: covered', async () => {
    const finding = await onlyFinding(template(withVersion), template(withoutVersion));
    expect(finding).toMatchObject({
      versionLogicalId: 'V', change: 'removed', packageArn: `${PACKAGES}/fw`, versionArn: `${PACKAGES}/fw/version/1.0`, covered: true,
    });
    expect(finding.why).toContain('AWS::IAM::Policy Policy (unchanged)');
  });

  test('a policy updated in place does not count, even though its new document still grants the delete', async () => {
    const updated = { Policy: policy([packageGrant('fw', ['iot:DeletePackageVersion', 'iot:GetPackageVersion', 'iot:TagResource'])]) };
    const finding = await onlyFinding(template(withVersion), template(updated));
    expect(finding.covered).toBe(false);
    expect(finding.why).toContain(`${PACKAGES}/fw: granted only by AWS::IAM::Policy Policy (updated in place in this deploy`);
    expect(await cleanupFindings(template(withVersion), template(updated))).toEqual([expect.objectContaining({ covered: false })]);
  });

  test('a deleted policy the version depended on: covered (it is deleted after the version)', async () => {
    const finding = await onlyFinding(template(withVersion), template({}));
    expect(finding.covered).toBe(true);
    expect(finding.why).toContain('AWS::IAM::Policy Policy (deleted in this deploy, after the version: the version depends on it)');
  });

  test('a deleted policy the version did not depend on: not covered', async () => {
    const undepended = { Policy: withVersion.Policy, V: version('fw', '1.0') };
    const finding = await onlyFinding(template(undepended), template({}));
    expect(finding.covered).toBe(false);
    expect(finding.why).toContain('the version does not depend on it, so it may go first: not counted');
  });

  test('a version replaced because its PackageName changes: the old ARNs are checked', async () => {
    const renamed = { Policy: policy([packageGrant('fw'), packageGrant('fw2')]), V: version('fw2', '1.0', ['Policy']) };
    const bothNames = { ...renamed, V: version('fw', '1.0', ['Policy']) };
    expect(await onlyFinding(template(bothNames), template(renamed))).toMatchObject({
      versionLogicalId: 'V', change: 'replaced', packageArn: `${PACKAGES}/fw`, versionArn: `${PACKAGES}/fw/version/1.0`, covered: true,
    });
    // The same rename, with the policy granting the new name only before and after: the old version is not covered.
    const newNameOnly = { Policy: policy([packageGrant('fw2')]), V: version('fw', '1.0', ['Policy']) };
    const finding = await onlyFinding(template(newNameOnly), template({ ...newNameOnly, V: renamed.V }));
    expect(finding).toMatchObject({ change: 'replaced', versionArn: `${PACKAGES}/fw/version/1.0`, covered: false });
    expect(finding.why).toContain(`${PACKAGES}/fw: no policy of ${ROLE} grants it`);
  });

  test('a version replaced because its VersionName changes', async () => {
    const finding = await onlyFinding(template(withVersion), template({ ...withVersion, V: version('fw', '2.0', ['Policy']) }));
    expect(finding).toMatchObject({ change: 'replaced', versionArn: `${PACKAGES}/fw/version/1.0`, covered: true });
  });

  test('both ARNs must be granted: a grant on the package alone does not cover the version ARN', async () => {
    const packageOnly = { Policy: policy([allow('iot:DeletePackageVersion', `${PACKAGES}/fw`)]), V: version('fw', '1.0', ['Policy']) };
    const finding = await onlyFinding(template(packageOnly), template({ Policy: packageOnly.Policy }));
    expect(finding.covered).toBe(false);
    expect(finding.why).toContain(`${PACKAGES}/fw: allowed by AWS::IAM::Policy Policy (unchanged)`);
    expect(finding.why).toContain(`${PACKAGES}/fw/version/1.0: no policy of ${ROLE} grants it`);
  });

  test.each([
    ['iot:*', `${PACKAGES}/fw*`, true],
    ['IoT:delete*', `arn:aws:iot:*:${ACCOUNT}:package/f?*`, true],
    ['iot:Delete*', ['arn:aws:iot:eu-west-?:*:package/fw', 'arn:aws:iot:eu-west-?:*:package/fw/version/*'], true],
    ['iot:Get*', '*', false],
    ['iot:DeletePackage', '*', false],
    ['iot:*', `${PACKAGES}/FW*`, false],
    ['iot:*', `${PACKAGES}/f?`, false],
  ])('wildcards: %s on %j covers both ARNs: %s', async (action, resource, covered) => {
    const granted = { Policy: policy([allow(action, resource)]), V: version('fw', '1.0', ['Policy']) };
    expect((await onlyFinding(template(granted), template({ Policy: granted.Policy }))).covered).toBe(covered);
  });

  test('only the handler role\'s policies count, and not a statement with a Condition', async () => {
    const elsewhere = { Policy: policy([allow('*', '*')], 'OtherRole'), V: version('fw', '1.0') };
    expect((await onlyFinding(template(elsewhere), template({ Policy: elsewhere.Policy }))).covered).toBe(false);
    const conditional = { Policy: policy([{ ...allow('*', '*'), Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]), V: version('fw', '1.0') };
    expect((await onlyFinding(template(conditional), template({ Policy: conditional.Policy }))).covered).toBe(false);
    const inline = template({ V: version('fw', '1.0') });
    (inline.Resources![ROLE] as { Properties: object }).Properties = { Policies: [{ PolicyName: 'I', PolicyDocument: { Statement: [allow('iot:*', '*')] } }] };
    const after = template({});
    (after.Resources![ROLE] as { Properties: object }).Properties = inline.Resources![ROLE].Properties!;
    expect((await onlyFinding(inline, after)).why).toContain(`AWS::IAM::Role ${ROLE} (unchanged)`);
  });

  test('a policy created by the update does not count', async () => {
    const finding = await onlyFinding(template({ V: version('fw', '1.0') }), template({ New: policy([packageGrant('fw')]) }));
    expect(finding.covered).toBe(false);
    expect(finding.why).toContain('AWS::IAM::Policy New (created in this deploy: not counted)');
  });

  test('a retained version is not deleted: DeletionPolicy when removed, UpdateReplacePolicy when replaced', async () => {
    const kept = { V: version('fw', '1.0', [], { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Delete' }) };
    expect(await onlyFinding(template(kept), template({}))).toMatchObject({ covered: true, why: 'not deleted: its DeletionPolicy is Retain' });
    expect((await onlyFinding(template(kept), template({ V: version('fw', '2.0') }))).covered).toBe(false);
    const keptOnReplace = { V: version('fw', '1.0', [], { UpdateReplacePolicy: 'Retain' }) };
    expect((await onlyFinding(template(keptOnReplace), template({ V: version('fw', '2.0') }))).covered).toBe(true);
  });

  test('a Deny statement, or a template managed policy in the role\'s ManagedPolicyArns, fails loudly', async () => {
    const denied = { Policy: policy([packageGrant('fw'), { Effect: 'Deny', Action: 'iot:*', Resource: '*' }]), V: version('fw', '1.0', ['Policy']) };
    await expect(cleanupFindings(template(denied), template({ Policy: denied.Policy }))).rejects.toThrow(/not an Allow .*statement 2/);
    const managed = template({ V: version('fw', '1.0'), Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: {} } } });
    (managed.Resources![ROLE] as { Properties: object }).Properties = { ManagedPolicyArns: [{ Ref: 'Managed' }] };
    await expect(cleanupFindings(managed, template({}))).rejects.toThrow(/attaches Managed through ManagedPolicyArns/);
  });

  test('the handler role is found through the ServiceToken; a chain it cannot follow fails loudly', async () => {
    const t = template({ V: version('fw', '1.0') });
    expect(handlerRoleOf(t, 'V')).toEqual({ functionId: FRAMEWORK, roleId: ROLE });
    // A ServiceToken naming the handler itself (no framework).
    const direct = { ...t.Resources!.V, Properties: { ...t.Resources!.V.Properties, ServiceToken: getAtt('Handler') } };
    expect(handlerRoleOf({ Resources: { ...t.Resources, V: direct } }, 'V')).toEqual({ functionId: 'Handler', roleId: ROLE });
    const broken = { ...t.Resources!.V, Properties: { ...t.Resources!.V.Properties, ServiceToken: 'arn:aws:lambda:eu-west-1:1:function:x' } };
    await expect(cleanupFindings({ Resources: { ...t.Resources, V: broken } }, template({}))).rejects.toThrow(/ServiceToken is not Fn::GetAtt/);
  });

  test('the handler runs under another role after the update: not covered', async () => {
    const after = template({ Policy: withVersion.Policy });
    after.Resources!.Handler = { Type: 'AWS::Lambda::Function', Properties: { Role: getAtt('OtherRole') } };
    expect((await onlyFinding(template(withVersion), after)).why).toBe(`the handler runs under OtherRole in the clean-up phase, not ${ROLE}`);
  });

  describe('references resolve: packages, versions, pseudo parameters', () => {
    const pkgArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, `:${ACCOUNT}:package/`, { Ref: 'Pkg' }]] };
    const byRef = (name: string) => ({
      Pkg: { Type: 'AWS::IoT::SoftwarePackage', Properties: { PackageName: name } },
      Policy: policy([allow('iot:DeletePackageVersion', [pkgArn, { 'Fn::Join': ['', [pkgArn, '/version/*']] }])]),
      V: version({ Ref: 'Pkg' }, '1.0', ['Policy']),
    });

    test('Ref of an AWS::IoT::SoftwarePackage is its name, in the version and in the policy', async () => {
      const { V: _removed, ...kept } = byRef('fw');
      expect(await onlyFinding(template(byRef('fw')), template(kept)))
        .toMatchObject({ versionArn: `${PACKAGES}/fw/version/1.0`, covered: true });
    });

    test('renaming the referenced package updates the policy in place, though its text is the same: not covered', async () => {
      const finding = await onlyFinding(template(byRef('fw')), template(byRef('fw2')));
      expect(finding).toMatchObject({ change: 'replaced', versionArn: `${PACKAGES}/fw/version/1.0`, covered: false });
      expect(finding.why).toContain('AWS::IAM::Policy Policy (updated in place');
    });

    test('Ref and PackageArn of a Custom::IotSoftwarePackage are its ARN; Fn::Sub resolves pseudo parameters and attributes', async () => {
      const custom = {
        Pkg: { Type: 'Custom::IotSoftwarePackage', Properties: { PackageName: 'fw' } },
        Policy: policy([allow('iot:DeletePackageVersion', [
          { Ref: 'Pkg' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:package/${Pkg.PackageName}/version/*' },
        ])]),
        V: version(getAtt('Pkg', 'PackageName'), { 'Fn::Sub': '${AWS::Region}-1' }, ['Policy']),
      };
      expect(await onlyFinding(template(custom), template({ Pkg: custom.Pkg, Policy: custom.Policy })))
        .toMatchObject({ packageArn: `${PACKAGES}/fw`, versionArn: `${PACKAGES}/fw/version/${REGION}-1`, covered: true });
    });

    test('a version whose name does not resolve is reported, not guessed', async () => {
      const finding = await onlyFinding(template({ V: version({ Ref: 'Unknown' }, '1.0') }), template({}));
      expect(finding).toMatchObject({ covered: false, versionArn: undefined });
      expect(finding.why).toContain('does not resolve');
    });
  });
});

// --------------------------------------------------------------------------
// The pairs of issue 10, synthesized from real apps of this library

/** The template of stack 'Catalog' as `build` declares it, in an app of its own. */
function synth(build: (stack: Stack) => void): CfnTemplate {
  const stack = new Stack(new App(), 'Catalog', { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** What each finding is about: its change and old version ARN, sorted. */
const deleted = (findings: CleanupFinding[]) => findings.map((f) => `${f.change} ${f.versionArn}`).sort();

describe('the pairs of issue 11, from real apps', () => {
  test('adding packages (a SoftwarePackage, a CfnSoftwarePackage) while one version of an existing package is removed', async () => {
    const firmware = (stack: Stack, versions: string[]) => {
      const pkg = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
      versions.forEach((v) => pkg.addVersion(`V${v.replace(/\./g, '')}`, { versionName: v }));
    };
    const before = synth((stack) => firmware(stack, ['1.0.0', '1.1.0']));
    const after = synth((stack) => {
      firmware(stack, ['1.0.0']);
      new SoftwarePackage(stack, 'Modem', { packageName: 'modem' }).addVersion('V1', { versionName: '1.0.0' });
      const bootloader = new iot.CfnSoftwarePackage(stack, 'Bootloader', { packageName: 'bootloader' });
      new PackageVersion(stack, 'BootloaderV1', { packageName: bootloader.ref, versionName: '1.0.0' });
    });
    const findings = await expectCovered(before, after);
    expect(deleted(findings)).toEqual([`removed ${PACKAGES}/firmware/version/1.1.0`]);
    // The package group's managed policy is unchanged, or replaced when a new package joined its group.
    expect(findings[0].why).toMatch(/allowed by AWS::IAM::ManagedPolicy IotPackageCatalogPackages\d \((unchanged|replaced in this deploy, after the version)/);
  });

  test('removing packages together with their versions (a SoftwarePackage, and a CfnSoftwarePackage named by reference)', async () => {
    const modem = (stack: Stack) => new SoftwarePackage(stack, 'Modem', { packageName: 'modem' }).addVersion('V1', { versionName: '1.0.0' });
    const before = synth((stack) => {
      modem(stack);
      const firmware = new SoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
      firmware.addVersion('V100', { versionName: '1.0.0' });
      firmware.addVersion('V110', { versionName: '1.1.0' });
      const bootloader = new iot.CfnSoftwarePackage(stack, 'Bootloader', { packageName: 'bootloader' });
      new PackageVersion(stack, 'BootloaderV1', { packageName: bootloader.ref, versionName: '1.0.0' });
    });
    const after = synth(modem);
    const findings = await expectCovered(before, after);
    expect(deleted(findings)).toEqual([
      `removed ${PACKAGES}/bootloader/version/1.0.0`,
      `removed ${PACKAGES}/firmware/version/1.0.0`,
      `removed ${PACKAGES}/firmware/version/1.1.0`,
    ]);
    for (const finding of findings) {
      // Deleted with its last package, or replaced when modem's versions share the group.
      expect(finding.why).toMatch(/allowed by AWS::IAM::ManagedPolicy IotPackageCatalogPackages\d \((deleted|replaced) in this deploy, after the version/);
    }
  });

  describe('renaming a package through a reference (packageName: cfnPkg.ref; firmware becomes firmware-v2)', () => {
    const catalog = (packageName: string) => synth((stack) => {
      const firmware = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName });
      new PackageVersion(stack, 'V100', { packageName: firmware.ref, versionName: '1.0.0' });
      new PackageVersion(stack, 'V110', { packageName: firmware.ref, versionName: '1.1.0' });
    });
    const before = catalog('firmware');
    const after = catalog('firmware-v2');

    // The package group's description names the reference, so the rename
    // replaces the policy: its old copy, which grants the old name, is
    // deleted in the clean-up phase after the old versions.
    test('the replaced versions keep the permission of their delete', async () => {
      const findings = await expectCovered(before, after);
      expect(deleted(findings)).toEqual([`replaced ${PACKAGES}/firmware/version/1.0.0`, `replaced ${PACKAGES}/firmware/version/1.1.0`]);
      for (const finding of findings) {
        expect(finding.why).toMatch(/allowed by AWS::IAM::ManagedPolicy IotPackageCatalogPackages\d \(replaced in this deploy, after the version/);
      }
    });
  });
});
