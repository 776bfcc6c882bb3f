import { Annotations as CoreAnnotations, App, Lazy, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iot from 'aws-cdk-lib/aws-iot';
import { PackageVersion } from '../../src';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const WARNING_ID = 'cdk-iot-package-catalog:duplicateVersion';

/** A stack in the given environment; `{}` makes it environment-agnostic. */
function stackIn(app: App, id: string, env: { account?: string; region?: string } = { account: ACCOUNT, region: REGION }): Stack {
  return new Stack(app, id, { env });
}

function version(scope: Stack, id: string, packageName = 'firmware', versionName = '1.0.0'): PackageVersion {
  return new PackageVersion(scope, id, { packageName, versionName });
}

/** The error `app.synth()` throws, or undefined if it synthesizes. */
function synthError(app: App): string | undefined {
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The validation error lines (`[path] message`) that name a duplicate version. */
function duplicateErrors(message: string | undefined): string[] {
  return (message ?? '').split('\n').filter((line) => /^\s*\[.*\].*declares version/.test(line));
}

function duplicateWarnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNING_ID))
    .map((m) => String(m.entry.data));
}

describe('a package version declared twice', () => {
  test('in one stack fails at synth, once, naming both constructs and what to do', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    version(stack, 'First');
    version(stack, 'Second');

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Stack/First');
    expect(errors[0]).toContain('Stack/Second');
    expect(errors[0]).toContain("'firmware'");
    expect(errors[0]).toContain("'1.0.0'");
    expect(errors[0]).toMatch(/another versionName, or remove one/);
  });

  test('in two stacks of one app in the same account and region fails at synth', () => {
    const app = new App();
    version(stackIn(app, 'One'), 'V');
    version(stackIn(app, 'Two'), 'V');

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('One/V');
    expect(errors[0]).toContain('Two/V');
  });

  test('in one environment-agnostic stack fails at synth: one stack deploys to one account and region', () => {
    const app = new App();
    const stack = stackIn(app, 'Agnostic', {});
    version(stack, 'First');
    version(stack, 'Second');

    expect(duplicateErrors(synthError(app))).toHaveLength(1);
  });

  test('in an environment-agnostic stack and its nested stack fails at synth', () => {
    const app = new App();
    const parent = stackIn(app, 'Parent', {});
    version(parent, 'V');
    version(new NestedStack(parent, 'Nested'), 'V');

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Parent/V');
    expect(errors[0]).toContain('Parent/Nested/V');
  });

  test('through the same package reference fails at synth', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    const pkg = new iot.CfnSoftwarePackage(stack, 'Firmware', { packageName: 'firmware' });
    new PackageVersion(stack, 'First', { packageName: pkg.ref, versionName: '1.0.0' });
    new PackageVersion(stack, 'Second', { packageName: pkg.ref, versionName: '1.0.0' });

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Stack/First');
    expect(errors[0]).toContain('Stack/Second');
    expect(errors[0]).toContain('Stack/Firmware');
  });

  test('through a reference to a package in another stack of the same environment fails at synth', () => {
    const app = new App();
    const packages = stackIn(app, 'Packages');
    const pkg = new iot.CfnSoftwarePackage(packages, 'Firmware', { packageName: 'firmware' });
    new PackageVersion(packages, 'V', { packageName: pkg.ref, versionName: '1.0.0' });
    new PackageVersion(stackIn(app, 'Versions'), 'V', { packageName: pkg.ref, versionName: '1.0.0' });

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Packages/V');
    expect(errors[0]).toContain('Versions/V');
  });

  test('three times names each later declaration once', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    version(stack, 'A');
    version(stack, 'B');
    version(stack, 'C');

    const errors = duplicateErrors(synthError(app));
    expect(errors).toHaveLength(2);
    expect(errors.filter((e) => e.trim().startsWith('[Stack/B]'))).toHaveLength(1);
    expect(errors.filter((e) => e.trim().startsWith('[Stack/C]'))).toHaveLength(1);
  });
});

