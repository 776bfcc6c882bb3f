/**
 * The example stack's template, checked by cfn-lint (installed into .venv by
 * `npx projen setup:python`): the CloudFormation specification, IAM policy
 * syntax, references and dependencies.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { FirmwareCatalogStack } from '../../examples/firmware-catalog-stack';

const CFN_LINT = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
}

function lint(template: unknown): Finding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  try {
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    const result = spawnSync(CFN_LINT, ['--format', 'json', '--regions', 'us-east-1', 'eu-west-1', '--', file], { encoding: 'utf8' });
    if (result.error) {
      throw new Error(`cannot run ${CFN_LINT} (run 'npx projen setup:python'): ${result.error.message}`);
    }
    return JSON.parse(result.stdout || '[]') as Finding[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function synthesize(): unknown {
  const app = new App();
  const stack = new FirmwareCatalogStack(app, 'FirmwareCatalog');
  return app.synth().getStackByName(stack.stackName).template;
}

test('the example stack passes cfn-lint', () => {
  const findings = lint(synthesize())
    // W3005 (DependsOn already implied by GetAtt) comes from aws-cdk-lib's own
    // Lambda Function, which adds both for its role.
    .filter((f) => f.Rule.Id !== 'W3005');

  expect(findings.map((f) => `${f.Rule.Id} ${f.Level}: ${f.Message}`)).toEqual([]);
});

test('cfn-lint does report a broken template', () => {
  // Proves the check above can fail: a dangling reference is an error.
  const template = synthesize() as { Resources: Record<string, { Properties: Record<string, unknown> }> };
  const [id] = Object.entries(template.Resources).find(([, r]) => (r as { Type?: string }).Type === 'Custom::IotPackageVersion')!;
  template.Resources[id].Properties.PackageName = { Ref: 'NoSuchResource' };

  expect(lint(template).map((f) => f.Rule.Id)).toContain('E1020');
});
