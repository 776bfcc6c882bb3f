/**
 * The built packages, consumed the way users consume them:
 *
 * - Python: a fresh venv installs the wheel from dist/python plus aws-cdk-lib
 *   and constructs from PyPI, and runs test/consumers/python/app.py;
 * - Java: Maven resolves the jar from dist/java (laid out as a Maven
 *   repository by jsii-pacmak) plus aws-cdk-lib from Maven Central, and runs
 *   test/consumers/java;
 * - TypeScript: test/consumers/typescript/app.ts, the reference.
 *
 * All three declare the same stack; their templates must be equal, and each
 * must carry what the apps ask of the artifact, recipe, SBOM and status props
 * (so that a prop lost in translation is named, not only seen in a diff).
 * Each uses the same aws-cdk-lib version (the one in node_modules), since a
 * different aws-cdk-lib legitimately changes its own framework function's asset.
 *
 * The README's complete app (readme-app.ts, readme_app.py,
 * FirmwareCatalogApp.java) is run the same way, in the same venv and Maven
 * project, and its three templates must be equal too.
 *
 * Run with `npx projen test:consumers` after `npx projen package-all`.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { CONSUMER_SOURCES, JAVA_PROJECT, README_APPS, README_JAVA_MAIN_CLASS, REPO_ROOT } from './sources';

const DIST = path.join(REPO_ROOT, 'dist');
const STACK = 'ConsumerCatalog';
/** The second stack: its provider in a VPC, with a log group of its own and named roles. */
const NETWORK_STACK = 'ConsumerNetwork';
const HANDLER_IN_TARBALL = 'package/assets/package-version-handler/index.js';
const VERSION_TYPE = 'Custom::IotPackageVersion';
const ASSET_BUCKET = 'cdk-hnb659fds-assets-123456789012-eu-west-1';

// What the apps read from test/consumers/fixtures.
const FIXTURES = path.join(__dirname, 'fixtures');
const IMAGE = fs.readFileSync(path.join(FIXTURES, 'firmware-2.0.0.bin'));
const RECIPE = fs.readFileSync(path.join(FIXTURES, 'firmware-2.0.0.recipe.json'), 'utf8');

const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), 'utf8')).version as string;
const LIBRARY_VERSION = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
const CDK_VERSION = versionOf('aws-cdk-lib');
const CONSTRUCTS_VERSION = versionOf('constructs');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-consumers-'));
const timings: Record<string, number> = {};
const ENV = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', AWS_EC2_METADATA_DISABLED: 'true' };

/** Runs a command; fails the test with its output if it fails. Returns seconds taken. */
function run(label: string, command: string, args: string[], options: SpawnSyncOptions = {}): number {
  const start = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', env: ENV, maxBuffer: 64 * 1024 * 1024, ...options });
  const seconds = (Date.now() - start) / 1000;
  timings[label] = (timings[label] ?? 0) + seconds;
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${label}: '${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return seconds;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string[];
}

