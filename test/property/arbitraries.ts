/**
 * Generators of package-version inputs around every validation rule.
 *
 * Each labeled case says whether it is valid by this library's rules
 * (`ours`, as src/shared/validation.ts documents them) and by the IoT API
 * model (`api`, botocore's service-2.json). The labels follow from how the
 * case was built (a name of max+1 characters, a description with a control
 * character inserted, attributes of exactly 3001 bytes), never from the code
 * under test, so a property can check that code against them.
 *
 * The limits below are written out from the docs on purpose instead of
 * being imported from validation.ts.
 *
 * Where the rules deliberately differ from the API model, ours is stricter:
 * - description and tag lengths count UTF-16 units (`.length`), the model
 *   counts characters (code points): astral characters count twice for us;
 * - attributes: at most 3000 bytes; the docs say "3KB" ([U] 3000 or 3072),
 *   and the moto extension enforces 3072;
 * - tags: at most 49 (the handler adds its creation marker, IoT allows 50),
 *   no 'aws:' prefix (not in the model; the CloudFormation schema forbids it,
 *   and the moto extension rejects it too), not the creation marker key;
 * - S3 keys at most 1024 bytes of UTF-8 (S3's limit; IoT's model has none);
 *   an object version of '' or 'null' is refused (IoT needs a real version).
 */
import * as fc from 'fast-check';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

/** A generated value and what the rules say about it. */
export interface Labeled<T> {
  readonly value: T;
  /** Valid by this library's rules. */
  readonly ours: boolean;
  /** Valid by the IoT API model (for the attribute size: by the moto extension's reading of "3KB", 3072 bytes). */
  readonly api: boolean;
  /** The rule the case is about, to make counterexamples readable. */
  readonly rule: string;
}

// --------------------------------------------------------------------------- //
// Limits, from shared/docs/iot-package-catalog.md (§1.2, §2) and validation.ts's doc
// --------------------------------------------------------------------------- //

export const LIMITS = {
  packageName: 128,
  versionName: 64,
  description: 1024,
  /** Ours; the API (as moto reads "3KB") allows 3072. */
  attributeBytes: 3000,
  apiAttributeBytes: 3072,
  tagKey: 128,
  tagValue: 256,
  /** Ours: IoT allows 50 and the handler adds one. */
  userTags: 49,
  apiTags: 50,
  recipe: 3072,
  s3KeyBytes: 1024,
} as const;

// --------------------------------------------------------------------------- //
// Characters
// --------------------------------------------------------------------------- //

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** [a-zA-Z0-9-_.] */
export const NAME_CHARS = [...`${LOWER}${LOWER.toUpperCase()}${DIGITS}-_.`];
/** [a-zA-Z0-9:_-] */
export const ATTRIBUTE_KEY_CHARS = [...`${LOWER}${LOWER.toUpperCase()}${DIGITS}:_-`];

/**
 * Just outside the name pattern: the neighbours of its ranges, separators,
 * a trailing-newline candidate (`$` before '\n'), lookalikes (fullwidth,
 * Kelvin sign, dotless i, Arabic-Indic digit, one-dot leader, Unicode hyphen).
 */
export const NAME_OUTSIDERS = [
  '/', ':', '@', '[', '`', '{', ',', '+', ' ', '\t', '\n', '\0', '~', '%', '#', '?', '*', '\\', '=', '$',
  '\u00e9', '\u00df', '\uff21', '\u0661', '\u0131', '\u212a', '\u2024', '\u2010', '\u00a0', '\u{1F600}',
];

/** Just outside the attribute-key pattern (which, unlike names, allows ':' but not '.'). */
export const ATTRIBUTE_KEY_OUTSIDERS = [
  '.', '/', ' ', '@', '=', '+', ';', '[', '`', '{', '\n', '\t', '\0', '\u00e9', '\u212a', '\uff1a', '\u2010', '\u{1F600}',
];

/**
 * Characters assigned in Unicode 15.0 to 17.0 (a symbol, letters, a digit),
 * kept where the running Node knows them: older Unicode tables (Python
 * 3.11's are 14.0) see unassigned code points (\p{Cn}) there.
 */
