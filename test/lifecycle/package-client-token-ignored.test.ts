/**
 * Packages when IoT does not honour `clientToken` (the docs leave it open):
 * moto ignores it, so a repeated CreatePackage gets a ConflictException, and
 * the handler must tell its own retried create apart by the creation marker.
 */
import { randomUUID } from 'crypto';
import { CreatePackageCommand } from '@aws-sdk/client-iot';
import { CfnResponse, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle } from './harness';
import { PACKAGE_RESOURCE_TYPE } from '../../src/shared/package-contract';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle({ moto: { ignoreClientToken: true } });

const PROPS = { PackageName: 'gateway', Description: 'Gateway firmware' };

function create(requestId: string): Promise<CfnResponse> {
  return env.cfn.send({
    RequestType: 'Create', RequestId: requestId, ResourceType: PACKAGE_RESOURCE_TYPE, LogicalResourceId: 'Gateway', ResourceProperties: PROPS,
  });
}

test('a retried create recognises its own package by the creation marker', async () => {
  const requestId = randomUUID();
  const first = await create(requestId);
  const retry = await create(requestId);

  expect(first.Status).toBe('SUCCESS');
  expect(retry).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: first.PhysicalResourceId });
  const creates = (await env.moto.requests()).filter((r) => r.operation === 'CreatePackage' && r.uriLabels?.packageName === 'gateway');
  expect(creates.map((c) => c.errorType)).toEqual([null, 'ConflictException']);
});

test('a package from another request is still refused', async () => {
  await env.iot.send(new CreatePackageCommand({ packageName: 'gateway' }));
  const other = await create(randomUUID());

  expect(other.Status).toBe('FAILED');
  expect(other.Reason).toContain('already exists and was not created by this CloudFormation resource');
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME, softwarePackages: true });