interface Template {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

/** A synthesized consumer stack. */
interface Synthesized {
  readonly outdir: string;
  /** The template, each recipe replaced by its length. */
  readonly template: Template;
  /** Whether every recipe in the template is the fixture's. */
  readonly recipesMatchFixture: boolean;
  /** The second stack's template. */
  readonly network: Template;
}

/**
 * Reads the stack a consumer synthesized. A recipe is sensitive (IoT marks
 * it so), so no comparison may print it: it is replaced by its length, and
 * compared with the fixture only as a boolean.
 */
function synthesized(outdir: string): Synthesized {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8')) as Template;
  let recipesMatchFixture = true;
  for (const resource of Object.values(template.Resources)) {
    const recipe = resource.Properties?.Recipe;
    if (resource.Type === VERSION_TYPE && recipe !== undefined) {
      recipesMatchFixture = recipesMatchFixture && recipe === RECIPE;
      resource.Properties!.Recipe = redactedRecipe(recipe);
    }
  }
  const network = JSON.parse(fs.readFileSync(path.join(outdir, `${NETWORK_STACK}.template.json`), 'utf8')) as Template;
  return { outdir, template, recipesMatchFixture, network };
}

/** Both stacks carry the provider settings the apps give. */
function expectProviderSettings({ template, network }: Synthesized): void {
  const of = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);
  const handlerOf = (t: Template) => of(t, 'AWS::Lambda::Function').find((r) => r.Properties?.Handler === 'index.handler')!;
  expect(handlerOf(template).Properties).toMatchObject({ MemorySize: 512, Timeout: 300 });
  expect(of(template, 'AWS::Logs::LogGroup').map((r) => [r.Properties?.RetentionInDays, (r as any).DeletionPolicy])).toEqual([[30, 'Retain'], [30, 'Retain']]);
  const providerRoles = of(template, 'AWS::IAM::Role').filter((r) => r.Properties?.Path !== undefined);
  expect(providerRoles.map((r) => r.Properties!.Path)).toEqual(['/iot-catalog/', '/iot-catalog/']);

  expect(handlerOf(network).Properties).toMatchObject({
    MemorySize: 256,
    Timeout: 600,
    LoggingConfig: { LogGroup: 'platform/iot-catalog' },
    VpcConfig: { SubnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroupIds: ['sg-0a1b2c3d'] },
  });
  const roles = of(network, 'AWS::IAM::Role');
  expect(roles.map((r) => r.Properties!.RoleName).sort()).toEqual([expect.stringMatching(/^acme-Framework-eu-west-1-[0-9a-f]{8}$/),
    expect.stringMatching(/^acme-Handler-eu-west-1-[0-9a-f]{8}$/)]);
  for (const role of roles) {
    expect(JSON.stringify(role.Properties!.PermissionsBoundary)).toContain(':iam::123456789012:policy/platform-boundary');
  }
  expect(of(network, VERSION_TYPE).map((r) => r.Properties!.ServiceTimeout)).toEqual(['720']);
  expect(network.Outputs).toMatchObject({ HandlerTimeout: { Value: '600' }, ServiceTimeout: { Value: '720' } });
}

function redactedRecipe(recipe: unknown): string {
  return typeof recipe === 'string' ? `<recipe: ${recipe.length} characters>` : `<recipe: a ${typeof recipe}, not a string>`;
}