const RECENT_CHARS = ['\u{1F6DC}', '\u{11F04}', '\u{2EBF0}', '\u{1CC00}', '\u{16D43}', '\u{10D40}', '\u{16EA0}', '\u{1E6C0}']
  .filter((c) => !/\p{C}/u.test(c));

/**
 * Not \p{C}: printable ASCII, no-break and ideographic spaces, the line and
 * paragraph separators (Zl, Zp: not C), accents, combining marks, a
 * variation selector, multi-byte BMP and astral characters (emoji, math
 * letters, CJK extension B, an emoji modifier).
 */
export const TEXT_CHARS = [
  ' ', 'a', 'Z', '0', '~', '"', '\\', '<', '\u00a0', '\u00a1', '\u00e9', '\u20ac', '\u4e2d', '\u2028', '\u2029',
  '\u3000', '\u0301', '\ufe0f', '\u{1F600}', '\u{1D49C}', '\u{20000}', '\u{1F3FB}', ...RECENT_CHARS,
];

/**
 * \p{C}: controls (Cc, including tab, newline, DEL and C1), format characters
 * (Cf: soft hyphen, zero-width space and joiner, bidi marks, BOM, an
 * interlinear annotation, an astral language tag), private use (Co, BMP and
 * plane 15), lone surrogates (Cs), unassigned code points and noncharacters (Cn).
 */
export const CONTROL_CHARS = [
  '\0', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u009f', '\u00ad', '\u200b', '\u200d', '\u200e',
  '\u2066', '\ufeff', '\ufff9', '\ue000', '\uf8ff', '\u{F0000}', '\ud800', '\udfff', '\u0378', '\uffff',
  '\u{E0001}', '\u{10FFFF}',
];

/**
 * Tag-key characters: letters (\p{L}, also astral), numbers (\p{N}: Nd, Nl,
 * No), separators (\p{Z}: spaces, U+2028, U+2029) and _ . : / = + - @.
 */
export const TAG_KEY_CHARS = [
  'a', 'Z', 'k', '0', '9', '\u00e9', '\u00df', '\u0416', '\u4e2d', '\u0661', '\u00bd', '\u2165', '\u{1D49C}',
  ' ', '\u00a0', '\u3000', '\u2028', '\u2029', '_', '.', ':', '/', '=', '+', '-', '@',
  ...RECENT_CHARS.filter((c) => /[\p{L}\p{N}]/u.test(c)),
];

/** Outside the tag-key pattern: other ASCII punctuation, controls, format characters, symbols, combining marks. */
export const TAG_KEY_OUTSIDERS = [
  '!', '#', '$', '%', '&', '*', ',', ';', '<', '>', '?', '[', '\\', ']', '^', '`', '{', '|', '}', '~', '"',
  '\'', '(', ')', '\t', '\n', '\0', '\u200b', '\u00ad', '\u{1F600}', '\u2122', '\u20ac', '\u0301', '\u00b4',
];

// --------------------------------------------------------------------------- //
// Measures and builders
// --------------------------------------------------------------------------- //

export const utf16Length = (s: string): number => s.length;
export const codePoints = (s: string): number => [...s].length;
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * A string of exactly `target` by `measure`, cycling through `chars` while
 * they fit and padding with 'a' (1 in every measure). The measures here add
 * up over whole characters, which is all `chars` may hold.
 */
export function exactly(target: number, measure: (s: string) => number, chars: readonly string[]): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; chars.length > 0; i++) {
    const c = chars[i % chars.length];
    const next = size + measure(c);
    if (next > target) {
      break;
    }
    parts.push(c);
    size = next;
  }
  return parts.join('') + 'a'.repeat(target - size);
}

/** `s` with `c` inserted at `at` (a code-point position, so no surrogate pair is split). */
export function insertAt(s: string, c: string, at: number): string {
  const cps = [...s];
  const i = Math.min(at, cps.length);
  return [...cps.slice(0, i), c, ...cps.slice(i)].join('');
}

/** Integers in [min, max], mostly the boundaries themselves. */
export function around(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(min, Math.min(min + 1, max), Math.max(max - 1, min), max) },
    { weight: 1, arbitrary: fc.integer({ min, max }) },
  );
}

