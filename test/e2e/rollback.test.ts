/**
 * A failing update and its rollback, through the real CDK CLI and
 * MiniStack's CloudFormation engine.
 *
 * Version A is deployed as a DRAFT. Then a "foreign" version B' is made
 * directly in IoT, with the name the stack's B will have. One update
 * publishes A and adds B: B's create collides with B' and fails, and
 * CloudFormation rolls back, sending A an Update back to DRAFT, which IoT
 * cannot do. The handler lets the rollback finish, logs why A stays
 * PUBLISHED, and never touches B'.
 *
 * A colliding create alone would not exercise the handler's rollback path:
 * the provider framework answers the Delete of a failed Create itself. That
 * is why A's publish is in the same update, and why B depends on A: A's
 * update must be done before B's create fails (real CloudFormation runs
 * independent resources in parallel; MiniStack in template order).
 */
import { CreatePackageVersionCommand } from '@aws-sdk/client-iot';
import {
  expectCatalog,
  expectSuccess,
  handlerLogGroupOf,
  handlerLogLines,
  logicalIdOf,
  STEP_TIMEOUT_MS,
  stackEventsOf,
  stackStatusOf,
  useLocalCloud,
} from './e2e';
import { StackSpec, VersionSpec } from './spec';
import { CatalogVersion, ensurePackage, versionsOf } from '../local-cloud/catalog';

const STACK = 'E2eRollback';
const PACKAGE = 'e2e-rollback';

const A: VersionSpec = { id: 'VersionA', packageName: PACKAGE, versionName: '1.0.0', description: 'Version A', tags: { team: 'e2e' } };
/** Everything differs from the foreign version: a take-over, or any change to it, would show. */
const B: VersionSpec = {
  id: 'VersionB',
  packageName: PACKAGE,
  versionName: '2.0.0',
  description: 'Version B of the stack',
  tags: { team: 'e2e' },
  status: 'PUBLISHED',
  dependsOn: [A.id],
};
const FOREIGN = { versionName: B.versionName, description: 'Made by CI', attributes: { source: 'ci' }, tags: { owner: 'ci' } };

const before: StackSpec = { stackName: STACK, versions: [A] };
const failing: StackSpec = { stackName: STACK, versions: [{ ...A, status: 'PUBLISHED' }, B] };

/**
 * The status of a resource that an update adds and whose create fails.
 * CloudFormation reports CREATE_IN_PROGRESS and CREATE_FAILED for it;
 * MiniStack 1.5.33 reports every resource event of an update as UPDATE_*
 * (stacks.py, `_deploy_stack_async`: `f"{status_prefix}_FAILED"` with the
 * operation's prefix), so it shows UPDATE_FAILED.
 */
const NEW_RESOURCE_FAILED = expect.stringMatching(/^(CREATE|UPDATE)_FAILED$/);

const e2e = useLocalCloud();

