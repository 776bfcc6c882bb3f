/**
 * Property tests of the handler's parsing of raw CloudFormation properties
 * (lambda/properties.ts) against malformed events: any JSON, wrong types in
 * any property, sensitive values in every position.
 *
 * The parser must fail with an Error whose issue lines name the property
 * concerned, never with a TypeError, never coerce an object or a list into
 * a string, never echo the description, attribute values or recipe, and
 * stay within the length CloudFormation accepts.
 */
import * as fc from 'fast-check';
import { singleFieldCase, VersionFields, versionCase } from './arbitraries';
import { asDelivered, errorOf, fieldsIn, toResourceProperties } from './helpers';
import { assertProperty } from './settings';
import { MAX_VALIDATION_MESSAGE } from '../../lambda/errors';
import { identityOf, readDesiredVersion, readLenient } from '../../lambda/properties';
import type { Field } from '../../src/shared/validation';

/** The custom resource's properties and the construct prop each is reported as. */
const PROPERTIES = {
  PackageName: 'packageName',
  VersionName: 'versionName',
  Description: 'description',
  Attributes: 'attributes',
  Tags: 'tags',
  Status: 'status',
  Recipe: 'recipe',
  Artifact: 'artifact',
  Sbom: 'sbom',
  AdoptExisting: undefined,
  WaitForSbomValidation: undefined,
} as const satisfies Record<string, Field | undefined>;

type Property = keyof typeof PROPERTIES;

/** Properties whose value is one string. */
const SCALAR_PROPERTIES: readonly Property[] = ['PackageName', 'VersionName', 'Description', 'Status', 'Recipe'];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

/** Valid props as the construct renders them. */
const validProperties = singleFieldCase.filter((c) => c.invalidOurs.length === 0).map((c) => toResourceProperties(c.fields));

const shallowJson = fc.jsonValue({ maxDepth: 1 });

/** Wrong (or right) JSON values of every kind, including the shapes the properties should have. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, 1.5, -1, 1e21, true, false, '', 'true', 'null', '[object Object]', 'DRAFT', 'a=b', 's3://bucket/key'),
  fc.constantFrom({}, [], [{}], [null], [[]], { S3Location: 'x' }, { S3Location: null }, { S3Location: {} },
    { S3Location: [] }),
  fc.record({ Bucket: shallowJson, Key: shallowJson, Version: shallowJson }, { requiredKeys: [] }).map((S3Location) => ({ S3Location })),
  fc.array(fc.record({ Key: shallowJson, Value: shallowJson }, { requiredKeys: [] }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), shallowJson, { maxKeys: 3 }),
  // Many bad entries: messages past the length CloudFormation accepts.
  fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }), shallowJson, { maxKeys: 40 }),
  fc.array(fc.record({ Key: fc.string({ unit: 'binary', maxLength: 200 }), Value: fc.string({ maxLength: 300 }) }), { maxLength: 60 }),
);

function expectWellFormedFailure(error: Error): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(RangeError);
  expect(error.message).toMatch(/^Package version '.*' has (an invalid prop|\d+ invalid props):\n {2}- /s);
  expect(error.message.length).toBeLessThanOrEqual(MAX_VALIDATION_MESSAGE);
}

/** Any JSON, or an object of the known properties with any JSON values. */
const anyProperties = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(Object.fromEntries(Object.keys(PROPERTIES).map((p) => [p, anyJson])), { requiredKeys: [] }),
);

describe('readDesiredVersion on any JSON', () => {
  test('either reads the properties or fails with a validation error; never a TypeError', () => {
    assertProperty(fc.property(anyProperties, (r) => {
      const props = asDelivered(r);
      const error = errorOf(() => readDesiredVersion(props));
      if (error !== undefined) {
        expectWellFormedFailure(error);
        // Every issue line names a prop.
        const lines = error.message.split('\n').slice(1);
        const truncated = error.message.endsWith('...');
        for (const line of truncated ? lines.slice(0, -1) : lines) {
          expect(line).toMatch(/^ {2}- (packageName|versionName|description|attributes|tags|status|recipe|artifact|sbom): /);
        }
      }
    }));
  });

  test('readLenient and identityOf never throw, and read strings as strings', () => {
    assertProperty(fc.property(anyProperties, (r) => {
      const props = asDelivered(r);
      const read = readLenient(props);
      expect(typeof read.packageName).toBe('string');
      expect(typeof read.versionName).toBe('string');
      for (const map of [read.attributes, read.tags]) {
        expect(Object.values(map).every((v) => typeof v === 'string')).toBe(true);
      }
      const identity = identityOf(props);
      if (identity !== undefined) {
        const { PackageName, VersionName } = props as Record<string, unknown>;
        expect(identity).toEqual({ packageName: PackageName, versionName: VersionName });
      }
    }));
  });
});

