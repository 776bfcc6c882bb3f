import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { arnFormatRegex, callOf, findViolations, resolveValue, resourceTypesOfArn, TemplateJson } from './authorization';
import type { RecordedRequest } from '../moto/moto-server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Catalog/5b9e7c40-0000-4000-8000-000000000000`;
const PKG = `arn:aws:iot:${REGION}:${ACCOUNT}:package/fw`;
const VER = `${PKG}/version/1.0`;
const ROLE = 'HandlerRole';

/** A request as the moto extension records it. */
function request(operation: string, more: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    service: 'iot',
    operation,
    method: 'GET',
    path: '/',
    uriLabels: {},
    clientToken: null,
    bodyFields: [],
    queryParams: [],
    accountId: ACCOUNT,
    region: REGION,
    accessKeyId: 'ASIAHANDLER',
    status: 200,
    errorType: null,
    ...more,
  };
}

const versionCall = (operation: string) => request(operation, { uriLabels: { packageName: 'fw', versionName: '1.0' } });
const tagCall = (operation: string, resourceArn: string) => request(operation, { resourceArn });

/** A template whose role has the given statements in one attached policy. */
function template(...statements: object[]): TemplateJson {
  return {
    Resources: {
      [ROLE]: { Type: 'AWS::IAM::Role', Properties: {} },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'P', Roles: [{ Ref: ROLE }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      },
    },
  };
}

const allow = (Action: string | string[], Resource: unknown) => ({ Effect: 'Allow', Action, Resource });
const check = (requests: RecordedRequest[], t: TemplateJson) => findViolations(requests, t, { roleLogicalId: ROLE, stackId: STACK_ID });

describe('what IAM authorizes a call against', () => {
  test('a package ARN is a package only, a version ARN a packageversion only', async () => {
    expect(await resourceTypesOfArn('iot', PKG)).toEqual(['package']);
    expect(await resourceTypesOfArn('iot', VER)).toEqual(['packageversion']);
    expect(await resourceTypesOfArn('cloudformation', STACK_ID)).toEqual(['stack']);
  });

  test('an ARN format becomes an anchored regex', () => {
    const { regex } = arnFormatRegex('arn:${Partition}:iot:${Region}:${Account}:package/${PackageName}/version/${VersionName}');
    expect(regex.test(VER)).toBe(true);
    expect(regex.test(PKG)).toBe(false);
    expect(regex.test(`${VER}x`.replace('arn:aws:iot', 'arn:aws:iotx'))).toBe(false);
    expect(arnFormatRegex('arn:${Partition}:s3:::${BucketName}').regex.test('arn:aws:s3:::b')).toBe(true);
  });

  test('calls map to actions and ARNs: URI labels, resourceArn, and a stack named by its name', () => {
    expect(callOf(versionCall('GetPackageVersion'), { stackId: STACK_ID })).toMatchObject({ action: 'iot:GetPackageVersion', arns: [PKG, VER] });
    expect(callOf(request('GetPackage', { uriLabels: { packageName: 'fw' } }), { stackId: STACK_ID }).arns).toEqual([PKG]);
    expect(callOf(tagCall('TagResource', VER), { stackId: STACK_ID }).arns).toEqual([VER]);
    const describe = (resourceArn: string) => request('DescribeStacks', { service: 'cloudformation', resourceArn });
    expect(callOf(describe(STACK_ID), { stackId: STACK_ID })).toMatchObject({ action: 'cloudformation:DescribeStacks', arns: [STACK_ID] });
    expect(callOf(describe('Catalog'), { stackId: STACK_ID }).arns).toEqual([STACK_ID]);
    expect(callOf(describe('Other'), { stackId: STACK_ID }).problem).toMatch(/'Other' is not an ARN/);
  });

  test('pseudo parameters resolve from the call; references to resources do not resolve', () => {
    const ctx = { partition: 'aws', region: REGION, accountId: ACCOUNT, stackId: STACK_ID };
    expect(resolveValue({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':package/fw']] }, ctx)).toBe(PKG);
    expect(resolveValue({ Ref: 'AWS::StackId' }, ctx)).toBe(STACK_ID);
    expect(resolveValue({ 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:package/fw' }, ctx)).toBe(PKG);
    expect(resolveValue({ 'Fn::Join': ['', ['x', { 'Fn::GetAtt': ['LogGroup', 'Arn'] }]] }, ctx)).toBeUndefined();
    expect(resolveValue({ Ref: 'Package' }, ctx)).toBeUndefined();
  });

  test('references to resources resolve through resolveReference, when given: Ref, Fn::GetAtt and Fn::Sub', () => {
    const names: Record<string, string> = { 'Package': 'fw', 'Package.PackageArn': PKG };
    const ctx = {
      partition: 'aws',
      region: REGION,
      accountId: ACCOUNT,
      stackId: STACK_ID,
      resolveReference: (id: string, attribute?: string) => names[attribute === undefined ? id : `${id}.${attribute}`],
    };
    expect(resolveValue({ Ref: 'Package' }, ctx)).toBe('fw');
    expect(resolveValue({ 'Fn::GetAtt': ['Package', 'PackageArn'] }, ctx)).toBe(PKG);
    expect(resolveValue({ 'Fn::GetAtt': 'Package.PackageArn' }, ctx)).toBe(PKG);
    expect(resolveValue({ 'Fn::Sub': '${Package.PackageArn}/version/1.0 of ${Package} in ${AWS::Region}' }, ctx)).toBe(`${VER} of fw in ${REGION}`);
    expect(resolveValue({ 'Fn::Join': ['', [{ Ref: 'Other' }, 'x']] }, ctx)).toBeUndefined();
    expect(resolveValue({ Ref: 'AWS::NoValue' }, ctx)).toBeUndefined();
  });
});

describe('violations', () => {
  const VERSION_ACTIONS = ['iot:CreatePackageVersion', 'iot:GetPackageVersion', 'iot:UpdatePackageVersion', 'iot:DeletePackageVersion'];
  const scoped = allow(VERSION_ACTIONS, [PKG, `${PKG}/version/*`]);

  test('none when every call is granted, in any form CloudFormation writes it', async () => {
    const joined = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iot:${REGION}:${ACCOUNT}:package/fw`]] };
    const t = template(
      allow(VERSION_ACTIONS, [joined, { 'Fn::Join': ['', [joined, '/version/*']] }]),
      allow('iot:ListTagsForResource', '*'),
      allow('cloudformation:DescribeStacks', { Ref: 'AWS::StackId' }),
    );
    const requests = [
      ...VERSION_ACTIONS.map((a) => versionCall(a.slice(4))),
      tagCall('ListTagsForResource', VER),
      request('DescribeStacks', { service: 'cloudformation', resourceArn: STACK_ID }),
    ];
    expect(await check(requests, t)).toEqual([]);
  });

  test('a missing action', async () => {
    const t = template(allow(['iot:CreatePackageVersion', 'iot:GetPackageVersion'], [PKG, `${PKG}/version/*`]));
    const violations = await check([versionCall('CreatePackageVersion'), versionCall('DeletePackageVersion')], t);
    expect(violations).toEqual([
      `iot:DeletePackageVersion on ${PKG} and ${VER}: ${PKG} (package): no Allow statement grants it on this ARN`,
      `iot:DeletePackageVersion on ${PKG} and ${VER}: ${VER} (packageversion): no Allow statement grants it on this ARN`,
    ]);
  });

  test('a wrong resource: a version call granted on the package ARN only', async () => {
    const violations = await check([versionCall('UpdatePackageVersion')], template(allow(VERSION_ACTIONS, PKG)));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(`${VER} (packageversion): no Allow statement grants it on this ARN`);
    expect(violations[0]).toContain(`grants it on ${PKG} only`);
  });

  test('ListTagsForResource granted on the package and version ARNs: it has no such resource type, so "*" is needed', async () => {
    const onArns = template(allow('iot:ListTagsForResource', [PKG, `${PKG}/version/*`]));
    const violations = await check([tagCall('ListTagsForResource', VER)], onArns);
    expect(violations).toEqual([expect.stringMatching(
      /^iot:ListTagsForResource on .*\/version\/1\.0: the reference authorizes it on none of this call's resource types \(packageversion\), so IAM checks it against "\*"; no Allow statement grants it on "\*"/,
    )]);

    expect(await check([tagCall('ListTagsForResource', VER)], template(allow('iot:ListTagsForResource', '*')))).toEqual([]);
  });

  test('TagResource on a version is authorized on the version ARN, so a grant there suffices', async () => {
    expect(await check([tagCall('TagResource', VER)], template(allow('iot:TagResource', `${PKG}/version/*`)))).toEqual([]);
  });

  test('an action without resource types must be granted on "*"', async () => {
    const call = request('GetIndexingConfiguration');
    const violations = await check([call], template(allow('iot:GetIndexingConfiguration', `${PKG}*`)));
    expect(violations).toEqual([expect.stringContaining('it has no resource type, so IAM checks it against "*"; no Allow statement grants it on "*"')]);
    expect(await check([call], template(allow('iot:GetIndexingConfiguration', '*')))).toEqual([]);
  });

  test('a Deny wins over an Allow, also with a Condition', async () => {
    const deny = { Effect: 'Deny', Action: 'iot:Delete*', Resource: '*' };
    expect(await check([versionCall('DeletePackageVersion')], template(scoped, deny)))
      .toEqual([expect.stringContaining('denied by AWS::IAM::Policy Policy, statement 2'), expect.stringContaining('denied by')]);
    const conditional = { ...deny, Condition: { StringEquals: { 'aws:ResourceTag/keep': 'yes' } } };
    expect((await check([versionCall('DeletePackageVersion')], template(scoped, conditional)))[0]).toContain('(has a Condition; taken to apply)');
    const elsewhere = { Effect: 'Deny', NotResource: [PKG, `${PKG}/*`], Action: '*' };
    expect(await check([versionCall('DeletePackageVersion')], template(scoped, elsewhere))).toEqual([]);
  });

  test('an Allow with a Condition, NotAction or NotResource is not counted, and the violation says so', async () => {
    const conditional = { ...scoped, Condition: { StringEquals: { 'aws:ResourceTag/team': 'edge' } } };
    const violations = await check([versionCall('GetPackageVersion')], template(conditional));
    expect(violations).toHaveLength(2);
    expect(violations[0]).toContain('statement 1 has a Condition and is not counted');
    expect(await check([versionCall('GetPackageVersion')], template({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })))
      .toEqual([expect.stringContaining('has a NotAction and is not counted'), expect.stringContaining('NotAction')]);
  });

  test('wildcards in actions (case-insensitive) and resources (case-sensitive)', async () => {
    const calls = [versionCall('GetPackageVersion'), versionCall('UpdatePackageVersion')];
    expect(await check(calls, template(allow('IoT:*packageversion', `arn:aws:iot:*:${ACCOUNT}:package/f?*`)))).toEqual([]);
    expect(await check(calls, template(allow('iot:Get*', 'arn:aws:iot:*:*:package/*')))).toEqual([
      expect.stringContaining(`iot:UpdatePackageVersion on ${PKG} and ${VER}: ${PKG} (package)`),
      expect.stringContaining(`iot:UpdatePackageVersion on ${PKG} and ${VER}: ${VER} (packageversion)`),
    ]);
    expect(await check(calls, template(allow('iot:*', 'arn:aws:iot:*:*:package/FW*')))).toHaveLength(4);
    expect(await check(calls, template(allow('iot:*', 'arn:aws:iot:*:*:package/f?')))).toHaveLength(2); // package only
  });

  test('an unknown action is a violation', async () => {
    expect(await check([request('DescribePackageVersion')], template(allow('*', '*'))))
      .toEqual([expect.stringContaining('iot:DescribePackageVersion (us-east-1, 123456789012): not an action of the Service Authorization Reference')]);
  });

  test('a resource that does not resolve grants nothing', async () => {
    const violations = await check([tagCall('TagResource', VER)], template(allow('iot:TagResource', { 'Fn::GetAtt': ['Version', 'Arn'] })));
    expect(violations).toEqual([expect.stringContaining('grants it on {"Fn::GetAtt":["Version","Arn"]} (unresolved) only')]);
  });

  test('the same call made twice is reported once', async () => {
    expect(await check([versionCall('GetPackageVersion'), versionCall('GetPackageVersion')], template())).toHaveLength(2);
  });

  test('only policies attached to the role count, and the role\'s inline policies do', async () => {
    const t = template();
    t.Resources!.Other = {
      Type: 'AWS::IAM::Policy',
      Properties: { Roles: [{ Ref: 'OtherRole' }], PolicyDocument: { Statement: [allow('*', '*')] } },
    };
    expect(await check([versionCall('GetPackageVersion')], t)).toHaveLength(2);
    t.Resources![ROLE].Properties = { Policies: [{ PolicyName: 'Inline', PolicyDocument: { Statement: allow('iot:GetPackageVersion', '*') } }] };
    expect(await check([versionCall('GetPackageVersion')], t)).toEqual([]);
  });

  test('a stack is synthesized to its template', async () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iot:GetPackageVersion'], resources: [stack.formatArn({ service: 'iot', resource: 'package', resourceName: '*' })] }));
    const roleLogicalId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    expect(await findViolations([versionCall('GetPackageVersion')], stack, { roleLogicalId, stackId: STACK_ID })).toEqual([]);
  });
});

describe('what IoT checks on the caller\'s behalf', () => {
  const IOT_WRITE = [allow(['iot:CreatePackageVersion', 'iot:UpdatePackageVersion'], [PKG, VER])];
  const withArtifact = (operation: string) => request(operation, {
    uriLabels: { packageName: 'fw', versionName: '1.0' },
    artifactS3Location: { bucket: 'artifacts', key: 'fw/1.0.bin', version: 'v1' },
  });

  test.each(['CreatePackageVersion', 'UpdatePackageVersion'])('%s with an artifact needs s3:GetObjectVersion on the object', async (operation) => {
    expect(await check([withArtifact(operation)], template(...IOT_WRITE))).toEqual([
      expect.stringContaining('s3:GetObjectVersion on arn:aws:s3:::artifacts/fw/1.0.bin'),
    ]);
    expect(await check([withArtifact(operation)], template(...IOT_WRITE, allow('s3:GetObjectVersion', 'arn:aws:s3:::artifacts/*')))).toEqual([]);
  });

  test('a grant on another bucket does not cover it', async () => {
    expect(await check([withArtifact('CreatePackageVersion')], template(...IOT_WRITE, allow('s3:GetObjectVersion', 'arn:aws:s3:::other/*'))))
      .toHaveLength(1);
  });

  test('without an artifact, and for the SBOM (read by IoT\'s own principal), nothing more is needed', async () => {
    const sbom = request('AssociateSbomWithPackageVersion', {
      uriLabels: { packageName: 'fw', versionName: '1.0' },
      sbomS3Location: { bucket: 'sboms', key: 'fw.zip', version: 'v1' },
    });
    expect(await check([versionCall('CreatePackageVersion'), sbom],
      template(...IOT_WRITE, allow('iot:AssociateSbomWithPackageVersion', [VER])))).toEqual([]);
  });

  test('the handler\'s own HeadObject is s3:GetObject on the object', async () => {
    const head = request('HeadObject', { service: 's3', resourceArn: 'arn:aws:s3:::artifacts/fw/1.0.bin' });
    expect(await check([head], template())).toEqual([expect.stringContaining('s3:GetObject on arn:aws:s3:::artifacts/fw/1.0.bin')]);
    expect(await check([head], template(allow('s3:GetObject', 'arn:aws:s3:::artifacts/*')))).toEqual([]);
  });
});

describe('CreateJob (package deployments)', () => {
  const JOB = `arn:aws:iot:${REGION}:${ACCOUNT}:job/Rollout-0123456789abcdef`;
  const GROUP = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/fleet`;
  const PRESIGN = `arn:aws:iam::${ACCOUNT}:role/presign`;
  const createJob = request('CreateJob', {
    uriLabels: { jobId: 'Rollout-0123456789abcdef' },
    jobTargets: [GROUP],
    destinationPackageVersions: [VER],
    presignedUrlRoleArn: PRESIGN,
    tagged: true,
  });
  const granted = [
    allow('iot:CreateJob', [`arn:aws:iot:${REGION}:${ACCOUNT}:job/Rollout-*`, GROUP, VER]),
    allow(['iot:TagResource'], `arn:aws:iot:${REGION}:${ACCOUNT}:job/Rollout-*`),
    allow('iam:PassRole', PRESIGN),
  ];

  test('is authorized on the job, its targets and its versions; thing groups alone satisfy the targets', async () => {
    expect(callOf(createJob, { stackId: STACK_ID }).arns).toEqual([JOB, GROUP, VER]);
    expect(await check([createJob], template(...granted))).toEqual([]);
  });

  test.each([
    ['a target', [allow('iot:CreateJob', [`arn:aws:iot:${REGION}:${ACCOUNT}:job/Rollout-*`, VER]), granted[1], granted[2]], GROUP],
    ['a version', [allow('iot:CreateJob', [`arn:aws:iot:${REGION}:${ACCOUNT}:job/Rollout-*`, GROUP]), granted[1], granted[2]], VER],
    ['iam:PassRole on the presigned-URL role', [granted[0], granted[1]], PRESIGN],
    ['iot:TagResource on the job', [granted[0], granted[2]], JOB],
  ])('without %s it is denied', async (_, statements, arn) => {
    const violations = await check([createJob], template(...statements));
    expect(violations).toEqual([expect.stringContaining(arn)]);
  });
});
