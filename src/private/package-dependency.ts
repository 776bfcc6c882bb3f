import { Aspects, Stack } from 'aws-cdk-lib';
import { IConstruct, IDependable } from 'constructs';
import { FleetIndexing } from '../fleet-indexing';
import { PackageConfiguration } from '../package-configuration';

/** The default version designated for each package construct in this app: its `defaultVersionName` attribute. */
const designated = new WeakMap<IConstruct, { readonly scope: IConstruct; readonly defaultVersionName: string }>();

/** Records the designation of a package's default version (a `PackageDefaultVersion`). */
export function recordDesignation(pkg: IConstruct, designation: IConstruct, defaultVersionName: string): void {
  designated.set(pkg, { scope: designation, defaultVersionName });
}

/**
 * The `defaultVersionName` attribute of the designation of `pkg`'s default
 * version, if one is declared in the stack of `scope`; undefined otherwise.
 * Referencing it makes a resource depend on the designation, and change
 * when the default moves.
 */
export function designatedDefault(pkg: IConstruct, scope: IConstruct): string | undefined {
  const found = designated.get(pkg);
  return found && Stack.of(found.scope) === Stack.of(scope) ? found.defaultVersionName : undefined;
}

/** Packages imported by name or ARN: nothing of theirs is deployed by the stack. */
const imported = new WeakSet<IConstruct>();

/** Records that a package construct is an import. */
export function markImported(pkg: IConstruct): void {
  imported.add(pkg);
}

/**
 * What a resource that needs a package (a version, the default designation)
 * depends on: the package's own resource, never the whole construct, because
 * versions added with `addVersion()` and the designation made by
 * `addDefaultVersion()` live inside it (a dependency on the subtree would be
 * a cycle). An import has nothing to wait for. Any other implementation of
 * `ISoftwarePackage` is depended on as a whole, or through its default child.
 */
export function packageDependency(pkg: IConstruct): IDependable | undefined {
  if (imported.has(pkg)) {
    return undefined;
  }
  return pkg.node.defaultChild ?? pkg;
}

/**
 * Makes a resource that creates packages or versions depend on the stack's
 * `FleetIndexing`, if the stack has one: IoT refuses `CreatePackage` while
 * fleet indexing is off (whether `CreatePackageVersion` does too is not
 * documented, so versions wait as well).
 */
export function dependOnFleetIndexing(resource: IConstruct): void {
  dependOnOnePerStack(resource, FleetIndexing.of);
}

/**
 * Makes a deployment (an IoT job) depend on the stack's
 * `PackageConfiguration`, if the stack has one, so that the job's successful
 * executions are recorded in the things' `$package` shadow from the start.
 */
export function dependOnPackageConfiguration(resource: IConstruct): void {
  dependOnOnePerStack(resource, PackageConfiguration.of);
}

/**
 * Makes `resource` depend on what `find` returns for its stack, if anything.
 * Looked up once the app is prepared (an aspect), so the order in which the
 * constructs are declared does not matter.
 */
function dependOnOnePerStack(resource: IConstruct, find: (scope: IConstruct) => IConstruct | undefined): void {
  Aspects.of(resource).add({
    visit(node: IConstruct) {
      const target = node === resource ? find(resource) : undefined;
      if (target) {
        resource.node.addDependency(target);
      }
    },
  });
}
