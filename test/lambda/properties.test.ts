import { tagList } from './events';
import { MAX_VALIDATION_MESSAGE } from '../../lambda/errors';
import { identityOf, readDesiredVersion, readLenient } from '../../lambda/properties';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

/** What properties without Status, Recipe, Artifact, Sbom and WaitForSbomValidation read as. */
const NO_LIFECYCLE = { status: 'DRAFT', statusSet: false, recipe: undefined, artifact: undefined, sbom: undefined, waitForSbomValidation: false };

describe('readLenient', () => {
  test('reads every property', () => {
    expect(readLenient({
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
      PackageName: 'firmware',
      VersionName: '1.0.0',
      Description: 'text',
      Attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      Tags: tagList({ Env: 'prod', Team: 'iot' }),
    })).toEqual({
      packageName: 'firmware',
      versionName: '1.0.0',
      description: 'text',
      attributes: { 'channel': 'stable', 'hw:rev': 'B' },
      tags: { Env: 'prod', Team: 'iot' },
      adoptExisting: false,
      ...NO_LIFECYCLE,
    });
  });

  test.each([undefined, null, {}])('gives empty names, no description and empty maps for %p', (raw) => {
    const read = readLenient(raw);
    expect(read).toEqual({ packageName: '', versionName: '', attributes: {}, tags: {}, adoptExisting: false, ...NO_LIFECYCLE });
    expect(read.description).toBeUndefined();
  });

  test('turns non-string scalars into strings', () => {
    expect(readLenient({ PackageName: 42, VersionName: 1.5, Description: true, Attributes: { n: 7, b: false }, Tags: [{ Key: 'n', Value: 3 }] }))
      .toEqual({ packageName: '42', versionName: '1.5', description: 'true', attributes: { n: '7', b: 'false' }, tags: { n: '3' }, adoptExisting: false, ...NO_LIFECYCLE });
  });

  test('null description is absent; null attribute and tag values become empty strings', () => {
    const read = readLenient({ PackageName: 'p', VersionName: 'v', Description: null, Attributes: { a: null }, Tags: [{ Key: 'k', Value: null }, { Key: 'j' }] });
    expect(read.description).toBeUndefined();
    expect(read.attributes).toEqual({ a: '' });
    expect(read.tags).toEqual({ k: '', j: '' });
  });

  test('skips tag entries without a key, and null entries', () => {
    expect(readLenient({ Tags: [null, { Value: 'orphan' }, { Key: 'Env', Value: 'prod' }] }).tags).toEqual({ Env: 'prod' });
  });

  test('the last of duplicate tag keys wins', () => {
    expect(readLenient({ Tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'Env', Value: 'prod' }] }).tags).toEqual({ Env: 'prod' });
  });

  test('accepts tags given as a map', () => {
    expect(readLenient({ Tags: { Env: 'prod' } }).tags).toEqual({ Env: 'prod' });
  });

  test.each([['a list', ['a', 'b']], ['a string', 'channel=stable'], ['a number', 3]])('ignores Attributes given as %s', (_label, attributes) => {
    expect(readLenient({ Attributes: attributes }).attributes).toEqual({});
  });

  test('ignores Tags given as a string', () => {
    expect(readLenient({ Tags: 'Env=prod' }).tags).toEqual({});
  });

  test('keeps the marker tag of old properties (it is not validated)', () => {
    expect(readLenient({ Tags: [{ Key: CREATION_MARKER_TAG, Value: 'r' }] }).tags).toEqual({ [CREATION_MARKER_TAG]: 'r' });
  });
});

