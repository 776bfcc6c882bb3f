/**
 * Update with a lifecycle (lambda/version/update.ts, version/reconcile.ts):
 * status steps when the template changes the status; frozen artifact and
 * attributes refused before any write, except during a rollback; recipe
 * and SBOM changes in any state.
 *
 * The plans themselves are in plan.test.ts.
 */
import {
  AssociateSbomWithPackageVersionCommand,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  DisassociateSbomFromPackageVersionCommand,
  GetPackageVersionCommand,
  ListSbomValidationResultsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { handler } from '../../../lambda';
import { Props, STACK_ID, tagList, updateEvent } from '../events';
import {
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  describedStacks,
  headedObjects,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  LiveVersion,
  logged,
  notFound,
  notices,
  PKG,
  rejectionOf,
  s3Mock,
  stubObjectVersion,
  stubOwnTags,
  stubStackStatus,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const V = `${PKG}/${VER}`;
const RECIPE_SECRET = 'recipe-secret-51d0e2';
const RECIPE = `{"run":"install --key ${RECIPE_SECRET}"}`;
const artifact = (key: string, version?: string) => ({ S3Location: { Bucket: 'artifacts', Key: key, ...(version ? { Version: version } : {}) } });
const sbom = (key: string, version?: string) => ({ S3Location: { Bucket: 'sboms', Key: key, ...(version ? { Version: version } : {}) } });
const heldArtifact = (key: string, version: string) => ({ s3Location: { bucket: 'artifacts', key, version } });
const heldSbom = (key: string, version: string) => ({ s3Location: { bucket: 'sboms', key, version } });

/** IoT holds PKG/VER with `overrides`, created by this resource. */
function stubLive(overrides: LiveVersion = {}) {
  iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, overrides));
  stubOwnTags(ARN);
}

function stubWrites() {
  iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});
  iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});
  iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});
  iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
  iotMock.on(DisassociateSbomFromPackageVersionCommand).resolves({});
}

/** The IoT calls that write, in order. */
function writes(): string[] {
  return commandNames().filter((name) => !/^(Get|List)/.test(name));
}

const update = (props: Props, old: Props) => handler(updateEvent(baseProps(props), baseProps(old)));

beforeEach(() => stubWrites());

describe('status', () => {
  test.each<[string, string, string, string[]]>([
    ['DRAFT', 'PUBLISHED', 'DRAFT', ['PUBLISH']],
    ['DRAFT', 'DEPRECATED', 'DRAFT', ['PUBLISH', 'DEPRECATE']],
    ['PUBLISHED', 'DEPRECATED', 'PUBLISHED', ['DEPRECATE']],
    ['DEPRECATED', 'PUBLISHED', 'DEPRECATED', ['PUBLISH']],
  ])('%s -> %s in the template (IoT: %s): %p, and no stack status read', async (from, to, live, actions) => {
    stubLive({ status: live as never });

    const result = await update({ Status: to }, { Status: from });

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual(actions.map((action) => ({ packageName: PKG, versionName: VER, action })));
    expect(result.Data?.Status).toBe(to);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a template that first sets Status (PUBLISHED, after none): published', async () => {
    stubLive();

    await update({ Status: 'PUBLISHED' }, {});

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, action: 'PUBLISH' }]);
  });

  test('unchanged status, IoT further along (deprecated outside CloudFormation): succeeds, logs, reports the live status', async () => {
    stubLive({ status: 'DEPRECATED' });

    const result = await update({ Status: 'PUBLISHED', Description: 'new' }, { Status: 'PUBLISHED' });

    expect(writes()).toEqual(['UpdatePackageVersion']);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new' }]);
    expect(result.Data?.Status).toBe('DEPRECATED');
    expect(notices('status unchanged in the template')).toEqual([expect.objectContaining({ template: 'PUBLISHED', live: 'DEPRECATED' })]);
  });

  test.each(['PUBLISHED', 'DEPRECATED'])('DRAFT asked for on a %s version: fails before any write, after reading the stack status', async (status) => {
    stubLive({ status: status as never });
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(update({ Status: 'DRAFT', Description: 'new', Tags: tagList({ Env: 'prod' }) }, { Status: status }));

    expect(err.message).toBe(
      `Cannot make package version '${V}' DRAFT: it is ${status}, and IoT has no way back to DRAFT. To have a draft, create a new ` +
      `version: change versionName (CloudFormation then replaces this version), or set status to ${status}.`,
    );
    expect(writes()).toEqual([]);
    expect(describedStacks()).toHaveLength(1);
  });

  test('the rollback of a publish (DRAFT asked for under UPDATE_ROLLBACK_IN_PROGRESS): succeeds, logs, reports PUBLISHED, restores the rest', async () => {
    stubLive({ status: 'PUBLISHED', description: 'new' });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');

    const result = await update({ Description: 'old' }, { Status: 'PUBLISHED', Description: 'new' });

    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'old' }]);
    expect(notices('rollback: not failing it')).toEqual([expect.objectContaining({
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      wouldHaveFailedWith: expect.stringMatching(/^Cannot make package version 'firmware\/1\.0\.0' DRAFT: it is PUBLISHED/),
    })]);
  });

  test('the rollback of a deprecation: published again', async () => {
    stubLive({ status: 'DEPRECATED' });

    const result = await update({ Status: 'PUBLISHED' }, { Status: 'DEPRECATED' });

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, action: 'PUBLISH' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });

  test('a failed step fails the update (nothing is deleted), naming the step', async () => {
    stubLive();
    iotMock.on(UpdatePackageVersionCommand).rejects(invalid('no'));

    const err = await rejectionOf(update({ Status: 'PUBLISHED' }, {}));

    expect(err.message).toMatch(/\(changing status \(PUBLISH\)\): ValidationException: no$/);
    expect(writes()).toEqual(['UpdatePackageVersion']);
  });

  test('a version deleted out of band is created again, straight into the template\'s status', async () => {
    iotMock.on(GetPackageVersionCommand).rejects(notFound());
    iotMock.on(CreatePackageVersionCommand).resolves({ packageVersionArn: ARN, status: 'DRAFT' });

    const result = await update({ Status: 'PUBLISHED' }, { Status: 'PUBLISHED' });

    expect(writes()).toEqual(['CreatePackageVersion', 'UpdatePackageVersion']);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });
});

