/**
 * Create with a lifecycle (lambda/version/create.ts, version/reconcile.ts
 * finish): straight into PUBLISHED or DEPRECATED, with an artifact, a
 * recipe and an SBOM; a create that fails after making the version
 * (a status step, the SBOM, its validation) deletes it again.
 */
import {
  AssociateSbomWithPackageVersionCommand,
  CreatePackageVersionCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  ListSbomValidationResultsCommand,
  TagResourceCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { createEvent, Props, requestId } from '../events';
import {
  accessDenied,
  ARN,
  baseProps,
  cfnMock,
  commandNames,
  conflict,
  describedStacks,
  headedObjects,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  LiveVersion,
  logged,
  notices,
  OTHER_RESOURCE_OWNER,
  ownMarker,
  PKG,
  rejectionOf,
  remaining,
  s3Error,
  s3Mock,
  stubObjectVersion,
  stubStackStatus,
  stubTags,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const DATA = { PackageVersionArn: ARN, ErrorReason: '', PackageName: PKG, VersionName: VER };
const DELETED = 'The version this request created was deleted again, so nothing is left behind.';
const RECIPE_SECRET = 'recipe-secret-7f3a9c';
const RECIPE = `{"install":"/opt/fw/install.sh --token ${RECIPE_SECRET}"}`;
const artifact = (key: string, version?: string) => ({ S3Location: { Bucket: 'artifacts', Key: key, ...(version ? { Version: version } : {}) } });
const sbom = (key: string, version?: string) => ({ S3Location: { Bucket: 'sboms', Key: key, ...(version ? { Version: version } : {}) } });

/** CreatePackageVersion of PKG/VER succeeds (a DRAFT version). */
function stubCreated() {
  iotMock.on(CreatePackageVersionCommand, { packageName: PKG, versionName: VER })
    .resolves({ packageVersionArn: ARN, packageName: PKG, versionName: VER, status: 'DRAFT' });
}

/** The IoT calls that write, in order. */
function writes(): string[] {
  return commandNames().filter((name) => !/^(Get|List)/.test(name));
}

beforeEach(() => stubStackStatus('CREATE_IN_PROGRESS'));

describe('status on create', () => {
  test('straight into PUBLISHED: exactly CreatePackageVersion, then one UpdatePackageVersion PUBLISH', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await handler(createEvent(baseProps({ Status: 'PUBLISHED' })));

    expect(commandNames()).toEqual(['CreatePackageVersion', 'UpdatePackageVersion']);
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, action: 'PUBLISH' }]);
    expect(inputsOf(CreatePackageVersionCommand)[0]).not.toHaveProperty('action');
    expect(result).toEqual({ PhysicalResourceId: ARN, Data: { ...DATA, Status: 'PUBLISHED', SbomValidationStatus: '' } });
    expect(describedStacks()).toHaveLength(1);
  });

  test('straight into DEPRECATED: PUBLISH, then DEPRECATE', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await handler(createEvent(baseProps({ Status: 'DEPRECATED' })));

    expect(commandNames()).toEqual(['CreatePackageVersion', 'UpdatePackageVersion', 'UpdatePackageVersion']);
    expect(inputsOf(UpdatePackageVersionCommand).map((i) => i.action)).toEqual(['PUBLISH', 'DEPRECATE']);
    expect(result.Data?.Status).toBe('DEPRECATED');
  });

  test.each<[string, Props]>([['Status DRAFT', { Status: 'DRAFT' }], ['no Status', {}]])('%s: only the create', async (_label, props) => {
    stubCreated();

    const result = await handler(createEvent(baseProps(props)));

    expect(commandNames()).toEqual(['CreatePackageVersion']);
    expect(result.Data?.Status).toBe('DRAFT');
  });

  test('a failed PUBLISH deletes the created version, and the error says so; the stack status is not read', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).rejects(invalid('The artifact could not be read'));
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER));
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps({ Status: 'PUBLISHED' }))));

    expect(err.message).toBe(
      "UpdatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (changing status (PUBLISH)): " +
      `ValidationException: The artifact could not be read. ${DELETED}`,
    );
    expect(commandNames()).toEqual(['CreatePackageVersion', 'UpdatePackageVersion', 'GetPackageVersion', 'DeletePackageVersion']);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a failed DEPRECATE after a PUBLISH also deletes the version', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).resolvesOnce({}).rejects(invalid('nope'));
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { status: 'PUBLISHED' }));
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps({ Status: 'DEPRECATED' }))));

    expect(err.message).toMatch(/\(changing status \(DEPRECATE\)\): ValidationException: nope\. The version this request created was deleted again/);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
  });

  test('a PUBLISH whose response was lost, but which IoT applied: the create succeeds', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).rejects(conflict('already PUBLISHED'));
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { status: 'PUBLISHED' }));

    const result = await handler(createEvent(baseProps({ Status: 'PUBLISHED' })));

    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([]);
  });

  test('a retried create whose first attempt created but did not publish: publishes now', async () => {
    const rid = requestId();
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER));
    stubTags(ARN, { [CREATION_MARKER_TAG]: ownMarker(rid) });
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await handler(createEvent(baseProps({ Status: 'PUBLISHED' }), { requestId: rid }));

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, action: 'PUBLISH' }]);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });

  test('taking back a PUBLISHED version this resource made, with a template that sets no status: kept, logged', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { status: 'PUBLISHED' }));
    stubTags(ARN, { [CREATION_MARKER_TAG]: ownMarker() });

    const result = await handler(createEvent(baseProps()));

    expect(writes()).toEqual(['CreatePackageVersion']);
    expect(result.Data?.Status).toBe('PUBLISHED');
    expect(notices('the template sets no status')).toHaveLength(1);
  });

  test('taking back a PUBLISHED version with Status DRAFT: fails before any write, saying why', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER, { status: 'PUBLISHED' }));
    stubTags(ARN, { [CREATION_MARKER_TAG]: ownMarker() });

    const err = await rejectionOf(handler(createEvent(baseProps({ Status: 'DRAFT' }))));

    expect(err.message).toMatch(/^Cannot make package version 'firmware\/1\.0\.0' DRAFT: it is PUBLISHED, and IoT has no way back to DRAFT\./);
    expect(writes()).toEqual(['CreatePackageVersion']);
  });

  test('taking over a DRAFT version of a moved construct into PUBLISHED: the marker first, then PUBLISH', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(conflict());
    iotMock.on(GetPackageVersionCommand).resolves(liveVersion(VER));
    stubTags(ARN, { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/x` });
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await handler(createEvent(baseProps({ Status: 'PUBLISHED' })));

    expect(writes()).toEqual(['CreatePackageVersion', 'TagResource', 'UpdatePackageVersion']);
    expect(result.Data?.Status).toBe('PUBLISHED');
  });
});

describe('artifact on create', () => {
  test('with its version named: passed to IoT as it is, and S3 is not asked', async () => {
    stubCreated();

    await handler(createEvent(baseProps({ Artifact: artifact('fw.bin', 'v1') })));

    expect(inputsOf(CreatePackageVersionCommand)[0].artifact).toEqual({ s3Location: { bucket: 'artifacts', key: 'fw.bin', version: 'v1' } });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('without a version: one HeadObject, before the create, pins the current version', async () => {
    stubCreated();
    stubObjectVersion('artifacts', 'fw.bin', 'v42');

    await handler(createEvent(baseProps({ Artifact: artifact('fw.bin') })));

    expect(headedObjects()).toEqual(['s3://artifacts/fw.bin']);
    expect(inputsOf(CreatePackageVersionCommand)[0].artifact).toEqual({ s3Location: { bucket: 'artifacts', key: 'fw.bin', version: 'v42' } });
    const [head] = s3Mock.commandCalls(HeadObjectCommand);
    const [create] = iotMock.commandCalls(CreatePackageVersionCommand);
    expect(head.calledBefore(create)).toBe(true);
  });

  test('in an unversioned bucket: fails before any IoT call, saying what to do', async () => {
    stubObjectVersion('artifacts', 'fw.bin', undefined);

    const err = await rejectionOf(handler(createEvent(baseProps({ Artifact: artifact('fw.bin') }))));

    expect(err.message).toMatch(/^Artifact s3:\/\/artifacts\/fw\.bin has no object version: bucket 'artifacts' is not versioned .*enable versioning on the bucket/);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test.each<[string, number, RegExp]>([
    ['NotFound', 404, /\(the object does not exist: upload it before the package version is deployed/],
    ['Forbidden', 403, /\(the handler's role may not read the object: name the bucket through the construct/],
  ])('an object S3 answers %s for: fails before any IoT call, with a hint', async (name, status, hint) => {
    s3Mock.on(HeadObjectCommand).rejects(s3Error(name, status));

    const err = await rejectionOf(handler(createEvent(baseProps({ Artifact: artifact('fw.bin') }))));

    expect(err.message).toMatch(/^HeadObject failed for Artifact s3:\/\/artifacts\/fw\.bin/);
    expect(err.message).toMatch(hint);
    expect(iotMock.calls()).toHaveLength(0);
  });
});

describe('recipe on create (sensitive)', () => {
  test('is passed to IoT, and never logged', async () => {
    stubCreated();
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    await handler(createEvent(baseProps({ Recipe: RECIPE, Status: 'PUBLISHED' })));

    expect(inputsOf(CreatePackageVersionCommand)[0].recipe).toBe(RECIPE);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });

  test('a failed create names neither the recipe in its error nor in the log', async () => {
    iotMock.on(CreatePackageVersionCommand).rejects(invalid('Recipe is not a valid job document'));
    iotMock.on(GetPackageCommand, { packageName: PKG }).resolves({ packageName: PKG });

    const err = await rejectionOf(handler(createEvent(baseProps({ Recipe: RECIPE }))));

    expect(err.message).toBe("CreatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0': ValidationException: Recipe is not a valid job document");
    expect(commandNames()).toEqual(['CreatePackageVersion', 'GetPackage']);
    expect(logged()).not.toContain(RECIPE_SECRET);
  });
});

describe('SBOM on create', () => {
  const created = { s3Location: { bucket: 'sboms', key: 'fw.spdx.zip', version: 'sv1' } };
  const withSbom = (status: string): LiveVersion => liveVersion(VER, { sbomValidationStatus: status as never });

  test('associated after the create, with its resolved version; Data.SbomValidationStatus is IoT\'s', async () => {
    stubCreated();
    stubObjectVersion('sboms', 'fw.spdx.zip', 'sv1');
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });

    const result = await handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip') })));

    expect(commandNames()).toEqual(['CreatePackageVersion', 'AssociateSbomWithPackageVersion']);
    expect(inputsOf(AssociateSbomWithPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER, sbom: created }]);
    expect(inputsOf(CreatePackageVersionCommand)[0]).not.toHaveProperty('sbom');
    expect(result.Data?.SbomValidationStatus).toBe('IN_PROGRESS');
  });

  test('with WaitForSbomValidation and Status PUBLISHED: associate, wait, then publish', async () => {
    stubCreated();
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    iotMock.on(GetPackageVersionCommand).resolves(withSbom('SUCCEEDED'));
    iotMock.on(UpdatePackageVersionCommand).resolves({});

    const result = await handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip', 'sv1'), WaitForSbomValidation: 'true', Status: 'PUBLISHED' })));

    expect(commandNames()).toEqual(['CreatePackageVersion', 'AssociateSbomWithPackageVersion', 'GetPackageVersion', 'UpdatePackageVersion']);
    expect(result.Data).toEqual({ ...DATA, Status: 'PUBLISHED', SbomValidationStatus: 'SUCCEEDED' });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('validation FAILED: the version is deleted again, and the error lists the files and codes', async () => {
    stubCreated();
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    iotMock.on(GetPackageVersionCommand).resolves(withSbom('FAILED'));
    iotMock.on(ListSbomValidationResultsCommand).resolves({
      validationResultSummaries: [{ fileName: 'app.cdx.json', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'bad spec version' }],
    });
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip', 'sv1'), WaitForSbomValidation: 'true', Status: 'PUBLISHED' }))));

    expect(err.message).toBe(
      "IoT's validation of the SBOM of package version 'firmware/1.0.0' failed: app.cdx.json: INCOMPATIBLE_FORMAT (bad spec version). " +
      `An SBOM must be a zip of SPDX or CycloneDX JSON documents. ${DELETED}`,
    );
    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([]);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
  });

  test('time running out during the wait: the version is deleted again, within the reserve', async () => {
    stubCreated();
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    iotMock.on(GetPackageVersionCommand).resolves(withSbom('IN_PROGRESS'));
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip', 'sv1'), WaitForSbomValidation: 'true' })), remaining(20_000)));

    expect(err.message).toMatch(/^IoT was still validating the SBOM of package version 'firmware\/1\.0\.0' after 0 s, when the handler's time ran out\./);
    expect(err.message).toMatch(new RegExp(`${DELETED}$`));
    expect(commandNames()).toEqual(['CreatePackageVersion', 'AssociateSbomWithPackageVersion', 'GetPackageVersion', 'DeletePackageVersion']);
  });

  test('an SBOM IoT may not read: the version is deleted again', async () => {
    stubCreated();
    iotMock.on(AssociateSbomWithPackageVersionCommand).rejects(accessDenied('cannot read s3://sboms/fw.spdx.zip'));
    iotMock.on(DeletePackageVersionCommand).resolves({});

    const err = await rejectionOf(handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip', 'sv1') }))));

    expect(err.message).toMatch(/^AssociateSbomWithPackageVersion failed .*the bucket policy must allow iot\.amazonaws\.com s3:GetObject on the object\)\. /);
    expect(err.message).toMatch(new RegExp(`${DELETED}$`));
  });

  test('an SBOM in an unversioned bucket fails before anything is created', async () => {
    stubObjectVersion('sboms', 'fw.spdx.zip', 'null');

    const err = await rejectionOf(handler(createEvent(baseProps({ Sbom: sbom('fw.spdx.zip') }))));

    expect(err.message).toMatch(/^Sbom s3:\/\/sboms\/fw\.spdx\.zip has no object version/);
    expect(iotMock.calls()).toHaveLength(0);
  });
});
