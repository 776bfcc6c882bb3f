/**
 * lambda/aws/iot.ts findTags: a resource's tags as listTags reads them
 * (all pages), or undefined when IoT reports the resource not found; any
 * other failure is thrown as listTags wraps it.
 */
import { ListTagsForResourceCommand } from '@aws-sdk/client-iot';
import { findTags } from '../../../lambda/aws/iot';
import { ARN, iotMock, notFound, rejectionOf, throttled, useMocks } from '../mocks';

useMocks();

describe('findTags', () => {
  test('returns every tag, following pagination', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: undefined })
      .resolves({ tags: [{ Key: 'Env', Value: 'prod' }], nextToken: 'page-2' });
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: 'page-2' })
      .resolves({ tags: [{ Key: 'team', Value: 'platform' }, { Key: 'empty' }] });

    const tags = await findTags(ARN);

    expect({ ...tags }).toEqual({ Env: 'prod', team: 'platform', empty: '' });
    expect(iotMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  test('an empty tag list is an empty record, not undefined: the resource exists', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({ tags: [] });

    await expect(findTags(ARN).then((t) => t && { ...t })).resolves.toEqual({});
  });

  test.each<[string, () => void]>([
    ['on the first page', () => iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(notFound())],
    ['on a later page (deleted meanwhile)', () => {
      iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: undefined }).resolves({ tags: [{ Key: 'Env', Value: 'prod' }], nextToken: 'page-2' });
      iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN, nextToken: 'page-2' }).rejects(notFound());
    }],
  ])('undefined when IoT reports ResourceNotFoundException %s', async (_label, stub) => {
    stub();

    await expect(findTags(ARN)).resolves.toBeUndefined();
  });

  test('any other failure is thrown, wrapped with the operation and the resource', async () => {
    iotMock.on(ListTagsForResourceCommand, { resourceArn: ARN }).rejects(throttled());

    const err = await rejectionOf(findTags(ARN));

    expect(err.message).toBe(`ListTagsForResource failed for resource '${ARN}': ThrottlingException: Rate exceeded`);
  });
});
