#!/usr/bin/env node
// Summarizes every stack template in a cloud assembly directory (default:
// examples/cdk.out), as `npx projen example` prints it: the resource count
// by type, the library's custom resources with their properties, and the
// stack outputs (unresolved until deploy, so shown as what they read).
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || path.join(__dirname, 'cdk.out');
const templates = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')) : [];
if (templates.length === 0) {
  console.error(`No templates in ${dir}: did cdk synth run?`);
  process.exit(1);
}

// The resource types this library's constructs create.
const LIBRARY_TYPE = /^Custom::Iot(SoftwarePackage|Package\w*|FleetIndexing)$/;
// Long or sensitive values are shortened: the template holds them in full.
const SHORTENED = new Set(['Recipe', 'JobDocument']);

/** A CloudFormation expression in one line: Ref, GetAtt, Join and Sub shortened. */
function expression(value) {
  if (typeof value !== 'object' || value === null) {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(expression).join(', ')}]`;
  }
  const [key, arg] = Object.entries(value)[0] ?? [];
  if (key === 'Ref') {
    return `Ref ${arg}`;
  }
  if (key === 'Fn::GetAtt') {
    return `GetAtt ${Array.isArray(arg) ? arg.join('.') : arg}`;
  }
  if (key === 'Fn::Join' && arg[0] === '') {
    return arg[1].map((part) => (typeof part === 'string' ? part : `\${${expression(part)}}`)).join('');
  }
  return JSON.stringify(value);
}

function property(name, value) {
  if (SHORTENED.has(name) && typeof value === 'string') {
    return `<${value.length} characters>`;
  }
  return expression(value);
}

let libraryResources = 0;
for (const file of templates) {
  const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const resources = Object.entries(template.Resources || {});
  const byType = new Map();
  for (const [, resource] of resources) {
    byType.set(resource.Type, (byType.get(resource.Type) || 0) + 1);
  }
  console.log(`${file}: ${resources.length} resources`);
  for (const [type, count] of [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    console.log(`  ${String(count).padStart(3)} ${type}`);
  }

  const library = resources.filter(([, r]) => LIBRARY_TYPE.test(r.Type));
  libraryResources += library.length;
  console.log(`\nThe library's custom resources (${library.length}):`);
  for (const [logicalId, resource] of library) {
    const policy = resource.DeletionPolicy ? `, DeletionPolicy ${resource.DeletionPolicy}` : '';
    console.log(`  ${logicalId} (${resource.Type}${policy})`);
    for (const [name, value] of Object.entries(resource.Properties || {})) {
      if (name !== 'ServiceToken' && name !== 'ServiceTimeout') {
        console.log(`    ${name}: ${property(name, value)}`);
      }
    }
  }

  const outputs = Object.entries(template.Outputs || {});
  console.log(`\nOutputs (${outputs.length}; values are known after deploy):`);
  for (const [name, output] of outputs) {
    console.log(`  ${name} = ${expression(output.Value)}`);
  }
  console.log('');
}
if (libraryResources === 0) {
  console.error(`No custom resources of cdk-iot-package-catalog in ${dir}`);
  process.exit(1);
}
