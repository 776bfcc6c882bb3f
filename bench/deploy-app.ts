/**
 * The deploy benchmark's CDK app (bench/deploy.ts deploys it to the local
 * cloud): the benchmark catalog of bench/catalog.ts, with `SoftwarePackage`s
 * for its packages (the local cloud has no `AWS::IoT::SoftwarePackage`), as
 * one stack.
 *
 *   --context versions=450 --context packages=5
 */
import { App, Stack } from 'aws-cdk-lib';
import { BENCH_STACK, versionProps } from './catalog';
import { PackageVersion, SoftwarePackage } from '../src';

const app = new App();
const count = (key: string): number => {
  const value = Number(app.node.tryGetContext(key));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`bench/deploy-app.ts needs --context ${key}=N, a positive integer (got ${JSON.stringify(app.node.tryGetContext(key))})`);
  }
  return value;
};
const versions = count('versions');
const stack = new Stack(app, BENCH_STACK);
const packages = [...Array(count('packages')).keys()].map((i) => new SoftwarePackage(stack, `Package${i}`, { packageName: `package-${i}` }));
for (let i = 0; i < versions; i++) {
  new PackageVersion(stack, `V${i}`, { package: packages[i % packages.length], ...versionProps(i) });
}
app.synth();
