import { createHash } from 'crypto';
import { LOGICAL_ID, OTHER_STACK_ID, STACK_ID } from './events';
import { callerOf, markerValue, parseMarker } from '../../lambda/ownership';

const RID = '8d5c2a4e-1111-4c1b-9e7a-0123456789ab';

/** Independent of lambda/ownership.ts: the first 32 hex digits of sha256(`StackId|LogicalResourceId`). */
function expectedOwner(stackId: string, logicalId: string): string {
  return createHash('sha256').update(`${stackId}|${logicalId}`, 'utf8').digest('hex').substring(0, 32);
}

function ownerOf(stackId: string, logicalId: string): string {
  return callerOf({ StackId: stackId, LogicalResourceId: logicalId, RequestId: RID }).owner;
}

describe('callerOf', () => {
  test('owner is the first 32 hex digits of sha256(StackId|LogicalResourceId); requestId is the RequestId', () => {
    const caller = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: RID });

    expect(caller).toEqual({ owner: expectedOwner(STACK_ID, LOGICAL_ID), requestId: RID });
    expect(caller.owner).toMatch(/^[0-9a-f]{32}$/);
  });

  test('matches a known digest', () => {
    // printf 'stack|Logical' | sha256sum | cut -c1-32
    expect(ownerOf('stack', 'Logical')).toBe('0da305a508ad67f6b8b43e0e606944d8');
    // The logical id is case-sensitive, as in CloudFormation.
    expect(ownerOf('stack', 'logical')).toBe('c12bcc441fbb94cba93e205c5dca6e59');
  });

  test('the owner does not depend on the RequestId', () => {
    const a = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: 'request-a' });
    const b = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: 'request-b' });

    expect(a.owner).toBe(b.owner);
    expect(a.requestId).toBe('request-a');
    expect(b.requestId).toBe('request-b');
  });

  test('different stacks give different owners for the same logical id', () => {
    expect(ownerOf(OTHER_STACK_ID, LOGICAL_ID)).toBe(expectedOwner(OTHER_STACK_ID, LOGICAL_ID));
    expect(ownerOf(OTHER_STACK_ID, LOGICAL_ID)).not.toBe(ownerOf(STACK_ID, LOGICAL_ID));
  });

  test('a stack deleted and created again with the same name (new stack id) is another owner', () => {
    const recreated = STACK_ID.replace(/[0-9a-f-]{36}$/, '11111111-2222-3333-4444-555555555555');
    expect(recreated).not.toBe(STACK_ID);
    expect(ownerOf(recreated, LOGICAL_ID)).not.toBe(ownerOf(STACK_ID, LOGICAL_ID));
  });

  test('different logical ids in the same stack give different owners', () => {
    expect(ownerOf(STACK_ID, 'FirmwareVersionB')).toBe(expectedOwner(STACK_ID, 'FirmwareVersionB'));
    expect(ownerOf(STACK_ID, 'FirmwareVersionB')).not.toBe(ownerOf(STACK_ID, LOGICAL_ID));
  });
});

describe('markerValue', () => {
  test('is `<owner>/<requestId>`', () => {
    const owner = expectedOwner(STACK_ID, LOGICAL_ID);

    expect(markerValue({ owner, requestId: RID })).toBe(`${owner}/${RID}`);
    expect(markerValue(callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: RID }))).toBe(`${owner}/${RID}`);
  });

  test('fits in a tag value (at most 256 characters) for a CloudFormation RequestId', () => {
    const value = markerValue(callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: RID }));
    expect(value).toHaveLength(32 + 1 + 36);
  });
});

describe('parseMarker', () => {
  const OWNER = expectedOwner(STACK_ID, LOGICAL_ID);

  test('reads the owner and the requestId', () => {
    expect(parseMarker(`${OWNER}/${RID}`)).toEqual({ owner: OWNER, requestId: RID });
  });

  test('round-trips markerValue for a CloudFormation RequestId', () => {
    const caller = callerOf({ StackId: OTHER_STACK_ID, LogicalResourceId: 'Other', RequestId: RID });
    expect(parseMarker(markerValue(caller))).toEqual({ owner: caller.owner, requestId: RID });
  });

  test('a requestId may itself contain a slash: only the first one separates', () => {
    expect(parseMarker(`${OWNER}/a/b`)).toEqual({ owner: OWNER, requestId: 'a/b' });
  });

  test.each<[string, string | undefined]>([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a bare RequestId (the marker of earlier releases)', RID],
    ['an owner without requestId', `${'a'.repeat(32)}/`],
    ['a requestId without owner', `/${RID}`],
    ['a 31-digit owner', `${'a'.repeat(31)}/${RID}`],
    ['a 33-digit owner', `${'a'.repeat(33)}/${RID}`],
    ['an upper-case owner', `${'A'.repeat(32)}/${RID}`],
    ['a non-hex owner', `${'g'.repeat(32)}/${RID}`],
    ['no separator', `${'a'.repeat(32)}${RID}`],
    ['leading white space', ` ${'a'.repeat(32)}/${RID}`],
  ])('%s is no marker', (_label, value) => {
    expect(parseMarker(value)).toBeUndefined();
  });

  test.each(['req 1', `${RID} `, `${RID}\n`, ' padded '])('whatever requestId markerValue() writes is read back (%j)', (requestId) => {
    const caller = callerOf({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1', LogicalResourceId: 'V', RequestId: requestId });
    expect(parseMarker(markerValue(caller))).toEqual({ owner: caller.owner, requestId });
  });
});