describe('one property of valid props replaced by any JSON value', () => {
  test('a failure names that property only; objects and lists are never taken as strings', () => {
    const anyProperty = fc.constantFrom(...Object.keys(PROPERTIES) as Property[]);
    assertProperty(fc.property(validProperties, anyProperty, anyJson, (valid, property, value) => {
      const raw = asDelivered({ ...valid, [property]: value }) as Record<string, unknown>;
      // undefined (a key JSON drops) is a missing property.
      const delivered = raw[property];
      const error = errorOf(() => readDesiredVersion(raw));
      const field = PROPERTIES[property];

      if (error !== undefined) {
        expectWellFormedFailure(error);
        expect(field).toBeDefined();
        expect(fieldsIn(error.message)).toEqual([field]);
      }
      // Values that are not what the property holds fail; they are never coerced.
      const mustFail =
        (SCALAR_PROPERTIES.includes(property) && delivered !== undefined && delivered !== null && !isScalar(delivered))
        || (['PackageName', 'VersionName'].includes(property) && (delivered === undefined || delivered === null || delivered === ''))
        || (property === 'Attributes' && delivered !== undefined && delivered !== null
          && (!isMap(delivered) || Object.values(delivered).some((v) => !isScalar(v))))
        || (property === 'Tags' && delivered !== undefined && delivered !== null
          && (!Array.isArray(delivered) || delivered.some((t) => !isMap(t) || !isScalar(t.Key) || !isScalar(t.Value))))
        || ((property === 'Artifact' || property === 'Sbom') && delivered !== undefined && delivered !== null
          && (!isMap(delivered) || !isMap(delivered.S3Location)
            || typeof delivered.S3Location.Bucket !== 'string' || typeof delivered.S3Location.Key !== 'string'
            || !['undefined', 'string'].includes(typeof delivered.S3Location.Version) && delivered.S3Location.Version !== null));
      if (mustFail) {
        expect(error).toBeDefined();
      }
      if (error === undefined) {
        const desired = readDesiredVersion(raw);
        // Scalars are read in their string form, as CloudFormation delivers them.
        if (SCALAR_PROPERTIES.includes(property) && isScalar(delivered)) {
          expect(desired[field as 'packageName' | 'versionName' | 'description' | 'status' | 'recipe']).toBe(String(delivered));
        }
        if (property === 'AdoptExisting') {
          expect(desired.adoptExisting).toBe(isScalar(delivered) && String(delivered) === 'true');
        }
        if (property === 'WaitForSbomValidation') {
          expect(desired.waitForSbomValidation).toBe(isScalar(delivered) && String(delivered) === 'true');
        }
        if (property === 'Attributes' && isMap(delivered)) {
          expect(Object.entries(desired.attributes).sort()).toEqual(Object.entries(delivered).map(([k, v]) => [k, String(v)]).sort());
        }
        if (property === 'Tags' && Array.isArray(delivered)) {
          const last = new Map((delivered as { Key: unknown; Value: unknown }[]).map((t) => [String(t.Key), String(t.Value)]));
          expect(Object.entries(desired.tags).sort()).toEqual([...last.entries()].sort());
        }
      }
    }));
  });
});

// --------------------------------------------------------------------------- //
// Sensitive values
// --------------------------------------------------------------------------- //

/**
 * A secret: '§' appears in no other generated value, so any '§' in a
 * message is (part of) a secret.
 */
const secret = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -'), minLength: 4, maxLength: 12 }).map((s) => `§${s}§`);

/** A secret in a valid or invalid form, or inside a wrong type. */
const secretForm = (s: string): fc.Arbitrary<unknown> => fc.constantFrom<unknown>(
  s, `${s}\u0007`, `\n${s}`, `${s}\u200b${s}`, s.repeat(Math.ceil(3100 / s.length)), '', { text: s }, [s], [[s]], { [s.replace(/§/g, '')]: s },
);

/** Props with secrets in Description, Attributes and Recipe, and other props valid or not. */
const withSecrets = fc.tuple(versionCase, secret).chain(([c, s]) => fc.record({
  fields: fc.constant(c.fields),
  secret: fc.constant(s),
  description: fc.option(secretForm(s), { nil: undefined }),
  attributeValues: fc.array(secretForm(s), { maxLength: 4 }),
  attributesAsWhole: fc.option(fc.constantFrom<unknown>(s, [s], 42), { nil: undefined }),
  recipe: fc.option(secretForm(s), { nil: undefined }),
}));

function render(fields: VersionFields, description: unknown, attributeValues: unknown[], attributesAsWhole: unknown, recipe: unknown): unknown {
  const attributes = Object.fromEntries(attributeValues.map((v, i) => [`key${i}`, v]));
  return asDelivered({
    ...toResourceProperties(fields),
    ...(description !== undefined ? { Description: description } : {}),
    ...(attributeValues.length > 0 ? { Attributes: { ...fields.attributes, ...attributes } } : {}),
    ...(attributesAsWhole !== undefined ? { Attributes: attributesAsWhole } : {}),
    ...(recipe !== undefined ? { Recipe: recipe } : {}),
  });
}

describe('sensitive values', () => {
  test('the description, attribute values and recipe never appear in a message, valid or not', () => {
    assertProperty(fc.property(withSecrets, ({ fields, description, attributeValues, attributesAsWhole, recipe }) => {
      const raw = render(fields, description, attributeValues, attributesAsWhole, recipe);
      const error = errorOf(() => readDesiredVersion(raw));
      if (error !== undefined) {
        expectWellFormedFailure(error);
        expect(error.message).not.toContain('§');
      }
    }));
  });
});
