import { IConstruct, IDependable } from 'constructs';

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
 * `setDefaultVersion()` live inside it (a dependency on the subtree would be
 * a cycle). An import has nothing to wait for. Any other implementation of
 * `ISoftwarePackage` is depended on as a whole, or through its default child.
 */
export function packageDependency(pkg: IConstruct): IDependable | undefined {
  if (imported.has(pkg)) {
    return undefined;
  }
  return pkg.node.defaultChild ?? pkg;
}