/** The handler's per-bucket IAM policies name a bucket's objects like this. */
function objectsOf(bucket: unknown): unknown {
  return {
    'Fn::Join': ['', typeof bucket === 'string'
      ? ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}/*`]
      : ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', bucket, '/*']],
  };
}

function s3Object(bucket: unknown, key: string, version?: string): unknown {
  return { S3Location: version === undefined ? { Bucket: bucket, Key: key } : { Bucket: bucket, Key: key, Version: version } };
}

/** The props that PackageVersion renders only when they are set. */
const NEW_PROPS = ['Status', 'Recipe', 'Artifact', 'Sbom', 'WaitForSbomValidation'];

/**
 * The consumer apps' versions with a status, recipe, artifact or SBOM reach
 * the template with exactly the props, bucket policy and IAM policies that
 * the TypeScript API gives them.
 */
function expectNewApi({ outdir, template, recipesMatchFixture }: Synthesized): void {
  const resources = Object.entries(template.Resources);
  const single = (what: string, match: (r: CfnResource) => boolean): string => {
    const ids = resources.filter(([, r]) => match(r)).map(([id]) => id);
    if (ids.length !== 1) {
      throw new Error(`expected one ${what} in ${outdir}, found ${ids.length}: ${ids.join(', ')}`);
    }
    return ids[0];
  };
  const versionId = (versionName: string) => single(`version ${versionName}`, (r) => r.Type === VERSION_TYPE && r.Properties?.VersionName === versionName);
  const handlerRole = single('handler role', (r) => r.Type === 'AWS::IAM::Role' &&
    String(r.Properties?.Description).startsWith('Manages AWS IoT software package versions'));
  const sboms = single('bucket', (r) => r.Type === 'AWS::S3::Bucket');
  expect(template.Resources[sboms].Properties).toMatchObject({ VersioningConfiguration: { Status: 'Enabled' } });

  // The image, staged as a file asset in this language's output.
  const assets = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging: string }; destinations: Record<string, { bucketName: string; objectKey: string }> }>;
  };
  const images = Object.values(assets.files).filter((f) => f.source.packaging === 'file' && f.source.path.endsWith('.bin'));
  expect(images).toHaveLength(1);
  expect(fs.readFileSync(path.join(outdir, images[0].source.path)).equals(IMAGE)).toBe(true);
  const [imageDestination] = Object.values(images[0].destinations);
  expect(imageDestination.bucketName).toBe(ASSET_BUCKET);

  // Each version's new props, and the buckets the handler reads for it.
  const expected: Record<string, { props: Record<string, unknown>; buckets: unknown[] }> = {
    '2.0.0': {
      props: {
        Status: 'PUBLISHED',
        Recipe: redactedRecipe(RECIPE),
        Artifact: s3Object(ASSET_BUCKET, imageDestination.objectKey),
        Sbom: s3Object({ Ref: sboms }, 'firmware/2.0.0/sbom.zip'),
        WaitForSbomValidation: 'true',
      },
      buckets: [ASSET_BUCKET, { Ref: sboms }],
    },
    '2.1.0-rc.1': {
      props: {
        Status: { Ref: 'CandidateStatus' },
        Artifact: s3Object('acme-firmware-builds', 'firmware/2.1.0-rc.1.bin'),
        Sbom: s3Object('acme-security-sboms', 'firmware/2.1.0-rc.1.zip', 'Wq3Ld0dXSWNvQmVtZ2pGb3ZmZXJzaW9u'),
      },
      buckets: ['acme-firmware-builds', 'acme-security-sboms'],
    },
    '1.2.0': {
      props: {
        Status: 'DEPRECATED',
        Artifact: s3Object('acme-firmware-archive', 'firmware-1.2.0.bin', '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH'),
      },
      buckets: ['acme-firmware-archive'],
    },
    // The SoftwarePackage's versions (addVersion, and the package prop).
    '1.1.0': { props: { Status: 'DRAFT' }, buckets: [] },
    '1.0.0': { props: { Status: 'PUBLISHED' }, buckets: [] },
    '0.9.0': { props: { Status: 'DEPRECATED' }, buckets: [] },
    // Custom sources: subclasses of PackageVersionArtifact and PackageVersionSbom in each language.
    '3.2.0': {
      props: {
        Artifact: s3Object('acme-signed-images', 'bootloader/3.2.0.img', 'Hk0tE9jxY1Kq2vB5sRzWfN8uQ3mL6pDa'),
        Sbom: s3Object('acme-signed-images', 'bootloader/3.2.0.img.sbom.zip'),
      },
      buckets: ['acme-signed-images'],
    },
  };
  const newProps = (r: CfnResource) => Object.fromEntries(NEW_PROPS.filter((p) => r.Properties?.[p] !== undefined).map((p) => [p, r.Properties![p]]));
  for (const [id, resource] of resources.filter(([, r]) => r.Type === VERSION_TYPE)) {
    const versionName = resource.Properties!.VersionName as string;
    // Versions without them render none of them.
    expect({ versionName, props: newProps(resource) }).toStrictEqual({ versionName, props: expected[versionName]?.props ?? {} });
    expect(versionId(versionName)).toBe(id);
  }
  expect(recipesMatchFixture).toBe(true);

  // One read policy per bucket on the handler's role, which each version depends on.
  const bucketPolicy = (bucket: unknown) => single(`IAM policy for bucket ${JSON.stringify(bucket)}`, (r) => r.Type === 'AWS::IAM::Policy' &&
    isDeepStrictEqual(r.Properties?.Roles, [{ Ref: handlerRole }]) &&
    r.Properties?.PolicyDocument.Statement.some((st: Record<string, unknown>) => isDeepStrictEqual(st,
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: objectsOf(bucket) })));
  // The handler's own (a deployment's presigned-URL role reads artifacts too).
  const readPolicies = resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy' &&
    isDeepStrictEqual(r.Properties?.Roles, [{ Ref: handlerRole }]) &&
    JSON.stringify(r.Properties?.PolicyDocument).includes('"s3:GetObject"'));
  expect(readPolicies).toHaveLength(6);
  for (const [versionName, { buckets }] of Object.entries(expected)) {
    const dependsOn = template.Resources[versionId(versionName)].DependsOn;
    for (const bucket of buckets) {
      expect({ versionName, dependsOn }).toEqual({ versionName, dependsOn: expect.arrayContaining([bucketPolicy(bucket)]) });
    }
  }
  // The custom artifact source's KMS key.
  expect(template.Resources[bucketPolicy('acme-signed-images')].Properties!.PolicyDocument.Statement).toContainEqual({
    Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  });

  // IoT reads the SBOM in the stack's own bucket as iot.amazonaws.com; the version waits for the statement.
  const sbomBucketPolicy = single('S3 bucket policy', (r) => r.Type === 'AWS::S3::BucketPolicy');
  expect(template.Resources[sbomBucketPolicy].Properties).toMatchObject({ Bucket: { Ref: sboms } });
  const iotStatements = template.Resources[sbomBucketPolicy].Properties!.PolicyDocument.Statement
    .filter((st: Record<string, unknown>) => JSON.stringify(st.Principal).includes('iot.amazonaws.com'));
  expect(iotStatements).toEqual([{
    Action: ['s3:GetObject', 's3:GetObjectVersion'],
    Effect: 'Allow',
    Principal: { Service: 'iot.amazonaws.com' },
    Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [sboms, 'Arn'] }, '/firmware/2.0.0/sbom.zip']] },
  }]);
  expect(template.Resources[versionId('2.0.0')].DependsOn).toContain(sbomBucketPolicy);

  // The status parameter, bind() of the asset artifact, and sbomValidationStatus.
  expect(template.Parameters?.CandidateStatus).toEqual({ Type: 'String', Default: 'DRAFT', AllowedValues: ['DRAFT', 'PUBLISHED'] });
  expect(template.Outputs?.ReleaseImage).toEqual({ Value: `s3://${ASSET_BUCKET}/${imageDestination.objectKey}` });
  expect(template.Outputs?.ReleaseSbomValidation).toEqual({ Value: { 'Fn::GetAtt': [versionId('2.0.0'), 'SbomValidationStatus'] } });
}

