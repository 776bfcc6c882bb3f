/**
 * Failures within CloudFormation's 4,096-byte response limit
 * (lambda/failure.ts): the message is cut, by bytes of its JSON encoding and
 * never inside a surrogate pair, to what fits beside the event's ids and the
 * provider framework's own additions; the stack is one line.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { arnOf, createEvent, deleteEvent, updateEvent } from './events';
import { boundedFailure, CREATE_FAILED_PHYSICAL_ID, fitJson, MAX_RESPONSE_BYTES, messageBudget } from '../../lambda/failure';

const PROPS = { PackageName: 'firmware', VersionName: '1.0.0' };

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

/** Whether `text` holds a lone surrogate (half of a pair). */
function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * The body the provider framework PUTs to the ResponseURL for a failure
 * `error` thrown by the handler: the Lambda runtime reports the stack's
 * lines as `trace`; the framework appends its log group and `trace` minus
 * its first line to the message.
 */
function frameworkResponse(event: CloudFormationCustomResourceEvent, error: Error, functionName = 'f'.repeat(64)): string {
  const trace = String(error.stack).split('\n');
  const reason = [[error.message, '', `Logs: /aws/lambda/${functionName}`, ''].join('\n'), ...trace.slice(1)].join('\n');
  return JSON.stringify({
    Status: 'FAILED',
    Reason: reason,
    StackId: event.StackId,
    RequestId: event.RequestId,
    PhysicalResourceId: ('PhysicalResourceId' in event && event.PhysicalResourceId) || CREATE_FAILED_PHYSICAL_ID,
    LogicalResourceId: event.LogicalResourceId,
  });
}

describe('fitJson', () => {
  test('a text that fits is returned as it is', () => {
    expect(fitJson('short', 5)).toBe('short');
    expect(fitJson('', 0)).toBe('');
    expect(fitJson('a"b', 4)).toBe('a"b');
  });

  test('a text that does not fit is cut, and the cut is marked', () => {
    expect(fitJson('x'.repeat(100), 20)).toBe(`${'x'.repeat(14)} [...]`);
  });

  test.each<[string, string]>([
    ['ASCII', 'The quick brown fox jumps over the lazy dog. '],
    ['escapes (quotes, backslashes, newlines, control characters)', 'a "quoted"\\path\nnext\tline\u0001\u001f '],
    ['two-byte characters', 'Größenänderung fehlgeschlagen é ß '],
    ['three-byte characters', '版本创建失败，请重试 '],
    ['four-byte characters (surrogate pairs)', '🚀📦🔥 '],
    ['lone surrogates (escaped as \\uXXXX)', 'a\ud800b\udfffc '],
    ['a mix', 'ok "é" 版 🚀\n\u0000 '],
  ])('the JSON encoding of the result never exceeds the budget, and the cut is the longest that fits: %s', (_label, unit) => {
    const text = unit.repeat(40);
    for (let max = 6; max <= jsonBytes(text) + 2; max++) {
      const fitted = fitJson(text, max);
      expect(jsonBytes(fitted)).toBeLessThanOrEqual(max);
      if (fitted === text) {
        continue;
      }
      expect(fitted.endsWith(' [...]')).toBe(true);
      const kept = fitted.slice(0, -' [...]'.length);
      expect(text.startsWith(kept)).toBe(true);
      if (hasLoneSurrogate(unit)) {
        continue; // a lone high surrogate at the cut is dropped like half a pair: harmless
      }
      // One more code point would not fit.
      const next = String.fromCodePoint(text.codePointAt(kept.length)!);
      expect(jsonBytes(kept + next + ' [...]')).toBeGreaterThan(max);
    }
  });

  test('never splits a surrogate pair', () => {
    const text = 'ab' + '🚀'.repeat(50);
    for (let max = 6; max < jsonBytes(text); max++) {
      const fitted = fitJson(text, max);
      expect(hasLoneSurrogate(fitted)).toBe(false);
    }
  });

  test('a pair whose high half would just fit is dropped whole', () => {
    // 'ab' (2) + ' [...]' (6) = 8; the emoji takes 4 more bytes.
    expect(fitJson(`ab${'🚀'.repeat(3)}`, 11)).toBe('ab [...]');
    expect(fitJson(`ab${'🚀'.repeat(3)}`, 12)).toBe('ab🚀 [...]');
  });

  test('an escape counts as the bytes it takes in JSON', () => {
    // Each \u0001 takes six bytes in JSON.
    expect(fitJson('\u0001'.repeat(10), 18)).toBe('\u0001\u0001 [...]');
    // Each quote takes two.
    expect(fitJson('"'.repeat(10), 18)).toBe(`${'"'.repeat(6)} [...]`);
  });
});

