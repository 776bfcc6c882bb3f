/**
 * Bundles the custom-resource handler (lambda/index.ts) with its pinned AWS
 * SDK clients into one file, the asset that ships in the npm package:
 *
 *   npx projen bundle:handler        # writes assets/package-version-handler/index.js
 *   npx projen bundle:handler --analyze   # also prints the bytes per package
 *
 * Run by every compile. What keeps the asset small:
 *
 * - The SDK's ES module builds (`module` before `main`), which esbuild can
 *   tree-shake; the CommonJS builds keep every command of every client.
 * - `literalSchemaKeys`: the clients' schema files spell trait keys as
 *   computed keys of string constants (`{ [_h]: [...] }`). esbuild must assume
 *   a computed key may have a side effect, so it keeps every operation's
 *   schema (all ~400 of IoT's). Written as the literal keys they are, the
 *   schemas the handler does not use are dropped.
 * - Credentials from the environment only: Lambda gives a function its role's
 *   credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 *   AWS_SESSION_TOKEN, so the default chain's other providers (profiles, SSO,
 *   web identity, instance metadata, and the STS and SSO clients they bring)
 *   are never used there.
 *
 * The bundle stays CommonJS (the provider framework and the tests `require`
 * it), minified, for the runtime's Node.js. The ES module builds load some of
 * Node.js's own modules lazily with `import("node:http")`; `requireBuiltins`
 * makes those `require` calls, which CommonJS loads the same way everywhere
 * (jest's module sandbox refuses a dynamic import).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { build, Plugin } from 'esbuild';

const ROOT = path.join(__dirname, '..');
const OUT_FILE = path.join(ROOT, 'assets', 'package-version-handler', 'index.js');

/** Rewrites `[_x]:` computed keys of string constants as literal keys, in the SDK clients' schema files. */
export const literalSchemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      return { contents: rewriteSchemaKeys(await fs.readFile(args.path, 'utf8'), args.path), loader: 'js' };
    });
  },
};

/** Rewrites `import("node:x")` of dependencies as `Promise.resolve(require("node:x"))`. */
export const requireBuiltins: Plugin = {
  name: 'require-builtins',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      const rewritten = rewriteBuiltinImports(source);
      return rewritten === source ? undefined : { contents: rewritten, loader: 'js' };
    });
  },
};

/**
 * The source with each dynamic import of a Node.js module by its literal
 * `node:` name made a `require`, resolved as a promise as the import was. The
 * code that awaits it reads the module's exports, or its `default`, and
 * `require` gives the exports themselves.
 */
export function rewriteBuiltinImports(source: string): string {
  return source.replace(/\bimport\(\s*(["'])(node:[a-z_/]+)\1\s*\)/g, 'Promise.resolve(require("$2"))');
}

/**
 * The schema file with each computed key that names a top-level string
 * constant (`const _h = "http";`) written as that string. Other computed keys
 * are left as they are. An error if the file declares no such constants,
 * which would mean the SDK changed the format this relies on.
 */
export function rewriteSchemaKeys(source: string, file: string): string {
  const constants = new Map<string, string>();
  for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
    constants.set(m[1], m[2]);
  }
  if (constants.size === 0) {
    throw new Error(`${file}: no string constants found; the SDK's schema format changed, so scripts/bundle-handler.ts needs a look`);
  }
  return source.replace(/\[(_\w+)\]:/g, (computed, name: string) => constants.get(name) !== undefined ? `${constants.get(name)}:` : computed);
}

async function main(): Promise<void> {
  const analyze = process.argv.includes('--analyze');
  const result = await build({
    entryPoints: [path.join(ROOT, 'lambda', 'index.ts')],
    outfile: OUT_FILE,
    bundle: true,
    platform: 'node',
    // The handler's runtime (src/private/provider.ts). The tests load the
    // same file in Node.js 20, which proves it needs no newer syntax.
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    // Class and function names stay readable in the handler's logs and in
    // the stack traces CloudFormation gets.
    keepNames: true,
    legalComments: 'none',
    alias: { '@aws-sdk/credential-provider-node': path.join(ROOT, 'lambda', 'aws', 'environment-credentials.ts') },
    plugins: [literalSchemaKeys, requireBuiltins],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = (await fs.stat(OUT_FILE)).size;
  console.log(`${path.relative(ROOT, OUT_FILE)}: ${(bytes / 1024).toFixed(0)} KB`);
  if (analyze) {
    const perPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
      const name = input.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1').replace(/^(lambda|src)\/.*$/, '$1 (ours)');
      perPackage.set(name, (perPackage.get(name) ?? 0) + bytesInOutput);
    }
    for (const [name, n] of [...perPackage].sort((a, b) => b[1] - a[1])) {
      console.log(`${(n / 1024).toFixed(1).padStart(8)} KB  ${name}`);
    }
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