/** What a resource refers to: its DependsOn, and the Ref and Fn::GetAtt in its properties. */
function referencesOf(template: Template, resource: CfnResource): string[] {
  const found = new Set(resource.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.Ref === 'string' && v.Ref in template.Resources) {
        found.add(v.Ref);
      }
      if (Array.isArray(v['Fn::GetAtt'])) {
        found.add(v['Fn::GetAtt'][0] as string);
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(resource.Properties);
  return [...found];
}

/** A dependency cycle among the template's resources, or undefined (CloudFormation refuses a template with one). */
function dependencyCycle(template: Template): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') {
      return undefined;
    }
    if (state.get(id) === 'visiting') {
      return [...trail.slice(trail.indexOf(id)), id];
    }
    state.set(id, 'visiting');
    trail.push(id);
    for (const next of referencesOf(template, template.Resources[id])) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    trail.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(template.Resources)) {
    const cycle = visit(id);
    if (cycle) {
      return cycle;
    }
  }
  return undefined;
}

/**
 * The catalog the apps declare: the account's prerequisites, a
 * SoftwarePackage with three versions and its default version, and a
 * default version of an imported package; each with the props and the
 * dependencies the TypeScript API gives them, and no dependency cycle.
 */
function expectCatalog({ outdir, template }: Synthesized): void {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const props = (r: CfnResource) => Object.fromEntries(Object.entries(r.Properties ?? {}).filter(([k]) => k !== 'ServiceToken'));

  expect(dependencyCycle(template)).toBeUndefined();

  const [[indexing, indexingResource], ...moreIndexing] = ofType('Custom::IotFleetIndexing');
  expect(moreIndexing).toEqual([]);
  expect(props(indexingResource)).toEqual({ ServiceTimeout: '420', ThingIndexingMode: 'REGISTRY_AND_SHADOW', RestoreOnDelete: 'true' });

  const [[, configuration], ...moreConfigurations] = ofType('Custom::IotPackageConfiguration');
  expect(moreConfigurations).toEqual([]);
  const shadowRole = configuration.Properties!.RoleArn['Fn::GetAtt'][0] as string;
  expect(shadowRole).toMatch(/^PackageShadowRole/);
  expect(props(configuration)).toEqual({
    ServiceTimeout: '420', RoleArn: { 'Fn::GetAtt': [shadowRole, 'Arn'] }, DisableOnDelete: 'true', ReplaceExistingRole: 'true',
  });

  const [[agent, agentResource], ...morePackages] = ofType('Custom::IotSoftwarePackage');
  expect({ outdir, morePackages }).toEqual({ outdir, morePackages: [] });
  expect(props(agentResource)).toEqual({
    ServiceTimeout: '420',
    PackageName: 'gateway-agent',
    Description: 'Gateway agent',
    Tags: [{ Key: 'product', Value: 'gateway' }, { Key: 'team', Value: 'edge' }],
    AdoptExisting: 'true',
  });
  expect(agentResource).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  // Packages, native or not, wait for fleet indexing.
  for (const [id, r] of [...ofType('AWS::IoT::SoftwarePackage'), [agent, agentResource] as const]) {
    expect({ id, dependsOn: r.DependsOn }).toEqual({ id, dependsOn: expect.arrayContaining([indexing]) });
  }

  // The package's versions depend on it; the default version on it and the published version.
  const agentVersions = ofType(VERSION_TYPE).filter(([, r]) => r.Properties?.PackageName === 'gateway-agent');
  expect(agentVersions.map(([, r]) => r.Properties!.VersionName).sort()).toEqual(['0.9.0', '1.0.0', '1.1.0']);
  for (const [id, r] of agentVersions) {
    expect({ id, dependsOn: r.DependsOn }).toEqual({ id, dependsOn: expect.arrayContaining([agent]) });
  }
  const published = agentVersions.find(([, r]) => r.Properties!.VersionName === '1.0.0')![0];
  const defaults = ofType('Custom::IotPackageDefaultVersion');
  expect(defaults.map(([, r]) => props(r))).toEqual(expect.arrayContaining([
    { ServiceTimeout: '420', PackageName: 'gateway-agent', VersionName: '1.0.0' },
    { ServiceTimeout: '420', PackageName: 'diagnostics-tools', VersionName: '3.0.0' },
  ]));
  expect(defaults).toHaveLength(2);
  const defaultOf = (packageName: string) => defaults.find(([, r]) => r.Properties!.PackageName === packageName)!;
  expect(defaultOf('gateway-agent')[1].DependsOn).toEqual(expect.arrayContaining([agent, published]));

  // Attributes of the new constructs, as outputs.
  expect(template.Outputs).toMatchObject({
    ThingIndexingMode: { Value: { 'Fn::GetAtt': [indexing, 'ThingIndexingMode'] } },
    AgentArn: { Value: { Ref: agent } },
    AgentDefaultVersion: { Value: { 'Fn::GetAtt': [defaultOf('gateway-agent')[0], 'DefaultVersionName'] } },
    ToolsDefaultId: { Value: { Ref: defaultOf('diagnostics-tools')[0] } },
  });
}

