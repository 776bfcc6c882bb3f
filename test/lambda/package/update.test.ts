/**
 * Update (lambda/package/update.ts): the description in place, tags
 * reconciled without ever removing the marker, a new PackageName by
 * replacement; a package this resource did not create is refused (except
 * during a rollback, or with adoptExisting).
 */
import { CreatePackageCommand, TagResourceCommand, UntagResourceCommand, UpdatePackageCommand } from '@aws-sdk/client-iot';
import { packageArnOf, packageProps, packageUpdate, PKG_ARN, stubPackage } from './package-events';
import { handler } from '../../../lambda';
import { CREATION_MARKER_TAG } from '../../../src/shared/contract';
import { requestId, tagList } from '../events';
import {
  commandNames,
  conflict,
  describedStacks,
  inputsOf,
  iotMock,
  logged,
  notices,
  OTHER_STACK_OWNER,
  OWNER,
  PKG,
  rejectionOf,
  stubOwnTags,
  stubStackStatus,
  stubTags,
  useMocks,
} from '../mocks';

useMocks();

const respond = (arn: string, name: string) => ({ PhysicalResourceId: arn, Data: { PackageArn: arn, PackageName: name } });

describe('in place', () => {
  beforeEach(() => {
    stubOwnTags(PKG_ARN, { team: 'edge', outside: 'kept' });
    iotMock.on(UpdatePackageCommand).resolves({});
    iotMock.on(TagResourceCommand).resolves({});
    iotMock.on(UntagResourceCommand).resolves({});
  });

  test('a new description is set with UpdatePackage, and never logged', async () => {
    stubPackage(PKG, true, 'Old text');
    const out = await handler(packageUpdate(packageProps({ Description: 'New text' }), packageProps({ Description: 'Old text' })));
    expect(out).toEqual(respond(PKG_ARN, PKG));
    expect(inputsOf(UpdatePackageCommand)).toEqual([{ packageName: PKG, description: 'New text' }]);
    expect(logged()).not.toMatch(/New text|Old text/);
  });

  test('an unchanged description is not written', async () => {
    stubPackage(PKG, true, 'Same');
    await handler(packageUpdate(packageProps({ Description: 'Same' }), packageProps({ Description: 'Same' })));
    expect(commandNames()).not.toContain('UpdatePackage');
  });

  test('a removed description is kept (IoT cannot clear one), and that is logged', async () => {
    stubPackage(PKG, true, 'Old');
    await handler(packageUpdate(packageProps(), packageProps({ Description: 'Old' })));
    expect(commandNames()).not.toContain('UpdatePackage');
    expect(notices('IoT cannot clear one')).toHaveLength(1);
  });

  test('tags: changed and added ones are set, the previous template\'s dropped ones removed; outside tags and the marker stay', async () => {
    stubPackage(PKG);
    await handler(packageUpdate(
      packageProps({ Tags: tagList({ team: 'core', cost: '42' }) }),
      packageProps({ Tags: tagList({ team: 'edge', old: 'x', [CREATION_MARKER_TAG]: 'forged' }) }),
    ));
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: 'team', Value: 'core' }, { Key: 'cost', Value: '42' }] }]);
    expect(inputsOf(UntagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tagKeys: ['old'] }]);
  });
});

describe('a package this resource did not create', () => {
  beforeEach(() => {
    stubPackage(PKG);
    stubTags(PKG_ARN, { [CREATION_MARKER_TAG]: `${OTHER_STACK_OWNER}/r1` });
  });

  test('is refused outside a rollback, without any write', async () => {
    stubStackStatus('UPDATE_IN_PROGRESS');
    const err = await rejectionOf(handler(packageUpdate(packageProps({ Description: 'x' }), packageProps())));
    expect(err.message).toMatch(/^Package 'firmware' was not created by this CloudFormation resource.*adoptExisting: true/);
    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
  });

  test('is left as it is during a rollback, which goes on', async () => {
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    await expect(handler(packageUpdate(packageProps({ Description: 'x' }), packageProps()))).resolves.toEqual(respond(PKG_ARN, PKG));
    expect(commandNames()).toEqual(['GetPackage', 'ListTagsForResource']);
  });

  test('is taken over with adoptExisting', async () => {
    const rid = requestId();
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageCommand).rejects(conflict());
    iotMock.on(TagResourceCommand).resolves({});
    await expect(handler(packageUpdate(packageProps({ AdoptExisting: 'true' }), packageProps(), { requestId: rid })))
      .resolves.toEqual(respond(PKG_ARN, PKG));
    expect(inputsOf(TagResourceCommand)).toEqual([{ resourceArn: PKG_ARN, tags: [{ Key: CREATION_MARKER_TAG, Value: `${OWNER}/${rid}/${OTHER_STACK_OWNER}` }] }]);
  });
});

test('a package deleted outside CloudFormation is created again, under the same ARN', async () => {
  const rid = requestId();
  stubPackage(PKG, false);
  iotMock.on(CreatePackageCommand).resolves({ packageName: PKG, packageArn: PKG_ARN });
  await expect(handler(packageUpdate(packageProps(), packageProps(), { requestId: rid }))).resolves.toEqual(respond(PKG_ARN, PKG));
  expect(inputsOf(CreatePackageCommand)[0]).toMatchObject({ packageName: PKG, tags: { [CREATION_MARKER_TAG]: `${OWNER}/${rid}` } });
});

describe('a new PackageName', () => {
  const NEW_ARN = packageArnOf('firmware-v2');

  test('replaces the package: the new one is created and its ARN returned; the old one is left for CloudFormation to delete', async () => {
    stubStackStatus('UPDATE_IN_PROGRESS');
    iotMock.on(CreatePackageCommand).resolves({ packageName: 'firmware-v2', packageArn: NEW_ARN });
    await expect(handler(packageUpdate(packageProps({ PackageName: 'firmware-v2' }), packageProps())))
      .resolves.toEqual(respond(NEW_ARN, 'firmware-v2'));
    expect(commandNames()).toEqual(['CreatePackage']);
    expect(describedStacks()).toHaveLength(2); // is this a rollback? then: still deploying?
  });

  test('rolled back: the old package, still this resource\'s, is taken back', async () => {
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    iotMock.on(CreatePackageCommand).rejects(conflict());
    stubPackage(PKG);
    stubOwnTags(PKG_ARN);
    await expect(handler(packageUpdate(packageProps(), packageProps({ PackageName: 'firmware-v2' }))))
      .resolves.toEqual(respond(PKG_ARN, PKG));
    expect(describedStacks()).toHaveLength(1);
  });
});
