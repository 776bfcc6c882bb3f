/**
 * The SBOM of a version (lambda/version/sbom.ts): associating and removing
 * it, and waiting, within the invocation's time, for IoT to validate it.
 *
 * The SBOM in whole requests is in create-lifecycle.test.ts and
 * update-lifecycle.test.ts.
 */
import {
  AssociateSbomWithPackageVersionCommand,
  DisassociateSbomFromPackageVersionCommand,
  GetPackageVersionCommand,
  ListSbomValidationResultsCommand,
} from '@aws-sdk/client-iot';
import { withDeadline } from '../../../lambda/deadline';
import { AFTER_WAIT_MS, awaitSbomValidation, changeSbom } from '../../../lambda/version/sbom';
import {
  accessDenied,
  commandNames,
  inputsOf,
  iotMock,
  liveVersion,
  notFound,
  notices,
  PKG,
  rejectionOf,
  remaining,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const V = `${PKG}/${VER}`;
const SBOM = { bucket: 'sboms', key: 'fw/1.0.0.spdx.zip', version: 'sv1' };

describe('changeSbom', () => {
  test('associate: one call with the object version, logs where it is, returns IoT\'s validation status', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });

    await expect(changeSbom(PKG, VER, { kind: 'associate', sbom: SBOM })).resolves.toBe('IN_PROGRESS');

    expect(inputsOf(AssociateSbomWithPackageVersionCommand)).toEqual([{
      packageName: PKG, versionName: VER, sbom: { s3Location: { bucket: 'sboms', key: 'fw/1.0.0.spdx.zip', version: 'sv1' } },
    }]);
    expect(notices('SBOM associated')).toEqual([
      { notice: 'SBOM associated', version: V, bucket: 'sboms', key: 'fw/1.0.0.spdx.zip', objectVersion: 'sv1' },
    ]);
  });

  test('associate: IoT reporting no status counts as IN_PROGRESS', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).resolves({});

    await expect(changeSbom(PKG, VER, { kind: 'associate', sbom: SBOM })).resolves.toBe('IN_PROGRESS');
  });

  test('associate: a failure names the object and says IoT reads it itself', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).rejects(accessDenied('IoT cannot read the SBOM'));

    const err = await rejectionOf(changeSbom(PKG, VER, { kind: 'associate', sbom: SBOM }));

    expect(err.message).toBe(
      "AssociateSbomWithPackageVersion failed for PackageName 'firmware', VersionName '1.0.0', Sbom s3://sboms/fw/1.0.0.spdx.zip " +
      '(version sv1): AccessDeniedException: IoT cannot read the SBOM (IoT reads the SBOM itself: the bucket policy must allow ' +
      'iot.amazonaws.com s3:GetObject on the object)',
    );
  });

  test('associate: a failure that cannot be about reading the object gets no bucket-policy hint', async () => {
    iotMock.on(AssociateSbomWithPackageVersionCommand).rejects(notFound('No package version'));

    const err = await rejectionOf(changeSbom(PKG, VER, { kind: 'associate', sbom: SBOM }));

    expect(err.message).toContain('ResourceNotFoundException: No package version');
    expect(err.message).not.toContain('bucket policy');
  });

  test('disassociate: one call, logged, and no status left', async () => {
    iotMock.on(DisassociateSbomFromPackageVersionCommand).resolves({});

    await expect(changeSbom(PKG, VER, { kind: 'disassociate' })).resolves.toBe('');

    expect(inputsOf(DisassociateSbomFromPackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(notices('SBOM removed')).toEqual([{ notice: 'SBOM removed', version: V }]);
  });

  test('disassociate: a failure names the call and the version', async () => {
    iotMock.on(DisassociateSbomFromPackageVersionCommand).rejects(accessDenied('no'));

    await expect(changeSbom(PKG, VER, { kind: 'disassociate' })).rejects.toThrow(
      "DisassociateSbomFromPackageVersion failed for PackageName 'firmware', VersionName '1.0.0': AccessDeniedException: no",
    );
  });
});