function only(dir: string, suffix: string): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)) : [];
  if (files.length !== 1) {
    throw new Error(`expected one *${suffix} in ${dir}, found ${files.length}: run 'npx projen package-all' first`);
  }
  return path.join(dir, files[0]);
}

/** Names of the files in the jsii tarball embedded in a wheel or jar. */
function embeddedTarballFiles(archive: string): string[] {
  const script = [
    'import io, sys, tarfile, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'name = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))',
    'print("\\n".join(tarfile.open(fileobj=io.BytesIO(z.read(name))).getnames()))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, archive], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`cannot read ${archive}: ${result.stderr}`);
  }
  return result.stdout.split('\n');
}

const wheel = () => only(path.join(DIST, 'python'), '.whl');
const jar = () => only(path.join(DIST, 'java', 'io', 'github', 'cdk-iot-package-catalog', 'cdk-iot-package-catalog', LIBRARY_VERSION),
  `${LIBRARY_VERSION}.jar`);

// A cold machine downloads aws-cdk-lib for Python and for Java.
jest.setTimeout(15 * 60 * 1000);

let reference: Synthesized;

beforeAll(() => {
  const outdir = path.join(work, 'typescript');
  run('typescript synth', 'npx', ['ts-node', '--project', 'tsconfig.dev.json', CONSUMER_SOURCES.typescript], {
    cwd: REPO_ROOT, env: { ...ENV, CDK_OUTDIR: outdir },
  });
  reference = synthesized(outdir);
});