/** Non-empty lists of characters from a pool (the material `exactly` cycles through). */
function material(pool: readonly string[]): fc.Arbitrary<string[]> {
  return fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 24 });
}

/** A string of `n` characters of a pool. */
function stringOf(pool: readonly string[], min: number, max: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pool), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
}

function label<T>(value: T, ours: boolean, api: boolean, rule: string): Labeled<T> {
  return { value, ours, api, rule };
}

/**
 * `valid` with `c` inserted: first, last (where a regex `$` that also
 * matches before a final newline would miss it) or anywhere.
 */
function withInserted(valid: fc.Arbitrary<string>, pool: readonly string[]): fc.Arbitrary<[string, string]> {
  const where = fc.oneof(fc.constant<'first' | 'last'>('first'), fc.constant<'first' | 'last'>('last'), fc.nat());
  return fc.tuple(valid, fc.constantFrom(...pool), where).map(([s, c, w]) => {
    const n = [...s].length;
    return [insertAt(s, c, w === 'first' ? 0 : w === 'last' ? n : w % (n + 1)), c];
  });
}

/**
 * A line terminator after valid text: a regex anchored with `$` that also
 * matches before a final newline (Python's, by default) accepts it.
 */
function withFinalNewline(valid: fc.Arbitrary<string>): fc.Arbitrary<[string, string]> {
  return fc.tuple(valid, fc.constantFrom('\n', '\r\n', '\r')).map(([s, eol]) => [s + eol, eol]);
}

