/**
 * Create (lambda/package/create.ts): a new package, idempotently and marked
 * as this resource's; on ConflictException the marker decides: a retry of
 * this request, a take-back, a take-over within the stack or with
 * adoptExisting, or a refusal; what the request made is undone when
 * CloudFormation stops waiting for it.
 */
import {
  CreatePackageCommand,
  DeletePackageCommand,
  InternalServerException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePackageCommand,
} from '@aws-sdk/client-iot';
import { PKG_ARN, packageCreate, packageProps, stubPackage, stubVersions } from './package-events';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { requestId, tagList } from '../events';
import {
  commandNames,
  conflict,
  describedStacks,
  FOREIGN_MARKERS,
  inputsOf,
  invalid,
  iotMock,
  logged,
  OTHER_RESOURCE_OWNER,
  OWNER,
  ownMarker,
  PKG,
  rejectionOf,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const meta = { $metadata: {} };
const DESCRIPTION = 'Gateway firmware, do-not-log-me';
const RESPONSE = { PhysicalResourceId: PKG_ARN, Data: { PackageArn: PKG_ARN, PackageName: PKG } };

beforeEach(() => stubStackStatus('CREATE_IN_PROGRESS'));

test('creates the package with clientToken = RequestId and the marker merged into the user tags, then reads the stack status', async () => {
  const rid = requestId();
  iotMock.on(CreatePackageCommand).resolves({ packageName: PKG, packageArn: PKG_ARN });

  const out = await handler(packageCreate(packageProps({ Description: DESCRIPTION, Tags: tagList({ team: 'edge' }) }), { requestId: rid }));

  expect(out).toEqual(RESPONSE);
  expect(inputsOf(CreatePackageCommand)).toEqual([{
    packageName: PKG,
    description: DESCRIPTION,
    tags: { team: 'edge', [CREATION_MARKER_TAG]: `${OWNER}/${rid}` },
    clientToken: rid,
  }]);
  expect(describedStacks()).toHaveLength(1);
  expect(logged()).not.toContain('do-not-log-me');
});

test('invalid properties fail before any call, naming the property', async () => {
  const err = await rejectionOf(handler(packageCreate({ PackageName: 'bad/name', Tags: tagList({ 'aws:x': 'v' }) })));
  expect(err.message).toMatch(/^Package 'bad\/name' has 2 invalid props:\n {2}- packageName: "bad\/name" contains '\/'/);
  expect(err.message).toContain('tags: key "aws:x" starts with \'aws:\'');
  expect(commandNames()).toEqual([]);
});

test('a description with a control character is refused without quoting it', async () => {
  const err = await rejectionOf(handler(packageCreate(packageProps({ Description: 'secret\u0001' }))));
  expect(err.message).toContain('description: contains U+0001 at index 6');
  expect(err.message).not.toContain('secret');
});

describe('ConflictException', () => {
  beforeEach(() => {
    iotMock.on(CreatePackageCommand).rejects(conflict('Package firmware already exists'));
    stubPackage(PKG, true, 'Old');
  });

  test('a retry of this very request uses the package it made, and undoes it by deleting if CloudFormation gave up', async () => {
    const rid = requestId();
    stubOwnTags(PKG_ARN, {}, rid);
    iotMock.on(UpdatePackageCommand).resolves({});

    await expect(handler(packageCreate(packageProps({ Description: 'Old' }), { requestId: rid }))).resolves.toEqual(RESPONSE);
    expect(commandNames()).toEqual(['CreatePackage', 'GetPackage', 'ListTagsForResource']);

    stubStackStatus('ROLLBACK_IN_PROGRESS');
    stubVersions(PKG, []);
    iotMock.on(DeletePackageCommand).resolves({});
    const err = await rejectionOf(handler(packageCreate(packageProps({ Description: 'Old' }), { requestId: rid })));
    expect(err.message).toMatch(/stopped deploying .* The package this request created was deleted again/);
    expect(inputsOf(DeletePackageCommand)).toEqual([{ packageName: PKG }]);
  });

  test('a package this resource made in an earlier request is taken back and reconciled; only the previous template\'s tags are removed', async () => {
    stubOwnTags(PKG_ARN, { outside: 'x' });
    iotMock.on(UpdatePackageCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});

    await expect(handler(packageCreate(packageProps({ Description: 'New', Tags: tagList({ team: 'edge' }) })))).resolves.toEqual(RESPONSE);
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, description: 'New' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: 'team', Value: 'edge' }] }]);
    expect(commandNames()).not.toContain('UntagResource');
  });

  test('a package of another resource of this stack (a moved construct) is taken over, recording the previous owner', async () => {
    const rid = requestId();
    stubTags(PKG_ARN, { [CREATION_MARKER_TAG]: `${OTHER_RESOURCE_OWNER}/r0` });
    iotMock.on(TagResourceCommand).resolves({});

    await expect(handler(packageCreate(packageProps({ Description: 'Old' }), { requestId: rid }))).resolves.toEqual(RESPONSE);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${OTHER_RESOURCE_OWNER}` }] }]);
  });

  test.each(FOREIGN_MARKERS)('a package with %s is refused, naming adoptExisting, without any write', async (_name, tags) => {
    stubTags(PKG_ARN, tags);
    const err = await rejectionOf(handler(packageCreate(packageProps())));
    expect(err.message).toMatch(/^Package 'firmware' already exists and was not created by this CloudFormation resource.*set adoptExisting: true/);
    expect(commandNames()).toEqual(['CreatePackage', 'GetPackage', 'ListTagsForResource']);
  });

  test('with adoptExisting, a foreign package is taken over: reconciled, then marked; CloudFormation giving up hands it back', async () => {
    const rid = requestId();
    stubTags(PKG_ARN, { other: 'tag' });
    iotMock.on(UpdatePackageCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    stubStackStatus('ROLLBACK_IN_PROGRESS');
    iotMock.on(UntagResourceCommand).resolves({});

    const err = await rejectionOf(handler(packageCreate(packageProps({ Description: 'Mine', AdoptExisting: 'true' }), { requestId: rid })));
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, description: 'Mine' }]);
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/-` }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tagKeys: [CREATION_MARKER_TAG] }]);
    expect(err.message).toMatch(/The package was handed back to its previous owner\.$/);
    expect(commandNames()).not.toContain('DeletePackage');
  });

  test('a conflict without a package to be found fails with IoT\'s conflict', async () => {
    stubPackage(PKG, false);
    await expect(handler(packageCreate(packageProps()))).rejects.toThrow(`CreatePackage failed for PackageName '${PKG}': ConflictException`);
  });
});

