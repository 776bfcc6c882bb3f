/**
 * Loads one warm Lambda container for the CloudFormation simulator: the
 * provider framework's runtime (aws-cdk-lib custom-resources/lib/
 * provider-framework/runtime) and the bundled handler asset, as fresh
 * module instances, each load with its own module state (SDK clients,
 * their adaptive rate limiters and retry quotas, deadline storage).
 *
 * The runtime's outbound module imports @aws-sdk/client-lambda and
 * @aws-sdk/client-sfn at load time: they are present in Lambda's Node.js
 * runtime, not here, and never used once the simulator points the outbound
 * functions elsewhere. How a fresh load is made, and how those two imports
 * are kept out, depends on who loads the modules:
 *
 * - under jest: jest.isolateModules gives each load its own module
 *   registry, and the two clients are virtual mocks. It keeps what a `vm`
 *   context or a worker thread would lose: jest's module mocks, the
 *   environment, the captured console and this process's response receiver.
 * - under plain Node.js (bench/calls.ts): the runtime's and the asset's
 *   entries are dropped from `require.cache` before each load, and the
 *   outbound module is put in the cache as an object of its own, so the
 *   real one (and its SDK imports) is never loaded.
 *
 * Either way the simulator then sets `invokeFunction` and `httpRequest` on
 * the container's `outbound`. No other jest global is used here or in the
 * simulator.
 */
import { Module } from 'module';
import * as path from 'path';

/** The framework's entry point (framework.js). */
export interface Framework {
  onEvent(event: unknown): Promise<void>;
}

/** The handler asset's entry point. */
export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** One container: the framework, the exports its outbound calls go through, and the handler. */
export interface Container {
  readonly outbound: Record<string, unknown>;
  readonly framework: Framework;
  readonly handler: Handler;
}

export const RUNTIME_DIR = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resources', 'lib', 'provider-framework', 'runtime');
export const HANDLER_ASSET = path.resolve(__dirname, '..', '..', 'assets', 'package-version-handler', 'index.js');

const UNUSED_CLIENTS = ['@aws-sdk/client-lambda', '@aws-sdk/client-sfn'];

// Registered when this module is loaded, long before any container is.
if (typeof jest !== 'undefined') {
  jest.mock('@aws-sdk/client-lambda', () => ({}), { virtual: true });
  jest.mock('@aws-sdk/client-sfn', () => ({}), { virtual: true });
}

/** Loads a container: with jest's module registry under jest, else with Node's. */
export function loadContainer(): Container {
  return typeof jest !== 'undefined' ? loadWithJest() : loadWithNode();
}

/* eslint-disable @typescript-eslint/no-require-imports */
function loadWithJest(): Container {
  let container!: Container;
  jest.isolateModules(() => {
    container = {
      outbound: require(path.join(RUNTIME_DIR, 'outbound')),
      framework: require(path.join(RUNTIME_DIR, 'framework')),
      handler: require(HANDLER_ASSET).handler,
    };
  });
  return container;
}

function loadWithNode(): Container {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(RUNTIME_DIR + path.sep) || file === HANDLER_ASSET) {
      delete require.cache[file];
    }
  }
  const outboundFile = require.resolve(path.join(RUNTIME_DIR, 'outbound'));
  const outbound = new Module(outboundFile);
  outbound.filename = outboundFile;
  outbound.loaded = true;
  outbound.exports = {
    startExecution: () => {
      throw new Error(`The simulator has no Step Functions: the provider framework's outbound calls need ${UNUSED_CLIENTS.join(' and ')}`);
    },
  };
  require.cache[outboundFile] = outbound;
  return {
    outbound: outbound.exports,
    framework: require(path.join(RUNTIME_DIR, 'framework')),
    handler: require(HANDLER_ASSET).handler,
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */
