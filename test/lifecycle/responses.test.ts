/**
 * What CloudFormation receives when a request fails: a short, true reason,
 * in a response it accepts (at most 4,096 bytes, stack trace included), even
 * with the longest ids CloudFormation allows. Responses go through the
 * provider framework's real response builder.
 */
import { randomUUID } from 'crypto';
import { CreatePackageCommand, UpdatePackageCommand, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { PACKAGE, useLifecycle } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

/** The longest names CloudFormation and Lambda allow. */
const LONG_STACK_NAME = `S${'t'.repeat(127)}`;
const LONG_LOGICAL_ID = `L${'o'.repeat(254)}`;
const LONG_FUNCTION_NAME = `f${'n'.repeat(63)}`;
const LONG_PACKAGE = `p${'k'.repeat(127)}`;
const LONG_VERSION = `v${'1'.repeat(63)}`;
const MAX_RESPONSE_BYTES = 4096;
const SECRET = 'confidential-rollout-plan';

const env = useLifecycle({ simulator: { stackName: LONG_STACK_NAME, functionName: LONG_FUNCTION_NAME } });

const props = { PackageName: PACKAGE, VersionName: '1.4.0', Description: SECRET };

describe('failure responses stay within 4,096 bytes with the longest ids', () => {
  test('many invalid attributes', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`bad key ${i} ${'x'.repeat(60)}`, 'v']));

    const res = await env.cfn.create(LONG_LOGICAL_ID, { ...props, Attributes: attributes });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/^Package version 'firmware\/1\.4\.0' has 40 invalid props/);
    expect(res.bodyBytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('a TagResource failure for 49 long keys, summarized as a count and the first few', async () => {
    const created = await env.cfn.create(LONG_LOGICAL_ID, props);
    const tags = Array.from({ length: 49 }, (_, i) => ({ Key: `${String(i).padStart(2, '0')}${'k'.repeat(126)}`, Value: 'v' }));
    await env.moto.injectFault({ operation: 'TagResource', errorType: 'InvalidRequestException', message: `Tags rejected: ${'why '.repeat(400)}` });

    const res = await env.cfn.update(LONG_LOGICAL_ID, created.PhysicalResourceId, { ...props, Tags: tags }, props);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('TagResource failed for tags (49 keys: \'00kkk');
    expect(res.bodyBytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('an IoT error with a very long message, on the longest physical id', async () => {
    await env.iot.send(new CreatePackageCommand({ packageName: LONG_PACKAGE }));
    const long = { PackageName: LONG_PACKAGE, VersionName: LONG_VERSION };
    const created = await env.cfn.create(LONG_LOGICAL_ID, long);
    expect(created.PhysicalResourceId.length).toBeGreaterThan(230);
    await env.moto.injectFault({ operation: 'UpdatePackageVersion', errorType: 'ValidationException', message: `Invalid: ${'é'.repeat(5000)}` });

    const res = await env.cfn.update(LONG_LOGICAL_ID, created.PhysicalResourceId, { ...long, Description: 'New' }, long);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdatePackageVersion failed');
    expect(res.bodyBytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('the default-version refusal on the longest names', async () => {
    await env.iot.send(new CreatePackageCommand({ packageName: LONG_PACKAGE }));
    const long = { PackageName: LONG_PACKAGE, VersionName: LONG_VERSION };
    const created = await env.cfn.create(LONG_LOGICAL_ID, long);
    await env.iot.send(new UpdatePackageVersionCommand({ packageName: LONG_PACKAGE, versionName: LONG_VERSION, action: 'PUBLISH' }));
    await env.iot.send(new UpdatePackageCommand({ packageName: LONG_PACKAGE, defaultVersionName: LONG_VERSION }));

    const res = await env.cfn.delete(LONG_LOGICAL_ID, created.PhysicalResourceId, long);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('--unset-default-version');
    expect(res.bodyBytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });
});

describe('the "package must already exist" hint', () => {
  test('is given when GetPackage says the package is missing', async () => {
    const res = await env.cfn.create('Orphan', { ...props, PackageName: 'no-such-package' });

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toMatch(/CreatePackageVersion failed for PackageName 'no-such-package', VersionName '1\.4\.0'.*: ValidationException: /);
    expect(res.Reason).toContain('package \'no-such-package\' does not exist in this account and region');
  });

  test('is not given when the package exists', async () => {
    await env.moto.injectFault({ operation: 'CreatePackageVersion', errorType: 'ValidationException', message: 'attributes are invalid' });

    const res = await env.cfn.create('Firmware', props);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('ValidationException: attributes are invalid');
    expect(res.Reason).not.toContain('must already exist');
    expect(res.Reason).not.toContain('does not exist');
  });
});

test('an unknown RequestType fails with a short message that never echoes the event', async () => {
  const res = await env.cfn.send({
    RequestType: 'Upsert',
    RequestId: randomUUID(),
    LogicalResourceId: 'Firmware',
    PhysicalResourceId: 'arn:aws:iot:us-east-1:123456789012:package/firmware/version/1.4.0',
    ResourceProperties: props,
  }, { stackStatus: 'UPDATE_IN_PROGRESS' });

  expect(res.Status).toBe('FAILED');
  expect(res.Reason).toMatch(/^Unsupported RequestType "Upsert"/);
  expect(res.Reason).not.toContain(SECRET);
  expect(res.Reason.length).toBeLessThan(400);
});

testHandlerCallsAuthorized(() => env.moto, { stackName: LONG_STACK_NAME });
