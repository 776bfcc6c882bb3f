/**
 * The IoT docs leave open whether the service honours `clientToken`. Here
 * moto is told to ignore it, so a repeated create always gets a
 * ConflictException: the handler must still treat its own retried create as
 * success, and still refuse versions it did not create.
 */
import { CreatePackageVersionCommand } from '@aws-sdk/client-iot';
import { STACK_NAME } from './cloudformation-simulator';
import { useLifecycle } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';

const env = useLifecycle({ moto: { ignoreClientToken: true } });

const props = { PackageName: 'firmware', VersionName: '2.0.0', Tags: [{ Key: 'team', Value: 'edge' }] };

test('a retried create recognises its own version by the creation marker', async () => {
  const requestId = '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  const first = await env.cfn.create('V', props, requestId);
  const retry = await env.cfn.create('V', props, requestId);

  expect(first.Status).toBe('SUCCESS');
  expect(retry.Status).toBe('SUCCESS');
  expect(retry.PhysicalResourceId).toBe(first.PhysicalResourceId);
  const creates = (await env.moto.requests()).filter((r) => r.operation === 'CreatePackageVersion');
  expect(creates.map((c) => c.errorType)).toEqual([null, 'ConflictException']);
});

test('a create from another request is still refused', async () => {
  await env.iot.send(new CreatePackageVersionCommand({ packageName: 'firmware', versionName: '2.0.0' }));
  const other = await env.cfn.create('V', props);

  expect(other.Status).toBe('FAILED');
  expect(other.Reason).toContain('already exists and was not created by this CloudFormation resource');
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
