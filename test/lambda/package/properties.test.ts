/** Reading a package's properties (lambda/package/properties.ts). */
import { packageNameOf, readDesiredPackage, readLenientPackage } from '../../../lambda/package/properties';

describe('readDesiredPackage', () => {
  test('reads the name, description, tags (list form) and the adoption flag', () => {
    expect(readDesiredPackage({ PackageName: 'fw', Description: 'd', Tags: [{ Key: 'a', Value: '1' }], AdoptExisting: 'true' }))
      .toEqual({ packageName: 'fw', description: 'd', tags: { a: '1' }, adoptExisting: true });
    expect(readDesiredPackage({ PackageName: 'fw' })).toEqual({ packageName: 'fw', description: undefined, tags: {}, adoptExisting: false });
  });

  test('names every problem, types before rules, never the description', () => {
    expect(() => readDesiredPackage({ Description: { x: 'secret' }, Tags: { a: '1' } })).toThrow(
      "Package '' has 3 invalid props:\n  - packageName: is missing; PackageName is required\n" +
      '  - description: is an object; Description must be a string\n' +
      '  - tags: is an object; Tags must be a list of {"Key": ..., "Value": ...} entries',
    );
    expect(() => readDesiredPackage({ PackageName: 'fw', Description: 'x'.repeat(1025) })).toThrow(/description: has 1025 characters/);
  });
});

describe('readLenientPackage (old properties)', () => {
  test('never throws; takes tags as a list or a map; skips what is not a scalar', () => {
    expect(readLenientPackage({ PackageName: 1, Tags: { a: 'x', b: null, c: {} } })).toEqual({
      packageName: '1', description: undefined, tags: { a: 'x', b: '' }, adoptExisting: false,
    });
    expect(readLenientPackage(null)).toEqual({ packageName: '', description: undefined, tags: {}, adoptExisting: false });
  });
});

test('packageNameOf: only a valid name', () => {
  expect(packageNameOf({ PackageName: 'fw' })).toBe('fw');
  expect(packageNameOf({ PackageName: 'f/w' })).toBeUndefined();
  expect(packageNameOf({ PackageName: '' })).toBeUndefined();
  expect(packageNameOf({ PackageName: 7 })).toBeUndefined();
  expect(packageNameOf(undefined)).toBeUndefined();
});