describe('a create IoT did not answer', () => {
  beforeEach(() => {
    iotMock.on(CreatePackageCommand).rejects(new InternalServerException({ message: 'Oops', ...meta }));
  });

  test('the package this request made anyway is deleted again', async () => {
    const rid = requestId();
    stubPackage(PKG);
    stubTags(PKG_ARN, { [CREATION_MARKER_TAG]: ownMarker(rid) });
    stubVersions(PKG, []);
    iotMock.on(DeletePackageCommand).resolves({});

    const err = await rejectionOf(handler(packageCreate(packageProps(), { requestId: rid })));
    expect(err.message).toBe(`CreatePackage failed for PackageName '${PKG}': InternalServerException: Oops. IoT had made the package nonetheless; it was deleted again, so nothing is left behind.`);
  });

  test('nothing made: IoT\'s error alone', async () => {
    stubPackage(PKG, false);
    const err = await rejectionOf(handler(packageCreate(packageProps())));
    expect(err.message).toBe(`CreatePackage failed for PackageName '${PKG}': InternalServerException: Oops`);
  });

  test('another request\'s package is not touched', async () => {
    stubPackage(PKG);
    stubOwnTags(PKG_ARN);
    await rejectionOf(handler(packageCreate(packageProps())));
    expect(commandNames()).not.toContain('DeletePackage');
  });
});

test('a ValidationException made nothing: no look-up', async () => {
  iotMock.on(CreatePackageCommand).rejects(invalid('bad'));
  await expect(handler(packageCreate(packageProps()))).rejects.toThrow(`CreatePackage failed for PackageName '${PKG}': ValidationException: bad`);
  expect(commandNames()).toEqual(['CreatePackage']);
});
