/**
 * Example app: synthesizes FirmwareCatalogStack.
 *
 *   npx projen example
 *
 * writes the cloud assembly to examples/cdk.out and prints its
 * package-version custom resources.
 */
import { App, Tags } from 'aws-cdk-lib';
import { FirmwareCatalogStack } from './firmware-catalog-stack';

const app = new App();
const stack = new FirmwareCatalogStack(app, 'FirmwareCatalog');
Tags.of(stack).add('project', 'cdk-iot-package-catalog-example');
app.synth();
