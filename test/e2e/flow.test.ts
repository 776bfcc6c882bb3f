/**
 * A stack's life through the real CDK CLI against the local cloud: deploy,
 * update fields and tags, publish, rename, remove a version, destroy.
 *
 * After each step: the CLI exited 0, moto holds exactly the expected
 * versions (status, description, attributes, tags, and the creation marker
 * naming the resource that made each one), and the handler made exactly the
 * expected IoT writes (moto's request log): nothing is touched that the
 * step did not change.
 */
import {
  E2e,
  expectCatalog,
  ExpectedVersion,
  expectSuccess,
  logicalIdOf,
  markerOf,
  STEP_TIMEOUT_MS,
  stackStatusOf,
  useLocalCloud,
} from './e2e';
import { StackSpec, VersionSpec } from './spec';
import { CatalogVersion, ensurePackage } from '../local-cloud/catalog';

const STACK = 'E2eFlow';
const FIRMWARE = 'e2e-firmware';
const AGENT = 'e2e-agent';
const STACK_TAGS = { project: 'cdk-iot-package-catalog-e2e' };

// Step 1: six versions in two packages, with a mix of props.
const FW100: VersionSpec = {
  id: 'Fw100',
  packageName: FIRMWARE,
  versionName: '1.0.0',
  description: 'First release',
  attributes: { 'channel': 'beta', 'hw:rev': 'A', 'legacy': 'yes' },
  tags: { team: 'edge', owner: 'alice' },
};
const FW_RC: VersionSpec = {
  id: 'FwRc',
  packageName: FIRMWARE,
  versionName: '1.1.0-rc.1',
  attributes: { channel: 'rc' },
  tags: { stage: 'rc' },
  status: 'DRAFT',
};
/** Retained on destroy (and on removal): devices run it. */
const FW090: VersionSpec = {
  id: 'Fw090',
  packageName: FIRMWARE,
  versionName: '0.9.0',
  description: 'Field release',
  status: 'PUBLISHED',
  recipe: JSON.stringify({ version: '1.0', steps: [] }),
  removalPolicy: 'RETAIN_ON_UPDATE_OR_DELETE',
};
const AG200: VersionSpec = {
  id: 'Ag200',
  packageName: AGENT,
  versionName: '2.0.0',
  description: 'Agent 2',
  tags: { team: 'fleet' },
  status: 'DEPRECATED',
};
const AG210: VersionSpec = { id: 'Ag210', packageName: AGENT, versionName: '2.1.0' };
/** RETAIN: kept on destroy too. */
const AG190: VersionSpec = { id: 'Ag190', packageName: AGENT, versionName: '1.9.0', status: 'PUBLISHED', removalPolicy: 'RETAIN' };

const spec = (...versions: VersionSpec[]): StackSpec => ({ stackName: STACK, stackTags: STACK_TAGS, versions });

// Step 2: description, attributes (a value changed, a key removed) and tags (a value changed, one removed, one added).
const FW100_UPDATED: VersionSpec = {
  ...FW100,
  description: 'First release, bootloader fixed',
  attributes: { 'channel': 'stable', 'hw:rev': 'B' },
  tags: { team: 'platform', cost: 'cc-42' },
};
/** Deprecated: its description can still change; its only user tag goes. */
const AG200_UPDATED: VersionSpec = { ...AG200, description: 'Agent 2, superseded', tags: undefined };
// Step 3: publish.
const FW100_PUBLISHED: VersionSpec = { ...FW100_UPDATED, status: 'PUBLISHED' };
const AG210_PUBLISHED: VersionSpec = { ...AG210, status: 'PUBLISHED' };
// Step 4: rename (same construct, new versionName): a replacement.
const FW_RENAMED: VersionSpec = { ...FW_RC, versionName: '1.1.0' };

const e2e = useLocalCloud();

/** The step's writes, as `E2e.handlerWritesSince` lists them. */
const created = (pkg: string, version: string) => `CreatePackageVersion ${pkg}/${version}`;
const deleted = (pkg: string, version: string) => `DeletePackageVersion ${pkg}/${version}`;
const stepped = (pkg: string, version: string) => `UpdatePackageVersion[action] ${pkg}/${version}`;

