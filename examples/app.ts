/**
 * Example app: FirmwareCatalogStack.
 *
 *   npx projen demo      deploys it to a local cloud, updates and destroys it
 *   npx projen example   synthesizes it to examples/cdk.out
 *
 * `--context releaseBeta=true` publishes the beta (the demo's update).
 */
import { App, Tags } from 'aws-cdk-lib';
import { FirmwareCatalogStack } from './firmware-catalog-stack';

const app = new App();
const stack = new FirmwareCatalogStack(app, 'FirmwareCatalog', {
  releaseBeta: app.node.tryGetContext('releaseBeta') === 'true',
});
Tags.of(stack).add('project', 'cdk-iot-package-catalog-example');
app.synth();
