/**
 * Recipes through CloudFormation: set on create, changed while DRAFT,
 * PUBLISHED and DEPRECATED (both answers IoT may give for DEPRECATED),
 * cleared when removed from the template, IoT's refusal while a job deploys
 * the recipe, and a recipe change with a deprecation in one update. A recipe
 * is sensitive: it appears in none of the handler's log lines and in no
 * response CloudFormation receives.
 */
import { UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { CfnResponse, HANDLER_CREDENTIALS, STACK_NAME } from './cloudformation-simulator';
import { useLifecycle, VERSION_PROPS } from './harness';
import { testHandlerCallsAuthorized } from '../iam/handler-calls';
import type { RecordedRequest } from '../moto/moto-server';

const env = useLifecycle();

/** Recipes (job documents) with markers that must never show up in a log line or a response. */
const RECIPE = JSON.stringify({ steps: [{ action: 'flash', image: 'fw.bin', secret: 'recipe-marker-3f9c1b' }] });
const NEW_RECIPE = JSON.stringify({ steps: [{ action: 'flash', image: 'fw-b.bin', secret: 'recipe-marker-8d2e4a' }] });
const MARKERS = ['recipe-marker-3f9c1b', 'recipe-marker-8d2e4a'];

const WRITES = new Set([
  'CreatePackageVersion', 'UpdatePackageVersion', 'DeletePackageVersion', 'TagResource', 'UntagResource',
  'AssociateSbomWithPackageVersion', 'DisassociateSbomFromPackageVersion',
]);

/** Every response CloudFormation received in this suite, for the redaction test at the end. */
const responses: CfnResponse[] = [];

const withRecipe = (Recipe?: string, extra: Record<string, unknown> = {}) =>
  ({ ...VERSION_PROPS, ...(Recipe === undefined ? {} : { Recipe }), ...extra });

async function create(props: Record<string, unknown>): Promise<CfnResponse> {
  const res = await env.cfn.create('Firmware140', props);
  responses.push(res);
  expect(res.Status).toBe('SUCCESS');
  return res;
}

async function update(created: CfnResponse, props: Record<string, unknown>, old: Record<string, unknown>,
  stackStatus?: string): Promise<CfnResponse> {
  const res = await env.cfn.update('Firmware140', created.PhysicalResourceId, props, old, stackStatus ? { stackStatus } : {});
  responses.push(res);
  return res;
}

const requestCount = async () => (await env.moto.requests()).length;

/** The handler's IoT writes since `from`. */
async function handlerWrites(from = 0): Promise<RecordedRequest[]> {
  return (await env.moto.requests()).slice(from)
    .filter((r) => r.accessKeyId === HANDLER_CREDENTIALS.accessKeyId && WRITES.has(r.operation));
}

const liveRecipe = async () => (await env.getVersion('1.4.0')).recipe;

describe('create', () => {
  test('a recipe is given to IoT with the create', async () => {
    const res = await create(withRecipe(RECIPE));

    expect(res.Data).toMatchObject({ Status: 'DRAFT' });
    expect(await liveRecipe()).toBe(RECIPE);
    const writes = await handlerWrites();
    expect(writes.map((r) => r.operation)).toEqual(['CreatePackageVersion']);
    expect(writes[0].bodyFields).toContain('recipe');
  });

  test('with a recipe and PUBLISHED: the recipe comes with the create, the publish after it', async () => {
    const res = await create(withRecipe(RECIPE, { Status: 'PUBLISHED' }));

    expect(res.Data).toMatchObject({ Status: 'PUBLISHED' });
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.recipe]).toEqual(['PUBLISHED', RECIPE]);
    expect((await handlerWrites()).map((r) => [r.operation, r.bodyFields.includes('recipe')]))
      .toEqual([['CreatePackageVersion', true], ['UpdatePackageVersion', false]]);
  });
});

