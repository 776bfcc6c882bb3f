/**
 * Undoing what a request made (lambda/version/made.ts): a version it
 * created is deleted again, a version it took over is handed back; the undo
 * may use the cleanup reserve; when it fails, the failure names what leaked.
 */
import { DeletePackageVersionCommand, GetPackageVersionCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-iot';
import { withDeadline } from '../../../lambda/deadline';
import { completeOrUndo, handBack, Made } from '../../../lambda/version/made';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { ARN, commandNames, inputsOf, invalid, iotMock, notFound, notices, OTHER_RESOURCE_OWNER, PKG, rejectionOf, remaining, throttled, useMocks, VER } from '../mocks';

useMocks();

const STATE = { arn: ARN, status: 'DRAFT' };
const NOTHING_PENDING = { steps: [] };
const CREATED: Made = { state: STATE, undo: { kind: 'delete', packageName: PKG, versionName: VER }, pending: NOTHING_PENDING };
const TAKEN_FROM_RESOURCE: Made = { state: STATE, undo: { kind: 'hand-back', arn: ARN, previous: OTHER_RESOURCE_OWNER }, pending: NOTHING_PENDING };
const TAKEN_UNMARKED: Made = { state: STATE, undo: { kind: 'hand-back', arn: ARN, previous: null }, pending: NOTHING_PENDING };

const fail = (message: string) => async (): Promise<never> => { throw new Error(message); };

describe('completeOrUndo', () => {
  test('returns what the steps return, and undoes nothing', async () => {
    await expect(completeOrUndo(CREATED, async () => 42)).resolves.toBe(42);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('with nothing to undo, rethrows the very error', async () => {
    const error = new Error('boom');

    await expect(completeOrUndo({ state: STATE, pending: NOTHING_PENDING }, async () => { throw error; })).rejects.toBe(error);
    expect(iotMock.calls()).toHaveLength(0);
  });

  test.each<[string, string]>([
    ['Status unreadable', 'Status unreadable.'],
    ['Already a sentence.', 'Already a sentence.'],
    ['A question?', 'A question?'],
    ['An exclamation!', 'An exclamation!'],
  ])('a created version is deleted again, and the failure says so (%j)', async (message, sentence) => {
    iotMock.on(DeletePackageVersionCommand, { packageName: PKG, versionName: VER }).resolves({});

    const err = await rejectionOf(completeOrUndo(CREATED, fail(message)));

    expect(err.message).toBe(`${sentence} The version this request created was deleted again, so nothing is left behind.`);
    expect(inputsOf(DeletePackageVersionCommand)).toEqual([{ packageName: PKG, versionName: VER }]);
    expect(notices('undone')).toEqual([{ notice: 'undone: version deleted again', version: 'firmware/1.0.0' }]);
  });

  test('a created version already gone counts as deleted', async () => {
    iotMock.on(DeletePackageVersionCommand).rejects(invalid('No such version'));
    iotMock.on(GetPackageVersionCommand).rejects(notFound());

    const err = await rejectionOf(completeOrUndo(CREATED, fail('Stopped')));

    expect(err.message).toBe('Stopped. The version this request created was deleted again, so nothing is left behind.');
  });

  test('a created version that cannot be deleted again is named, with the command that deletes it', async () => {
    iotMock.on(DeletePackageVersionCommand).rejects(invalid('Version is in use by a job'));
    iotMock.on(GetPackageVersionCommand).resolves({ packageVersionArn: ARN });

    const err = await rejectionOf(completeOrUndo(CREATED, fail('Stopped')));

    expect(err.message).toBe(
      `Stopped. The version this request created, ${ARN}, could not be deleted again (DeletePackageVersion failed for ` +
      "PackageName 'firmware', VersionName '1.0.0': ValidationException: Version is in use by a job); delete it with " +
      "'aws iot delete-package-version --package-name firmware --version-name 1.0.0'",
    );
  });

  test('a version taken from another owner is handed back to it', async () => {
    iotMock.on(TagResourceCommand, { resourceArn: ARN }).resolves({});

    const err = await rejectionOf(completeOrUndo(TAKEN_FROM_RESOURCE, fail('Stopped')));

    expect(err.message).toBe('Stopped. The version was handed back to its previous owner.');
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }] }]);
    expect(commandNames()).toEqual(['TagResource']);
  });

  test('a version that had no marker is handed back by removing the marker', async () => {
    iotMock.on(UntagResourceCommand, { resourceArn: ARN }).resolves({});

    const err = await rejectionOf(completeOrUndo(TAKEN_UNMARKED, fail('Stopped')));

    expect(err.message).toBe('Stopped. The version was handed back to its previous owner.');
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(commandNames()).toEqual(['UntagResource']);
  });

  test('a hand-back that fails says the marker still names this resource', async () => {
    iotMock.on(UntagResourceCommand).rejects(throttled());

    const err = await rejectionOf(completeOrUndo(TAKEN_UNMARKED, fail('Stopped')));

    expect(err.message).toBe(
      `Stopped. The version ${ARN} could not be handed back to its previous owner (UntagResource failed for tags ` +
      `('${CREATION_MARKER_TAG}') of '${ARN}': ThrottlingException: Rate exceeded); its tag '${CREATION_MARKER_TAG}' still names this resource`,
    );
  });

  test('the undo uses the cleanup reserve when forward work is out of time', async () => {
    iotMock.on(DeletePackageVersionCommand).resolves({});

    // 3 s remaining: the 2 s reserve is all there is; forward work has none.
    const err = await withDeadline(remaining(3_000), () => rejectionOf(completeOrUndo(CREATED, fail('Out of time'))));

    expect(err.message).toBe('Out of time. The version this request created was deleted again, so nothing is left behind.');
    expect(commandNames()).toEqual(['DeletePackageVersion']);
  });

  test('an undo that runs out of the reserve too names the leaked version', async () => {
    const err = await withDeadline(remaining(500), () => rejectionOf(completeOrUndo(CREATED, fail('Out of time'))));

    expect(err.message).toMatch(new RegExp(
      `^Out of time\\. The version this request created, ${ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, could not be deleted again ` +
      '\\(DeletePackageVersion did not finish before the handler\'s time ran out: AWS did not answer in time\\. .*\\); ' +
      "delete it with 'aws iot delete-package-version --package-name firmware --version-name 1\\.0\\.0'$",
    ));
    expect(iotMock.calls()).toHaveLength(0);
  });
});

describe('handBack', () => {
  test('to a previous owner writes its marker, with "handed-back" as the request', async () => {
    iotMock.on(TagResourceCommand).resolves({});

    await handBack(ARN, OTHER_RESOURCE_OWNER);

    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OTHER_RESOURCE_OWNER}/handed-back` }] }]);
    expect(notices('handed back')).toEqual([{ notice: 'version handed back to its previous owner', arn: ARN, previousOwner: OTHER_RESOURCE_OWNER }]);
  });

  test('to nobody removes the marker', async () => {
    iotMock.on(UntagResourceCommand).resolves({});

    await handBack(ARN, null);

    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(notices('handed back')).toEqual([{ notice: 'version handed back to its previous owner', arn: ARN, previousOwner: 'none' }]);
  });
});
