/**
 * The lifecycle status, the recipe, waitForSbomValidation and the new
 * attributes: how they reach the custom resource, and their validation.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { logicalIdsOf } from './template-helpers';
import { PackageVersion, PackageVersionProps, PackageVersionSbom, PackageVersionStatus } from '../../src';

const TYPE = 'Custom::IotPackageVersion';
const valid: PackageVersionProps = { packageName: 'firmware', versionName: '1.0.0' };

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function propertiesOf(props: PackageVersionProps): Record<string, unknown> {
  const stack = newStack();
  new PackageVersion(stack, 'V', props);
  const [resource] = Object.values(Template.fromStack(stack).findResources(TYPE));
  return resource.Properties;
}

describe('status', () => {
  test('the constants are the statuses IoT knows', () => {
    expect([PackageVersionStatus.DRAFT, PackageVersionStatus.PUBLISHED, PackageVersionStatus.DEPRECATED].map((s) => s.value))
      .toEqual(['DRAFT', 'PUBLISHED', 'DEPRECATED']);
    expect(PackageVersionStatus.of('PUBLISHED').value).toBe('PUBLISHED');
    expect(`${PackageVersionStatus.DEPRECATED}`).toBe('DEPRECATED');
  });

  test.each([
    ['DRAFT', PackageVersionStatus.DRAFT],
    ['PUBLISHED', PackageVersionStatus.PUBLISHED],
    ['DEPRECATED', PackageVersionStatus.DEPRECATED],
    ['PUBLISHED', PackageVersionStatus.of('PUBLISHED')],
  ])('is rendered as Status %s', (expected, status) => {
    expect(propertiesOf({ ...valid, status }).Status).toBe(expected);
  });

  test('a status from a parameter is passed on unvalidated, for the handler to check', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'Status');
    new PackageVersion(stack, 'V', { ...valid, status: PackageVersionStatus.of(param.valueAsString) });

    Template.fromStack(stack).hasResourceProperties(TYPE, { Status: { Ref: 'Status' } });
  });

  test.each([
    ['a lower-case name', 'published'],
    ['a status IoT does not have', 'ARCHIVED'],
    ['an empty name', ''],
  ])('%s fails synthesis naming the prop and the value', (_, value) => {
    expect(() => new PackageVersion(newStack(), 'V', { ...valid, status: PackageVersionStatus.of(value) }))
      .toThrow(`PackageVersion 'TestStack/V' has an invalid prop:\n  - status: ${JSON.stringify(value)} is not a package version status; it must be one of DRAFT, PUBLISHED, DEPRECATED`);
  });
});

describe('recipe', () => {
  test('is rendered as Recipe', () => {
    const recipe = JSON.stringify({ steps: [{ action: { name: 'install', type: 'runHandler' } }] });
    expect(propertiesOf({ ...valid, recipe }).Recipe).toBe(recipe);
  });

  test('3072 characters are accepted, counted as IoT counts them (code points)', () => {
    expect(() => new PackageVersion(newStack(), 'A', { ...valid, recipe: 'r'.repeat(3072) })).not.toThrow();
    // 3072 emoji are 6144 UTF-16 units, but 3072 characters for IoT.
    expect(() => new PackageVersion(newStack(), 'B', { ...valid, recipe: '\u{1F680}'.repeat(3072) })).not.toThrow();
  });

  test.each([
    ['3075 characters', 'secret-'.repeat(439) + 'xx', 3075],
    ['3073 emoji', '\u{1F511}'.repeat(3073), 3073],
  ])('a recipe of %s fails synthesis with its length, never its text', (_, recipe, length) => {
    let message = '';
    try {
      new PackageVersion(newStack(), 'V', { ...valid, recipe });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`PackageVersion 'TestStack/V' has an invalid prop:\n  - recipe: has ${length} characters; a recipe must have at most 3072`);
    expect(message).not.toContain('secret');
    expect(message).not.toContain('\u{1F511}');
  });

  test('a recipe from a parameter is not validated at synthesis', () => {
    const stack = newStack();
    expect(() => new PackageVersion(stack, 'V', { ...valid, recipe: new CfnParameter(stack, 'Recipe').valueAsString })).not.toThrow();
  });
});

describe('waitForSbomValidation', () => {
  const sbom = PackageVersionSbom.fromS3Location('sboms', 'firmware.zip', 'v1');

  test('is rendered as WaitForSbomValidation only when true', () => {
    expect(propertiesOf({ ...valid, sbom, waitForSbomValidation: true }).WaitForSbomValidation).toBe('true');
    expect(propertiesOf({ ...valid, sbom, waitForSbomValidation: false })).not.toHaveProperty('WaitForSbomValidation');
    expect(propertiesOf({ ...valid, sbom })).not.toHaveProperty('WaitForSbomValidation');
  });

  test('without an sbom fails synthesis naming the prop', () => {
    expect(() => new PackageVersion(newStack(), 'V', { ...valid, waitForSbomValidation: true }))
      .toThrow("PackageVersion 'TestStack/V' has an invalid prop:\n  - waitForSbomValidation: is true, but there is no sbom to wait for");
  });
});

test('without the new props, the custom resource has exactly the properties it had before', () => {
  expect(Object.keys(propertiesOf({ ...valid, description: 'd', attributes: { a: 'b' }, tags: { t: 'v' }, adoptExisting: true })).sort())
    .toEqual(['AdoptExisting', 'Attributes', 'Description', 'PackageName', 'ServiceTimeout', 'ServiceToken', 'Tags', 'VersionName']);
});

test('every new prop together', () => {
  expect(propertiesOf({
    ...valid,
    status: PackageVersionStatus.PUBLISHED,
    recipe: '{}',
    sbom: PackageVersionSbom.fromS3Location('sboms', 'firmware.zip', 'v1'),
    waitForSbomValidation: true,
  })).toEqual(expect.objectContaining({
    Status: 'PUBLISHED',
    Recipe: '{}',
    Sbom: { S3Location: { Bucket: 'sboms', Key: 'firmware.zip', Version: 'v1' } },
    WaitForSbomValidation: 'true',
  }));
});

test('sbomValidationStatus and packageVersionStatus read the handler\'s attributes', () => {
  const stack = newStack();
  const v = new PackageVersion(stack, 'V', valid);
  const template = Template.fromStack(stack);
  const [id] = logicalIdsOf(template, TYPE);

  expect(stack.resolve(v.sbomValidationStatus)).toEqual({ 'Fn::GetAtt': [id, 'SbomValidationStatus'] });
  expect(stack.resolve(v.packageVersionStatus)).toEqual({ 'Fn::GetAtt': [id, 'Status'] });
  template.hasResourceProperties(TYPE, { Status: Match.absent() });
});