describe('environments that cannot be compared', () => {
  test('two environment-agnostic stacks get a warning, and the app synthesizes', () => {
    const app = new App();
    version(stackIn(app, 'One', {}), 'V');
    const two = stackIn(app, 'Two', {});
    version(two, 'V');

    expect(synthError(app)).toBeUndefined();
    const warnings = duplicateWarnings(two);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('One/V');
    expect(warnings[0]).toContain('Two/V');
    expect(warnings[0]).toMatch(/another versionName, or remove one/);
  });

  test('an environment-agnostic stack and one with an environment get a warning', () => {
    const app = new App();
    version(stackIn(app, 'Agnostic', {}), 'V');
    const concrete = stackIn(app, 'Concrete');
    version(concrete, 'V');

    expect(synthError(app)).toBeUndefined();
    expect(duplicateWarnings(concrete)).toHaveLength(1);
  });

  test('a stack with only a region and one in that region get a warning', () => {
    const app = new App();
    version(stackIn(app, 'RegionOnly', { region: REGION }), 'V');
    const concrete = stackIn(app, 'Concrete');
    version(concrete, 'V');

    expect(synthError(app)).toBeUndefined();
    expect(duplicateWarnings(concrete)).toHaveLength(1);
  });

  test('the warning can be acknowledged by its id on the stack', () => {
    const app = new App();
    version(stackIn(app, 'One', {}), 'V');
    const two = stackIn(app, 'Two', {});
    version(two, 'V');
    expect(duplicateWarnings(two)).toHaveLength(1);

    // aws-cdk-lib matches acknowledgements on a scope's ancestors, not the scope itself.
    CoreAnnotations.of(two).acknowledgeWarning(WARNING_ID, 'deployed to different accounts');
    expect(duplicateWarnings(two)).toHaveLength(0);
  });
});

describe('what is not a duplicate', () => {
  function expectNoDuplicate(app: App): void {
    expect(synthError(app)).toBeUndefined();
    for (const stack of app.node.findAll().filter(Stack.isStack)) {
      expect(duplicateWarnings(stack)).toHaveLength(0);
    }
  }

  test('the same version in two regions of one account', () => {
    const app = new App();
    version(stackIn(app, 'Ireland', { account: ACCOUNT, region: 'eu-west-1' }), 'V');
    version(stackIn(app, 'Virginia', { account: ACCOUNT, region: 'us-east-1' }), 'V');
    expectNoDuplicate(app);
  });

  test('the same version in two accounts of one region', () => {
    const app = new App();
    version(stackIn(app, 'Dev', { account: '111111111111', region: REGION }), 'V');
    version(stackIn(app, 'Prod', { account: '222222222222', region: REGION }), 'V');
    expectNoDuplicate(app);
  });

  test('a region-only stack and a stack in another region', () => {
    const app = new App();
    version(stackIn(app, 'RegionOnly', { region: 'us-east-1' }), 'V');
    version(stackIn(app, 'Concrete'), 'V');
    expectNoDuplicate(app);
  });

  test('distinct versions of one package', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    version(stack, 'V100', 'firmware', '1.0.0');
    version(stack, 'V110', 'firmware', '1.1.0');
    expectNoDuplicate(app);
  });

  test('the same version name in different packages', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    version(stack, 'Firmware', 'firmware', '1.0.0');
    version(stack, 'Bootloader', 'bootloader', '1.0.0');
    expectNoDuplicate(app);
  });

  test('package or version names that are unresolved tokens are not compared', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    const lazyPackage = () => Lazy.string({ produce: () => 'firmware' });
    const lazyVersion = () => Lazy.string({ produce: () => '1.0.0' });
    new PackageVersion(stack, 'LazyPackage1', { packageName: lazyPackage(), versionName: '1.0.0' });
    new PackageVersion(stack, 'LazyPackage2', { packageName: lazyPackage(), versionName: '1.0.0' });
    new PackageVersion(stack, 'LazyVersion1', { packageName: 'firmware', versionName: lazyVersion() });
    new PackageVersion(stack, 'LazyVersion2', { packageName: 'firmware', versionName: lazyVersion() });
    expectNoDuplicate(app);
  });

  test('the same version of two different package constructs', () => {
    const app = new App();
    const stack = stackIn(app, 'Stack');
    const a = new iot.CfnSoftwarePackage(stack, 'A', { packageName: 'a' });
    const b = new iot.CfnSoftwarePackage(stack, 'B', { packageName: 'b' });
    new PackageVersion(stack, 'VA', { packageName: a.ref, versionName: '1.0.0' });
    new PackageVersion(stack, 'VB', { packageName: b.ref, versionName: '1.0.0' });
    expectNoDuplicate(app);
  });
});
