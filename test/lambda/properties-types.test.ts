/**
 * Properties of the wrong JSON type. CloudFormation turns scalars into
 * strings, but a raw template or an escape hatch can still deliver objects,
 * arrays and nulls: they must be rejected by name, never coerced into
 * "[object Object]" or 'a' (from ['a']), and a `__proto__` key must survive.
 */
import { readDesiredVersion, readLenient } from '../../lambda/properties';

/** What properties without Status, Recipe, Artifact, Sbom and WaitForSbomValidation read as. */
const NO_LIFECYCLE = { status: 'DRAFT', statusSet: false, recipe: undefined, artifact: undefined, sbom: undefined, waitForSbomValidation: false };

const NAMES = { PackageName: 'firmware', VersionName: '1.0.0' };

/** The message readDesiredVersion throws for `raw`. */
function messageOf(raw: unknown): string {
  try {
    readDesiredVersion(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error thrown');
}

/** The issue lines of a message, without the subject line. */
function issuesOf(raw: unknown): string[] {
  return messageOf(raw).split('\n').slice(1);
}

/** Properties as CloudFormation delivers them: parsed from JSON, so `__proto__` is an own key. */
function fromJson(json: string): unknown {
  return JSON.parse(json);
}

describe('readDesiredVersion rejects wrong types before coercing them', () => {
  test.each<[string, unknown, string]>([
    ['an array', ['firmware'], 'is an array; PackageName must be a string'],
    ['an object', { name: 'firmware' }, 'is an object; PackageName must be a string'],
  ])('PackageName given as %s', (_label, value, message) => {
    expect(issuesOf({ ...NAMES, PackageName: value })).toEqual([`  - packageName: ${message}`]);
  });

  test.each<[string, unknown, string]>([
    ['an array', ['1.0.0'], 'is an array; VersionName must be a string'],
    ['an object', {}, 'is an object; VersionName must be a string'],
  ])('VersionName given as %s', (_label, value, message) => {
    expect(issuesOf({ ...NAMES, VersionName: value })).toEqual([`  - versionName: ${message}`]);
  });

  test.each([null, ''])('a PackageName of %p is reported as missing', (value) => {
    expect(issuesOf({ ...NAMES, PackageName: value })).toEqual(['  - packageName: is missing; PackageName is required']);
  });

  test.each<[string, unknown]>([['an object', { text: 'secret-in-object-4417' }], ['an array', ['secret-in-array-4417']]])(
    'a Description given as %s is rejected without echoing it',
    (label, value) => {
      const message = messageOf({ ...NAMES, Description: value });
      expect(message.split('\n').slice(1)).toEqual([`  - description: is ${label}; Description must be a string`]);
      expect(message).not.toContain('secret');
    },
  );

  test('a null Description means no description', () => {
    expect(readDesiredVersion({ ...NAMES, Description: null }).description).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['an object', { nested: 'secret-attr-4417' }, 'an object'],
    ['an array', ['secret-attr-4417'], 'an array'],
    ['null', null, 'null'],
  ])('an attribute value given as %s is rejected, naming the key and the type only', (_label, value, type) => {
    const message = messageOf({ ...NAMES, Attributes: { channel: value, ok: 'fine' } });
    expect(message.split('\n').slice(1)).toEqual([`  - attributes: value of "channel" is ${type}; values must be strings`]);
    expect(message).not.toContain('secret');
  });

  test.each<[string, unknown, string]>([
    ['a list', ['channel=stable'], 'an array'],
    ['a string', 'channel=stable', 'a string'],
    ['a number', 3, 'a number'],
  ])('Attributes given as %s are rejected', (_label, value, type) => {
    expect(issuesOf({ ...NAMES, Attributes: value })).toEqual([`  - attributes: is ${type}; Attributes must be a map of keys to string values`]);
  });

  test('null Attributes mean no attributes', () => {
    expect(readDesiredVersion({ ...NAMES, Attributes: null }).attributes).toEqual({});
  });

  test.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['a string', 'Env=prod', 'a string'],
    ['a number', 7, 'a number'],
    ['a list', [{ Key: 'Env', Value: 'prod' }], 'an array'],
  ])('a tag entry given as %s is rejected, naming its index', (_label, entry, type) => {
    const tags = [{ Key: 'Team', Value: 'iot' }, { Key: 'Tier', Value: 'gold' }, entry];
    expect(issuesOf({ ...NAMES, Tags: tags })).toEqual([`  - tags: Tags[2] is ${type}; each tag must be an object with a string Key and Value`]);
  });

  test.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['an object', { name: 'Env' }, 'an object'],
    ['an array', ['Env'], 'an array'],
    ['missing', undefined, 'missing'],
  ])('a tag Key given as %s is rejected, naming its index', (_label, key, type) => {
    const tags = [{ Key: 'Team', Value: 'iot' }, { Key: key, Value: 'prod' }];
    expect(issuesOf({ ...NAMES, Tags: tags })).toEqual([`  - tags: Tags[1].Key is ${type}; tag keys must be strings`]);
  });

  test.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['an object', { v: 'prod' }, 'an object'],
    ['an array', ['prod'], 'an array'],
    ['missing', undefined, 'missing'],
  ])('a tag Value given as %s is rejected, naming its index', (_label, value, type) => {
    const tags = [{ Key: 'Env', Value: value }];
    expect(issuesOf({ ...NAMES, Tags: tags })).toEqual([`  - tags: Tags[0].Value is ${type}; tag values must be strings ("" for an empty value)`]);
  });

  test.each<[string, unknown, string]>([
    ['a map', { Env: 'prod' }, 'an object'],
    ['a string', 'Env=prod', 'a string'],
  ])('Tags given as %s are rejected: they must be a list of entries, as for the native resource', (_label, value, type) => {
    expect(issuesOf({ ...NAMES, Tags: value })).toEqual([`  - tags: is ${type}; Tags must be a list of {"Key": ..., "Value": ...} entries`]);
  });

  test('null Tags mean no tags', () => {
    expect(readDesiredVersion({ ...NAMES, Tags: null }).tags).toEqual({});
  });

  test('numbers and booleans are taken in their string form, as CloudFormation would deliver them', () => {
    expect(readDesiredVersion({
      PackageName: 42,
      VersionName: 1.5,
      Description: true,
      Attributes: { n: 7, b: false },
      Tags: [{ Key: 5, Value: 3 }, { Key: 'flag', Value: true }],
    })).toEqual({
      packageName: '42',
      versionName: '1.5',
      description: 'true',
      attributes: { n: '7', b: 'false' },
      tags: { 5: '3', flag: 'true' },
      adoptExisting: false,
      ...NO_LIFECYCLE,
    });
  });

  test('type problems and rule violations are listed together, in field order', () => {
    const message = messageOf({
      PackageName: ['firmware'],
      VersionName: 'v 1',
      Description: { text: 'x' },
      Attributes: { 'a.b': 'x', 'c': { d: 1 } },
      Tags: [null, { Key: 'aws:x', Value: 'y' }],
    });
    expect(message.split('\n')).toEqual([
      "Package version '/v 1' has 7 invalid props:",
      '  - packageName: is an array; PackageName must be a string',
      '  - versionName: "v 1" contains U+0020; it must be 1-64 characters of a-z, A-Z, 0-9, \'-\', \'_\' and \'.\'',
      '  - description: is an object; Description must be a string',
      '  - attributes: value of "c" is an object; values must be strings',
      '  - attributes: key "a.b" contains \'.\' (U+002E); keys must be characters of a-z, A-Z, 0-9, \':\', \'_\' and \'-\'',
      '  - tags: Tags[0] is null; each tag must be an object with a string Key and Value',
      '  - tags: key "aws:x" starts with \'aws:\', which is reserved for AWS; IoT does not accept it',
    ]);
  });

  test('a long key in a type message is cut', () => {
    const key = 'k'.repeat(300);
    expect(issuesOf({ ...NAMES, Attributes: { [key]: {} } })).toEqual([`  - attributes: value of "${'k'.repeat(77)}..." is an object; values must be strings`]);
  });

  test('a very long name does not push the issues out of the capped message', () => {
    const message = messageOf({ PackageName: 'p'.repeat(5000), VersionName: '1.0.0', Attributes: { channel: {} } });
    expect(message.length).toBeLessThanOrEqual(2000);
    expect(message).toContain('  - packageName: ');
    expect(message).toContain('  - attributes: value of "channel" is an object');
  });
});

