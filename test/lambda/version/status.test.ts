/**
 * Publish and deprecate (lambda/version/status.ts): the legal steps between
 * two states, the plan a request makes for its version's state, and taking
 * the steps, with a read-back when a step's response was lost.
 *
 * How the plans play out in whole requests is in create-lifecycle.test.ts
 * and update-lifecycle.test.ts.
 */
import { GetPackageVersionCommand, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { planStatus, stepsBetween, Step, takeSteps } from '../../../lambda/version/status';
import { StatusValue } from '../../../src/shared/contract';
import {
  commandNames,
  conflict,
  inputsOf,
  invalid,
  iotMock,
  liveVersion,
  notFound,
  notices,
  PKG,
  rejectionOf,
  throttled,
  useMocks,
  VER,
} from '../mocks';

useMocks();

const V = `${PKG}/${VER}`;

describe('stepsBetween', () => {
  test.each<[string, StatusValue, Step[]]>([
    ['DRAFT', 'DRAFT', []],
    ['PUBLISHED', 'PUBLISHED', []],
    ['DEPRECATED', 'DEPRECATED', []],
    ['DRAFT', 'PUBLISHED', ['PUBLISH']],
    ['DEPRECATED', 'PUBLISHED', ['PUBLISH']],
    ['PUBLISHED', 'DEPRECATED', ['DEPRECATE']],
    // Not documented by IoT: the handler goes through PUBLISHED.
    ['DRAFT', 'DEPRECATED', ['PUBLISH', 'DEPRECATE']],
  ])('%s -> %s: %p', (from, to, steps) => {
    expect(stepsBetween(from, to)).toEqual(steps);
  });

  test.each<[string, StatusValue]>([
    ['PUBLISHED', 'DRAFT'],
    ['DEPRECATED', 'DRAFT'],
    // States this handler does not know: no way out of them.
    ['ARCHIVED', 'PUBLISHED'],
    ['ARCHIVED', 'DRAFT'],
    ['', 'PUBLISHED'],
    ['published', 'DEPRECATED'],
  ])('%p -> %s is impossible (undefined)', (from, to) => {
    expect(stepsBetween(from, to)).toBeUndefined();
  });
});

describe('planStatus', () => {
  describe('create or take-over (no previous template)', () => {
    test.each<[StatusValue, string | undefined, Step[]]>([
      ['PUBLISHED', undefined, ['PUBLISH']],
      ['PUBLISHED', 'DRAFT', ['PUBLISH']],
      ['DEPRECATED', 'DRAFT', ['PUBLISH', 'DEPRECATE']],
      ['PUBLISHED', 'DEPRECATED', ['PUBLISH']],
      ['DEPRECATED', 'PUBLISHED', ['DEPRECATE']],
      ['PUBLISHED', 'PUBLISHED', []],
      ['DRAFT', 'DRAFT', []],
    ])('a template that sets %s, on a version IoT reports %p: %p', (desired, live, steps) => {
      expect(planStatus(V, desired, true, undefined, live)).toEqual({ steps });
      expect(notices('')).toEqual([]);
    });

    test.each(['PUBLISHED', 'DEPRECATED'])('a template that sets no status keeps the %s IoT reports, and logs it', (live) => {
      expect(planStatus(V, 'DRAFT', false, undefined, live)).toEqual({ steps: [] });
      expect(notices('the template sets no status')).toEqual([
        { notice: 'the template sets no status; the version keeps the one IoT reports', version: V, live },
      ]);
    });

    test('a template that sets no status, on a DRAFT version: nothing to do, nothing logged', () => {
      expect(planStatus(V, 'DRAFT', false, undefined, 'DRAFT')).toEqual({ steps: [] });
      expect(notices('')).toEqual([]);
    });

    test.each(['PUBLISHED', 'DEPRECATED'])('a template that sets DRAFT on a %s version is blocked, saying what to do', (live) => {
      expect(planStatus(V, 'DRAFT', true, undefined, live)).toEqual({
        steps: [],
        blocked: `Cannot make package version '${V}' DRAFT: it is ${live}, and IoT has no way back to DRAFT. To have a draft, ` +
          `create a new version: change versionName (CloudFormation then replaces this version), or set status to ${live}.`,
      });
    });
  });

  describe('update (previous template)', () => {
    test.each<[StatusValue, StatusValue, string, Step[]]>([
      ['DRAFT', 'PUBLISHED', 'DRAFT', ['PUBLISH']],
      ['DRAFT', 'DEPRECATED', 'DRAFT', ['PUBLISH', 'DEPRECATE']],
      ['PUBLISHED', 'DEPRECATED', 'PUBLISHED', ['DEPRECATE']],
      ['DEPRECATED', 'PUBLISHED', 'DEPRECATED', ['PUBLISH']],
      // The change is planned from what IoT reports, not from the previous template.
      ['DRAFT', 'DEPRECATED', 'PUBLISHED', ['DEPRECATE']],
      ['PUBLISHED', 'DEPRECATED', 'DEPRECATED', []],
    ])('%s -> %s in the template, IoT reports %s: %p', (previous, desired, live, steps) => {
      expect(planStatus(V, desired, true, previous, live)).toEqual({ steps });
    });

    test.each<[StatusValue, boolean, string]>([
      ['DRAFT', false, 'PUBLISHED'],
      ['DRAFT', true, 'DEPRECATED'],
      ['PUBLISHED', true, 'DEPRECATED'],
      ['DEPRECATED', true, 'PUBLISHED'],
    ])('unchanged %s (set: %p), IoT further along at %s: no step, logged', (status, set, live) => {
      expect(planStatus(V, status, set, status, live)).toEqual({ steps: [] });
      expect(notices('status unchanged in the template')).toEqual([{
        notice: 'status unchanged in the template, but IoT reports another: left as it is (changed outside CloudFormation)',
        version: V,
        template: status,
        live,
      }]);
    });

    test('unchanged and in step with IoT: nothing logged', () => {
      expect(planStatus(V, 'PUBLISHED', true, 'PUBLISHED', 'PUBLISHED')).toEqual({ steps: [] });
      expect(notices('')).toEqual([]);
    });

    test('PUBLISHED -> DRAFT in the template is blocked', () => {
      expect(planStatus(V, 'DRAFT', true, 'PUBLISHED', 'PUBLISHED').blocked).toBe(
        `Cannot make package version '${V}' DRAFT: it is PUBLISHED, and IoT has no way back to DRAFT. To have a draft, ` +
        'create a new version: change versionName (CloudFormation then replaces this version), or set status to PUBLISHED.',
      );
    });

    test('removing Status from a PUBLISHED template asks for the default, DRAFT: blocked', () => {
      const plan = planStatus(V, 'DRAFT', false, 'PUBLISHED', 'PUBLISHED');
      expect(plan.steps).toEqual([]);
      expect(plan.blocked).toMatch(/^Cannot make package version 'firmware\/1\.0\.0' DRAFT: it is PUBLISHED/);
    });

    test('DRAFT asked for where IoT moved on outside CloudFormation: the message says so', () => {
      expect(planStatus(V, 'DRAFT', true, 'PUBLISHED', 'DEPRECATED').blocked).toBe(
        `Cannot make package version '${V}' DRAFT: it is DEPRECATED, and IoT has no way back to DRAFT. IoT reports DEPRECATED ` +
        'while the previous template said PUBLISHED: it was changed outside CloudFormation. To have a draft, create a new version: ' +
        'change versionName (CloudFormation then replaces this version), or set status to DEPRECATED.',
      );
    });

    test('a state this library does not know is blocked, naming it', () => {
      expect(planStatus(V, 'PUBLISHED', true, 'DRAFT', 'ARCHIVED')).toEqual({
        steps: [],
        blocked: `Cannot make package version '${V}' PUBLISHED: IoT reports status 'ARCHIVED', which this library does not know how to leave.`,
      });
    });

    test('no live status counts as DRAFT', () => {
      expect(planStatus(V, 'PUBLISHED', true, 'DRAFT', undefined)).toEqual({ steps: ['PUBLISH'] });
    });
  });
});

describe('takeSteps', () => {
  const update = () => iotMock.on(UpdatePackageVersionCommand, { packageName: PKG, versionName: VER });
  const readBack = (status: string) =>
    iotMock.on(GetPackageVersionCommand, { packageName: PKG, versionName: VER }).resolves(liveVersion(VER, { status: status as never }));

  test('takes each step in order, one UpdatePackageVersion each, and logs each', async () => {
    update().resolves({});

    await expect(takeSteps(PKG, VER, ['PUBLISH', 'DEPRECATE'], 'DRAFT')).resolves.toBe('DEPRECATED');

    expect(inputsOf(UpdatePackageVersionCommand)).toEqual([
      { packageName: PKG, versionName: VER, action: 'PUBLISH' },
      { packageName: PKG, versionName: VER, action: 'DEPRECATE' },
    ]);
    expect(commandNames()).toEqual(['UpdatePackageVersion', 'UpdatePackageVersion']);
    expect(notices('status changed')).toEqual([
      { notice: 'status changed', version: V, action: 'PUBLISH', status: 'PUBLISHED' },
      { notice: 'status changed', version: V, action: 'DEPRECATE', status: 'DEPRECATED' },
    ]);
  });

  test('no steps: no call, the state it started from', async () => {
    await expect(takeSteps(PKG, VER, [], 'PUBLISHED')).resolves.toBe('PUBLISHED');
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('a step that fails where IoT already reached its target (a lost response) counts as done', async () => {
    update().rejects(conflict('Package version is already published'));
    readBack('PUBLISHED');

    await expect(takeSteps(PKG, VER, ['PUBLISH'], 'DRAFT')).resolves.toBe('PUBLISHED');

    expect(commandNames()).toEqual(['UpdatePackageVersion', 'GetPackageVersion']);
    expect(notices('had been applied already')).toEqual([
      { notice: 'status step had been applied already (a retried request)', version: V, action: 'PUBLISH' },
    ]);
  });

  test('after a step found done, the next step is still taken', async () => {
    update().rejectsOnce(conflict('already published')).resolves({});
    readBack('PUBLISHED');

    await expect(takeSteps(PKG, VER, ['PUBLISH', 'DEPRECATE'], 'DRAFT')).resolves.toBe('DEPRECATED');

    expect(commandNames()).toEqual(['UpdatePackageVersion', 'GetPackageVersion', 'UpdatePackageVersion']);
    expect(inputsOf(UpdatePackageVersionCommand).map((i) => i.action)).toEqual(['PUBLISH', 'DEPRECATE']);
  });

  test('a step that fails where IoT has not reached its target rethrows the step\'s error, and takes no later step', async () => {
    update().rejects(invalid('Artifact is not readable'));
    readBack('DRAFT');

    const err = await rejectionOf(takeSteps(PKG, VER, ['PUBLISH', 'DEPRECATE'], 'DRAFT'));

    expect(err.message).toBe(
      "UpdatePackageVersion failed for PackageName 'firmware', VersionName '1.0.0' (changing status (PUBLISH)): " +
      'ValidationException: Artifact is not readable',
    );
    expect(commandNames()).toEqual(['UpdatePackageVersion', 'GetPackageVersion']);
    expect(notices('status changed')).toEqual([]);
  });

  test('DEPRECATE failing on a version IoT reports PUBLISHED rethrows', async () => {
    update().rejects(throttled());
    readBack('PUBLISHED');

    await expect(takeSteps(PKG, VER, ['DEPRECATE'], 'PUBLISHED')).rejects.toThrow(/changing status \(DEPRECATE\)\): ThrottlingException/);
  });

  test('when the read-back fails too, the step\'s error is what is thrown', async () => {
    update().rejects(invalid('cannot publish'));
    iotMock.on(GetPackageVersionCommand).rejects(throttled('read-back throttled'));

    const err = await rejectionOf(takeSteps(PKG, VER, ['PUBLISH'], 'DRAFT'));

    expect(err.message).toMatch(/ValidationException: cannot publish$/);
    expect(err.message).not.toMatch(/read-back/);
  });

  test('when the version is gone by the read-back, the step\'s error is what is thrown', async () => {
    update().rejects(invalid('cannot publish'));
    iotMock.on(GetPackageVersionCommand).rejects(notFound());

    await expect(takeSteps(PKG, VER, ['PUBLISH'], 'DRAFT')).rejects.toThrow(/ValidationException: cannot publish$/);
  });
});