async function expectBoth(firmware: ExpectedVersion[], agent: ExpectedVersion[]): Promise<Record<string, CatalogVersion>> {
  const fw = await expectCatalog(e2e.cloud, STACK, FIRMWARE, firmware);
  const ag = await expectCatalog(e2e.cloud, STACK, AGENT, agent);
  return { ...prefixed(FIRMWARE, fw), ...prefixed(AGENT, ag) };
}

function prefixed(pkg: string, versions: Record<string, CatalogVersion>): Record<string, CatalogVersion> {
  return Object.fromEntries(Object.entries(versions).map(([name, v]) => [`${pkg}/${name}`, v]));
}

/**
 * Deploys, asserts exit 0, and returns the handler's IoT writes during the
 * deploy, and what its requests (reads included) were about.
 */
async function deployStep(e: E2e, stack: StackSpec): Promise<{ writes: string[]; subjects: string[]; outputs: Record<string, string> }> {
  const mark = await e.mark();
  const result = await e.deploy(stack);
  expectSuccess(result);
  return { writes: await e.handlerWritesSince(mark), subjects: await e.handlerSubjectsSince(mark), outputs: result.outputs };
}

describe('deploy, update, publish, rename, remove, destroy', () => {
  /** Logical ids of the custom resources, by construct id (from step 1's outputs). */
  const ids: Record<string, string> = {};
  /** The versions as read after the previous step, by `pkg/version`. */
  let previous: Record<string, CatalogVersion> = {};

  test('1. deploy: two packages, six versions', async () => {
    await ensurePackage(e2e.cloud.iot, FIRMWARE);
    await ensurePackage(e2e.cloud.iot, AGENT);
    const mark = await e2e.mark();
    const result = await e2e.deploy(spec(FW100, FW_RC, FW090, AG200, AG210, AG190));
    expectSuccess(result);
    for (const v of [FW100, FW_RC, FW090, AG200, AG210, AG190]) {
      ids[v.id] = logicalIdOf(result, v.id);
      expect(result.outputs[`${v.id}Arn`]).toBe(`arn:aws:iot:us-east-1:000000000000:package/${v.packageName}/version/${v.versionName}`);
    }
    expect(result.outputs.Ag200Status).toBe('DEPRECATED');

    previous = await expectBoth([
      { versionName: '1.0.0', status: 'DRAFT', description: 'First release', attributes: FW100.attributes, tags: { ...STACK_TAGS, ...FW100.tags }, createdBy: ids.Fw100 },
      { versionName: '1.1.0-rc.1', status: 'DRAFT', attributes: FW_RC.attributes, tags: { ...STACK_TAGS, ...FW_RC.tags }, createdBy: ids.FwRc },
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '2.0.0', status: 'DEPRECATED', description: 'Agent 2', tags: { ...STACK_TAGS, ...AG200.tags }, createdBy: ids.Ag200 },
      { versionName: '2.1.0', status: 'DRAFT', tags: STACK_TAGS, createdBy: ids.Ag210 },
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    // Each create, then the status steps (DRAFT -> PUBLISHED -> DEPRECATED takes two).
    expect(await e2e.handlerWritesSince(mark)).toEqual([
      created(AGENT, '1.9.0'), created(AGENT, '2.0.0'), created(AGENT, '2.1.0'),
      created(FIRMWARE, '0.9.0'), created(FIRMWARE, '1.0.0'), created(FIRMWARE, '1.1.0-rc.1'),
      stepped(AGENT, '1.9.0'), stepped(AGENT, '2.0.0'), stepped(AGENT, '2.0.0'),
      stepped(FIRMWARE, '0.9.0'),
    ]);
  }, STEP_TIMEOUT_MS);

  test('2. update descriptions, attributes and tags', async () => {
    const { writes, subjects } = await deployStep(e2e, spec(FW100_UPDATED, FW_RC, FW090, AG200_UPDATED, AG210, AG190));

    const now = await expectBoth([
      {
        versionName: '1.0.0',
        status: 'DRAFT',
        description: 'First release, bootloader fixed',
        attributes: { 'channel': 'stable', 'hw:rev': 'B' },
        tags: { ...STACK_TAGS, team: 'platform', cost: 'cc-42' },
        createdBy: ids.Fw100,
      },
      { versionName: '1.1.0-rc.1', status: 'DRAFT', attributes: FW_RC.attributes, tags: { ...STACK_TAGS, ...FW_RC.tags }, createdBy: ids.FwRc },
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '2.0.0', status: 'DEPRECATED', description: 'Agent 2, superseded', tags: STACK_TAGS, createdBy: ids.Ag200 },
      { versionName: '2.1.0', status: 'DRAFT', tags: STACK_TAGS, createdBy: ids.Ag210 },
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    // Updated in place: every version keeps the marker of the request that created it.
    expect(Object.fromEntries(Object.entries(now).map(([k, v]) => [k, markerOf(v)])))
      .toEqual(Object.fromEntries(Object.entries(previous).map(([k, v]) => [k, markerOf(v)])));
    expect(writes).toEqual([
      `TagResource ${FIRMWARE}/1.0.0`,
      `UntagResource ${AGENT}/2.0.0`,
      `UntagResource ${FIRMWARE}/1.0.0`,
      `UpdatePackageVersion[attributes,description] ${FIRMWARE}/1.0.0`,
      `UpdatePackageVersion[description] ${AGENT}/2.0.0`,
    ]);
    // CloudFormation sent no request for the unchanged versions. (MiniStack
    // reports UPDATE_IN_PROGRESS and UPDATE_COMPLETE events for every resource
    // of an update, unchanged ones included, where CloudFormation reports
    // none; it does not invoke their handler, which is what matters here.)
    expect(subjects).toEqual([`${AGENT}/2.0.0`, `${FIRMWARE}/1.0.0`]);
    previous = now;
  }, STEP_TIMEOUT_MS);

  test('3. publish', async () => {
    const { writes, subjects, outputs } = await deployStep(e2e, spec(FW100_PUBLISHED, FW_RC, FW090, AG200_UPDATED, AG210_PUBLISHED, AG190));
    expect(outputs.Fw100Status).toBe('PUBLISHED');
    expect(outputs.Ag210Status).toBe('PUBLISHED');

    const now = await expectBoth([
      {
        versionName: '1.0.0',
        status: 'PUBLISHED',
        description: 'First release, bootloader fixed',
        attributes: { 'channel': 'stable', 'hw:rev': 'B' },
        tags: { ...STACK_TAGS, team: 'platform', cost: 'cc-42' },
        createdBy: ids.Fw100,
      },
      { versionName: '1.1.0-rc.1', status: 'DRAFT', attributes: FW_RC.attributes, tags: { ...STACK_TAGS, ...FW_RC.tags }, createdBy: ids.FwRc },
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '2.0.0', status: 'DEPRECATED', description: 'Agent 2, superseded', tags: STACK_TAGS, createdBy: ids.Ag200 },
      { versionName: '2.1.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag210 },
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    expect(writes).toEqual([stepped(AGENT, '2.1.0'), stepped(FIRMWARE, '1.0.0')]);
    expect(subjects).toEqual([`${AGENT}/2.1.0`, `${FIRMWARE}/1.0.0`]);
    previous = now;
  }, STEP_TIMEOUT_MS);

  test('4. rename a version: the new one is created, then the old one deleted in the clean-up phase', async () => {
    const mark = await e2e.mark();
    const { writes, outputs } = await deployStep(e2e, spec(FW100_PUBLISHED, FW_RENAMED, FW090, AG200_UPDATED, AG210_PUBLISHED, AG190));
    expect(outputs.FwRcArn).toBe(`arn:aws:iot:us-east-1:000000000000:package/${FIRMWARE}/version/1.1.0`);

    const now = await expectBoth([
      {
        versionName: '1.0.0',
        status: 'PUBLISHED',
        description: 'First release, bootloader fixed',
        attributes: { 'channel': 'stable', 'hw:rev': 'B' },
        tags: { ...STACK_TAGS, team: 'platform', cost: 'cc-42' },
        createdBy: ids.Fw100,
      },
      // Same resource, so the same marker owner; a new version, so the marker names another request.
      { versionName: '1.1.0', status: 'DRAFT', attributes: FW_RC.attributes, tags: { ...STACK_TAGS, ...FW_RC.tags }, createdBy: ids.FwRc },
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '2.0.0', status: 'DEPRECATED', description: 'Agent 2, superseded', tags: STACK_TAGS, createdBy: ids.Ag200 },
      { versionName: '2.1.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag210 },
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    expect(markerOf(now[`${FIRMWARE}/1.1.0`])).not.toBe(markerOf(previous[`${FIRMWARE}/1.1.0-rc.1`]));
    expect(writes).toEqual([created(FIRMWARE, '1.1.0'), deleted(FIRMWARE, '1.1.0-rc.1')]);
    // The order: the create during the update, the delete in the clean-up
    // phase after it. Seen in moto's request log only: MiniStack has no
    // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS phase. It deletes replaced (and
    // removed) resources at the end of the update, while the stack is still
    // UPDATE_IN_PROGRESS, and reports no DELETE_IN_PROGRESS/DELETE_COMPLETE
    // events for them (stacks.py, `_deploy_stack_async`).
    const order = (await e2e.handlerRequestsSince(mark))
      .filter((r) => r.operation === 'CreatePackageVersion' || r.operation === 'DeletePackageVersion')
      .map((r) => r.operation);
    expect(order).toEqual(['CreatePackageVersion', 'DeletePackageVersion']);
    previous = now;
  }, STEP_TIMEOUT_MS);

  test('5. remove a version from the stack: it is deleted', async () => {
    const { writes, subjects } = await deployStep(e2e, spec(FW100_PUBLISHED, FW_RENAMED, FW090, AG210_PUBLISHED, AG190));

    await expectBoth([
      {
        versionName: '1.0.0',
        status: 'PUBLISHED',
        description: 'First release, bootloader fixed',
        attributes: { 'channel': 'stable', 'hw:rev': 'B' },
        tags: { ...STACK_TAGS, team: 'platform', cost: 'cc-42' },
        createdBy: ids.Fw100,
      },
      { versionName: '1.1.0', status: 'DRAFT', attributes: FW_RC.attributes, tags: { ...STACK_TAGS, ...FW_RC.tags }, createdBy: ids.FwRc },
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '2.1.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag210 },
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    expect(writes).toEqual([deleted(AGENT, '2.0.0')]);
    // The delete reads only the version's tags (is it ours?); its package only if IoT refused the delete.
    expect(subjects).toEqual([`${AGENT}/2.0.0`]);
  }, STEP_TIMEOUT_MS);

  test('6. destroy: the retained versions stay (RETAIN_ON_UPDATE_OR_DELETE, RETAIN), the rest are deleted', async () => {
    const mark = await e2e.mark();
    expectSuccess(await e2e.destroy(spec(FW100_PUBLISHED, FW_RENAMED, FW090, AG210_PUBLISHED, AG190)));
    expect(await stackStatusOf(e2e.cloudFormation(), STACK)).toBe('(no such stack)');

    // Retained versions leave CloudFormation as they were, marker included.
    await expectBoth([
      { versionName: '0.9.0', status: 'PUBLISHED', description: 'Field release', tags: STACK_TAGS, createdBy: ids.Fw090 },
    ], [
      { versionName: '1.9.0', status: 'PUBLISHED', tags: STACK_TAGS, createdBy: ids.Ag190 },
    ]);
    expect(await e2e.handlerWritesSince(mark)).toEqual([
      deleted(AGENT, '2.1.0'), deleted(FIRMWARE, '1.0.0'), deleted(FIRMWARE, '1.1.0'),
    ]);
  }, STEP_TIMEOUT_MS);
});