describe('frozen fields', () => {
  const FROZEN_ARTIFACT = `Cannot change Artifact of package version '${V}': it is PUBLISHED, and IoT allows attribute and artifact changes only ` +
    'while a version is DRAFT. Publish the change as a new version: change versionName (CloudFormation then replaces this version).';

  test('an artifact change on a PUBLISHED version fails before any write (and before any S3 call), naming the field', async () => {
    stubLive({ status: 'PUBLISHED', artifact: heldArtifact('fw-1.bin', 'v1') });
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(update(
      { Status: 'PUBLISHED', Artifact: artifact('fw-2.bin'), Description: 'new' },
      { Status: 'PUBLISHED', Artifact: artifact('fw-1.bin') },
    ));

    expect(err.message).toBe(FROZEN_ARTIFACT);
    expect(writes()).toEqual([]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('artifact and attributes changed outside CloudFormation, and changed by the template: the message says both', async () => {
    stubLive({ status: 'DEPRECATED', attributes: { channel: 'hotfix' }, artifact: heldArtifact('fw-9.bin', 'v9') });
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(update(
      { Status: 'DEPRECATED', Attributes: { channel: 'stable' }, Artifact: artifact('fw-2.bin') },
      { Status: 'DEPRECATED', Attributes: { channel: 'beta' }, Artifact: artifact('fw-1.bin') },
    ));

    expect(err.message).toContain("it is DEPRECATED, and IoT allows attribute and artifact changes only while a version is DRAFT. IoT's attributes " +
      "also differ from the previous template's: they were changed outside CloudFormation. Publish the change");
    expect(err.message).toContain("IoT's artifact also differs from the previous template's: it was changed outside CloudFormation.");
    expect(err.message).toMatch(/^Cannot change Attributes .* Cannot change Artifact /);
    expect(writes()).toEqual([]);
  });

  test('artifact and attributes changed only outside CloudFormation: kept, logged, the update goes on', async () => {
    stubLive({ status: 'PUBLISHED', attributes: { channel: 'hotfix' }, artifact: heldArtifact('fw-9.bin', 'v9') });

    const result = await update(
      { Status: 'PUBLISHED', Attributes: { channel: 'beta' }, Artifact: artifact('fw-1.bin'), Description: 'new' },
      { Status: 'PUBLISHED', Attributes: { channel: 'beta' }, Artifact: artifact('fw-1.bin') },
    );

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'new' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(notices('Attributes in IoT differ from the template')).toHaveLength(1);
    expect(notices('Artifact in IoT differs from the template')).toHaveLength(1);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('during a rollback, the frozen change is logged and left, the rest is made, and the live status reported', async () => {
    stubLive({ status: 'PUBLISHED', artifact: heldArtifact('fw-2.bin', 'v2'), description: 'new' });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');

    const result = await update({ Artifact: artifact('fw-1.bin'), Description: 'old' }, { Status: 'PUBLISHED', Artifact: artifact('fw-2.bin'), Description: 'new' });

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, description: 'old' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(notices('rollback: not failing it')).toHaveLength(1);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});

describe('artifact on a DRAFT version', () => {
  test('unchanged key without a version: IoT\'s object version is kept; no S3 call, no write', async () => {
    stubLive({ artifact: heldArtifact('fw-1.bin', 'v1') });

    await update({ Artifact: artifact('fw-1.bin') }, { Artifact: artifact('fw-1.bin') });

    expect(writes()).toEqual([]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('another key: resolved again with one HeadObject, sent before the PUBLISH', async () => {
    stubLive({ artifact: heldArtifact('fw-1.bin', 'v1') });
    stubObjectVersion('artifacts', 'fw-2.bin', 'v2');

    const result = await update({ Artifact: artifact('fw-2.bin'), Status: 'PUBLISHED' }, { Artifact: artifact('fw-1.bin') });

    expect(headedObjects()).toEqual(['s3://artifacts/fw-2.bin']);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, artifact: { s3Location: { bucket: 'artifacts', key: 'fw-2.bin', version: 'v2' } } },
      { packageName: PKG, versionName: VER, action: 'PUBLISH' },
    ]);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });

  test('removed from the template: kept, logged, no write', async () => {
    stubLive({ artifact: heldArtifact('fw-1.bin', 'v1') });

    await update({}, { Artifact: artifact('fw-1.bin') });

    expect(writes()).toEqual([]);
    expect(notices('Artifact was removed')).toHaveLength(1);
  });
});

describe('recipe (sensitive)', () => {
  test.each<[string, Props, LiveVersion, string]>([
    ['set', { Recipe: RECIPE }, {}, RECIPE],
    ['changed on a PUBLISHED version', { Recipe: RECIPE, Status: 'PUBLISHED' }, { status: 'PUBLISHED', recipe: '{"run":"old"}' }, RECIPE],
  ])('%s: sent, and never logged', async (_label, props, live, sent) => {
    stubLive(live);

    await update(props, { ...props, Recipe: '{"run":"old"}' });

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, recipe: sent }]);
    expect(notices('version updated')).toEqual([{ notice: 'version updated', version: V, changed: ['Recipe'] }]);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });

  test('removed from the template: cleared with an empty recipe; the old one is not logged', async () => {
    stubLive({ recipe: RECIPE });

    await update({}, { Recipe: RECIPE });

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, recipe: '' }]);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });

  test('a failed recipe change names the field, not the recipe, in the error and the log', async () => {
    stubLive();
    iotMock.on(UpdatePackageVersionCommand).rejects(invalid('Invalid recipe'));

    const err = await rejectionOf(update({ Recipe: RECIPE }, {}));

    expect(err.message).toBe("UpdatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (changing Recipe): ValidationException: Invalid recipe");
    expect(logged()).not.toContain(RECIPE_SECRET);
  });

  test('a frozen-field refusal next to a recipe change does not name the recipe', async () => {
    stubLive({ status: 'PUBLISHED', attributes: { a: '1' } });
    stubStackStatus('UPDATE_IN_PROGRESS');

    const err = await rejectionOf(update({ Recipe: RECIPE, Attributes: { a: '2' }, Status: 'PUBLISHED' }, { Attributes: { a: '1' }, Status: 'PUBLISHED' }));

    expect(err.message).toMatch(/^Cannot change Attributes/);
    expect(err.message).not.toContain(RECIPE_SECRET);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });
});

describe('SBOM', () => {
  test('added: associated after the field changes; Data.SbomValidationStatus is IoT\'s', async () => {
    stubLive();
    stubObjectVersion('sboms', 'a.zip', 's1');

    const result = await update({ Sbom: sbom('a.zip'), Description: 'new' }, {});

    expect(writes()).toEqual(['UpdatePackageVersion', 'AssociateSbomWithPackageVersion']);
    expect(inputsOf(AssociateSbomWithPackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, sbom: { s3Location: { bucket: 'sboms', key: 'a.zip', version: 's1' } } },
    ]);
    expect(result.Data?.SbomValidationStatus).toBe('IN_PROGRESS');
  });

  test('replaced on a PUBLISHED version', async () => {
    stubLive({ status: 'PUBLISHED', sbom: heldSbom('a.zip', 's1'), sbomValidationStatus: 'SUCCEEDED' });

    const result = await update({ Sbom: sbom('b.zip', 's2'), Status: 'PUBLISHED' }, { Sbom: sbom('a.zip'), Status: 'PUBLISHED' });

    expect(inputsOf(AssociateSbomWithPackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, sbom: { s3Location: { bucket: 'sboms', key: 'b.zip', version: 's2' } } },
    ]);
    expect(result.Data?.SbomValidationStatus).toBe('IN_PROGRESS');
  });

  test('removed: disassociated, and no status left', async () => {
    stubLive({ sbom: heldSbom('a.zip', 's1'), sbomValidationStatus: 'SUCCEEDED' });

    const result = await update({}, { Sbom: sbom('a.zip') });

    expect(writes()).toEqual(['DisassociateSbomFromPackageVersion']);
    expect(result.Data?.SbomValidationStatus).toBe('');
  });

  test('unchanged: no SBOM call, even with WaitForSbomValidation; the live status is reported', async () => {
    stubLive({ sbom: heldSbom('a.zip', 's1'), sbomValidationStatus: 'SUCCEEDED' });

    const result = await update({ Sbom: sbom('a.zip'), WaitForSbomValidation: 'true' }, { Sbom: sbom('a.zip') });

    expect(writes()).toEqual([]);
    expect(commandNames()).toEqual(['GetPackageVersion', 'ListTagsForResource']);
    expect(result.Data?.SbomValidationStatus).toBe('SUCCEEDED');
  });

  test('waited on: validated, then published', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce(liveVersion(VER))
      .resolves(liveVersion(VER, { sbomValidationStatus: 'SUCCEEDED' }));
    stubOwnTags(ARN);
    stubStackStatus('UPDATE_IN_PROGRESS');

    const result = await update({ Sbom: sbom('a.zip', 's1'), WaitForSbomValidation: 'true', Status: 'PUBLISHED' }, {});

    expect(writes()).toEqual(['AssociateSbomWithPackageVersion', 'UpdatePackageVersion']);
    expect(result.Data).toMatchObject({ Status: 'PUBLISHED', SbomValidationStatus: 'SUCCEEDED' });
    // Whether to wait depends on whether this is a rollback: the one status read.
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test('during a rollback the SBOM is associated again but its validation is not awaited, so the rollback finishes', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER));
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    stubOwnTags(ARN);
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');

    const result = await update({ Sbom: sbom('a.zip', 's1'), WaitForSbomValidation: 'true' }, {});

    expect(writes()).toEqual(['AssociateSbomWithPackageVersion']);
    expect(result.Data).toMatchObject({ SbomValidationStatus: 'IN_PROGRESS' });
    expect(notices('rollback: the SBOM is associated again')).toHaveLength(1);
  });

  test.each([
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'SUCCESS'],
    ['UPDATE_IN_PROGRESS', 'FAILED'],
  ])('an SBOM IoT refuses to take back under %s: the rollback goes on (logged), anything else fails', async (status, outcome) => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolves(liveVersion(VER, { sbomValidationStatus: 'SUCCEEDED' }));
    iotMock.on(AssociateSbomWithPackageVersionCommand).rejects(invalid('S3 object version for SBOM cannot be found'));
    iotMock.on(UpdatePackageVersionCommand).resolves({});
    stubOwnTags(ARN);
    stubStackStatus(status);

    const run = update({ Sbom: sbom('a.zip', 's1'), Status: 'PUBLISHED' }, {});

    if (outcome === 'FAILED') {
      await expect(run).rejects.toThrow('AssociateSbomWithPackageVersion failed');
      expect(writes()).toEqual(['AssociateSbomWithPackageVersion']);
    } else {
      const result = await run;
      expect(result.Data).toMatchObject({ Status: 'PUBLISHED', SbomValidationStatus: 'SUCCEEDED' });
      expect(writes()).toEqual(['AssociateSbomWithPackageVersion', 'UpdatePackageVersion']);
      expect(notices('rollback: the SBOM could not be changed back')).toHaveLength(1);
    }
    expect(describedStacks()).toEqual([STACK_ID]);
  });

  test('an SBOM change that succeeds reads no stack status', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER));
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    stubOwnTags(ARN);

    await update({ Sbom: sbom('a.zip', 's1') }, {});

    expect(describedStacks()).toEqual([]);
  });

  test('validation FAILED: the update fails, listing the files; not published, nothing deleted', async () => {
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER })
      .resolvesOnce(liveVersion(VER))
      .resolves(liveVersion(VER, { sbomValidationStatus: 'FAILED' }));
    stubOwnTags(ARN);
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(ListSbomValidationResultsCommand).resolves({ validationResultSummaries: [{ fileName: 'x.json', errorCode: 'FILE_SIZE_LIMIT_EXCEEDED' }] });

    const err = await rejectionOf(update({ Sbom: sbom('a.zip', 's1'), WaitForSbomValidation: 'true', Status: 'PUBLISHED' }, {}));

    expect(err.message).toBe(`IoT's validation of the SBOM of package version '${V}' failed: x.json: FILE_SIZE_LIMIT_EXCEEDED. ` +
      'An SBOM must be a zip of SPDX or CycloneDX JSON documents.');
    expect(writes()).toEqual(['AssociateSbomWithPackageVersion']);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([]);
  });
});