describe('readDesiredVersion', () => {
  test('returns the desired state of valid properties', () => {
    expect(readDesiredVersion({
      PackageName: 'firmware',
      VersionName: '1.0.0',
      Attributes: { channel: 'stable' },
      Tags: tagList({ Env: 'prod' }),
    })).toEqual({
      packageName: 'firmware',
      versionName: '1.0.0',
      attributes: { channel: 'stable' },
      tags: { Env: 'prod' },
      adoptExisting: false,
      ...NO_LIFECYCLE,
    });
  });

  test('a missing PackageName is named as missing', () => {
    expect(() => readDesiredVersion({ VersionName: '1.0.0' }))
      .toThrow(/^Package version '\/1\.0\.0' has an invalid prop:\n {2}- packageName: is missing; PackageName is required$/);
  });

  test('a missing VersionName is named as missing', () => {
    expect(() => readDesiredVersion({ PackageName: 'firmware' })).toThrow(/\n {2}- versionName: is missing; VersionName is required/);
  });

  test('both names missing are both reported', () => {
    let message = '';
    try {
      readDesiredVersion({});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe("Package version '/' has 2 invalid props:\n" +
      '  - packageName: is missing; PackageName is required\n' +
      '  - versionName: is missing; VersionName is required');
  });

  test('every invalid property is reported in one message, in field order', () => {
    let message = '';
    try {
      readDesiredVersion({
        PackageName: 'bad name',
        VersionName: 'v'.repeat(65),
        Description: 'd'.repeat(1025),
        Attributes: { 'bad key': 'x' },
        Tags: tagList({ 'aws:owner': 'me' }),
      });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe(`Package version 'bad name/${'v'.repeat(65)}' has 5 invalid props:`);
    expect(lines.slice(1).map((l) => l.replace(/:.*$/, ''))).toEqual([
      '  - packageName', '  - versionName', '  - description', '  - attributes', '  - tags',
    ]);
  });

  test('a single issue is reported as "an invalid prop"', () => {
    expect(() => readDesiredVersion({ PackageName: 'firmware', VersionName: '1.0.0', Attributes: { k: '' } })).toThrow(
      'Package version \'firmware/1.0.0\' has an invalid prop:\n  - attributes: value of "k" is empty; values must be 1 or more characters with no control characters (remove the key instead)',
    );
  });

  test('the user may not set the marker tag', () => {
    expect(() => readDesiredVersion({ PackageName: 'firmware', VersionName: '1.0.0', Tags: tagList({ [CREATION_MARKER_TAG]: 'x' }) }))
      .toThrow(/is reserved by cdk-iot-package-catalog/);
  });

  describe('message length', () => {
    /** `count` attribute keys with a '.', each one an issue of its own. */
    function badKeys(count: number): Record<string, string> {
      return Object.fromEntries(Array.from({ length: count }, (_, i) => [`bad.key.${String(i).padStart(3, '0')}`, 'x']));
    }

    function messageOf(raw: unknown): string {
      try {
        readDesiredVersion(raw);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('no error thrown');
    }

    test('is capped at 2000 characters, ending in "..."', () => {
      const message = messageOf({ PackageName: 'firmware', VersionName: '1.0.0', Attributes: badKeys(200) });

      expect(MAX_VALIDATION_MESSAGE).toBe(2000);
      expect(message).toHaveLength(2000);
      expect(message.startsWith("Package version 'firmware/1.0.0' has 200 invalid props:\n")).toBe(true);
      expect(message).toContain('- attributes: key "bad.key.000" contains \'.\' (U+002E)');
      expect(message.endsWith('...')).toBe(true);
      expect(message).not.toContain('bad.key.199');
    });

    test('a message under the cap is kept whole', () => {
      const message = messageOf({ PackageName: 'firmware', VersionName: '1.0.0', Attributes: badKeys(10) });

      expect(message.length).toBeLessThan(2000);
      expect(message.split('\n')).toHaveLength(11);
      expect(message).toMatch(/- attributes: key "bad\.key\.009" contains '\.' \(U\+002E\); keys must be characters of a-z, A-Z, 0-9, ':', '_' and '-'$/);
    });
  });
});

describe('AdoptExisting', () => {
  test.each<[unknown, boolean]>([
    ['true', true],
    [true, true],
    ['false', false],
    ['TRUE', false],
    ['yes', false],
    ['', false],
    [undefined, false],
    [null, false],
    [['true'], false],
  ])('%p reads as %p, in both readers', (value, adopt) => {
    expect(readDesiredVersion({ PackageName: 'firmware', VersionName: '1.0.0', AdoptExisting: value }).adoptExisting).toBe(adopt);
    expect(readLenient({ AdoptExisting: value }).adoptExisting).toBe(adopt);
  });
});

describe('identityOf', () => {
  test('the names, when both are valid', () => {
    expect(identityOf({ PackageName: 'firmware', VersionName: '1.0.0', Description: 'not needed' })).toEqual({ packageName: 'firmware', versionName: '1.0.0' });
  });

  test.each<[string, unknown]>([
    ['no properties', undefined],
    ['a list', [{ PackageName: 'firmware', VersionName: '1.0.0' }]],
    ['a missing VersionName', { PackageName: 'firmware' }],
    ['an empty PackageName', { PackageName: '', VersionName: '1.0.0' }],
    ['an invalid VersionName', { PackageName: 'firmware', VersionName: 'v 1' }],
    ['a 129-character PackageName', { PackageName: 'p'.repeat(129), VersionName: '1.0.0' }],
    ['a number as VersionName (never coerced here)', { PackageName: 'firmware', VersionName: 1 }],
    ['an inherited name', Object.create({ PackageName: 'firmware', VersionName: '1.0.0' })],
  ])('undefined for %s', (_label, raw) => {
    expect(identityOf(raw)).toBeUndefined();
  });
});
