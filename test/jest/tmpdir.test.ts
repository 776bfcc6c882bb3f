/**
 * The run's temporary directory (./global-setup.ts): apps synthesize there,
 * not straight under the system's temporary directory.
 */
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { RUN_TMPDIR_ENV } from './global-setup';

test('an App without an outdir synthesizes into the run\'s temporary directory', () => {
  const runDir = process.env[RUN_TMPDIR_ENV]!;

  expect(path.basename(runDir)).toMatch(/^cdk-iot-package-catalog-test-/);
  expect(os.tmpdir()).toBe(runDir);
  expect(new App().outdir.startsWith(runDir + path.sep)).toBe(true);
});
