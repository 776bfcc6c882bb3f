import { createHash } from 'crypto';
import { LOGICAL_ID, OTHER_LOGICAL_ID, OTHER_STACK_ID, RECREATED_STACK_ID, STACK_ID, STACK_NAME } from './events';
import { callerOf, markerValue, parseMarker, sameStack, stackNameOf } from '../../lambda/ownership';

const RID = '8d5c2a4e-1111-4c1b-9e7a-0123456789ab';

function h16(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').substring(0, 16);
}

/** Independent of lambda/ownership.ts: 16 hex digits of sha256(name), then 16 of sha256(`name|logicalId`). */
function expectedOwner(stackName: string, logicalId: string): string {
  return h16(stackName) + h16(`${stackName}|${logicalId}`);
}

function ownerOf(stackId: string, logicalId: string): string {
  return callerOf({ StackId: stackId, LogicalResourceId: logicalId, RequestId: RID }).owner;
}

const OWNER = expectedOwner(STACK_NAME, LOGICAL_ID);
const PREVIOUS = expectedOwner(STACK_NAME, OTHER_LOGICAL_ID);

describe('stackNameOf', () => {
  test.each([
    [STACK_ID, 'FirmwareStack'],
    ['arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/Cn-Stack/0f8a6e10-7c1b-11ef-9d2a-0a1b2c3d4e5f', 'Cn-Stack'],
    ['arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/Parent-ChildNestedStackResource1234-ABCDEF/uuid', 'Parent-ChildNestedStackResource1234-ABCDEF'],
  ])('the name in a stack ARN: %s', (stackId, name) => {
    expect(stackNameOf(stackId)).toBe(name);
  });

  test.each([
    'FirmwareStack',
    'arn:aws:cloudformation:eu-west-1:123456789012:stack/NoUuid',
    'arn:aws:cloudformation:eu-west-1:123456789012:changeSet/Name/uuid',
    'arn:aws:s3:::bucket/stack/Name/uuid',
  ])('anything else is taken as it is: %s', (stackId) => {
    expect(stackNameOf(stackId)).toBe(stackId);
  });
});

describe('callerOf', () => {
  test('the owner hashes the stack name and the logical id; requestId is the RequestId', () => {
    const caller = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: RID });

    expect(caller).toEqual({ owner: OWNER, requestId: RID });
    expect(caller.owner).toMatch(/^[0-9a-f]{32}$/);
  });

  test('matches known digests', () => {
    // printf 'stack' | sha256sum | cut -c1-16; printf 'stack|Logical' | sha256sum | cut -c1-16
    expect(ownerOf('stack', 'Logical')).toBe('6ee08e6eb3bc6f45' + '0da305a508ad67f6');
    // The logical id is case-sensitive, as in CloudFormation.
    expect(ownerOf('stack', 'logical')).toBe('6ee08e6eb3bc6f45' + 'c12bcc441fbb94cb');
  });

  test('the owner does not depend on the RequestId', () => {
    const a = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: 'request-a' });
    const b = callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: 'request-b' });

    expect(a).toEqual({ owner: OWNER, requestId: 'request-a' });
    expect(b).toEqual({ owner: OWNER, requestId: 'request-b' });
  });

  test('a stack deleted and deployed again under the same name (new stack id) is the same owner', () => {
    expect(RECREATED_STACK_ID).not.toBe(STACK_ID);
    expect(ownerOf(RECREATED_STACK_ID, LOGICAL_ID)).toBe(OWNER);
  });

  test('different stacks give different owners for the same logical id, differing in the stack half', () => {
    const other = ownerOf(OTHER_STACK_ID, LOGICAL_ID);
    expect(other).toBe(expectedOwner('OtherStack', LOGICAL_ID));
    expect(other.slice(0, 16)).not.toBe(OWNER.slice(0, 16));
  });

  test('different logical ids in the same stack share the stack half only', () => {
    const other = ownerOf(STACK_ID, OTHER_LOGICAL_ID);
    expect(other).toBe(PREVIOUS);
    expect(other.slice(0, 16)).toBe(OWNER.slice(0, 16));
    expect(other.slice(16)).not.toBe(OWNER.slice(16));
  });

  test('the resource half includes the stack name: the same logical id elsewhere differs there too', () => {
    expect(ownerOf(OTHER_STACK_ID, LOGICAL_ID).slice(16)).not.toBe(OWNER.slice(16));
  });
});

