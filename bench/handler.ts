/**
 * The handler asset: its size, and how long Node.js takes to load it as
 * Lambda does (one `require` of the file in a fresh process), compared with
 * loading the same SDK clients from node_modules in a fresh process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median } from './synth';

const ROOT = path.join(__dirname, '..');
export const HANDLER_ASSET = path.join(ROOT, 'assets', 'package-version-handler', 'index.js');
/** What the handler imports from node_modules before bundling. */
const SDK_CLIENTS = ['@aws-sdk/client-iot', '@aws-sdk/client-s3', '@aws-sdk/client-cloudformation'];

export interface HandlerMeasurement {
  readonly assetBytes: number;
  /** Median time of the asset's require in a fresh process, ms. */
  readonly assetLoadMs: number;
  /** Median time of requiring the SDK clients from node_modules in a fresh process, ms. */
  readonly clientsLoadMs: number;
}

export function measureHandler(runs: number): HandlerMeasurement {
  if (!fs.existsSync(HANDLER_ASSET)) {
    throw new Error(`${HANDLER_ASSET} is missing: run npx projen bundle:handler`);
  }
  const asset: number[] = [];
  const clients: number[] = [];
  // Alternated, so that both see the same machine load and file cache.
  for (let run = 0; run < runs; run++) {
    asset.push(timeRequire([HANDLER_ASSET]));
    clients.push(timeRequire(SDK_CLIENTS));
  }
  return { assetBytes: fs.statSync(HANDLER_ASSET).size, assetLoadMs: median(asset), clientsLoadMs: median(clients) };
}

/** Milliseconds that `require` of the modules takes in a new Node.js process. */
function timeRequire(modules: string[]): number {
  const script = [
    'const start = process.hrtime.bigint();',
    `for (const m of ${JSON.stringify(modules)}) require(m);`,
    'console.log(Number(process.hrtime.bigint() - start) / 1e6);',
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const ms = Number(result.stdout.trim().split('\n').pop());
  if (result.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`loading ${modules.join(', ')} failed: ${result.stderr}`);
  }
  return ms;
}
