/**
 * The handler's successful API calls per operation, exactly as they are
 * today (see ./call-counts.ts for what is counted). A change that adds or
 * removes a call changes a map and fails here: a call removed on purpose
 * (fewer reads) is a change of the expected map, made with the code.
 */
import { IoTClient, GetPackageVersionCommand } from '@aws-sdk/client-iot';
import { CallCounts, countCalls, Operation, OPERATIONS } from './call-counts';
import { HANDLER_CREDENTIALS } from './cloudformation-simulator';
import { PACKAGE, useLifecycle } from './harness';

const env = useLifecycle();

/** Why each call is made: lambda/version/*.ts. */
const EXPECTED: Record<Operation, CallCounts> = {
  'create DRAFT': {
    iot: {
      // create.ts createVersion: the version with its tags and creation marker, in one call.
      CreatePackageVersion: 1,
    },
    // create.ts confirmStillDeploying: is the stack still deploying, or must the new version be undone?
    otherServices: { 'cloudformation:DescribeStacks': 1 },
  },
  'create PUBLISHED': {
    iot: {
      CreatePackageVersion: 1,
      // reconcile.ts finish -> status.ts takeSteps: the PUBLISH step (IoT creates every version DRAFT).
      UpdatePackageVersion: 1,
    },
    otherServices: { 'cloudformation:DescribeStacks': 1 },
  },
  'no-op update': {
    iot: {
      // update.ts onUpdate: does the version still exist, and what does IoT hold (compared by planVersion)?
      GetPackageVersion: 1,
      // owner.ts readMarker: is the version this resource's (the creation marker tag)?
      ListTagsForResource: 1,
    },
    // Nothing to change; the stack's status is read only when a change is refused or an SBOM fails.
    otherServices: {},
  },
  'description update': {
    iot: {
      GetPackageVersion: 1,
      ListTagsForResource: 1,
      // reconcile.ts applyFields: the changed description.
      UpdatePackageVersion: 1,
    },
    otherServices: {},
  },
  'tag update': {
    iot: {
      GetPackageVersion: 1,
      ListTagsForResource: 1,
      // reconcile.ts applyTags: the tag whose value changed (none removed: no UntagResource).
      TagResource: 1,
    },
    otherServices: {},
  },
  'delete': {
    iot: {
      // owner.ts findMarker, on the physical id (the version's ARN): only a version this resource made
      // is deleted; a version already gone answers ResourceNotFoundException, so no GetPackageVersion first.
      ListTagsForResource: 1,
      // The package is read only when this fails (delete.ts isDefaultVersion: IoT does not delete a
      // package's default version), so no GetPackage first.
      DeletePackageVersion: 1,
    },
    // The stack's status is read only for a version this resource took over (a hand-back during a rollback).
    otherServices: {},
  },
};

const total = (counts: CallCounts) => Object.values(counts.iot).reduce((a, b) => a + b, 0);

describe('successful calls per operation', () => {
  test.each(OPERATIONS)('%s', async (operation) => {
    const expected = EXPECTED[operation];
    expect(await countCalls(env, operation)).toEqual({ operation, ...expected, total: total(expected) });
  });
});

describe('what is counted', () => {
  test('an extra call by the handler\'s principal changes the map; the test\'s own calls do not count', async () => {
    const asHandler = new IoTClient({ endpoint: env.moto.endpoint, region: 'us-east-1', credentials: HANDLER_CREDENTIALS });
    const get = new GetPackageVersionCommand({ packageName: PACKAGE, versionName: '1.4.0' });

    const counted = await countCalls(env, 'no-op update', {
      beforeRequest: async () => {
        await asHandler.send(get);
        await env.iot.send(get);
      },
    });

    expect(counted.iot).not.toEqual(EXPECTED['no-op update'].iot);
    expect(counted.iot).toEqual({ ...EXPECTED['no-op update'].iot, GetPackageVersion: 2 });
    expect(counted.total).toBe(total(EXPECTED['no-op update']) + 1);
  });

  test('a throttled call retried counts once: only successful calls are counted', async () => {
    const counted = await countCalls(env, 'delete', {
      beforeRequest: () => env.moto.injectFault({ operation: 'ListTagsForResource', errorType: 'ThrottlingException' }),
    });

    expect(counted.iot).toEqual(EXPECTED.delete.iot);
    const listTags = (await env.moto.requests()).filter((r) => r.operation === 'ListTagsForResource' && r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId);
    expect(listTags.map((r) => r.errorType)).toEqual(['ThrottlingException', null]);
  });
});
