/**
 * The stack deployer plays the requests CloudFormation sends for a whole
 * stack, in CloudFormation's order. Checked here with package versions,
 * whose behaviour the other lifecycle suites pin down request by request.
 */
import { CreatePackageVersionCommand } from '@aws-sdk/client-iot';
import { App, Stack } from 'aws-cdk-lib';
import { STACK_NAME } from './cloudformation-simulator';
import { arnOf, PACKAGE, useLifecycle } from './harness';
import { PlayedRequest, StackDeployer } from './stack-deployer';
import { PackageVersion, PackageVersionStatus } from '../../src';

const env = useLifecycle();
let deployer: StackDeployer;

beforeEach(() => {
  deployer = new StackDeployer(env.cfn);
});

/** A stack with the given versions of the test package; a version's value is its description. */
function stackWith(versions: Record<string, string>, extra: (stack: Stack) => void = () => undefined): Stack {
  const stack = new Stack(new App(), STACK_NAME);
  for (const [name, description] of Object.entries(versions)) {
    new PackageVersion(stack, `V${name.replace(/\./g, '')}`, { packageName: PACKAGE, versionName: name, description });
  }
  extra(stack);
  return stack;
}

/** Each request as `phase Type ConstructId` (the logical id without its hash), for order assertions. */
function steps(requests: PlayedRequest[]): string[] {
  return requests.map((r) => `${r.phase} ${r.requestType} ${constructId(r.logicalId)}${r.status === 'FAILED' ? ' FAILED' : ''}`);
}

function constructId(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

async function descriptionOf(versionName: string): Promise<string | undefined> {
  return (await env.getVersion(versionName)).description;
}

test('first deploy creates every resource; an update creates, updates and, in the clean-up phase, deletes', async () => {
  const created = await deployer.deploy(stackWith({ '1.0.0': 'one', '1.1.0': 'two' }));
  expect(created.stackStatus).toBe('CREATE_COMPLETE');
  expect(steps(created.requests)).toEqual(expect.arrayContaining(['deploy Create V100', 'deploy Create V110']));

  const updated = await deployer.deploy(stackWith({ '1.1.0': 'two, edited', '1.2.0': 'three' }));

  expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
  expect(steps(updated.requests)).toEqual(['deploy Update V110', 'deploy Create V120', 'cleanup Delete V100']);
  expect(await env.versionExists('1.0.0')).toBe(false);
  expect(await descriptionOf('1.1.0')).toBe('two, edited');
  expect(await descriptionOf('1.2.0')).toBe('three');
  expect([...deployer.resources.keys()].map(constructId).sort()).toEqual(['V110', 'V120']);
});

test('an unchanged resource gets no request', async () => {
  await deployer.deploy(stackWith({ '1.0.0': 'one' }));

  const again = await deployer.deploy(stackWith({ '1.0.0': 'one' }));

  expect(again.requests).toEqual([]);
});

test('a replacement (new physical id) deletes the old physical resource in the clean-up phase', async () => {
  await deployer.deploy(stackWith({ '1.0.0': 'one' }));
  const renamed = new Stack(new App(), STACK_NAME);
  new PackageVersion(renamed, 'V100', { packageName: PACKAGE, versionName: '1.0.1', description: 'one' });

  const result = await deployer.deploy(renamed);

  expect(steps(result.requests)).toEqual(['deploy Update V100', 'cleanup Delete V100']);
  expect(result.requests[1].physicalId).toBe(arnOf('1.0.0'));
  expect(deployer.resources.get(result.requests[0].logicalId)?.physicalId).toBe(arnOf('1.0.1'));
  expect(await env.versionExists('1.0.0')).toBe(false);
  expect(await env.versionExists('1.0.1')).toBe(true);
});

test('a failed update rolls back what it changed, the failed resource included, and deletes what it created', async () => {
  await deployer.deploy(stackWith({ '1.0.0': 'one' }));
  // A version nobody in this stack made: creating it fails.
  await env.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName: '9.0.0' }));

  const result = await deployer.deploy(stackWith({ '1.0.0': 'one, edited', '1.1.0': 'two', '9.0.0': 'taken' }));

  expect(result.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failure).toMatch(/^V900[0-9A-F]{8}: Package version 'firmware\/9.0.0' already exists/);
  expect(steps(result.requests)).toEqual([
    'deploy Update V100', 'deploy Create V110', 'deploy Create V900 FAILED',
    'rollback Update V100', 'rollback-cleanup Delete V900', 'rollback-cleanup Delete V110',
  ]);
  expect(await descriptionOf('1.0.0')).toBe('one');
  expect(await env.versionExists('1.1.0')).toBe(false);
  expect(await env.versionExists('9.0.0')).toBe(true); // not ours: left alone
  expect([...deployer.resources.keys()].map(constructId)).toEqual(['V100']);
});

test('a failed update of an existing resource is rolled back with its previous properties', async () => {
  await deployer.deploy(stackWith({ '1.0.0': 'one' }));
  await env.moto.injectFault({ operation: 'UpdatePackageVersion', errorType: 'ValidationException', message: 'refused', count: 1 });

  const result = await deployer.deploy(stackWith({ '1.0.0': 'one, edited' }));

  expect(steps(result.requests)).toEqual(['deploy Update V100 FAILED', 'rollback Update V100']);
  expect(result.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(deployer.resources.get(result.requests[0].logicalId)?.properties.Description).toBe('one');
});

test('a failed first deployment deletes what it created', async () => {
  await env.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, versionName: '9.0.0' }));

  const result = await deployer.deploy(stackWith({ '1.0.0': 'one', '9.0.0': 'taken' }));

  expect(result.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(steps(result.requests)).toEqual(['deploy Create V100', 'deploy Create V900 FAILED', 'rollback Delete V900', 'rollback Delete V100']);
  expect(await env.versionExists('1.0.0')).toBe(false);
  expect(await env.versionExists('9.0.0')).toBe(true);
});

test('resources go in dependency order, and are deleted in reverse order', async () => {
  // 1.1.0 depends on 1.0.0, though declared first.
  const stack = new Stack(new App(), STACK_NAME);
  const later = new PackageVersion(stack, 'V110', { packageName: PACKAGE, versionName: '1.1.0', status: PackageVersionStatus.PUBLISHED });
  const earlier = new PackageVersion(stack, 'V100', { packageName: PACKAGE, versionName: '1.0.0' });
  later.node.addDependency(earlier);

  const created = await deployer.deploy(stack);
  const destroyed = await deployer.destroy();

  expect(steps(created.requests)).toEqual(['deploy Create V100', 'deploy Create V110']);
  expect(steps(destroyed.requests)).toEqual(['destroy Delete V110', 'destroy Delete V100']);
  expect(destroyed.stackStatus).toBe('DELETE_COMPLETE');
  expect(await env.versionExists('1.0.0')).toBe(false);
  expect(await env.versionExists('1.1.0')).toBe(false);
});

test('Ref of a deployed custom resource resolves to its physical id', async () => {
  const stack = stackWith({ '1.0.0': 'one' }, (s) => {
    const first = s.node.findChild('V100') as PackageVersion;
    // The description names the first version's ARN: a Ref between custom resources.
    new PackageVersion(s, 'V110', { packageName: PACKAGE, versionName: '1.1.0', description: first.packageVersionArn });
  });

  const result = await deployer.deploy(stack);

  expect(steps(result.requests)).toEqual(['deploy Create V100', 'deploy Create V110']);
  expect(await descriptionOf('1.1.0')).toBe(arnOf('1.0.0'));
});