describe('an update that fails and rolls back', () => {
  let aLogicalId: string;
  let foreignBefore: CatalogVersion;

  test('deploy A as a DRAFT; B\' is made in IoT outside the stack', async () => {
    await ensurePackage(e2e.cloud.iot, PACKAGE);
    const first = await e2e.deploy(before);
    expectSuccess(first);
    aLogicalId = logicalIdOf(first, A.id);

    await e2e.cloud.iot.send(new CreatePackageVersionCommand({ packageName: PACKAGE, ...FOREIGN }));
    const held = await expectCatalog(e2e.cloud, STACK, PACKAGE, [
      { versionName: '1.0.0', status: 'DRAFT', description: 'Version A', tags: { team: 'e2e' }, createdBy: aLogicalId },
      { ...FOREIGN, status: 'DRAFT', createdBy: null },
    ]);
    foreignBefore = held[FOREIGN.versionName];
  }, STEP_TIMEOUT_MS);

  test('publishing A and adding B (colliding with B\') fails, and the stack rolls back; A stays PUBLISHED, B\' is untouched', async () => {
    const cfn = e2e.cloudFormation();
    const eventsBefore = (await stackEventsOf(cfn, STACK)).length;
    const mark = await e2e.mark();

    const update = await e2e.deploy(failing);
    expect(update.code).not.toBe(0);
    const bLogicalId = e2e.synthesizedLogicalId(STACK, B.id);

    // CloudFormation: B's create failed with the handler's message, and the stack rolled back.
    // (Under MiniStack the reason reads "Error: <message>\n\nLogs: ...\n" and
    // then the provider framework's own stack trace: its Node.js functions
    // answer a failed invocation with {errorType, errorMessage} and no
    // `trace`, from which the framework would rebuild the handler's one-line
    // stack as Lambda's runtime does. Hence stringContaining.)
    expect(await stackStatusOf(cfn, STACK)).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events = (await stackEventsOf(cfn, STACK)).slice(eventsBefore);
    const failures = events.filter((e) => e.ResourceStatus?.endsWith('_FAILED'));
    expect(failures).toEqual([expect.objectContaining({
      LogicalResourceId: bLogicalId,
      ResourceStatus: NEW_RESOURCE_FAILED,
      ResourceStatusReason: expect.stringContaining(
        `Package version '${PACKAGE}/${B.versionName}' already exists and was not created by this CloudFormation resource, ` +
        'so it is not taken over'),
    })]);
    expect(failures[0].ResourceStatusReason).toContain('set adoptExisting: true');
    expect(events.filter((e) => e.LogicalResourceId === STACK).map((e) => e.ResourceStatus)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE',
    ]);
    // A: updated (published), then sent back by the rollback, which the handler let succeed.
    // (CloudFormation would also delete B in the clean-up phase, a Delete the
    // provider framework answers itself, as B's Create failed; MiniStack
    // sends none: it never recorded B. The writes below hold either way.)
    expect(events.filter((e) => e.LogicalResourceId === aLogicalId).map((e) => e.ResourceStatus)).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE',
    ]);

    // IoT: A is PUBLISHED (nothing leads back to DRAFT) and still the stack's; B' is exactly as it was.
    const held = await expectCatalog(e2e.cloud, STACK, PACKAGE, [
      { versionName: '1.0.0', status: 'PUBLISHED', description: 'Version A', tags: { team: 'e2e' }, createdBy: aLogicalId },
      { ...FOREIGN, status: 'DRAFT', createdBy: null },
    ]);
    expect(held[FOREIGN.versionName]).toEqual(foreignBefore);

    // Every IoT write the handler made: A's publish, and B's create that IoT refused. Nothing on B' else.
    expect(await e2e.handlerWritesSince(mark)).toEqual([
      `CreatePackageVersion ${PACKAGE}/${B.versionName} -> ConflictException`,
      `UpdatePackageVersion[action] ${PACKAGE}/${A.versionName}`,
    ]);

    // The handler said why A stays PUBLISHED, during the rollback.
    const lines = await handlerLogLines(e2e.cloud, await handlerLogGroupOf(cfn, STACK));
    expect(lines).toContainEqual({
      notice: 'rollback: not failing it for what IoT cannot undo; the version stays as it is',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      wouldHaveFailedWith: expect.stringContaining(
        `Cannot make package version '${PACKAGE}/${A.versionName}' DRAFT: it is PUBLISHED, and IoT has no way back to DRAFT.`),
    });
  }, STEP_TIMEOUT_MS);

  test('the stack still works: destroy deletes A and leaves B\'', async () => {
    const mark = await e2e.mark();
    expectSuccess(await e2e.destroy(before));
    expect(await stackStatusOf(e2e.cloudFormation(), STACK)).toBe('(no such stack)');
    await expectCatalog(e2e.cloud, STACK, PACKAGE, [{ ...FOREIGN, status: 'DRAFT', createdBy: null }]);
    expect((await versionsOf(e2e.cloud.iot, PACKAGE))[0]).toEqual(foreignBefore);
    expect(await e2e.handlerWritesSince(mark)).toEqual([`DeletePackageVersion ${PACKAGE}/${A.versionName}`]);
  }, STEP_TIMEOUT_MS);
});