afterAll(() => {
  fs.mkdirSync(path.join(REPO_ROOT, 'test-reports'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, 'test-reports', 'consumer-timings.json'), JSON.stringify(timings, null, 2));
  console.log(`consumer timings (s): ${JSON.stringify(timings)}`);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the wheel and the jar carry the bundled handler', () => {
  expect(embeddedTarballFiles(wheel())).toContain(HANDLER_IN_TARBALL);
  expect(embeddedTarballFiles(jar())).toContain(HANDLER_IN_TARBALL);
});

test('the TypeScript reference declares the expected stack', () => {
  const resources = Object.values(reference.template.Resources);
  expect(resources.filter((r) => r.Type === VERSION_TYPE)).toHaveLength(12);
  expect(resources.filter((r) => r.Type === 'AWS::IoT::SoftwarePackage')).toHaveLength(2);
  expectNewApi(reference);
  expectCatalog(reference);
  expectProviderSettings(reference);
});

let venvPython: string | undefined;

/** The python of a fresh venv with the wheel, aws-cdk-lib and constructs, created on first use. */
function pythonWithWheel(): string {
  if (!venvPython) {
    const venv = path.join(work, 'venv');
    run('python venv', 'python3', ['-m', 'venv', venv]);
    const python = path.join(venv, 'bin', 'python');
    run('python install', python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
      wheel(), `aws-cdk-lib==${CDK_VERSION}`, `constructs==${CONSTRUCTS_VERSION}`]);
    venvPython = python;
  }
  return venvPython;
}

let localRepository: string | undefined;

/**
 * The Java apps' own local Maven repository: ~/.m2/repository hard-linked
 * (aws-cdk-lib's jar is over 100 MB), without this library. jsii-pacmak
 * installs every jar it builds into ~/.m2 too, so a jar of the same version
 * from another checkout would otherwise win over dist/java.
 */
function mavenRepository(): string {
  if (!localRepository) {
    localRepository = path.join(work, 'm2');
    const shared = path.join(os.homedir(), '.m2', 'repository');
    if (fs.existsSync(shared)) {
      run('maven repository', 'cp', ['-al', shared, localRepository]);
    }
    fs.rmSync(path.join(localRepository, 'io', 'github', 'cdk-iot-package-catalog'), { recursive: true, force: true });
  }
  return localRepository;
}