describe('messageBudget', () => {
  const LOGS = `\n\nLogs: /aws/lambda/${'x'.repeat(64)}\n`;

  function skeletonBytes(event: CloudFormationCustomResourceEvent, physicalId: string): number {
    return Buffer.byteLength(JSON.stringify({
      Status: 'FAILED',
      Reason: '',
      StackId: event.StackId,
      RequestId: event.RequestId,
      PhysicalResourceId: physicalId,
      LogicalResourceId: event.LogicalResourceId,
    }), 'utf8');
  }

  test('is what the response limit leaves beside the ids, the framework\'s log line and a safety margin', () => {
    const create = createEvent(PROPS);
    expect(messageBudget(create)).toBe(MAX_RESPONSE_BYTES - skeletonBytes(create, CREATE_FAILED_PHYSICAL_ID) - jsonBytes(LOGS) - 64);

    const arn = arnOf('firmware', '1.0.0');
    const update = updateEvent(PROPS, PROPS);
    expect(messageBudget(update)).toBe(MAX_RESPONSE_BYTES - skeletonBytes(update, arn) - jsonBytes(LOGS) - 64);
    expect(messageBudget(update)).toBeGreaterThan(3_000);
  });

  test('an empty physical id counts as the framework\'s marker', () => {
    const event = deleteEvent('', PROPS);
    expect(messageBudget(event)).toBe(MAX_RESPONSE_BYTES - skeletonBytes(event, CREATE_FAILED_PHYSICAL_ID) - jsonBytes(LOGS) - 64);
  });

  test('long ids leave less room, byte for byte', () => {
    const short = createEvent(PROPS);
    const long = createEvent(PROPS, { logicalResourceId: 'L'.repeat(255), requestId: 'r'.repeat(1000) });
    expect(messageBudget(short) - messageBudget(long)).toBe(255 - short.LogicalResourceId.length + 1000 - short.RequestId.length);

    const escaped = createEvent(PROPS, { requestId: '"'.repeat(100) });
    expect(messageBudget(short) - messageBudget(escaped)).toBe(200 - short.RequestId.length);
  });
});

describe('boundedFailure', () => {
  test('keeps a message that fits, as a plain Error whose stack is one line', () => {
    const cause = new TypeError('IoT said no');

    const failure = boundedFailure(cause, createEvent(PROPS));

    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBe(cause);
    expect(failure.message).toBe('IoT said no');
    expect(failure.name).toBe('Error');
    expect(failure.stack).toBe('Error');
    expect(String(failure.stack)).not.toContain('\n');
  });

  test.each<[string, unknown, string]>([
    ['a string', 'plain string thrown', 'plain string thrown'],
    ['undefined', undefined, 'undefined'],
    ['an Error without message', new Error(''), 'Error'],
    ['an object with a message', { message: 'from an object' }, 'from an object'],
  ])('turns %s into a message', (_label, thrown, message) => {
    expect(boundedFailure(thrown, createEvent(PROPS)).message).toBe(message);
  });

  test.each<[string, string]>([
    ['ASCII', 'x'],
    ['escapes', '"\n'],
    ['three-byte characters', '版'],
    ['four-byte characters', '🚀'],
  ])('a long message (%s) is cut so that the framework\'s whole response fits in 4,096 bytes, even with long ids', (_label, unit) => {
    const events: CloudFormationCustomResourceEvent[] = [
      createEvent(PROPS),
      createEvent(PROPS, { logicalResourceId: 'L'.repeat(255), requestId: 'r'.repeat(400) }),
      updateEvent(PROPS, PROPS, { physicalResourceId: 'p'.repeat(800) }),
      deleteEvent('', PROPS),
    ];
    for (const event of events) {
      const failure = boundedFailure(new Error(unit.repeat(10_000)), event);

      expect(failure.message.endsWith(' [...]')).toBe(true);
      expect(hasLoneSurrogate(failure.message)).toBe(false);
      const bytes = Buffer.byteLength(frameworkResponse(event, failure), 'utf8');
      expect(bytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      // Not cut further than needed: within the safety margin and one character.
      expect(bytes).toBeGreaterThan(MAX_RESPONSE_BYTES - 64 - 20 - 12);
    }
  });

  test('an error with a multi-line stack would not fit: that is why the stack is dropped', () => {
    const event = createEvent(PROPS);
    const failure = boundedFailure(new Error('x'.repeat(10_000)), event);
    const withTrace = Object.assign(new Error(failure.message), { stack: `Error: ${failure.message}\n${'    at frame (file.js:1:1)\n'.repeat(20)}` });

    expect(Buffer.byteLength(frameworkResponse(event, failure), 'utf8')).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(Buffer.byteLength(frameworkResponse(event, withTrace), 'utf8')).toBeGreaterThan(MAX_RESPONSE_BYTES);
  });
});
