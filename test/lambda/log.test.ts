/**
 * What the handler logs about a request: only names that pass validation,
 * capped ids, counts instead of attribute keys (IoT marks the whole
 * attributes map sensitive), and never the ResponseURL, the description or
 * attribute values.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  arnOf,
  createEvent,
  deleteEvent,
  LOGICAL_ID,
  Props,
  RESPONSE_URL,
  RESPONSE_URL_SECRET,
  STACK_ID,
  tagList,
  updateEvent,
} from './events';
import { describeEvent, log } from '../../lambda/log';
import { CREATION_MARKER_TAG } from '../../src/shared/contract';

const NAMES = { PackageName: 'firmware', VersionName: '1.0.0' };

/** Properties of any type, as a raw template could give them. */
function raw(props: Record<string, unknown>): Props {
  return props as Props;
}

/** The logged properties of a Create with `props`. */
function loggedProps(props: Record<string, unknown>): Record<string, unknown> {
  return describeEvent(createEvent(raw(props))).properties as Record<string, unknown>;
}

/** describeEvent as the one JSON line the handler writes. */
function line(event: CloudFormationCustomResourceEvent): string {
  return JSON.stringify(describeEvent(event));
}

describe('describeEvent', () => {
  test('logs the request type, ids and valid names', () => {
    const event = updateEvent({ ...NAMES }, { ...NAMES, VersionName: '0.9.0' }, { requestId: 'a1b2c3d4-0000-4000-8000-000000000000' });
    expect(describeEvent(event)).toMatchObject({
      requestType: 'Update',
      requestId: 'a1b2c3d4-0000-4000-8000-000000000000',
      stackId: STACK_ID,
      logicalResourceId: LOGICAL_ID,
      physicalResourceId: arnOf('firmware', '0.9.0'),
      resourceType: 'Custom::IotPackageVersion',
      properties: { PackageName: 'firmware', VersionName: '1.0.0' },
      oldProperties: { PackageName: 'firmware', VersionName: '0.9.0' },
    });
  });

  test('never logs the ResponseURL, the description, attribute values or unknown properties', () => {
    const props = {
      ...NAMES,
      Description: 'secret-description-5531',
      Attributes: { channel: 'secret-value-5531' },
      Recipe: 'secret-recipe-5531',
    };
    const output = line(updateEvent(props, raw({ ...props, Description: { text: 'secret-old-description-5531' } })));
    expect(output).not.toContain(RESPONSE_URL);
    expect(output).not.toContain(RESPONSE_URL_SECRET);
    expect(output).not.toContain('X-Amz');
    expect(output).not.toContain('secret');
    expect(output).not.toContain('Recipe');
    expect(loggedProps(props).Description).toBe('(redacted)');
  });

  test('a missing or null Description is not logged at all', () => {
    expect(loggedProps({ ...NAMES }).Description).toBeUndefined();
    expect(loggedProps({ ...NAMES, Description: null }).Description).toBeUndefined();
  });

  describe('attributes', () => {
    test('are logged as a count: IoT marks the keys sensitive too', () => {
      const props = loggedProps({ ...NAMES, Attributes: { 'secret-key-a': 'x', 'secret-key-b': 'y', 'secret-key-c': 'z' } });
      expect(props.attributeCount).toBe(3);
      expect(JSON.stringify(props)).not.toContain('secret-key');
    });

    test('of the wrong type are logged as their type', () => {
      const props = loggedProps({ ...NAMES, Attributes: ['secret-value'] });
      expect(props.attributeCount).toBe('(invalid: an array)');
      expect(JSON.stringify(props)).not.toContain('secret');
    });

    test('absent attributes are not counted', () => {
      expect(loggedProps({ ...NAMES }).attributeCount).toBeUndefined();
    });
  });

  describe('names', () => {
    test.each<[string, string, string]>([
      ['a space', 'bad name', '(invalid, 8 characters)'],
      ['a newline', 'bad\nname', '(invalid, 8 characters)'],
      ['129 characters', 'p'.repeat(129), '(invalid, 129 characters)'],
      ['10000 characters', 'p'.repeat(10_000), '(invalid, 10000 characters)'],
      ['no characters', '', '(invalid, 0 characters)'],
    ])('a PackageName with %s is logged as its length', (_label, name, logged) => {
      expect(loggedProps({ ...NAMES, PackageName: name }).PackageName).toBe(logged);
    });

    test('a 128-character PackageName and a 64-character VersionName are logged whole', () => {
      expect(loggedProps({ PackageName: 'p'.repeat(128), VersionName: 'v'.repeat(64) }))
        .toMatchObject({ PackageName: 'p'.repeat(128), VersionName: 'v'.repeat(64) });
    });

    test('a 65-character VersionName is logged as its length', () => {
      expect(loggedProps({ ...NAMES, VersionName: 'v'.repeat(65) }).VersionName).toBe('(invalid, 65 characters)');
    });

    test.each<[string, unknown, string]>([
      ['an object', { secret: 'secret-name' }, '(invalid: an object)'],
      ['an array', ['secret-name'], '(invalid: an array)'],
      ['null', null, '(invalid: null)'],
    ])('a PackageName given as %s is logged as its type', (_label, name, logged) => {
      const props = loggedProps({ ...NAMES, PackageName: name });
      expect(props.PackageName).toBe(logged);
      expect(JSON.stringify(props)).not.toContain('secret');
    });

    test('a number is logged in its string form, as readDesiredVersion reads it', () => {
      expect(loggedProps({ PackageName: 42, VersionName: 2 })).toMatchObject({ PackageName: '42', VersionName: '2' });
    });

    test('a missing name is not logged', () => {
      expect(loggedProps({ PackageName: 'firmware' }).VersionName).toBeUndefined();
    });
  });

  describe('tags', () => {
    test('valid keys are logged, with the count', () => {
      expect(loggedProps({ ...NAMES, Tags: tagList({ 'Env': 'secret-tag-value', 'cost center': 'x' }) }))
        .toMatchObject({ tagCount: 2, tagKeys: ['Env', 'cost center'] });
    });

    test('keys that break the tag key rules are logged as their length', () => {
      const keys = ['bad\u0000key', 'k'.repeat(129), 'aws:owner', CREATION_MARKER_TAG, 'ok'];
      expect(loggedProps({ ...NAMES, Tags: keys.map((Key) => ({ Key, Value: 'v' })) }).tagKeys).toEqual([
        '(invalid, 7 characters)',
        '(invalid, 129 characters)',
        '(invalid, 9 characters)',
        `(invalid, ${CREATION_MARKER_TAG.length} characters)`,
        'ok',
      ]);
    });

    test('wrong-typed entries and keys are logged as their type', () => {
      const tags = [null, 'Env=prod', { Key: { secret: 'secret-key' }, Value: 'v' }, { Value: 'v' }, { Key: 7, Value: 'v' }];
      const props = loggedProps({ ...NAMES, Tags: tags });
      expect(props).toMatchObject({
        tagCount: 5,
        tagKeys: ['(invalid: null)', '(invalid: a string)', '(invalid: an object)', '(invalid: missing)', '7'],
      });
      expect(JSON.stringify(props)).not.toContain('secret');
    });

    test('the list is capped at 10 keys; the count is the whole', () => {
      const tags = Array.from({ length: 49 }, (_, i) => ({ Key: `key-${i}`, Value: 'v' }));
      const props = loggedProps({ ...NAMES, Tags: tags });
      expect(props.tagCount).toBe(49);
      expect(props.tagKeys).toEqual(Array.from({ length: 10 }, (_, i) => `key-${i}`));
    });

    test('a map of tags (read from old properties) is logged by its keys', () => {
      const old = describeEvent(updateEvent({ ...NAMES }, raw({ ...NAMES, Tags: { Env: 'prod', Team: 'iot' } }))).oldProperties;
      expect(old).toMatchObject({ tagCount: 2, tagKeys: ['Env', 'Team'] });
    });

    test('Tags of another type are logged as their type', () => {
      expect(loggedProps({ ...NAMES, Tags: 'secret=x' }).tagCount).toBe('(invalid: a string)');
    });
  });

  describe('ids', () => {
    test('a 255-character LogicalResourceId (the most CloudFormation allows) is logged whole', () => {
      const id = 'L'.repeat(255);
      expect(describeEvent(createEvent({ ...NAMES }, { logicalResourceId: id })).logicalResourceId).toBe(id);
    });

    test.each<[string, (id: string) => CloudFormationCustomResourceEvent, string]>([
      ['StackId', (id) => createEvent({ ...NAMES }, { stackId: id }), 'stackId'],
      ['LogicalResourceId', (id) => createEvent({ ...NAMES }, { logicalResourceId: id }), 'logicalResourceId'],
      ['RequestId', (id) => createEvent({ ...NAMES }, { requestId: id }), 'requestId'],
      ['PhysicalResourceId', (id) => deleteEvent(id, { ...NAMES }), 'physicalResourceId'],
    ])('a 2000-character %s is capped at 256 characters, with its length', (_label, build, key) => {
      const id = `${'a'.repeat(256)}${'z'.repeat(1744)}`;
      expect(describeEvent(build(id))[key]).toBe(`${'a'.repeat(256)}... (2000 characters)`);
    });
  });

  test('properties that are not an object do not break the log', () => {
    const event = createEvent({ ...NAMES });
    expect(() => describeEvent({ ...event, ResourceProperties: null as never })).not.toThrow();
    expect(() => describeEvent({ ...event, ResourceProperties: 'x' as never })).not.toThrow();
    expect(() => describeEvent({ ...event, ResourceProperties: [] as never })).not.toThrow();
  });

  test('the line stays bounded whatever the event holds', () => {
    const huge = 'x'.repeat(10_000);
    const props: Props = {
      PackageName: huge,
      VersionName: huge,
      Description: huge,
      Attributes: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${huge}${i}`, huge])),
      Tags: Array.from({ length: 100 }, (_, i) => ({ Key: `k${i}${'y'.repeat(120)}`, Value: huge })),
    };
    const event = updateEvent(props, props, { requestId: huge, stackId: huge, logicalResourceId: huge, physicalResourceId: huge });
    expect(line(event).length).toBeLessThan(6000);
  });
});

describe('log', () => {
  test('writes one JSON line, the notice first', () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      log('version created', { version: 'firmware/1.0.0' });
      expect(spy).toHaveBeenCalledTimes(1);
      const [text] = spy.mock.calls[0];
      expect(text).toBe('{"notice":"version created","version":"firmware/1.0.0"}');
    } finally {
      spy.mockRestore();
    }
  });
});
