/**
 * The consumer apps in every language use every public member of the
 * library, so a member that translates badly to Python or Java shows up in
 * the consumer tests (test/consumers/consumers.consumer.ts). When the API
 * grows, this test says which consumer must grow with it.
 */
import * as fs from 'fs';
import { CONSUMER_SOURCES, Language, publicApi } from './sources';

const api = publicApi();

test('the assembly has the members this test expects to find', () => {
  expect(api.map((m) => m.id)).toEqual(expect.arrayContaining([
    'PackageVersion constructor',
    'PackageVersion.fromPackageVersionArn',
    'PackageVersion.grantRead',
    'PackageVersion.packageVersionStatus',
    // PackageVersionProps extends PackageVersionOptions: the assembly lists
    // each field on the interface that declares it.
    'PackageVersionOptions.removalPolicy',
    'PackageVersionProps.package',
    'PackageVersionAttributes.packageVersionArn',
    'IPackageVersion.grant',
    // An abstract class, a constant, and a struct that a method returns.
    'PackageVersionArtifact constructor',
    'PackageVersionStatus.PUBLISHED',
    'PackageVersionS3ObjectConfig.bucketName',
    // The catalog: a package, its default version, and the account's prerequisites.
    'SoftwarePackage constructor',
    'SoftwarePackage.addVersion',
    'SoftwarePackage.fromPackageArn',
    'ISoftwarePackage.grantCreateJob',
    'PackageDefaultVersionProps.package',
    'FleetIndexing.of',
    'PackageConfigurationProps.role',
  ]));
});

test('abstract classes are used by subclassing, constants by their own names', () => {
  const usage = (id: string) => api.find((m) => m.id === id)!.usage;
  expect(usage('PackageVersionSbom constructor').java.test('class CompanionSbom extends PackageVersionSbom {')).toBe(true);
  expect(usage('PackageVersionSbom constructor').python.test('class CompanionSbom(PackageVersionSbom):')).toBe(true);
  expect(usage('PackageVersionStatus.DRAFT').python.test('default=PackageVersionStatus.DRAFT.value')).toBe(true);
  expect(usage('PackageVersionStatus.DRAFT').java.test('PackageVersionStatus.DRAFT.getValue()')).toBe(true);
});

test('a Java reserved word is used by the name jsii-pacmak gives it, other names by their own', () => {
  const usage = (id: string) => api.find((m) => m.id === id)!.usage;
  expect(usage('PackageVersionProps.package').java.test('.packageValue(agent)')).toBe(true);
  expect(usage('PackageVersionProps.package').java.test('.package(agent)')).toBe(false);
  expect(usage('PackageDefaultVersionProps.package').java.test('.packageValue(tools)')).toBe(true);
  expect(usage('PackageVersionProps.package').python.test('package=agent,')).toBe(true);
  expect(usage('PackageVersionProps.package').typescript.test('package: agent,')).toBe(true);
  expect(usage('PackageVersionProps.packageName').java.test('.packageName(firmware.getRef())')).toBe(true);
  expect(usage('PackageVersionProps.packageName').java.test('.packageNameValue(firmware.getRef())')).toBe(false);
});

describe.each(Object.keys(CONSUMER_SOURCES) as Language[])('the %s consumer', (language) => {
  const source = fs.readFileSync(CONSUMER_SOURCES[language], 'utf8');

  test('uses every public member of the library', () => {
    const unused = api.filter((member) => !member.usage[language].test(source)).map((m) => m.id);
    expect(unused).toEqual([]);
  });
});
