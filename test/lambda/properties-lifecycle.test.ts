/**
 * Reading the lifecycle properties (lambda/properties.ts): Status (and
 * whether the template set it), Recipe, Artifact, Sbom and
 * WaitForSbomValidation, strictly for a request's own properties and
 * leniently for old ones.
 */
import { readDesiredVersion, readLenient } from '../../lambda/properties';

const NAMES = { PackageName: 'firmware', VersionName: '1.0.0' };
const RECIPE_SECRET = 'recipe-secret-0c9e';

/** The message readDesiredVersion throws for `raw`. */
function failure(raw: Record<string, unknown>): string {
  try {
    readDesiredVersion({ ...NAMES, ...raw });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected readDesiredVersion to throw');
}

describe('readDesiredVersion: lifecycle properties', () => {
  test('reads every lifecycle property', () => {
    expect(readDesiredVersion({
      ...NAMES,
      Status: 'PUBLISHED',
      Recipe: '{"a":1}',
      Artifact: { S3Location: { Bucket: 'b', Key: 'k', Version: 'v1' } },
      Sbom: { S3Location: { Bucket: 's', Key: 'sbom.zip' } },
      WaitForSbomValidation: 'true',
    })).toMatchObject({
      status: 'PUBLISHED',
      statusSet: true,
      recipe: '{"a":1}',
      artifact: { bucket: 'b', key: 'k', version: 'v1' },
      sbom: { bucket: 's', key: 'sbom.zip' },
      waitForSbomValidation: true,
    });
  });

  test('an object without Version has no version member (the handler resolves it)', () => {
    expect(readDesiredVersion({ ...NAMES, Sbom: { S3Location: { Bucket: 's', Key: 'k' } } }).sbom).toStrictEqual({ bucket: 's', key: 'k' });
  });

  test.each(['DRAFT', 'PUBLISHED', 'DEPRECATED'])('Status %s is set explicitly', (status) => {
    expect(readDesiredVersion({ ...NAMES, Status: status })).toMatchObject({ status, statusSet: true });
  });

  test.each([['absent', undefined], ['null', null]])('Status %s: the default DRAFT, not set', (_label, status) => {
    expect(readDesiredVersion({ ...NAMES, Status: status })).toMatchObject({ status: 'DRAFT', statusSet: false });
  });

  test.each([['"false"', 'false'], ['absent', undefined], ['"TRUE"', 'TRUE'], ['true (a boolean)', true]])(
    'WaitForSbomValidation %s',
    (label, value) => {
      expect(readDesiredVersion({ ...NAMES, WaitForSbomValidation: value }).waitForSbomValidation).toBe(label.startsWith('true'));
    },
  );

  test('an empty recipe is a recipe', () => {
    expect(readDesiredVersion({ ...NAMES, Recipe: '' }).recipe).toBe('');
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an unknown Status', { Status: 'ARCHIVED' }, 'status: "ARCHIVED" is not a package version status; it must be one of DRAFT, PUBLISHED, DEPRECATED'],
    ['a lower-case Status', { Status: 'published' }, 'status: "published" is not a package version status'],
    ['a Status object', { Status: { v: 'PUBLISHED' } }, 'status: is an object; Status must be one of DRAFT, PUBLISHED, DEPRECATED'],
    ['a Recipe object', { Recipe: { a: 1 } }, 'recipe: is an object; Recipe must be a string'],
    ['an Artifact string', { Artifact: 's3://b/k' }, 'artifact: is a string; Artifact must be {"S3Location": {"Bucket": ..., "Key": ..., "Version": ...}} (Version optional)'],
    ['an Artifact without S3Location', { Artifact: { Bucket: 'b', Key: 'k' } }, 'artifact: S3Location is missing; Artifact must be {"S3Location"'],
    ['an Sbom without Key', { Sbom: { S3Location: { Bucket: 'b' } } }, 'sbom: Sbom.S3Location.Key is missing; Sbom must be'],
    ['an Artifact with a numeric Version', { Artifact: { S3Location: { Bucket: 'b', Key: 'k', Version: 3 } } }, 'artifact: Artifact.S3Location.Version is a number; it must be a string'],
    ['an empty Key', { Artifact: { S3Location: { Bucket: 'b', Key: '' } } }, 'artifact: has an empty object key'],
    ['an Sbom version "null"', { Sbom: { S3Location: { Bucket: 'b', Key: 'k', Version: 'null' } } }, 'sbom: object version "null" is not an S3 version id'],
  ])('%s is rejected', (_label, raw, message) => {
    expect(failure(raw)).toContain(message);
  });

  test('a recipe that is too long is rejected by its length, never its text', () => {
    const message = failure({ Recipe: RECIPE_SECRET.repeat(400) });

    expect(message).toContain(`recipe: has ${RECIPE_SECRET.length * 400} characters; a recipe must have at most 3072`);
    expect(message).not.toContain(RECIPE_SECRET);
  });

  test('issues are listed in field order: status, recipe, artifact, sbom', () => {
    const message = failure({ Sbom: 'x', Artifact: 'x', Recipe: [], Status: 'x' });

    expect(message.split('\n').slice(1).map((line) => line.split(':')[0].trim())).toEqual(['- status', '- recipe', '- artifact', '- sbom']);
  });
});

describe('readLenient: lifecycle properties of old templates', () => {
  test('reads every lifecycle property', () => {
    expect(readLenient({
      ...NAMES,
      Status: 'DEPRECATED',
      Recipe: 'r',
      Artifact: { S3Location: { Bucket: 'b', Key: 'k', Version: 'v' } },
      Sbom: { S3Location: { Bucket: 's', Key: 'k2' } },
      WaitForSbomValidation: 'true',
    })).toMatchObject({
      status: 'DEPRECATED', statusSet: true, recipe: 'r', artifact: { bucket: 'b', key: 'k', version: 'v' }, sbom: { bucket: 's', key: 'k2' }, waitForSbomValidation: true,
    });
  });

  test.each<[string, unknown, string, boolean]>([
    ['absent', undefined, 'DRAFT', false],
    ['DRAFT', 'DRAFT', 'DRAFT', true],
    ['PUBLISHED', 'PUBLISHED', 'PUBLISHED', true],
    ['unknown', 'ARCHIVED', 'DRAFT', false],
    ['an object', { s: 'PUBLISHED' }, 'DRAFT', false],
  ])('Status %s reads as %s (set: %p)', (_label, status, read, set) => {
    expect(readLenient({ ...NAMES, Status: status })).toMatchObject({ status: read, statusSet: set });
  });

  test.each<[string, unknown]>([
    ['a string', 's3://b/k'],
    ['no S3Location', { Bucket: 'b', Key: 'k' }],
    ['no Bucket', { S3Location: { Key: 'k' } }],
    ['an object Key', { S3Location: { Bucket: 'b', Key: {} } }],
  ])('an unreadable object (%s) is absent', (_label, value) => {
    expect(readLenient({ ...NAMES, Artifact: value, Sbom: value })).toMatchObject({ artifact: undefined, sbom: undefined });
  });

  test('scalars in an old object are taken in their string form', () => {
    expect(readLenient({ ...NAMES, Artifact: { S3Location: { Bucket: 'b', Key: 7, Version: 2 } } }).artifact).toEqual({ bucket: 'b', key: '7', version: '2' });
  });

  test('an unreadable recipe is absent', () => {
    expect(readLenient({ ...NAMES, Recipe: { a: 1 } }).recipe).toBeUndefined();
  });
});