describe('readDesiredVersion keeps a __proto__ key', () => {
  test('as an attribute key: it is a valid key and reaches IoT', () => {
    const desired = readDesiredVersion(fromJson('{"PackageName":"firmware","VersionName":"1.0.0","Attributes":{"__proto__":"x","channel":"stable"}}'));
    expect(Object.keys(desired.attributes)).toEqual(['__proto__', 'channel']);
    expect(Object.getOwnPropertyDescriptor(desired.attributes, '__proto__')?.value).toBe('x');
    expect(Object.entries({ ...desired.attributes })).toEqual([['__proto__', 'x'], ['channel', 'stable']]);
  });

  test('as a tag key', () => {
    const desired = readDesiredVersion(fromJson('{"PackageName":"firmware","VersionName":"1.0.0","Tags":[{"Key":"__proto__","Value":"x"}]}'));
    expect(Object.entries(desired.tags)).toEqual([['__proto__', 'x']]);
  });

  test('an object under __proto__ is rejected, and pollutes nothing', () => {
    const raw = fromJson('{"PackageName":"firmware","VersionName":"1.0.0","Attributes":{"__proto__":{"polluted":"yes"}}}');
    expect(issuesOf(raw)).toEqual(['  - attributes: value of "__proto__" is an object; values must be strings']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('keys named like Object.prototype members are ordinary keys', () => {
    const desired = readDesiredVersion({ ...NAMES, Attributes: { constructor: 'c', toString: 't' }, Tags: [{ Key: 'hasOwnProperty', Value: 'h' }] });
    expect(Object.entries(desired.attributes)).toEqual([['constructor', 'c'], ['toString', 't']]);
    expect(Object.entries(desired.tags)).toEqual([['hasOwnProperty', 'h']]);
  });
});

describe('readLenient skips what it cannot read, and never throws', () => {
  test.each<[string, unknown]>([
    ['a string', 'PackageName=firmware'],
    ['a list', [{ PackageName: 'firmware' }]],
    ['a number', 7],
    ['garbage everywhere', {
      PackageName: { a: 1 }, VersionName: [[]], Description: [], Attributes: [null], Tags: [null, 1, 'x', [], { Key: {} }, { Key: null }, {}],
    }],
  ])('reads %s without throwing', (_label, raw) => {
    expect(() => readLenient(raw)).not.toThrow();
  });

  test('objects and arrays are skipped, never turned into "[object Object]" or their first element', () => {
    expect(readLenient({
      PackageName: ['firmware'],
      VersionName: { v: '1.0.0' },
      Description: { text: 'x' },
      Attributes: { a: { x: 1 }, b: ['y'], c: 'ok' },
      Tags: [{ Key: 'k', Value: {} }, { Key: {}, Value: 'v' }, { Key: ['j'], Value: 'w' }, { Key: 'ok', Value: 'fine' }],
    })).toEqual({
      packageName: '',
      versionName: '',
      attributes: { c: 'ok' },
      tags: { ok: 'fine' },
      adoptExisting: false,
      ...NO_LIFECYCLE,
    });
  });

  test('a null tag key is skipped, not read as "null"', () => {
    expect(readLenient({ Tags: [{ Key: null, Value: 'v' }] }).tags).toEqual({});
  });

  test('keeps __proto__ attribute and tag keys, in either tag shape', () => {
    const list = readLenient(fromJson('{"Attributes":{"__proto__":"a"},"Tags":[{"Key":"__proto__","Value":"t"}]}'));
    const map = readLenient(fromJson('{"Tags":{"__proto__":"m"}}'));
    expect(Object.entries(list.attributes)).toEqual([['__proto__', 'a']]);
    expect(Object.entries(list.tags)).toEqual([['__proto__', 't']]);
    expect(Object.entries(map.tags)).toEqual([['__proto__', 'm']]);
  });
});
