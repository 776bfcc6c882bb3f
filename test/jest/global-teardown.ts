/** Removes the jest run's temporary directory (see ./global-setup.ts). */
import * as fs from 'fs';
import { RUN_TMPDIR_ENV } from './global-setup';

export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR_ENV];
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
