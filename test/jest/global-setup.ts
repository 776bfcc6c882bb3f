/**
 * One temporary directory for the whole jest run, removed at its end
 * (./global-teardown.ts).
 *
 * Every `new App()` without an `outdir` synthesizes into a new directory of
 * its own under the system's temporary directory and never removes it, with
 * a copy of the handler asset: about 1,100 directories (over 500 MB) per run of the
 * suite. Pointing TMPDIR at one directory per run, before the workers start
 * (they, and what the tests spawn, inherit it), keeps them in one place that
 * the teardown removes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where the run's temporary directory is, for the teardown. */
export const RUN_TMPDIR_ENV = 'CDK_IOT_PACKAGE_CATALOG_TEST_TMPDIR';

export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-iot-package-catalog-test-'));
  process.env[RUN_TMPDIR_ENV] = dir;
  process.env.TMPDIR = dir;
}