describe('awaitSbomValidation', () => {
  const getVersion = () => iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER });
  const withStatus = (sbomValidationStatus?: string) => liveVersion(VER, { sbomValidationStatus: sbomValidationStatus as never });

  test('SUCCEEDED at the first look: returns at once, logged', async () => {
    getVersion().resolves(withStatus('SUCCEEDED'));

    await expect(awaitSbomValidation(PKG, VER)).resolves.toBe('SUCCEEDED');

    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(notices('SBOM validated')).toEqual([{ notice: 'SBOM validated', version: V, waitedMs: expect.any(Number) }]);
  });

  test('IN_PROGRESS, then SUCCEEDED: looks again after a pause', async () => {
    getVersion().resolvesOnce(withStatus('IN_PROGRESS')).resolves(withStatus('SUCCEEDED'));

    const started = performance.now();
    await expect(withDeadline(remaining(60_000), () => awaitSbomValidation(PKG, VER))).resolves.toBe('SUCCEEDED');

    expect(commandNames()).toEqual(['GetPackageVersion', 'GetPackageVersion']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('FAILED: the message names each failed file with its error code and message, and what an SBOM must be', async () => {
    getVersion().resolves(withStatus('FAILED'));
    iotMock.on(ListSbomValidationResultsCommand).resolves({
      validationResultSummaries: [
        { fileName: 'app.spdx.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'not SPDX 2.3' },
        { fileName: 'lib.json', validationResult: 'FAILED', errorCode: 'FILE_SIZE_LIMIT_EXCEEDED' },
        { validationResult: 'FAILED' },
      ],
    });

    const err = await rejectionOf(awaitSbomValidation(PKG, VER));

    expect(err.message).toBe(
      `IoT's validation of the SBOM of package version '${V}' failed: app.spdx.json: INCOMPATIBLE_FORMAT (not SPDX 2.3); ` +
      'lib.json: FILE_SIZE_LIMIT_EXCEEDED; (no file name): no error code. An SBOM must be a zip of SPDX or CycloneDX JSON documents.',
    );
    expect(inputsOf(ListSbomValidationResultsCommand)).toEqual([
      { packageName: PKG, versionName: VER, validationResult: 'FAILED', nextToken: undefined },
    ]);
  });

  test('FAILED with many failed files: five are named, the rest summed up, and the listing stops early', async () => {
    getVersion().resolves(withStatus('FAILED'));
    const page = (from: number) => Array.from({ length: 4 }, (_, i) => ({ fileName: `f${from + i}.json`, errorCode: 'INCOMPATIBLE_FORMAT' as const }));
    iotMock.on(ListSbomValidationResultsCommand)
      .resolvesOnce({ validationResultSummaries: page(1), nextToken: 'p2' })
      .resolvesOnce({ validationResultSummaries: page(5), nextToken: 'p3' })
      .resolves({ validationResultSummaries: page(9) });

    const err = await rejectionOf(awaitSbomValidation(PKG, VER));

    expect(err.message).toContain('failed: f1.json: INCOMPATIBLE_FORMAT; f2.json: INCOMPATIBLE_FORMAT; f3.json: INCOMPATIBLE_FORMAT; ' +
      'f4.json: INCOMPATIBLE_FORMAT; f5.json: INCOMPATIBLE_FORMAT; and more. An SBOM');
    expect(err.message).not.toContain('f6.json');
    expect(inputsOf(ListSbomValidationResultsCommand).map((i) => i.nextToken)).toEqual([undefined, 'p2']);
  });

  test('FAILED: long file names and messages are cut', async () => {
    getVersion().resolves(withStatus('FAILED'));
    iotMock.on(ListSbomValidationResultsCommand).resolves({
      validationResultSummaries: [{ fileName: 'n'.repeat(500), errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'm'.repeat(500) }],
    });

    const err = await rejectionOf(awaitSbomValidation(PKG, VER));

    expect(err.message).toContain(`${'n'.repeat(117)}...: INCOMPATIBLE_FORMAT (${'m'.repeat(157)}...)`);
    expect(err.message.length).toBeLessThan(500);
  });

  test('FAILED with no failed file listed: says so', async () => {
    getVersion().resolves(withStatus('FAILED'));
    iotMock.on(ListSbomValidationResultsCommand).resolves({ validationResultSummaries: [] });

    await expect(awaitSbomValidation(PKG, VER)).rejects.toThrow(`package version '${V}' failed: IoT listed no failed file. An SBOM`);
  });

  test('FAILED, and the listing fails: that failure is what is reported', async () => {
    getVersion().resolves(withStatus('FAILED'));
    iotMock.on(ListSbomValidationResultsCommand).rejects(accessDenied('no list'));

    await expect(awaitSbomValidation(PKG, VER)).rejects.toThrow(
      "ListSbomValidationResults failed for PackageName 'firmware', VersionName '1.0.0': AccessDeniedException: no list",
    );
  });

  test('time running out: fails after one look, within the time kept back for what follows', async () => {
    getVersion().resolves(withStatus('IN_PROGRESS'));

    // 20 s remaining: 19 s to the deadline, 15 s for forward work (a 4 s reserve), no more than AFTER_WAIT_MS.
    const started = performance.now();
    const err = await rejectionOf(withDeadline(remaining(AFTER_WAIT_MS + 5_000), () => awaitSbomValidation(PKG, VER)));

    expect(err.message).toBe(
      `IoT was still validating the SBOM of package version '${V}' after 0 s, when the handler's time ran out. Deploy again to ` +
      'wait longer, or turn waitForSbomValidation off and check the sbomValidationStatus attribute later.',
    );
    expect(commandNames()).toEqual(['GetPackageVersion']);
    expect(performance.now() - started).toBeLessThan(900);
  });

  test('time running out after a pause: stops before the deadline', async () => {
    getVersion().resolves(withStatus('IN_PROGRESS'));

    // 22 s: 21 s to the deadline, a 4.4 s reserve, so 16.6 s of forward work: one 1 s pause fits, a 2 s one does not.
    const err = await rejectionOf(withDeadline(remaining(22_000), () => awaitSbomValidation(PKG, VER)));

    expect(err.message).toMatch(/^IoT was still validating the SBOM of package version 'firmware\/1\.0\.0' after 1 s, when the handler's time ran out/);
    expect(commandNames()).toEqual(['GetPackageVersion', 'GetPackageVersion']);
  });

  test.each<[string, string | undefined, string]>([
    ['no status (no SBOM associated)', undefined, "IoT reports status '(none)'"],
    ['an unknown status', 'PENDING', "IoT reports status 'PENDING'"],
  ])('%s: fails at once', async (_label, status, text) => {
    getVersion().resolves(withStatus(status));

    const err = await rejectionOf(awaitSbomValidation(PKG, VER));

    expect(err.message).toBe(`Cannot wait for the SBOM validation of package version '${V}': ${text}`);
    expect(commandNames()).toEqual(['GetPackageVersion']);
  });

  test('the version gone: says so', async () => {
    getVersion().rejects(notFound());

    await expect(awaitSbomValidation(PKG, VER)).rejects.toThrow(
      `Cannot wait for the SBOM validation of package version '${V}': IoT reports status '(none)' (the version no longer exists)`,
    );
  });
});
