import { CREATION_MARKER_TAG, MAX_USER_TAGS } from '../../src/shared/contract';
import {
  ATTRIBUTES_MAX_BYTES,
  DESCRIPTION_MAX,
  formatIssues,
  PACKAGE_NAME_MAX,
  PackageVersionInput,
  TAG_KEY_MAX,
  TAG_VALUE_MAX,
  validatePackageVersion,
  ValidationIssue,
  VERSION_NAME_MAX,
} from '../../src/shared/validation';

const NAME_RULE = (max: number) => `it must be 1-${max} characters of a-z, A-Z, 0-9, '-', '_' and '.'`;
const DESCRIPTION_RULE = 'it must have 1-1024 characters with no control characters';

/** A stand-in for CDK's Token.isUnresolved: strings that contain a token marker. */
const isToken = (value: unknown) => typeof value === 'string' && value.includes('${Token[');

function issues(input: PackageVersionInput, isUnresolved?: (value: unknown) => boolean): ValidationIssue[] {
  return validatePackageVersion(input, isUnresolved);
}

function messages(input: PackageVersionInput, isUnresolved?: (value: unknown) => boolean): string[] {
  return issues(input, isUnresolved).map((i) => `${i.field}: ${i.message}`);
}

/** Unique record of n tags. */
function manyTags(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag${i}`, `v${i}`]));
}

test('the limits are those of the IoT API', () => {
  expect(PACKAGE_NAME_MAX).toBe(128);
  expect(VERSION_NAME_MAX).toBe(64);
  expect(DESCRIPTION_MAX).toBe(1024);
  expect(ATTRIBUTES_MAX_BYTES).toBe(3000);
  expect(TAG_KEY_MAX).toBe(128);
  expect(TAG_VALUE_MAX).toBe(256);
  expect(MAX_USER_TAGS).toBe(49);
});

test('a valid, complete input has no issues', () => {
  expect(issues({
    packageName: 'Firmware_main-1.x',
    versionName: '1.0.0-rc.1_b',
    description: 'Release 1: fixes & improvements 😀 — "quoted"',
    attributes: { 'channel': 'stable', 'hw:rev': 'B-2', 'signed_by': 'CI pipeline 42' },
    tags: { 'Env': 'prod', 'cost center': 'iot/team=1+2@x', 'empty': '' },
  })).toEqual([]);
});

test('an empty input has no issues', () => {
  expect(issues({})).toEqual([]);
});

describe.each([
  ['packageName', PACKAGE_NAME_MAX],
  ['versionName', VERSION_NAME_MAX],
] as const)('%s', (field, max) => {
  test(`${max} characters are accepted`, () => {
    expect(issues({ [field]: 'a'.repeat(max) })).toEqual([]);
  });

  test(`${max + 1} characters are rejected, quoting the value (shortened beyond 80 characters)`, () => {
    const value = 'a'.repeat(max + 1);
    const shown = value.length > 80 ? `${'a'.repeat(77)}...` : value;
    expect(issues({ [field]: value })).toEqual([{
      field,
      message: `"${shown}" has ${max + 1} characters; ${NAME_RULE(max)}`,
    }]);
  });

  test('1 character is accepted and an empty string is rejected', () => {
    expect(issues({ [field]: 'a' })).toEqual([]);
    expect(messages({ [field]: '' })).toEqual([`${field}: "" has 0 characters; ${NAME_RULE(max)}`]);
  });

  test('every allowed character is accepted', () => {
    expect(issues({ [field]: 'azAZ09-_.' })).toEqual([]);
  });

  test.each([
    ['1.0.0/beta', "'/' (U+002F)"],
    ['v 1', 'U+0020'],
    ['v\t1', 'U+0009'],
    ['v:1', "':' (U+003A)"],
    ['café', "'é' (U+00E9)"],
    ['v😀', "'😀' (U+1F600)"],
    ['${Token[TOKEN.1]}', "'$' (U+0024)"],
  ])('%p is rejected, naming the first bad character %s', (value, shown) => {
    expect(issues({ [field]: value })).toEqual([{
      field,
      message: `${JSON.stringify(value)} contains ${shown}; ${NAME_RULE(max)}`,
    }]);
  });

  test('an unresolved value is skipped', () => {
    expect(issues({ [field]: '${Token[TOKEN.1]}' }, isToken)).toEqual([]);
  });
});

describe('description', () => {
  test('1 and 1024 characters are accepted', () => {
    expect(issues({ description: 'd' })).toEqual([]);
    expect(issues({ description: 'd'.repeat(1024) })).toEqual([]);
  });

  test('1025 characters are rejected without echoing the text', () => {
    const found = issues({ description: 'd'.repeat(1025) });
    expect(found).toEqual([{ field: 'description', message: `has 1025 characters; ${DESCRIPTION_RULE}` }]);
    expect(found[0].message).not.toContain('ddd');
  });

  test('an empty description is rejected with a hint to omit it', () => {
    expect(messages({ description: '' })).toEqual([`description: has 0 characters; ${DESCRIPTION_RULE} (omit the prop for no description)`]);
  });

  test.each([
    ['NUL', '\u0000', 'U+0000'],
    ['tab', '\t', 'U+0009'],
    ['newline', '\n', 'U+000A'],
    ['carriage return', '\r', 'U+000D'],
    ['DEL', '\u007f', 'U+007F'],
    ['C1 control', '\u0085', 'U+0085'],
    ['zero-width space (format)', '\u200b', 'U+200B'],
    ['byte order mark (format)', '\ufeff', 'U+FEFF'],
    ['private use', '\ue000', 'U+E000'],
  ])('a %s is rejected with its position, never the text', (_label, char, shown) => {
    const found = issues({ description: `secret${char}text` });
    expect(found).toEqual([{ field: 'description', message: `contains ${shown} at index 6; ${DESCRIPTION_RULE}` }]);
    expect(found[0].message).not.toContain('secret');
    expect(found[0].message).not.toContain('text;');
  });

  test('the first control character is reported', () => {
    expect(messages({ description: 'ab\u0001cd\u0002' })).toEqual([`description: contains U+0001 at index 2; ${DESCRIPTION_RULE}`]);
  });

  test('printable non-ASCII text (accents, CJK, emoji) is accepted', () => {
    expect(issues({ description: 'Café — 固件更新 😀 ünïcödé' })).toEqual([]);
  });

  test('an unresolved description is skipped', () => {
    expect(issues({ description: '${Token[TOKEN.7]}\u0000' }, isToken)).toEqual([]);
  });
});

describe('attributes', () => {
  test('keys of a-z, A-Z, 0-9, colon, underscore and dash are accepted', () => {
    expect(issues({ attributes: { 'aZ09:_-': 'v', 'x': 'y' } })).toEqual([]);
  });

  test.each([
    ['a.b', "'.' (U+002E)"],
    ['a b', 'U+0020'],
    ['a/b', "'/' (U+002F)"],
    ['ké', "'é' (U+00E9)"],
  ])('key %p is rejected, quoting the key and naming the character', (key, shown) => {
    expect(messages({ attributes: { [key]: 'value' } })).toEqual([
      `attributes: key ${JSON.stringify(key)} contains ${shown}; keys must be characters of a-z, A-Z, 0-9, ':', '_' and '-'`,
    ]);
  });

  test('an empty key is rejected', () => {
    expect(messages({ attributes: { '': 'value' } })).toEqual([
      "attributes: has an empty key; keys must be 1 or more characters of a-z, A-Z, 0-9, ':', '_' and '-'",
    ]);
  });

  test('an empty value is rejected, naming the key', () => {
    expect(messages({ attributes: { channel: '' } })).toEqual([
      'attributes: value of "channel" is empty; values must be 1 or more characters with no control characters (remove the key instead)',
    ]);
  });

  test('a one-character value is accepted', () => {
    expect(issues({ attributes: { channel: 'x' } })).toEqual([]);
  });

  test.each([
    ['\u0000', 'U+0000'],
    ['\n', 'U+000A'],
    ['\u200b', 'U+200B'],
  ])('a value with control character %p is rejected with its position, never the value', (char, shown) => {
    const found = issues({ attributes: { signer: `top-secret${char}value` } });
    expect(found).toEqual([{ field: 'attributes', message: `value of "signer" contains ${shown} at index 10; values must have no control characters` }]);
    expect(JSON.stringify(found)).not.toContain('top-secret');
  });

  test('a non-string value is rejected', () => {
    const attributes = { count: 3 } as unknown as Record<string, string>;
    expect(messages({ attributes })).toEqual(['attributes: value of "count" is a number; values must be strings']);
  });

  test('every bad attribute is reported, in order', () => {
    expect(issues({ attributes: { 'a.b': 'x', 'ok': '', 'c d': 'y' } }).map((i) => i.message)).toEqual([
      expect.stringMatching(/^key "a\.b" contains/),
      expect.stringMatching(/^value of "ok" is empty/),
      expect.stringMatching(/^key "c d" contains/),
    ]);
  });

  describe('size (UTF-8 bytes of keys plus values)', () => {
    const sizeMessage = (bytes: number) =>
      `attributes: take ${bytes} bytes (UTF-8, keys plus values); all attributes of a version together must fit in 3000 bytes`;

    test('3000 bytes of ASCII are accepted, 3001 rejected', () => {
      expect(issues({ attributes: { k: 'v'.repeat(2999) } })).toEqual([]);
      expect(messages({ attributes: { k: 'v'.repeat(3000) } })).toEqual([sizeMessage(3001)]);
    });

    test('keys and values of every attribute count together', () => {
      const fits = { a: 'x'.repeat(999), b: 'y'.repeat(999), c: 'z'.repeat(999) };
      expect(issues({ attributes: fits })).toEqual([]);
      expect(messages({ attributes: { ...fits, d: '' } })).toEqual([
        expect.stringMatching(/^attributes: value of "d" is empty/),
        sizeMessage(3001),
      ]);
      expect(messages({ attributes: { ...fits, c: 'z'.repeat(1000) } })).toEqual([sizeMessage(3001)]);
    });

    test('3-byte characters count as 3 bytes', () => {
      // 1 + 999 * 3 + 2 = 3000 bytes, but only 1002 characters.
      const fits = `${'€'.repeat(999)}vv`;
      expect(fits.length).toBe(1001);
      expect(issues({ attributes: { k: fits } })).toEqual([]);
      expect(messages({ attributes: { k: `${fits}v` } })).toEqual([sizeMessage(3001)]);
      expect(messages({ attributes: { k: '€'.repeat(1000) } })).toEqual([sizeMessage(3001)]);
    });

    test('2-byte and 4-byte characters count as 2 and 4 bytes', () => {
      // 1 + 749 * 4 + 3 = 3000
      expect(issues({ attributes: { k: `${'😀'.repeat(749)}vvv` } })).toEqual([]);
      expect(messages({ attributes: { k: `${'😀'.repeat(749)}vvvv` } })).toEqual([sizeMessage(3001)]);
      // 1 + 1499 * 2 + 1 = 3000
      expect(issues({ attributes: { k: `${'é'.repeat(1499)}v` } })).toEqual([]);
      expect(messages({ attributes: { k: 'é'.repeat(1500) } })).toEqual([sizeMessage(3001)]);
    });

    test('the size message does not echo any value', () => {
      const found = issues({ attributes: { k: 'SECRETVALUE'.repeat(300) } });
      expect(found).toHaveLength(1);
      expect(found[0].message).not.toContain('SECRETVALUE');
    });

    test('is not checked while a key or a value is unresolved', () => {
      expect(issues({ attributes: { k: 'v'.repeat(3001), t: '${Token[TOKEN.3]}' } }, isToken)).toEqual([]);
      expect(issues({ attributes: { '${Token[TOKEN.4]}': 'v'.repeat(3001) } }, isToken)).toEqual([]);
    });
  });

  describe('unresolved parts', () => {
    test('an unresolved value is skipped but its known key is still checked', () => {
      expect(messages({ attributes: { 'a.b': '${Token[TOKEN.5]}' } }, isToken)).toEqual([
        expect.stringMatching(/^attributes: key "a\.b" contains '\.'/),
      ]);
    });

    test('an unresolved key is skipped and its bad value is reported without naming the key', () => {
      expect(messages({ attributes: { '${Token[TOKEN.6]}': '' } }, isToken)).toEqual([
        'attributes: a value is empty; values must be 1 or more characters with no control characters (remove the key instead)',
      ]);
    });

    test('an unresolved map is skipped entirely', () => {
      const tokenMap = { '': '' };
      expect(issues({ attributes: tokenMap }, (v) => v === tokenMap)).toEqual([]);
      expect(issues({ attributes: tokenMap })).toHaveLength(2);
    });
  });
});

describe('tags', () => {
  test(`${MAX_USER_TAGS} tags are accepted, 50 rejected with a message naming the marker tag`, () => {
    expect(issues({ tags: manyTags(49) })).toEqual([]);
    expect(messages({ tags: manyTags(50) })).toEqual([
      `tags: has 50 tags; a package version takes at most 49 (IoT allows 50, and this library uses one, '${CREATION_MARKER_TAG}')`,
    ]);
  });

  test('no tags is fine', () => {
    expect(issues({ tags: {} })).toEqual([]);
  });

  test('a key of 128 characters is accepted, 129 rejected', () => {
    expect(issues({ tags: { ['k'.repeat(128)]: 'v' } })).toEqual([]);
    expect(messages({ tags: { ['k'.repeat(129)]: 'v' } })).toEqual([
      `tags: key "${'k'.repeat(77)}..." has 129 characters; tag keys must have 1-128`,
    ]);
  });

  test('an empty key is rejected', () => {
    expect(messages({ tags: { '': 'v' } })).toEqual(['tags: key "" has 0 characters; tag keys must have 1-128']);
  });

  test('a value of 256 characters is accepted, 257 rejected; an empty value is accepted', () => {
    expect(issues({ tags: { Env: 'v'.repeat(256), Empty: '' } })).toEqual([]);
    expect(messages({ tags: { Env: 'v'.repeat(257) } })).toEqual([
      'tags: value of "Env" has 257 characters; tag values must have 0-256',
    ]);
  });

  test('keys may hold letters, digits, spaces and _ . : / = + - @ in any script', () => {
    expect(issues({ tags: { 'Cost Center_1.a:b/c=d+e-f@g': 'v', 'Größe': 'v', '部署': 'v' } })).toEqual([]);
  });

  test.each([
    ['a#b', "'#' (U+0023)"],
    ['a*b', "'*' (U+002A)"],
    ['a\tb', 'U+0009'],
    ['a😀', "'😀' (U+1F600)"],
  ])('key %p is rejected, naming the character %s', (key, shown) => {
    expect(messages({ tags: { [key]: 'v' } })).toEqual([
      `tags: key ${JSON.stringify(key)} contains ${shown}; tag keys may contain letters, digits, spaces and _ . : / = + - @`,
    ]);
  });

  test.each(['aws:cloudformation:stack-name', 'AWS:owner', 'Aws:x', 'aWs:'])('key %p is rejected: aws: is reserved in any case', (key) => {
    expect(messages({ tags: { [key]: 'v' } })).toEqual([
      `tags: key ${JSON.stringify(key)} starts with 'aws:', which is reserved for AWS; IoT does not accept it`,
    ]);
  });

  test.each(['aws', 'awsx', 'aws-owner', 'my-aws:x', 'aws :x'])('key %p is not the aws: prefix', (key) => {
    expect(issues({ tags: { [key]: 'v' } })).toEqual([]);
  });

  test('the creation marker tag is reserved', () => {
    expect(messages({ tags: { [CREATION_MARKER_TAG]: 'my-request' } })).toEqual([
      `tags: key "${CREATION_MARKER_TAG}" is reserved by cdk-iot-package-catalog to mark the versions it creates`,
    ]);
  });

  test('a non-string value is rejected', () => {
    const tags = { Env: 1 } as unknown as Record<string, string>;
    expect(messages({ tags })).toEqual(['tags: value of "Env" is a number; tag values must be strings']);
  });

  test('a bad key and a bad value of the same tag are both reported', () => {
    expect(messages({ tags: { 'aws:x': 'v'.repeat(257) } })).toEqual([
      expect.stringMatching(/^tags: key "aws:x" starts with 'aws:'/),
      'tags: value of "aws:x" has 257 characters; tag values must have 0-256',
    ]);
  });

  test('unresolved keys and values are skipped, but still count towards the limit', () => {
    expect(issues({ tags: { '${Token[TOKEN.8]}': 'v', 'Env': '${Token[TOKEN.9]}' } }, isToken)).toEqual([]);
    // The value of an unresolved key is still checked when it is known.
    expect(messages({ tags: { '${Token[TOKEN.8]}': 'v'.repeat(300) } }, isToken)).toEqual([
      'tags: value of "${Token[TOKEN.8]}" has 300 characters; tag values must have 0-256',
    ]);
    const fifty = { ...manyTags(49), '${Token[TOKEN.10]}': 'v' };
    expect(issues({ tags: fifty }, isToken).map((i) => i.message)).toEqual([expect.stringMatching(/^has 50 tags/)]);
  });
});

describe('several fields', () => {
  test('issues come in a stable field order: packageName, versionName, description, attributes, tags', () => {
    expect(issues({
      tags: { 'aws:x': 'v' },
      attributes: { k: '' },
      description: '',
      versionName: 'v/1',
      packageName: 'p/1',
    }).map((i) => i.field)).toEqual(['packageName', 'versionName', 'description', 'attributes', 'tags']);
  });

  test('the default isUnresolved treats token strings as plain values', () => {
    expect(issues({ versionName: '${Token[TOKEN.11]}' }).map((i) => i.field)).toEqual(['versionName']);
  });

  test('no message ever echoes a description or an attribute value', () => {
    const found = issues({
      description: 'DESC-SENTINEL\u0000',
      attributes: { a: 'ATTR-SENTINEL\u0001', b: '', c: 'ATTR-SENTINEL'.repeat(300) },
    });
    expect(found.length).toBe(4);
    const all = JSON.stringify(found);
    expect(all).not.toContain('DESC-SENTINEL');
    expect(all).not.toContain('ATTR-SENTINEL');
  });
});

describe('props of the wrong type (plain JavaScript) are reported, never crash', () => {
  test.each<[string, unknown, string]>([
    ['packageName', null, 'packageName: is null; it must be a string'],
    ['packageName', ['firmware'], 'packageName: is an array; it must be a string'],
    ['versionName', { length: 3 }, 'versionName: is an object; it must be a string'],
    ['description', { text: 'secret' }, 'description: is an object; it must be a string'],
    ['description', 7, 'description: is a number; it must be a string'],
    ['recipe', 7, 'recipe: is a number; it must be a string'],
    ['recipe', ['x'], 'recipe: is an array; it must be a string'],
    ['attributes', 'channel=stable', 'attributes: is a string; it must be a map of keys to strings'],
    ['attributes', null, 'attributes: is null; it must be a map of keys to strings'],
    ['attributes', { channel: null }, 'attributes: value of "channel" is null; values must be strings'],
    ['tags', ['team'], 'tags: is an array; it must be a map of keys to strings'],
    ['tags', { team: null }, 'tags: value of "team" is null; tag values must be strings'],
    ['artifact', { bucket: 'b', key: 7 }, 'artifact: key is a number; it must be a string'],
    ['sbom', { bucket: null, key: 'k', version: ['v'] }, 'sbom: bucket is null; it must be a string'],
    ['artifact', { key: 'k' }, 'artifact: has no bucket name'],
    ['sbom', { bucket: 'b', version: 'v' }, 'sbom: has no object key'],
  ])('%s given %p', (field, value, expected) => {
    expect(messages({ [field]: value } as PackageVersionInput)[0]).toBe(expected);
  });
});

describe('formatIssues', () => {
  test('one issue', () => {
    expect(formatIssues("PackageVersion 'Stack/Firmware'", [{ field: 'versionName', message: 'is bad' }]))
      .toBe("PackageVersion 'Stack/Firmware' has an invalid prop:\n  - versionName: is bad");
  });

  test('several issues, one per line', () => {
    expect(formatIssues('X', [
      { field: 'packageName', message: 'one' },
      { field: 'tags', message: 'two' },
      { field: 'tags', message: 'three' },
    ])).toBe('X has 3 invalid props:\n  - packageName: one\n  - tags: two\n  - tags: three');
  });
});