describe('sameStack', () => {
  test('compares the stack halves', () => {
    expect(sameStack(OWNER, PREVIOUS)).toBe(true);
    expect(sameStack(OWNER, OWNER)).toBe(true);
    expect(sameStack(OWNER, ownerOf(OTHER_STACK_ID, LOGICAL_ID))).toBe(false);
    expect(sameStack(OWNER, `${OWNER.slice(0, 15)}x${OWNER.slice(16)}`)).toBe(false);
  });
});

describe('markerValue', () => {
  test('is `<owner>/<requestId>` for a version this resource creates', () => {
    expect(markerValue({ owner: OWNER, requestId: RID })).toBe(`${OWNER}/${RID}`);
    expect(markerValue(callerOf({ StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, RequestId: RID }))).toBe(`${OWNER}/${RID}`);
  });

  test('records the previous owner of a take-over, or `-` when there was none', () => {
    expect(markerValue({ owner: OWNER, requestId: RID }, PREVIOUS)).toBe(`${OWNER}/${RID}/${PREVIOUS}`);
    expect(markerValue({ owner: OWNER, requestId: RID }, null)).toBe(`${OWNER}/${RID}/-`);
    expect(markerValue({ owner: OWNER, requestId: RID }, undefined)).toBe(`${OWNER}/${RID}`);
  });

  test('fits in a tag value (at most 256 characters) for a CloudFormation RequestId', () => {
    expect(markerValue({ owner: OWNER, requestId: RID }, PREVIOUS)).toHaveLength(32 + 1 + 36 + 1 + 32);
  });
});

describe('parseMarker', () => {
  test('reads the owner and the requestId', () => {
    expect(parseMarker(`${OWNER}/${RID}`)).toEqual({ owner: OWNER, requestId: RID, previous: undefined });
  });

  test('reads a previous owner, and `-` as none', () => {
    expect(parseMarker(`${OWNER}/${RID}/${PREVIOUS}`)).toEqual({ owner: OWNER, requestId: RID, previous: PREVIOUS });
    expect(parseMarker(`${OWNER}/${RID}/-`)).toEqual({ owner: OWNER, requestId: RID, previous: null });
  });

  test('reads the marker a hand-back writes', () => {
    expect(parseMarker(`${PREVIOUS}/handed-back`)).toEqual({ owner: PREVIOUS, requestId: 'handed-back', previous: undefined });
  });

  test.each<[string, string | null | undefined]>([
    ['a created version', undefined],
    ['a version taken from another owner', PREVIOUS],
    ['a version taken from nobody', null],
  ])('round-trips markerValue for %s', (_label, previous) => {
    const caller = callerOf({ StackId: OTHER_STACK_ID, LogicalResourceId: 'Other', RequestId: RID });
    expect(parseMarker(markerValue(caller, previous))).toEqual({ ...caller, previous });
  });

  test.each(['req 1', `${RID} `, `${RID}\n`, ' padded '])('whatever CloudFormation-like requestId markerValue() writes is read back (%j)', (requestId) => {
    const caller = callerOf({ StackId: STACK_ID, LogicalResourceId: 'V', RequestId: requestId });
    expect(parseMarker(markerValue(caller))).toEqual({ ...caller, previous: undefined });
  });

  test.each<[string, string | undefined]>([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a bare RequestId (the marker of earlier releases)', RID],
    ['an owner without requestId', `${OWNER}/`],
    ['a requestId without owner', `/${RID}`],
    ['a 31-digit owner', `${OWNER.slice(1)}/${RID}`],
    ['a 33-digit owner', `${OWNER}a/${RID}`],
    ['an upper-case owner', `${OWNER.toUpperCase()}/${RID}`],
    ['a non-hex owner', `${'g'.repeat(32)}/${RID}`],
    ['no separator', `${OWNER}${RID}`],
    ['leading white space', ` ${OWNER}/${RID}`],
    ['an empty previous owner', `${OWNER}/${RID}/`],
    ['a 31-digit previous owner', `${OWNER}/${RID}/${PREVIOUS.slice(1)}`],
    ['an upper-case previous owner', `${OWNER}/${RID}/${PREVIOUS.toUpperCase()}`],
    ['a previous owner that is neither an owner nor `-`', `${OWNER}/${RID}/none`],
    ['a fourth part', `${OWNER}/${RID}/${PREVIOUS}/x`],
    ['a requestId with a slash', `${OWNER}/a/b`],
    ['an empty requestId before a previous owner', `${OWNER}//${PREVIOUS}`],
  ])('%s is no marker', (_label, value) => {
    expect(parseMarker(value)).toBeUndefined();
  });
});
