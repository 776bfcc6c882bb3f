/**
 * Lambda entry point of the PackageVersion custom-resource handler.
 * Bundled by `npx projen bundle:handler` into assets/package-version-handler.
 */
export { handler } from './handler';
