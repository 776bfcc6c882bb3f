/**
 * The whole version, from a synthesized stack: a PackageVersion created
 * straight into PUBLISHED with an artifact from a local file (a CDK asset),
 * a recipe and an SBOM from a bucket in the stack; then deprecated, with a
 * new description, tags, recipe and SBOM; and a forbidden change refused
 * before any IoT write, and let through during a rollback.
 *
 * The custom resource's properties and the bucket policy come from the
 * synthesized template, resolved as CloudFormation would (deployed-template.ts);
 * the asset is uploaded where the bootstrap bucket would hold it. Every call
 * the handler made is then checked against this very template's role.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HANDLER_CREDENTIALS, STACK_NAME } from './cloudformation-simulator';
import { DeployedTemplate } from './deployed-template';
import { useLifecycle } from './harness';
import { PackageVersion, PackageVersionArtifact, PackageVersionSbom, PackageVersionStatus } from '../../src';
import { PROVIDER_ID } from '../../src/private/provider';
import { findViolations } from '../iam/authorization';
import { createBucket, CYCLONEDX_DOCUMENT, motoS3Client, putBucketPolicy, putObject, SPDX_DOCUMENT, zipArchive } from '../moto/moto-s3';

const env = useLifecycle();
let s3Client: S3Client;
let workDir: string;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SBOM_BUCKET = 'firmware-sboms';
const RECIPE_V1 = '{"version":"1.0","steps":[{"action":{"name":"install","type":"runHandler"}}]} secret-recipe-v1';
const RECIPE_V2 = '{"version":"1.0","steps":[{"action":{"name":"install-v2","type":"runHandler"}}]} secret-recipe-v2';

interface Declared {
  readonly status: PackageVersionStatus;
  readonly artifactFile: string;
  readonly recipe: string;
  readonly sbomKey: string;
  readonly description: string;
  readonly tags: Record<string, string>;
}

const V1: Omit<Declared, 'artifactFile'> = {
  status: PackageVersionStatus.PUBLISHED,
  recipe: RECIPE_V1,
  sbomKey: 'sbom/1.4.0.zip',
  description: 'Bootloader fix',
  tags: { team: 'edge' },
};

beforeAll(() => {
  s3Client = motoS3Client(env.moto.endpoint);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whole-version-'));
  fs.writeFileSync(path.join(workDir, 'firmware-1.4.0.bin'), 'firmware image 1.4.0');
  fs.writeFileSync(path.join(workDir, 'firmware-1.4.0-fixed.bin'), 'firmware image 1.4.0, rebuilt');
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** The stack as a user writes it, synthesized and resolved; the bucket contents it needs are uploaded. */
async function deploy(declared: Declared): Promise<{ template: DeployedTemplate; props: Record<string, unknown>; roleLogicalId: string }> {
  const stack = new Stack(new App(), STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
  const sboms = new s3.Bucket(stack, 'Sboms', { bucketName: SBOM_BUCKET, versioned: true });
  const version = new PackageVersion(stack, 'Firmware140', {
    packageName: 'firmware',
    versionName: '1.4.0',
    description: declared.description,
    tags: declared.tags,
    status: declared.status,
    artifact: PackageVersionArtifact.fromAsset(path.join(workDir, declared.artifactFile)),
    recipe: declared.recipe,
    sbom: PackageVersionSbom.fromBucket(sboms, declared.sbomKey),
  });
  const template = new DeployedTemplate(stack, { account: ACCOUNT, region: REGION, stackId: env.cfn.stackId });
  const [versionId] = template.idsOf('Custom::IotPackageVersion');
  const props = template.propertiesOf(versionId);
  expect(versionId).toBe(stack.getLogicalId(version.node.findChild('Resource').node.defaultChild as CfnElement));

  // What `cdk deploy` and CloudFormation do before the version: the asset in
  // the (versioned) bootstrap bucket, the stack's bucket and its policy.
  const artifact = (props.Artifact as { S3Location: { Bucket: string; Key: string } }).S3Location;
  await createBucket(s3Client, artifact.Bucket);
  await putObject(s3Client, artifact.Bucket, artifact.Key, fs.readFileSync(path.join(workDir, declared.artifactFile)));
  await createBucket(s3Client, SBOM_BUCKET);
  await putObject(s3Client, SBOM_BUCKET, declared.sbomKey, zipArchive({ 'spdx.json': SPDX_DOCUMENT, 'cyclonedx.json': CYCLONEDX_DOCUMENT }));
  const [policyId] = template.idsOf('AWS::S3::BucketPolicy');
  await putBucketPolicy(s3Client, SBOM_BUCKET, template.propertiesOf(policyId).PolicyDocument as object);

  const provider = stack.node.findChild(PROVIDER_ID);
  const role = provider.node.findChild('HandlerRole').node.defaultChild as CfnElement;
  return { template, props, roleLogicalId: stack.getLogicalId(role) };
}

async function handlerCalls(from = 0) {
  return (await env.moto.requests()).slice(from).filter((r) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId);
}

test('create straight into PUBLISHED with an asset artifact, a recipe and an SBOM from the stack\'s bucket; then deprecate and change the rest', async () => {
  await env.moto.setBehaviour({ sbomValidationSeconds: 0 });
  const first = await deploy({ ...V1, artifactFile: 'firmware-1.4.0.bin' });
  expect(first.props).toMatchObject({ Status: 'PUBLISHED', Recipe: RECIPE_V1 });

  const created = await env.cfn.create('Firmware140', first.props);

  expect(created.Status).toBe('SUCCESS');
  expect(created.Data).toMatchObject({ Status: 'PUBLISHED', SbomValidationStatus: 'SUCCEEDED' });
  let live = await env.getVersion('1.4.0');
  const artifact = (first.props.Artifact as { S3Location: { Bucket: string; Key: string } }).S3Location;
  expect(live.artifact?.s3Location).toMatchObject({ bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, key: artifact.Key });
  expect(live.artifact?.s3Location?.version).toBeTruthy();
  expect([live.status, live.recipe, live.sbom?.s3Location?.key]).toEqual(['PUBLISHED', RECIPE_V1, 'sbom/1.4.0.zip']);

  const second = await deploy({
    status: PackageVersionStatus.DEPRECATED,
    artifactFile: 'firmware-1.4.0.bin',
    recipe: RECIPE_V2,
    sbomKey: 'sbom/1.4.0-r2.zip',
    description: 'Bootloader fix; superseded by 1.5.0',
    tags: { team: 'platform', lifecycle: 'deprecated' },
  });
  const updated = await env.cfn.update('Firmware140', created.PhysicalResourceId, second.props, first.props);

  expect(updated.Status).toBe('SUCCESS');
  expect(updated.Data).toMatchObject({ Status: 'DEPRECATED' });
  live = await env.getVersion('1.4.0');
  expect([live.status, live.description, live.recipe, live.sbom?.s3Location?.key])
    .toEqual(['DEPRECATED', 'Bootloader fix; superseded by 1.5.0', RECIPE_V2, 'sbom/1.4.0-r2.zip']);
  expect(await env.tagsOf(created.PhysicalResourceId)).toMatchObject({ team: 'platform', lifecycle: 'deprecated' });
  expect(await env.tagsOf(created.PhysicalResourceId)).not.toHaveProperty('team', 'edge');

  // The recipe is sensitive: in no line the handler logs and no response. (The
  // framework's own event lines are dropped by the deployed framework function,
  // whose log level aws-cdk-lib sets to FATAL; see lifecycle.test.ts.)
  const handlerLines = env.cfn.logs.filter((line) => !line.startsWith('[provider-framework]'));
  const seen = [...handlerLines, JSON.stringify(created), JSON.stringify(updated)].join('\n');
  expect(seen).not.toContain('secret-recipe');

  // Every call the handler made is allowed by this template's own role.
  const violations = await findViolations(await handlerCalls(), second.template.partlyResolved(),
    { roleLogicalId: second.roleLogicalId, stackId: env.cfn.stackId });
  expect(violations).toEqual([]);
});

test('a new artifact file for a published version fails before any IoT write, and succeeds during a rollback', async () => {
  await env.moto.setBehaviour({ sbomValidationSeconds: 0 });
  const first = await deploy({ ...V1, artifactFile: 'firmware-1.4.0.bin' });
  const created = await env.cfn.create('Firmware140', first.props);
  expect(created.Status).toBe('SUCCESS');
  const rebuilt = await deploy({ ...V1, artifactFile: 'firmware-1.4.0-fixed.bin', description: 'Rebuilt' });
  const mark = (await env.moto.requests()).length;

  const forward = await env.cfn.update('Firmware140', created.PhysicalResourceId, rebuilt.props, first.props);

  expect(forward.Status).toBe('FAILED');
  expect(forward.Reason).toContain('Cannot change Artifact of package version \'firmware/1.4.0\': it is PUBLISHED');
  expect(forward.Reason).toContain('change versionName');
  expect(forward.Reason).not.toContain('secret-recipe');
  const writes = (await handlerCalls(mark)).filter((r) => r.service === 'iot' && !/^(Get|List)/.test(r.operation));
  expect(writes).toEqual([]);

  // The same change arriving as a rollback (the template it rolls back to) succeeds.
  const rollback = await env.cfn.update('Firmware140', created.PhysicalResourceId, rebuilt.props, first.props,
    { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
  expect(rollback.Status).toBe('SUCCESS');
  const live = await env.getVersion('1.4.0');
  expect(live.description).toBe('Rebuilt');
  expect(live.artifact?.s3Location?.key).toBe((first.props.Artifact as { S3Location: { Key: string } }).S3Location.Key);
});
