/**
 * The handler bundle (scripts/bundle-handler.ts): its source rewrites, and
 * the asset `npx projen bundle:handler` wrote (every test task bundles first).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rewriteBuiltinImports, rewriteSchemaKeys } from '../../scripts/bundle-handler';

const ASSET = path.join(__dirname, '..', '..', 'assets', 'package-version-handler', 'index.js');
/** The goal for the asset; it was 1.0 MB before tree-shaking. */
const MAX_ASSET_BYTES = 450 * 1024;

describe('rewriteSchemaKeys', () => {
  test('writes computed keys of string constants as the literal keys they are', () => {
    const source = [
      'const _h = "http";',
      'const _e = "error";',
      'export var A$ = [9, n0, _A, { [_h]: ["GET", "/a", 200], [_e]: _c }];',
    ].join('\n');
    expect(rewriteSchemaKeys(source, 'f.js')).toContain('{ "http": ["GET", "/a", 200], "error": _c }');
  });

  test('leaves a computed key that is not a string constant of the file', () => {
    const source = 'const _h = "http";\nexport var A$ = [{ [_x]: 1, [other]: 2 }];';
    expect(rewriteSchemaKeys(source, 'f.js')).toBe(source);
  });

  test('a file without string constants is an error: the SDK changed its format', () => {
    expect(() => rewriteSchemaKeys('export var A$ = [{ [k]: 1 }];', 'schemas_0.js')).toThrow(/schemas_0.js: no string constants found/);
  });
});

describe('rewriteBuiltinImports', () => {
  test.each([
    ['await import("node:http")', 'await Promise.resolve(require("node:http"))'],
    ["await import('node:async_hooks')", 'await Promise.resolve(require("node:async_hooks"))'],
    ['import( "node:fs/promises" )', 'Promise.resolve(require("node:fs/promises"))'],
  ])('%s', (source, expected) => {
    expect(rewriteBuiltinImports(source)).toBe(expected);
  });

  test.each(['import("./chunk.js")', 'import(name)', 'reimport("node:http")'])('leaves %s', (source) => {
    expect(rewriteBuiltinImports(source)).toBe(source);
  });
});

describe('the asset', () => {
  const asset = fs.readFileSync(ASSET, 'utf8');

  test(`is at most ${MAX_ASSET_BYTES / 1024} KB`, () => {
    expect(fs.statSync(ASSET).size).toBeLessThanOrEqual(MAX_ASSET_BYTES);
  });

  test('holds the IoT operations the handler calls, and not the others', () => {
    expect(asset).toContain('"/packages/{packageName}/versions/{versionName}"');
    // A few of IoT's ~400 operations the handler never calls.
    for (const route of ['"/thing-types/{thingTypeName}"', '"/audit/tasks"', '"/authorizer/{authorizerName}"']) {
      expect(asset).not.toContain(route);
    }
  });

  test('takes credentials from the environment only', () => {
    expect(asset).toContain('fromEnv');
    for (const provider of ['fromIni', 'fromSSO', 'fromTokenFile', 'fromInstanceMetadata', 'fromContainerMetadata']) {
      expect(asset).not.toContain(provider);
    }
  });

  test('has no dynamic import (jest and CommonJS loaders need none)', () => {
    expect(asset).not.toMatch(/[^\w$.]import\(/);
  });

  test('loads alone, as Lambda loads it: no node_modules beside it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handler-asset-'));
    try {
      fs.copyFileSync(ASSET, path.join(dir, 'index.js'));
      const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(typeof require("./index.js").handler)'], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('function');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