/** The Maven command line that builds the Java consumer project against dist/java and runs `goals`. */
function mavenArgs(...goals: string[]): string[] {
  return [
    '-B', '-q',
    `-Dmaven.repo.local=${mavenRepository()}`,
    `-Dlibrary.repository=file://${path.join(DIST, 'java')}`,
    `-Dlibrary.version=${LIBRARY_VERSION}`,
    `-Dcdk.version=${CDK_VERSION}`,
    `-Dconstructs.version=${CONSTRUCTS_VERSION}`,
    // Build outside the source tree.
    `-Dbuild.dir=${path.join(work, 'java-target')}`,
    '-f', path.join(JAVA_PROJECT, 'pom.xml'),
    ...goals,
  ];
}

test('the Python app, with the wheel in a fresh venv, synthesizes the same template', () => {
  const python = pythonWithWheel();
  const outdir = path.join(work, 'python');
  run('python synth', python, [CONSUMER_SOURCES.python], { env: { ...ENV, CDK_OUTDIR: outdir } });

  const synth = synthesized(outdir);
  expectNewApi(synth);
  expectCatalog(synth);
  expectProviderSettings(synth);
  expect(synth.template).toEqual(reference.template);
  expect(synth.network).toEqual(reference.network);
});

test('the Java app, with the jar from dist/java, synthesizes the same template', () => {
  expect(fs.existsSync(jar())).toBe(true);
  const outdir = path.join(work, 'java');
  run('java build and synth', 'mvn', mavenArgs('compile', 'exec:java'), { env: { ...ENV, CDK_OUTDIR: outdir } });

  const synth = synthesized(outdir);
  expectNewApi(synth);
  expectCatalog(synth);
  expectProviderSettings(synth);
  expect(synth.template).toEqual(reference.template);
  expect(synth.network).toEqual(reference.network);
});

/**
 * The README's complete app (its first example, and the same app in Python
 * and Java): each synthesizes, and the three templates are equal. The Python
 * app reuses the venv above; the Java app is a second main class of the same
 * Maven project, already compiled (about 20 seconds more).
 */
describe('the README\'s complete app', () => {
  const README_STACK = 'FirmwareCatalog';
  const readmeTemplate = (outdir: string) => JSON.parse(fs.readFileSync(path.join(outdir, `${README_STACK}.template.json`), 'utf8')) as Template;
  let readmeReference: Template;

  beforeAll(() => {
    const outdir = path.join(work, 'readme-typescript');
    run('readme typescript synth', 'npx', ['ts-node', '--project', 'tsconfig.dev.json', README_APPS.typescript], {
      cwd: REPO_ROOT, env: { ...ENV, CDK_OUTDIR: outdir },
    });
    readmeReference = readmeTemplate(outdir);
  });

  test('in TypeScript declares the catalog the README describes', () => {
    const types = Object.values(readmeReference.Resources).map((r) => r.Type);
    for (const type of ['Custom::IotFleetIndexing', 'Custom::IotSoftwarePackage', 'Custom::IotPackageVersion',
      'Custom::IotPackageDefaultVersion', 'Custom::IotPackageDeployment']) {
      expect({ type, count: types.filter((t) => t === type).length }).toEqual({ type, count: 1 });
    }
    expect(Object.keys(readmeReference.Outputs ?? {})).toEqual(['VersionArn']);
  });

  test('in Python synthesizes the same template', () => {
    const outdir = path.join(work, 'readme-python');
    run('readme python synth', pythonWithWheel(), [README_APPS.python], { env: { ...ENV, CDK_OUTDIR: outdir } });
    expect(readmeTemplate(outdir)).toEqual(readmeReference);
  });

  test('in Java synthesizes the same template', () => {
    const outdir = path.join(work, 'readme-java');
    run('readme java synth', 'mvn', mavenArgs('compile', 'exec:java', `-Dconsumer.mainClass=${README_JAVA_MAIN_CLASS}`), {
      env: { ...ENV, CDK_OUTDIR: outdir },
    });
    expect(readmeTemplate(outdir)).toEqual(readmeReference);
  });
});
