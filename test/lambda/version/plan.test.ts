/**
 * Planning an update against what IoT holds (lambda/version/reconcile.ts
 * planVersion, finish): artifact, attributes, recipe, SBOM and status, with
 * frozen fields refused before any write.
 *
 * The same plans in whole requests are in update-lifecycle.test.ts.
 */
import {
  AssociateSbomWithPackageVersionCommand,
  DisassociateSbomFromPackageVersionCommand,
  GetPackageVersionCommand,
  ListSbomValidationResultsCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { DesiredVersion, readDesiredVersion, readLenient } from '../../../lambda/properties';
import { finish, LiveVersion, planVersion } from '../../../lambda/version/reconcile';
import { Props } from '../events';
import {
  ARN,
  baseProps,
  commandNames,
  headedObjects,
  inputsOf,
  iotMock,
  liveVersion,
  logged,
  notices,
  PKG,
  rejectionOf,
  s3Mock,
  stubObjectVersion,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const V = `${PKG}/${VER}`;
const RECIPE = '{"steps":[{"action":"install","secret":"s3cr3t-recipe-token"}]}';
const RECIPE_SECRET = 's3cr3t-recipe-token';

const obj = (bucket: string, key: string, version?: string) =>
  ({ S3Location: { Bucket: bucket, Key: key, ...(version ? { Version: version } : {}) } });
const held = (bucket: string, key: string, version: string) => ({ s3Location: { bucket, key, version } });

const desired = (props: Props): DesiredVersion => readDesiredVersion(baseProps(props));
const previous = (props: Props): DesiredVersion => readLenient(baseProps(props));
const live = (overrides: LiveVersion = {}): LiveVersion => ({ ...liveVersion(VER), ...overrides } as LiveVersion);

/** The frozen-field message for `field` on a version IoT reports `status`. */
function frozen(field: string, status: string, extra: { became?: string; drift?: boolean } = {}): string {
  const became = extra.became ? ` (it became ${status} outside CloudFormation: the previous template said ${extra.became})` : '';
  const drift = !extra.drift ? '' : field === 'Attributes'
    ? ' IoT\'s attributes also differ from the previous template\'s: they were changed outside CloudFormation.'
    : ` IoT's ${field.toLowerCase()} also differs from the previous template's: it was changed outside CloudFormation.`;
  return `Cannot change ${field} of package version '${V}': it is ${status}${became}, and IoT allows attribute and artifact changes ` +
    `only while a version is DRAFT.${drift} Publish the change as a new version: change versionName (CloudFormation then replaces this version).`;
}

const keptNotice = (field: string, status: string) => (field === 'Attributes'
  ? `Attributes in IoT differ from the template, which did not change them, and IoT allows no change while the version is ${status}: kept (changed outside CloudFormation)`
  : `${field} in IoT differs from the template, which did not change it, and IoT allows no change while the version is ${status}: kept (changed outside CloudFormation)`);

describe('artifact', () => {
  test('added on a DRAFT version with its version named: changed, and S3 is not asked', async () => {
    const plan = await planVersion(desired({ Artifact: obj('b', 'k', 'v2') }), live(), previous({}));

    expect(plan).toMatchObject({ changed: ['Artifact'], fields: { artifact: { bucket: 'b', key: 'k', version: 'v2' } }, blocked: [] });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('added on a DRAFT version without a version: one HeadObject', async () => {
    stubObjectVersion('b', 'k', 'v3');

    const plan = await planVersion(desired({ Artifact: obj('b', 'k') }), live(), previous({}));

    expect(plan.fields.artifact).toEqual({ bucket: 'b', key: 'k', version: 'v3' });
    expect(headedObjects()).toEqual(['s3://b/k']);
  });

  test('unchanged key, no version in the template: IoT\'s version is kept, nothing changes, S3 is not asked', async () => {
    const plan = await planVersion(desired({ Artifact: obj('b', 'k') }), live({ artifact: held('b', 'k', 'v1') }), previous({ Artifact: obj('b', 'k') }));

    expect(plan.changed).toEqual([]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('another key on a DRAFT version: the new object\'s version is resolved', async () => {
    stubObjectVersion('b', 'k2', 'v7');

    const plan = await planVersion(desired({ Artifact: obj('b', 'k2') }), live({ artifact: held('b', 'k', 'v1') }), previous({ Artifact: obj('b', 'k') }));

    expect(plan.fields.artifact).toEqual({ bucket: 'b', key: 'k2', version: 'v7' });
    expect(headedObjects()).toEqual(['s3://b/k2']);
  });

  test('another version named on a DRAFT version: changed, S3 not asked', async () => {
    const plan = await planVersion(desired({ Artifact: obj('b', 'k', 'v2') }), live({ artifact: held('b', 'k', 'v1') }), previous({ Artifact: obj('b', 'k', 'v1') }));

    expect(plan.fields.artifact).toEqual({ bucket: 'b', key: 'k', version: 'v2' });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test.each(['PUBLISHED', 'DEPRECATED'])('changed by the template on a %s version: blocked, S3 not asked', async (status) => {
    const prev = previous({ Artifact: obj('b', 'k'), Status: status });

    const plan = await planVersion(desired({ Artifact: obj('b', 'k2'), Status: status }), live({ status: status as never, artifact: held('b', 'k', 'v1') }), prev);

    expect(plan.blocked).toEqual([frozen('Artifact', status)]);
    expect(plan.changed).toEqual([]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('changed by the template, and IoT\'s differs from the previous template too: the message says so', async () => {
    const plan = await planVersion(
      desired({ Artifact: obj('b', 'k3'), Status: 'PUBLISHED' }),
      live({ status: 'PUBLISHED', artifact: held('b', 'k2', 'v1') }),
      previous({ Artifact: obj('b', 'k'), Status: 'PUBLISHED' }),
    );

    expect(plan.blocked).toEqual([frozen('Artifact', 'PUBLISHED', { drift: true })]);
  });

  test('unchanged by the template, but another in IoT on a PUBLISHED version: kept and logged, not blocked', async () => {
    const plan = await planVersion(
      desired({ Artifact: obj('b', 'k'), Status: 'PUBLISHED' }),
      live({ status: 'PUBLISHED', artifact: held('b', 'k2', 'v1') }),
      previous({ Artifact: obj('b', 'k'), Status: 'PUBLISHED' }),
    );

    expect(plan).toMatchObject({ blocked: [], changed: [] });
    expect(notices('Artifact in IoT differ')).toEqual([{ notice: keptNotice('Artifact', 'PUBLISHED'), version: V }]);
  });

  test('a take-over (no previous template) of a PUBLISHED version with another artifact: blocked', async () => {
    const plan = await planVersion(desired({ Artifact: obj('b', 'k2') }), live({ status: 'PUBLISHED', artifact: held('b', 'k', 'v1') }), undefined);

    expect(plan.blocked).toEqual([frozen('Artifact', 'PUBLISHED')]);
  });

  test('published outside CloudFormation: the message says what the previous template said', async () => {
    const plan = await planVersion(desired({ Artifact: obj('b', 'k2') }), live({ status: 'PUBLISHED', artifact: held('b', 'k', 'v1') }), previous({ Artifact: obj('b', 'k') }));

    expect(plan.blocked).toEqual([frozen('Artifact', 'PUBLISHED', { became: 'DRAFT' })]);
  });

  test.each(['DRAFT', 'PUBLISHED'])('removed from the template on a %s version: kept (IoT cannot remove one), logged', async (status) => {
    const plan = await planVersion(desired({ Status: status }), live({ status: status as never, artifact: held('b', 'k', 'v1') }), previous({ Artifact: obj('b', 'k'), Status: status }));

    expect(plan).toMatchObject({ changed: [], blocked: [] });
    expect(plan.fields.artifact).toBeUndefined();
    expect(notices('Artifact was removed')).toEqual([
      { notice: 'Artifact was removed from the template, but IoT has no way to remove an artifact: the current one is kept', version: V },
    ]);
  });
});

describe('attributes', () => {
  test.each(['PUBLISHED', 'DEPRECATED'])('changed by the template on a %s version: blocked', async (status) => {
    const plan = await planVersion(
      desired({ Attributes: { channel: 'stable' }, Status: status }),
      live({ status: status as never, attributes: { channel: 'beta' } }),
      previous({ Attributes: { channel: 'beta' }, Status: status }),
    );

    expect(plan.blocked).toEqual([frozen('Attributes', status)]);
    expect(plan.changed).toEqual([]);
  });

  test('changed by the template, and changed in IoT outside CloudFormation: the message says both', async () => {
    const plan = await planVersion(
      desired({ Attributes: { channel: 'stable' }, Status: 'PUBLISHED' }),
      live({ status: 'PUBLISHED', attributes: { channel: 'hotfix' } }),
      previous({ Attributes: { channel: 'beta' }, Status: 'PUBLISHED' }),
    );

    expect(plan.blocked).toEqual([frozen('Attributes', 'PUBLISHED', { drift: true })]);
  });

  test('unchanged by the template but different in IoT on a DEPRECATED version: kept, logged', async () => {
    const plan = await planVersion(
      desired({ Attributes: { channel: 'beta' }, Status: 'DEPRECATED' }),
      live({ status: 'DEPRECATED', attributes: { channel: 'hotfix' } }),
      previous({ Attributes: { channel: 'beta' }, Status: 'DEPRECATED' }),
    );

    expect(plan).toMatchObject({ blocked: [], changed: [] });
    expect(notices('Attributes in IoT differ')).toEqual([{ notice: keptNotice('Attributes', 'DEPRECATED'), version: V }]);
  });

  test('attributes and artifact both frozen: two sentences, attributes first', async () => {
    const plan = await planVersion(
      desired({ Attributes: { channel: 'stable' }, Artifact: obj('b', 'k2'), Status: 'PUBLISHED' }),
      live({ status: 'PUBLISHED', attributes: {}, artifact: held('b', 'k', 'v1') }),
      previous({ Artifact: obj('b', 'k'), Status: 'PUBLISHED' }),
    );

    expect(plan.blocked).toEqual([frozen('Attributes', 'PUBLISHED'), frozen('Artifact', 'PUBLISHED')]);
  });
});

describe('recipe (sensitive)', () => {
  test('set on a version without one', async () => {
    const plan = await planVersion(desired({ Recipe: RECIPE }), live(), previous({}));

    expect(plan).toMatchObject({ changed: ['Recipe'], fields: { recipe: RECIPE } });
  });

  test('changed on a PUBLISHED version: allowed', async () => {
    const plan = await planVersion(
      desired({ Recipe: RECIPE, Status: 'PUBLISHED' }), live({ status: 'PUBLISHED', recipe: '{}' }), previous({ Recipe: '{}', Status: 'PUBLISHED' }),
    );

    expect(plan).toMatchObject({ changed: ['Recipe'], fields: { recipe: RECIPE }, blocked: [] });
  });

  test('unchanged: nothing', async () => {
    const plan = await planVersion(desired({ Recipe: RECIPE }), live({ recipe: RECIPE }), previous({ Recipe: RECIPE }));

    expect(plan.changed).toEqual([]);
  });

  test('removed from the template: cleared with an empty recipe', async () => {
    const plan = await planVersion(desired({}), live({ recipe: RECIPE }), previous({ Recipe: RECIPE }));

    expect(plan).toMatchObject({ changed: ['Recipe'], fields: { recipe: '' } });
  });

  test('removed from the template, already empty in IoT: nothing', async () => {
    const plan = await planVersion(desired({}), live({ recipe: '' }), previous({ Recipe: RECIPE }));

    expect(plan.changed).toEqual([]);
  });

  test('set in IoT outside CloudFormation, never in the template: kept', async () => {
    const plan = await planVersion(desired({}), live({ recipe: RECIPE }), previous({}));

    expect(plan.changed).toEqual([]);
  });

  test('a take-over of a version with a recipe, by a template without one: kept', async () => {
    const plan = await planVersion(desired({}), live({ recipe: RECIPE }), undefined);

    expect(plan.changed).toEqual([]);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });
});

describe('SBOM', () => {
  test('added: associated with its resolved version', async () => {
    stubObjectVersion('s', 'sbom.zip', 'sv1');

    const plan = await planVersion(desired({ Sbom: obj('s', 'sbom.zip') }), live(), previous({}));

    expect(plan.pending.sbom).toEqual({ kind: 'associate', sbom: { bucket: 's', key: 'sbom.zip', version: 'sv1' } });
  });

  test('replaced on a DEPRECATED version: associated (any state allows it)', async () => {
    const plan = await planVersion(
      desired({ Sbom: obj('s', 'sbom2.zip', 'sv2'), Status: 'DEPRECATED' }),
      live({ status: 'DEPRECATED', sbom: held('s', 'sbom.zip', 'sv1') }),
      previous({ Sbom: obj('s', 'sbom.zip'), Status: 'DEPRECATED' }),
    );

    expect(plan).toMatchObject({ blocked: [], pending: { sbom: { kind: 'associate', sbom: { bucket: 's', key: 'sbom2.zip', version: 'sv2' } } } });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('unchanged: no SBOM change, S3 not asked', async () => {
    const plan = await planVersion(desired({ Sbom: obj('s', 'sbom.zip') }), live({ sbom: held('s', 'sbom.zip', 'sv1') }), previous({ Sbom: obj('s', 'sbom.zip') }));

    expect(plan.pending.sbom).toBeUndefined();
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('removed from the template: disassociated', async () => {
    const plan = await planVersion(desired({}), live({ sbom: held('s', 'sbom.zip', 'sv1') }), previous({ Sbom: obj('s', 'sbom.zip') }));

    expect(plan.pending.sbom).toEqual({ kind: 'disassociate' });
  });

  test('associated outside CloudFormation, never in the template: kept', async () => {
    const plan = await planVersion(desired({}), live({ sbom: held('s', 'sbom.zip', 'sv1') }), previous({}));

    expect(plan.pending.sbom).toBeUndefined();
  });
});

describe('status in the plan', () => {
  test('a status change becomes pending steps, after the field changes', async () => {
    const plan = await planVersion(desired({ Description: 'new', Status: 'DEPRECATED' }), live(), previous({}));

    expect(plan).toMatchObject({ changed: ['Description'], pending: { steps: ['PUBLISH', 'DEPRECATE'] }, blocked: [] });
  });

  test('DRAFT on a PUBLISHED version is blocked next to a frozen field, and no steps are planned', async () => {
    const plan = await planVersion(
      desired({ Attributes: { a: 'b' }, Status: 'DRAFT' }), live({ status: 'PUBLISHED' }), previous({ Status: 'PUBLISHED' }),
    );

    expect(plan.blocked).toHaveLength(2);
    expect(plan.blocked[1]).toMatch(/^Cannot make package version 'firmware\/1\.0\.0' DRAFT: it is PUBLISHED/);
    expect(plan.pending.steps).toEqual([]);
  });
});

describe('finish', () => {
  const state = { arn: ARN, status: 'DRAFT', sbomValidationStatus: '' };

  test('SBOM, then the wait, then the status steps; the state reports both', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { sbomValidationStatus: 'SUCCEEDED' }));
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await finish(desired({ Status: 'PUBLISHED', WaitForSbomValidation: 'true' }), state, {
      sbom: { kind: 'associate', sbom: { bucket: 's', key: 'k', version: 'sv' } }, steps: ['PUBLISH'],
    });

    expect(commandNames()).toEqual(['AssociateSbomWithPackageVersion', 'GetPackageVersion', 'UpdatePackageVersion']);
    expect(result).toEqual({ arn: ARN, status: 'PUBLISHED', sbomValidationStatus: 'SUCCEEDED' });
  });

  test('without WaitForSbomValidation, no wait: the status IoT gave on association', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });

    const result = await finish(desired({}), state, { sbom: { kind: 'associate', sbom: { bucket: 's', key: 'k', version: 'sv' } }, steps: [] });

    expect(commandNames()).toEqual(['AssociateSbomWithPackageVersion']);
    expect(result.sbomValidationStatus).toBe('IN_PROGRESS');
  });

  test('a removal is not waited on, even with WaitForSbomValidation', async () => {
    iotMock.on(DisassociateSbomFromPackageVersionCommand).resolves({});

    const result = await finish(desired({ WaitForSbomValidation: 'true' }), { ...state, sbomValidationStatus: 'SUCCEEDED' }, { sbom: { kind: 'disassociate' }, steps: [] });

    expect(commandNames()).toEqual(['DisassociateSbomFromPackageVersion']);
    expect(result.sbomValidationStatus).toBe('');
  });

  test('nothing pending: no call, the state unchanged', async () => {
    const result = await finish(desired({ WaitForSbomValidation: 'true' }), { ...state, sbomValidationStatus: 'FAILED' }, { steps: [] });

    expect(iotMock.calls()).toHaveLength(0);
    expect(result).toEqual({ ...state, sbomValidationStatus: 'FAILED' });
  });

  test('a failed wait stops before any status step', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { sbomValidationStatus: 'FAILED' }));
    iotMock.on(ListSbomValidationResultsCommand).resolves({ validationResultSummaries: [{ fileName: 'a.json', errorCode: 'INCOMPATIBLE_FORMAT' }] });
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const err = await rejectionOf(finish(desired({ WaitForSbomValidation: 'true' }), state, {
      sbom: { kind: 'associate', sbom: { bucket: 's', key: 'k', version: 'sv' } }, steps: ['PUBLISH'],
    }));

    expect(err.message).toMatch(/failed: a\.json: INCOMPATIBLE_FORMAT\./);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([]);
  });
});