describe('update', () => {
  test.each(['DRAFT', 'PUBLISHED'])('a recipe change while %s is made with one UpdatePackageVersion', async (status) => {
    const created = await create(withRecipe(RECIPE, { Status: status }));
    const mark = await requestCount();

    const res = await update(created, withRecipe(NEW_RECIPE, { Status: status }), withRecipe(RECIPE, { Status: status }));

    expect(res.Status).toBe('SUCCESS');
    expect(res.Data).toMatchObject({ Status: status });
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.recipe]).toEqual([status, NEW_RECIPE]);
    expect((await handlerWrites(mark)).map((r) => [r.operation, r.bodyFields])).toEqual([['UpdatePackageVersion', ['recipe']]]);
  });

  test('an unchanged recipe is not sent again', async () => {
    const created = await create(withRecipe(RECIPE, { Status: 'PUBLISHED' }));
    const mark = await requestCount();

    const res = await update(created, withRecipe(RECIPE, { Status: 'PUBLISHED', Description: 'Notes' }), withRecipe(RECIPE, { Status: 'PUBLISHED' }));

    expect(res.Status).toBe('SUCCESS');
    expect((await handlerWrites(mark)).map((r) => r.bodyFields)).toEqual([['description']]);
    expect(await liveRecipe()).toBe(RECIPE);
  });

  test('while DEPRECATED, where IoT allows it (recipeWhileDeprecated: allow): the recipe is changed', async () => {
    await env.moto.setBehaviour({ recipeWhileDeprecated: 'allow' });
    const created = await create(withRecipe(RECIPE, { Status: 'DEPRECATED' }));

    const res = await update(created, withRecipe(NEW_RECIPE, { Status: 'DEPRECATED' }), withRecipe(RECIPE, { Status: 'DEPRECATED' }));

    expect(res.Status).toBe('SUCCESS');
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.recipe]).toEqual(['DEPRECATED', NEW_RECIPE]);
  });

  test('while DEPRECATED, where IoT refuses it (recipeWhileDeprecated: reject): FAILED with IoT\'s error, without the recipe', async () => {
    await env.moto.setBehaviour({ recipeWhileDeprecated: 'reject' });
    const created = await create(withRecipe(RECIPE, { Status: 'DEPRECATED' }));

    const res = await update(created, withRecipe(NEW_RECIPE, { Status: 'DEPRECATED', Description: 'Notes' }), withRecipe(RECIPE, { Status: 'DEPRECATED' }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdatePackageVersion failed for PackageName \'firmware\', VersionName \'1.4.0\' (changing Description, Recipe)');
    expect(res.Reason).toContain('ValidationException: recipe cannot be updated when the package version is DEPRECATED');
    for (const marker of MARKERS) {
      expect(res.Reason).not.toContain(marker);
    }
    // One call carries every field change: IoT refused all of it.
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.recipe, live.description]).toEqual(['DEPRECATED', RECIPE, VERSION_PROPS.Description]);
  });

  test('a recipe removed from the template is cleared in IoT', async () => {
    const created = await create(withRecipe(RECIPE));
    const mark = await requestCount();

    const res = await update(created, withRecipe(), withRecipe(RECIPE));

    expect(res.Status).toBe('SUCCESS');
    expect((await liveRecipe()) ?? '').toBe('');
    expect((await handlerWrites(mark)).map((r) => [r.operation, r.bodyFields])).toEqual([['UpdatePackageVersion', ['recipe']]]);
  });

  test('a template that never had a recipe leaves one set outside CloudFormation alone', async () => {
    const created = await create(withRecipe());
    await env.iot.send(new UpdatePackageVersionCommand({ packageName: VERSION_PROPS.PackageName, versionName: '1.4.0', recipe: RECIPE }));
    const mark = await requestCount();

    const res = await update(created, withRecipe(undefined, { Description: 'Notes' }), withRecipe());

    expect(res.Status).toBe('SUCCESS');
    expect(await liveRecipe()).toBe(RECIPE);
    expect((await handlerWrites(mark)).map((r) => r.bodyFields)).toEqual([['description']]);
  });

  test('a recipe IoT keeps frozen while a job deploys it: FAILED with IoT\'s error passed through', async () => {
    const created = await create(withRecipe(RECIPE, { Status: 'PUBLISHED' }));
    const jobMessage = 'Package version firmware/1.4.0 is in use by job ota-rollout-42 (IN_PROGRESS); its recipe cannot be updated';
    await env.moto.injectFault({ operation: 'UpdatePackageVersion', errorType: 'ConflictException', message: jobMessage, count: 1 });

    const res = await update(created, withRecipe(NEW_RECIPE, { Status: 'PUBLISHED' }), withRecipe(RECIPE, { Status: 'PUBLISHED' }));

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain('UpdatePackageVersion failed for PackageName \'firmware\', VersionName \'1.4.0\' (changing Recipe)');
    expect(res.Reason).toContain(`ConflictException: ${jobMessage}`);
    for (const marker of MARKERS) {
      expect(res.Reason).not.toContain(marker);
    }
    const live = await env.getVersion('1.4.0');
    expect([live.status, live.recipe]).toEqual(['PUBLISHED', RECIPE]);
  });

  test.each(['allow', 'reject'] as const)(
    'a recipe change and a deprecation in one update (recipeWhileDeprecated: %s): the recipe first, then the deprecation',
    async (recipeWhileDeprecated) => {
      await env.moto.setBehaviour({ recipeWhileDeprecated });
      const created = await create(withRecipe(RECIPE, { Status: 'PUBLISHED' }));
      const mark = await requestCount();

      const res = await update(created, withRecipe(NEW_RECIPE, { Status: 'DEPRECATED' }), withRecipe(RECIPE, { Status: 'PUBLISHED' }));

      expect(res.Status).toBe('SUCCESS');
      expect(res.Data).toMatchObject({ Status: 'DEPRECATED' });
      const live = await env.getVersion('1.4.0');
      expect([live.status, live.recipe]).toEqual(['DEPRECATED', NEW_RECIPE]);
      expect((await handlerWrites(mark)).map((r) => r.bodyFields)).toEqual([['recipe'], ['action']]);
    });

  test('the rollback of a recipe change restores the previous recipe', async () => {
    const created = await create(withRecipe(RECIPE, { Status: 'PUBLISHED' }));
    expect((await update(created, withRecipe(NEW_RECIPE, { Status: 'PUBLISHED' }), withRecipe(RECIPE, { Status: 'PUBLISHED' }))).Status).toBe('SUCCESS');

    const rollback = await update(created, withRecipe(RECIPE, { Status: 'PUBLISHED' }), withRecipe(NEW_RECIPE, { Status: 'PUBLISHED' }),
      'UPDATE_ROLLBACK_IN_PROGRESS');

    expect(rollback.Status).toBe('SUCCESS');
    expect(await liveRecipe()).toBe(RECIPE);
  });
});

// Runs after the tests above: covers everything they logged and received.
test('no recipe appears in the handler\'s log lines or in any response', () => {
  expect(responses.length).toBeGreaterThan(10);
  const handlerLines = env.cfn.logs.filter((line) => !line.startsWith('[provider-framework]'));
  expect(handlerLines.join('\n')).toContain('"notice":"version updated"');
  const received = JSON.stringify(responses);
  for (const marker of MARKERS) {
    expect(handlerLines.join('\n')).not.toContain(marker);
    expect(received).not.toContain(marker);
  }
  // The framework logs each event it forwards (properties included) at INFO
  // level; the deployed framework function drops those lines (aws-cdk-lib
  // sets its application log level to FATAL).
  expect(env.cfn.logs.filter((l) => MARKERS.some((m) => l.includes(m))).every((l) => l.startsWith('[provider-framework]'))).toBe(true);
});

testHandlerCallsAuthorized(() => env.moto, { stackName: STACK_NAME });
