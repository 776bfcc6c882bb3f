/**
 * Artifact and SBOM objects (lambda/version/objects.ts): what IoT holds,
 * whether the template means it, and the object version to give IoT,
 * resolved at most once.
 */
import { liveLocation, matches, resolveObject, sameObject } from '../../../lambda/version/objects';
import { headedObjects, rejectionOf, s3Error, s3Mock, stubObjectVersion, useMocks } from '../mocks';

useMocks();

const B = 'artifacts';
const K = 'fw/1.0.0.bin';

describe('liveLocation', () => {
  test('reads bucket, key and version', () => {
    expect(liveLocation({ s3Location: { bucket: B, key: K, version: 'v1' } })).toEqual({ bucket: B, key: K, version: 'v1' });
  });

  test('a location without a version has no version member', () => {
    expect(liveLocation({ s3Location: { bucket: B, key: K } })).toStrictEqual({ bucket: B, key: K });
  });

  test.each([
    ['nothing', undefined],
    ['no s3Location', {}],
    ['no bucket', { s3Location: { key: K, version: 'v1' } }],
    ['no key', { s3Location: { bucket: B, version: 'v1' } }],
  ])('%s: undefined', (_label, live) => {
    expect(liveLocation(live)).toBeUndefined();
  });
});

describe('sameObject and matches', () => {
  test.each([
    ['same bucket and key', { bucket: B, key: K }, { bucket: B, key: K, version: 'v1' }, true],
    ['another key', { bucket: B, key: 'other' }, { bucket: B, key: K }, false],
    ['another bucket', { bucket: 'other', key: K }, { bucket: B, key: K }, false],
    ['one undefined', { bucket: B, key: K }, undefined, false],
    ['both undefined', undefined, undefined, false],
  ])('sameObject: %s -> %p', (_label, a, b, same) => {
    expect(sameObject(a, b)).toBe(same);
  });

  test.each([
    ['no version in the template: the held version is meant', { bucket: B, key: K }, { bucket: B, key: K, version: 'v1' }, true],
    ['the held version named', { bucket: B, key: K, version: 'v1' }, { bucket: B, key: K, version: 'v1' }, true],
    ['another version named', { bucket: B, key: K, version: 'v2' }, { bucket: B, key: K, version: 'v1' }, false],
    ['a version named, none held', { bucket: B, key: K, version: 'v2' }, { bucket: B, key: K }, false],
    ['another key', { bucket: B, key: 'other' }, { bucket: B, key: K, version: 'v1' }, false],
    ['nothing held', { bucket: B, key: K }, undefined, false],
    ['nothing asked for, something held', undefined, { bucket: B, key: K }, false],
    ['neither', undefined, undefined, true],
  ])('matches: %s -> %p', (_label, desired, held, result) => {
    expect(matches(desired, held)).toBe(result);
  });
});

describe('resolveObject', () => {
  test('the template names the version: it is used, and S3 is not asked', async () => {
    await expect(resolveObject('Artifact', { bucket: B, key: K, version: 'v9' }, { bucket: B, key: K, version: 'v1' }))
      .resolves.toEqual({ bucket: B, key: K, version: 'v9' });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('no version, the same bucket and key as IoT holds: IoT\'s version is kept, S3 is not asked', async () => {
    await expect(resolveObject('Artifact', { bucket: B, key: K }, { bucket: B, key: K, version: 'v1' }))
      .resolves.toEqual({ bucket: B, key: K, version: 'v1' });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('no version, nothing held: one HeadObject gives the current version', async () => {
    stubObjectVersion(B, K, 'v3');

    await expect(resolveObject('Artifact', { bucket: B, key: K }, undefined)).resolves.toEqual({ bucket: B, key: K, version: 'v3' });
    expect(headedObjects()).toEqual([`s3://${B}/${K}`]);
  });

  test('no version, another key than IoT holds: resolved again, for the new key', async () => {
    stubObjectVersion(B, 'fw/1.0.1.bin', 'v4');

    await expect(resolveObject('Sbom', { bucket: B, key: 'fw/1.0.1.bin' }, { bucket: B, key: K, version: 'v1' }))
      .resolves.toEqual({ bucket: B, key: 'fw/1.0.1.bin', version: 'v4' });
    expect(headedObjects()).toEqual([`s3://${B}/fw/1.0.1.bin`]);
  });

  test('no version, another bucket: resolved again', async () => {
    stubObjectVersion('other', K, 'v5');

    await expect(resolveObject('Artifact', { bucket: 'other', key: K }, { bucket: B, key: K, version: 'v1' }))
      .resolves.toEqual({ bucket: 'other', key: K, version: 'v5' });
    expect(headedObjects()).toEqual([`s3://other/${K}`]);
  });

  test('IoT holds the same object without a version: S3 is asked', async () => {
    stubObjectVersion(B, K, 'v6');

    await expect(resolveObject('Artifact', { bucket: B, key: K }, { bucket: B, key: K })).resolves.toEqual({ bucket: B, key: K, version: 'v6' });
    expect(headedObjects()).toEqual([`s3://${B}/${K}`]);
  });

  test('what S3 says is passed on, naming the property', async () => {
    s3Mock.rejects(s3Error('Forbidden', 403));

    const err = await rejectionOf(resolveObject('Sbom', { bucket: B, key: K }, undefined));

    expect(err.message).toMatch(new RegExp(`^HeadObject failed for Sbom s3://${B}/fw/1\\.0\\.0\\.bin .*: Forbidden: UnknownError \\(the handler's role may not read`));
  });
});
