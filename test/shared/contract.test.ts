import {
  ATTR_ERROR_REASON,
  ATTR_PACKAGE_NAME,
  ATTR_PACKAGE_VERSION_ARN,
  ATTR_STATUS,
  ATTR_VERSION_NAME,
  CREATION_MARKER_TAG,
  MAX_USER_TAGS,
  packageVersionArn,
  parsePackageVersionArn,
  RESOURCE_TYPE,
} from '../../src/shared/contract';

describe('packageVersionArn', () => {
  test('builds the IoT package-version ARN', () => {
    expect(packageVersionArn('aws', 'eu-west-1', '123456789012', 'firmware', '1.0.0'))
      .toBe('arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.0.0');
  });

  test.each([
    ['aws', 'us-east-1', '111122223333', 'firmware', '1.0.0'],
    ['aws-cn', 'cn-north-1', '111122223333', 'Boot_Loader-2', 'v2.0.0-rc.1'],
    ['aws-us-gov', 'us-gov-west-1', '111122223333', 'p.k.g', '_'],
    ['aws', 'ap-southeast-2', '000000000000', 'p'.repeat(128), 'v'.repeat(64)],
  ])('round-trips %s/%s/%s/%s/%s', (partition, region, account, packageName, versionName) => {
    const arn = packageVersionArn(partition, region, account, packageName, versionName);
    expect(parsePackageVersionArn(arn)).toEqual({ packageName, versionName });
  });
});

describe('parsePackageVersionArn', () => {
  test('reads the names from an ARN with an empty region and account', () => {
    expect(parsePackageVersionArn('arn:aws:iot:::package/firmware/version/1.0.0')).toEqual({ packageName: 'firmware', versionName: '1.0.0' });
  });

  test.each([
    ['a package ARN', 'arn:aws:iot:eu-west-1:123456789012:package/firmware'],
    ['a package ARN with a trailing slash', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/'],
    ['a thing ARN', 'arn:aws:iot:eu-west-1:123456789012:thing/firmware'],
    ['a job ARN', 'arn:aws:iot:eu-west-1:123456789012:job/update-1'],
    ['another service', 'arn:aws:s3:eu-west-1:123456789012:package/firmware/version/1.0.0'],
    ['a version with an extra path segment', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.0.0/extra'],
    ['an empty package name', 'arn:aws:iot:eu-west-1:123456789012:package//version/1.0.0'],
    ['an empty version name', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/version/'],
    ['a "versions" segment', 'arn:aws:iot:eu-west-1:123456789012:package/firmware/versions/1.0.0'],
    ['an empty partition', 'arn::iot:eu-west-1:123456789012:package/firmware/version/1.0.0'],
    ['a missing arn: prefix', 'aws:iot:eu-west-1:123456789012:package/firmware/version/1.0.0'],
    ['leading text', 'x arn:aws:iot:eu-west-1:123456789012:package/firmware/version/1.0.0'],
    ['a CloudFormation RequestId', '8d5c2a4e-1111-4c1b-9e7a-000000000000'],
    ['a logical-id style id', 'FirmwareStack-FirmwareVersion-1A2B3C'],
    ['an empty string', ''],
  ])('rejects %s', (_label, arn) => {
    expect(parsePackageVersionArn(arn)).toBeUndefined();
  });
});

describe('the wire contract is stable', () => {
  test('resource type, attribute names and the marker tag', () => {
    expect(RESOURCE_TYPE).toBe('Custom::IotPackageVersion');
    expect([ATTR_PACKAGE_VERSION_ARN, ATTR_STATUS, ATTR_ERROR_REASON, ATTR_PACKAGE_NAME, ATTR_VERSION_NAME])
      .toEqual(['PackageVersionArn', 'Status', 'ErrorReason', 'PackageName', 'VersionName']);
    expect(CREATION_MARKER_TAG).toBe('cdk-iot-package-catalog:creation-request');
    expect(MAX_USER_TAGS).toBe(49);
  });
});