const hex = (c: string) => [...c].map((x) => `U+${x.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

// --------------------------------------------------------------------------- //
// Labeled cases, one generator per rule
// --------------------------------------------------------------------------- //

/** Package or version names: lengths at 0/1/max/max+1, characters just outside the pattern. */
export function nameCase(max: number): fc.Arbitrary<Labeled<string>> {
  const valid = around(1, max).chain((n) => stringOf(NAME_CHARS, n, n));
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => label(v, true, true, `name of ${v.length}`)) },
    { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty name')) },
    { weight: 1, arbitrary: around(max + 1, max + 8).chain((n) => stringOf(NAME_CHARS, n, n)).map((v) => label(v, false, false, `name of ${v.length}`)) },
    {
      weight: 2,
      arbitrary: withInserted(around(1, max - 1).chain((n) => stringOf(NAME_CHARS, n, n)), NAME_OUTSIDERS)
        .map(([v, c]) => label(v, false, false, `name with ${hex(c)}`)),
    },
    {
      weight: 1,
      arbitrary: withFinalNewline(around(1, max - 2).chain((n) => stringOf(NAME_CHARS, n, n)))
        .map(([v, c]) => label(v, false, false, `name ending with ${hex(c)}`)),
    },
  );
}

/** Descriptions: 1-1024 UTF-16 units (ours) or code points (API), no \p{C}. */
export const descriptionCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(around(1, LIMITS.description), material(TEXT_CHARS))
      .map(([n, chars]) => label(exactly(n, utf16Length, chars), true, true, `description of ${n} UTF-16 units`)),
  },
  { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty description')) },
  {
    weight: 1,
    arbitrary: fc.tuple(around(LIMITS.description + 1, LIMITS.description + 8), material(TEXT_CHARS.filter((c) => c.length === 1)))
      .map(([n, chars]) => label(exactly(n, utf16Length, chars), false, false, `description of ${n} BMP characters`)),
  },
  {
    // More than 1024 UTF-16 units, at most 1024 characters: astral characters count twice for us.
    weight: 1,
    arbitrary: around(LIMITS.description / 2 + 1, LIMITS.description)
      .map((n) => label('\u{1F600}'.repeat(n), false, true, `description of ${n} astral characters`)),
  },
  {
    weight: 2,
    arbitrary: withInserted(
      fc.tuple(around(0, LIMITS.description - 2), material(TEXT_CHARS.filter((c) => c.length === 1)))
        .map(([n, chars]) => exactly(n, utf16Length, chars)),
      CONTROL_CHARS,
    ).map(([v, c]) => label(v, false, false, `description with ${hex(c)}`)),
  },
);

/** Attribute keys: non-empty, [a-zA-Z0-9:_-]; names of Object.prototype members are valid keys. */
export const attributeKeyCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  { weight: 5, arbitrary: stringOf(ATTRIBUTE_KEY_CHARS, 1, 40).map((k) => label(k, true, true, 'attribute key')) },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', '__proto__', 'constructor', 'toString', 'hasOwnProperty').map((k) => label(k, true, true, 'attribute key named like a prototype member')) },
  { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty attribute key')) },
  {
    weight: 2,
    arbitrary: withInserted(stringOf(ATTRIBUTE_KEY_CHARS, 1, 30), ATTRIBUTE_KEY_OUTSIDERS)
      .map(([k, c]) => label(k, false, false, `attribute key with ${hex(c)}`)),
  },
  { weight: 1, arbitrary: withFinalNewline(stringOf(ATTRIBUTE_KEY_CHARS, 1, 30)).map(([k, c]) => label(k, false, false, `attribute key ending with ${hex(c)}`)) },
);

/** Attribute values: non-empty, no \p{C}, no length limit of their own (at most 100 characters here). */
export const attributeValueCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  { weight: 4, arbitrary: stringOf(TEXT_CHARS, 1, 100).map((v) => label(v, true, true, 'attribute value')) },
  { weight: 2, arbitrary: fc.constant(label('', false, false, 'empty attribute value')) },
  {
    weight: 2,
    arbitrary: withInserted(stringOf(TEXT_CHARS, 0, 60), CONTROL_CHARS).map(([v, c]) => label(v, false, false, `attribute value with ${hex(c)}`)),
  },
);

function mapOf(entries: readonly (readonly [string, string])[]): Record<string, string> {
  // Object.fromEntries defines own properties: '__proto__' stays a key.
  return Object.fromEntries(entries);
}

/** Up to 6 attributes, each key and value valid or not; small enough to stay under every size limit. */
const smallAttributes: fc.Arbitrary<Labeled<Record<string, string>>> = fc
  .uniqueArray(fc.tuple(attributeKeyCase, attributeValueCase), { maxLength: 6, selector: ([k]) => k.value })
  .map((entries) => {
    const ok = (api: boolean) => entries.every(([k, v]) => (api ? k.api && v.api : k.ours && v.ours));
    const bad = entries.filter(([k, v]) => !k.ours || !v.ours).map(([k, v]) => (k.ours ? v.rule : k.rule));
    return label(mapOf(entries.map(([k, v]) => [k.value, v.value] as const)), ok(false), ok(true), bad.length ? bad.join('; ') : `${entries.length} attributes`);
  });

/** Valid attributes whose keys and values take exactly `bytes` bytes of UTF-8 in total. */
export function attributesOfBytes(bytes: number): fc.Arbitrary<Record<string, string>> {
  return fc.tuple(fc.uniqueArray(stringOf(ATTRIBUTE_KEY_CHARS, 1, 12), { minLength: 1, maxLength: 5 }), material(TEXT_CHARS))
    .map(([keys, chars]) => {
      const keyBytes = keys.reduce((sum, k) => sum + utf8Bytes(k), 0);
      let rest = bytes - keyBytes;
      return mapOf(keys.map((k, i) => {
        const share = i === keys.length - 1 ? rest : Math.max(1, Math.floor(rest / (keys.length - i)));
        rest -= share;
        return [k, exactly(share, utf8Bytes, chars)] as const;
      }));
    });
}

/** All-valid attributes around the size limits: 3000 bytes (ours) and 3072 (the API, as moto reads "3KB"). */
export const attributesAtLimit: fc.Arbitrary<Labeled<Record<string, string>>> = fc
  .oneof(
    fc.constantFrom(2999, 3000, 3001, 3071, 3072, 3073),
    fc.integer({ min: 2900, max: 3200 }),
  )
  .chain((bytes) => attributesOfBytes(bytes).map((attrs) =>
    label(attrs, bytes <= LIMITS.attributeBytes, bytes <= LIMITS.apiAttributeBytes, `attributes of ${bytes} bytes`)));

export const attributesCase: fc.Arbitrary<Labeled<Record<string, string>>> = fc.oneof(
  { weight: 3, arbitrary: smallAttributes },
  { weight: 1, arbitrary: attributesAtLimit },
);

const startsWithReservedPrefix = (key: string) => /^aws:/i.test(key);

/** Tag keys: 1-128, letters, numbers, separators and _.:/=+-@; not 'aws:...'; not the creation marker. */
export const tagKeyCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(around(1, LIMITS.tagKey), material(TAG_KEY_CHARS)).map(([n, chars]) => exactly(n, utf16Length, chars))
      .map((k) => label(k, !startsWithReservedPrefix(k), true, `tag key of ${k.length}`)),
  },
  { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty tag key')) },
  {
    weight: 1,
    arbitrary: fc.tuple(around(LIMITS.tagKey + 1, LIMITS.tagKey + 8), material(TAG_KEY_CHARS.filter((c) => c.length === 1)))
      .map(([n, chars]) => label(exactly(n, utf16Length, chars), false, false, `tag key of ${n} BMP characters`)),
  },
  {
    // More than 128 UTF-16 units, at most 128 characters.
    weight: 1,
    arbitrary: around(LIMITS.tagKey / 2 + 1, LIMITS.tagKey).map((n) => label('\u{1D49C}'.repeat(n), false, true, `tag key of ${n} astral letters`)),
  },
  {
    weight: 2,
    arbitrary: withInserted(stringOf(TAG_KEY_CHARS.filter((c) => c !== ':'), 0, 60), TAG_KEY_OUTSIDERS)
      .map(([k, c]) => label(k, false, false, `tag key with ${hex(c)}`)),
  },
  {
    // Reserved by AWS: not in the model (api: true), refused by us.
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('aws:', 'AWS:', 'Aws:', 'aWs:'), stringOf(TAG_KEY_CHARS.filter((c) => c.length === 1), 0, 20))
      .map(([prefix, rest]) => label(prefix + rest, false, true, 'tag key with the aws: prefix')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('aws', 'aws_x', 'awsx:', 'xaws:', ' aws:', 'aws :', 'aw:s', 'aws-x:y', 'aws\u00a0:')
      .map((k) => label(k, true, true, 'tag key close to the aws: prefix')),
  },
  { weight: 1, arbitrary: fc.constant(label(CREATION_MARKER_TAG, false, true, 'the creation marker tag key')) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString').map((k) => label(k, true, true, 'tag key named like a prototype member')) },
  { weight: 1, arbitrary: withFinalNewline(stringOf(TAG_KEY_CHARS.filter((c) => c !== ':'), 1, 30)).map(([k, c]) => label(k, false, false, `tag key ending with ${hex(c)}`)) },
);

/** Tag values: 0-256, any characters (the model has no pattern). */
export const tagValueCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(around(0, LIMITS.tagValue), material([...TEXT_CHARS, ...CONTROL_CHARS.filter((c) => c.length === 1 && !/[\ud800-\udfff]/.test(c))]))
      .map(([n, chars]) => label(exactly(n, utf16Length, chars), true, true, `tag value of ${n}`)),
  },
  {
    weight: 1,
    arbitrary: around(LIMITS.tagValue + 1, LIMITS.tagValue + 8).map((n) => label('v'.repeat(n), false, false, `tag value of ${n}`)),
  },
  {
    weight: 1,
    arbitrary: around(LIMITS.tagValue / 2 + 1, LIMITS.tagValue).map((n) => label('\u{1F600}'.repeat(n), false, true, `tag value of ${n} astral characters`)),
  },
);

/** Few tags, each valid or not. */
const fewTags: fc.Arbitrary<Labeled<Record<string, string>>> = fc
  .uniqueArray(fc.tuple(tagKeyCase, tagValueCase), { maxLength: 5, selector: ([k]) => k.value })
  .map((entries) => {
    const ok = (api: boolean) => entries.every(([k, v]) => (api ? k.api && v.api : k.ours && v.ours));
    const bad = entries.filter(([k, v]) => !k.ours || !v.ours).map(([k, v]) => (k.ours ? v.rule : k.rule));
    return label(mapOf(entries.map(([k, v]) => [k.value, v.value] as const)), ok(false), ok(true), bad.length ? bad.join('; ') : `${entries.length} tags`);
  });

/**
 * Valid tags around the count limit. `api` is for CreatePackageVersion as
 * the handler sends it: the user's tags plus the creation marker, at most 50.
 */
export const tagsAtCountLimit: fc.Arbitrary<Labeled<Record<string, string>>> = fc
  .oneof(fc.constantFrom(0, 1, 48, 49, 50, 51), fc.integer({ min: 0, max: 55 }))
  .chain((n) => fc.uniqueArray(stringOf([...LOWER, ...DIGITS, '_'], 1, 10), { minLength: n, maxLength: n })
    .map((keys) => label(mapOf(keys.map((k, i) => [k, `v${i}`] as const)), n <= LIMITS.userTags, n + 1 <= LIMITS.apiTags, `${n} tags`)));

export const tagsCase: fc.Arbitrary<Labeled<Record<string, string>>> = fc.oneof(
  { weight: 3, arbitrary: fewTags },
  { weight: 1, arbitrary: tagsAtCountLimit },
);

/** Status: exactly DRAFT, PUBLISHED or DEPRECATED. Not sent to IoT (api mirrors ours). */
export const statusCase: fc.Arbitrary<Labeled<string>> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('DRAFT', 'PUBLISHED', 'DEPRECATED').map((s) => label(s, true, true, 'status')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'draft', 'Draft', 'PUBLISH', 'DEPRECATE', 'DELETED', ' DRAFT', 'DRAFT ', 'DRAFT\n', 'DRAF\u0422', 'PUBLISHED\0', 'null')
      .map((s) => label(s, false, false, 'not a status')),
  },
);

/** Recipes: at most 3072 characters (code points), any characters. */
export const recipeCase: fc.Arbitrary<Labeled<string>> = fc
  .tuple(fc.oneof(around(0, LIMITS.recipe), around(LIMITS.recipe + 1, LIMITS.recipe + 8)), material([...TEXT_CHARS, '\n', '\t', '{', '}']))
  .map(([n, chars]) => label(exactly(n, codePoints, chars), n <= LIMITS.recipe, n <= LIMITS.recipe, `recipe of ${n} characters`));

/** An S3 object as the shared rules take it. */
export interface S3ObjectValue {
  readonly bucket: string;
  readonly key: string;
  readonly version?: string;
}

/** S3 objects: non-empty bucket and key (API), key at most 1024 bytes and a version that is not '' or 'null' (ours). */
export const s3ObjectCase: fc.Arbitrary<Labeled<S3ObjectValue>> = fc
  .record({
    bucket: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('firmware-artifacts', 'b', 'my.bucket-1').map((b) => label(b, true, true, 'bucket')) },
      { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty bucket')) },
    ),
    key: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(around(1, LIMITS.s3KeyBytes), material([...TEXT_CHARS, '/'])).map(([n, chars]) => label(exactly(n, utf8Bytes, chars), true, true, `key of ${n} bytes`)) },
      { weight: 1, arbitrary: fc.constant(label('', false, false, 'empty key')) },
      { weight: 1, arbitrary: fc.tuple(around(LIMITS.s3KeyBytes + 1, LIMITS.s3KeyBytes + 8), material([...TEXT_CHARS, '/'])).map(([n, chars]) => label(exactly(n, utf8Bytes, chars), false, true, `key of ${n} bytes`)) },
    ),
    version: fc.oneof(
      { weight: 2, arbitrary: fc.constant(label<string | undefined>(undefined, true, true, 'no version')) },
      { weight: 3, arbitrary: fc.constantFrom('3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY', 'NULL', 'Null', 'v', '\u00e9').map((v) => label<string | undefined>(v, true, true, 'version')) },
      { weight: 1, arbitrary: fc.constantFrom('', 'null').map((v) => label<string | undefined>(v, false, true, `version ${JSON.stringify(v)}`)) },
    ),
  })
  .map(({ bucket, key, version }) => label(
    { bucket: bucket.value, key: key.value, ...(version.value !== undefined ? { version: version.value } : {}) },
    bucket.ours && key.ours && version.ours,
    bucket.api && key.api && version.api,
    [bucket, key, version].find((c) => !c.ours)?.rule ?? 'S3 object',
  ));

// --------------------------------------------------------------------------- //
// Whole inputs
// --------------------------------------------------------------------------- //

/** The fields of a package version that the rules cover, as construct props. */
export interface VersionFields {
  readonly packageName: string;
  readonly versionName: string;
  readonly description?: string;
  readonly attributes?: Record<string, string>;
  readonly tags?: Record<string, string>;
  readonly status?: string;
  readonly recipe?: string;
  readonly artifact?: S3ObjectValue;
  readonly sbom?: S3ObjectValue;
}

export type FieldName = keyof VersionFields;

/** Generated fields, with the fields that break our rules and those that break the API model. */
export interface VersionCase {
  readonly fields: VersionFields;
  readonly invalidOurs: readonly FieldName[];
  readonly invalidApi: readonly FieldName[];
  /** The rule of each invalid field (ours), for counterexamples. */
  readonly rules: Partial<Record<FieldName, string>>;
}

const FIELD_CASES: { readonly [F in FieldName]-?: fc.Arbitrary<Labeled<unknown>> } = {
  packageName: nameCase(LIMITS.packageName),
  versionName: nameCase(LIMITS.versionName),
  description: descriptionCase,
  attributes: attributesCase,
  tags: tagsCase,
  status: statusCase,
  recipe: recipeCase,
  artifact: s3ObjectCase,
  sbom: s3ObjectCase,
};

export const FIELDS = Object.keys(FIELD_CASES) as FieldName[];

function caseOf(cases: { [F in FieldName]?: Labeled<unknown> }): VersionCase {
  const entries = Object.entries(cases) as [FieldName, Labeled<unknown>][];
  return {
    fields: Object.fromEntries(entries.map(([f, c]) => [f, c.value])) as unknown as VersionFields,
    invalidOurs: entries.filter(([, c]) => !c.ours).map(([f]) => f),
    invalidApi: entries.filter(([, c]) => !c.api).map(([f]) => f),
    rules: Object.fromEntries(entries.filter(([, c]) => !c.ours).map(([f, c]) => [f, c.rule])),
  };
}

/** Mostly valid: each field is valid with probability ~3/4, so single failures stay readable. */
function mostlyValid<T>(c: fc.Arbitrary<Labeled<T>>): fc.Arbitrary<Labeled<T>> {
  return fc.oneof({ weight: 3, arbitrary: c.filter((x) => x.ours) }, { weight: 1, arbitrary: c });
}

const REQUIRED: FieldName[] = ['packageName', 'versionName'];

type CaseRecord = { [F in FieldName]: fc.Arbitrary<Labeled<unknown>> };

function recordOf(make: (f: FieldName) => fc.Arbitrary<Labeled<unknown>>): fc.Arbitrary<{ [F in FieldName]?: Labeled<unknown> }> {
  return fc.record(Object.fromEntries(FIELDS.map((f) => [f, make(f)])) as CaseRecord, { requiredKeys: REQUIRED });
}

/** Any mix of fields, each valid or not. */
export const versionCase: fc.Arbitrary<VersionCase> = recordOf((f) => mostlyValid(FIELD_CASES[f])).map(caseOf);

/** Valid fields (optional ones present or not), with one field drawn from all of its cases, valid or not. */
export const singleFieldCase: fc.Arbitrary<VersionCase> = fc.constantFrom(...FIELDS).chain((field) => fc
  .tuple(
    recordOf((f) => FIELD_CASES[f].filter((x) => x.ours)),
    FIELD_CASES[field],
  )
  .map(([base, varied]) => caseOf({ ...base, [field]: varied })));

// --------------------------------------------------------------------------- //
// Free-form text (labeled by nobody: for agreement and robustness properties)
// --------------------------------------------------------------------------- //

/**
 * Any text: printable graphemes (fast-check's Unicode 15 tables), any code
 * point, and lone surrogates.
 */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udc00', '\udbff'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength }),
  );
}
