#!/usr/bin/env node
// Prints the package-version custom resources of every template in a cloud
// assembly directory (default: examples/cdk.out), as the README shows them.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || path.join(__dirname, 'cdk.out');
const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'));
if (templates.length === 0) {
  console.error(`No templates in ${dir}: did cdk synth run?`);
  process.exit(1);
}

let found = 0;
for (const file of templates) {
  const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const [logicalId, resource] of Object.entries(template.Resources || {})) {
    if (resource.Type !== 'Custom::IotPackageVersion') {
      continue;
    }
    found++;
    const { ServiceToken, ...properties } = resource.Properties;
    console.log(`${file} ${logicalId} (${resource.Type}, DeletionPolicy ${resource.DeletionPolicy}):`);
    console.log(JSON.stringify(properties, null, 2).replace(/^/gm, '  '));
  }
}
if (found === 0) {
  console.error(`No Custom::IotPackageVersion resources in ${dir}`);
  process.exit(1);
}
console.log(`${found} package version(s) synthesized in ${dir}`);
