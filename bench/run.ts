/**
 * The benchmark: measures this library against CfnSoftwarePackageVersion
 * (the native L1) and AwsCustomResource on the same catalog, in one run, as
 * ratios, and writes bench/RESULTS.md.
 *
 *   npx projen bench              # full run, writes bench/RESULTS.md
 *   npx projen bench -- --quick   # one small run, prints only (CI)
 *
 * Timings are medians of several runs; they are printed, never asserted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CallMeasurement, measureCalls } from './calls';
import { CatalogShape, synthesize, Variant, VARIANTS } from './catalog';
import { HandlerMeasurement, measureHandler } from './handler';
import { packagesPerStack, ScaleMeasurement, versionsPerStack, versionsWith100Packages } from './scale';
import { measureSynth, SynthMeasurement } from './synth';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 7;
/** The issue's catalog: 450 versions in a few packages; AwsCustomResource synthesizes only up to about 245. */
const SHAPES: CatalogShape[] = quick ? [{ versions: 50, packages: 5 }] : [{ versions: 200, packages: 5 }, { versions: 450, packages: 5 }];
const RESULTS = path.join(__dirname, 'RESULTS.md');
const CDK_VERSION: string = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;

interface Row {
  readonly measure: string;
  readonly value: string;
  readonly goal: string;
  readonly met?: boolean;
}

function ratio(ours: number, theirs: number): number {
  return ours / theirs;
}

function x(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a';
}

function synthRows(shape: CatalogShape, results: Record<Variant, SynthMeasurement>): Row[] {
  const ours = results.PackageVersion;
  const rows: Row[] = [];
  const where = `${shape.versions} versions in ${shape.packages} packages`;
  for (const other of ['CfnSoftwarePackageVersion', 'AwsCustomResource'] as Variant[]) {
    const theirs = results[other];
    const isL1 = other === 'CfnSoftwarePackageVersion';
    if (ours.error || theirs.error) {
      rows.push({ measure: `Synthesis at ${where}, vs ${other}`, value: `fails: ${(ours.error ?? theirs.error)!.slice(0, 160)}`, goal: isL1 ? '≤ 1.5×' : '' });
      continue;
    }
    const bytes = ratio(ours.bytesPerVersion, theirs.bytesPerVersion);
    const time = ratio(ours.synthMs, theirs.synthMs);
    rows.push({
      measure: `Template bytes per version, vs ${other} (${where})`,
      value: `${x(bytes)} (${ours.bytesPerVersion.toFixed(0)} B vs ${theirs.bytesPerVersion.toFixed(0)} B)`,
      goal: isL1 ? '≤ 1.4×' : '',
      met: isL1 ? bytes <= 1.4 : undefined,
    });
    rows.push({
      measure: `Synth time, vs ${other} (${where})`,
      value: `${x(time)} (${ours.synthMs.toFixed(0)} ms vs ${theirs.synthMs.toFixed(0)} ms)`,
      goal: isL1 ? '≤ 1.5×' : '',
      met: isL1 ? time <= 1.5 : undefined,
    });
  }
  return rows;
}

function handlerRows(h: HandlerMeasurement): Row[] {
  const load = ratio(h.assetLoadMs, h.clientsLoadMs);
  return [
    { measure: 'Handler asset', value: `${(h.assetBytes / 1024).toFixed(0)} KB`, goal: '≤ 450 KB', met: h.assetBytes <= 450 * 1024 },
    {
      measure: 'Handler cold load, vs loading the same SDK clients from node_modules',
      value: `${x(load)} (${h.assetLoadMs.toFixed(0)} ms vs ${h.clientsLoadMs.toFixed(0)} ms)`,
      goal: '≤ 1.0×',
      met: load <= 1.0,
    },
  ];
}

function scaleRows(packages: Record<Variant, ScaleMeasurement>, versions: Record<Variant, ScaleMeasurement>, with100: ScaleMeasurement): Row[] {
  const cell = (m: ScaleMeasurement) => `${m.count} (then: ${m.limit.slice(0, 140)})`;
  return [
    { measure: 'Packages per stack (one version each)', value: cell(packages.PackageVersion), goal: '≥ 100, least privilege', met: packages.PackageVersion.count >= 100 },
    { measure: 'Versions per stack (5 packages)', value: cell(versions.PackageVersion), goal: '≥ 480', met: versions.PackageVersion.count >= 480 },
    { measure: 'Versions per stack with 100 packages', value: cell(with100), goal: 'report' },
    { measure: 'Versions per stack (5 packages), CfnSoftwarePackageVersion', value: cell(versions.CfnSoftwarePackageVersion), goal: '' },
    { measure: 'Versions per stack (5 packages), AwsCustomResource', value: cell(versions.AwsCustomResource), goal: '' },
  ];
}

function callRows(calls: readonly CallMeasurement[]): Row[] {
  return calls.map((c) => ({
    measure: `Successful IoT calls: ${c.operation}`,
    value: `${c.total} (${Object.entries(c.calls).map(([op, n]) => `${op} × ${n}`).join(', ') || 'none'})`,
    goal: '',
  }));
}

function table(rows: Row[]): string {
  const met = (r: Row) => r.met === undefined ? '' : r.met ? 'met' : '**missed**';
  return ['| Measure | Measured | Goal | |', '|---|---|---|---|', ...rows.map((r) => `| ${r.measure} | ${r.value.replace(/\|/g, '\\|')} | ${r.goal} | ${met(r)} |`)].join('\n');
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const shape of SHAPES) {
    console.log(`synthesizing ${shape.versions} versions in ${shape.packages} packages, ${RUNS} run(s) each ...`);
    const results = Object.fromEntries(VARIANTS.map((v) => [v, measureSynth(v, shape, RUNS)])) as Record<Variant, SynthMeasurement>;
    rows.push(...synthRows(shape, results));
  }
  console.log('loading the handler asset and the SDK clients ...');
  rows.push(...handlerRows(measureHandler(quick ? 3 : 15)));
  if (!quick) {
    console.log('finding how many packages and versions fit in a stack ...');
    const each = (f: (v: Variant) => ScaleMeasurement) => Object.fromEntries(VARIANTS.map((v) => [v, f(v)])) as Record<Variant, ScaleMeasurement>;
    rows.push(...scaleRows(each(packagesPerStack), each(versionsPerStack), versionsWith100Packages('PackageVersion')));
  }
  console.log('counting the handler\'s IoT calls per operation against moto ...');
  rows.push(...callRows(await measureCalls()));
  const output = table(rows);
  console.log(`\n${output}`);
  if (!quick) {
    fs.writeFileSync(RESULTS, resultsFile(output));
    console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS)}`);
  }
}

/**
 * Where one version's bytes go beyond the native resource's: the parts of
 * our version that CfnSoftwarePackageVersion does not have, measured in
 * this run's template.
 */
function overheadLines(): string[] {
  const version = (variant: Variant) => {
    const template = synthesize(variant, { versions: 2, packages: 1 }).template;
    return Object.entries<any>(template.Resources).find(([id]) => id.startsWith('V1'))![1];
  };
  const ours = version('PackageVersion');
  const l1 = version('CfnSoftwarePackageVersion');
  const part = (key: string, value: unknown) => JSON.stringify({ [key]: value }).length - 1;
  return [
    `- \`ServiceToken\` (the provider's function): ${part('ServiceToken', ours.Properties.ServiceToken)} B`,
    `- \`ServiceTimeout\` (CloudFormation stops waiting after the handler's timeout plus 2 minutes, not an hour): ${part('ServiceTimeout', ours.Properties.ServiceTimeout)} B`,
    `- \`DependsOn\` its package group's policy (the delete keeps its permission in the clean-up phase): ${part('DependsOn', ours.DependsOn)} B`,
    `- the type name: ${JSON.stringify(ours.Type).length - JSON.stringify(l1.Type).length} B`,
  ];
}

function resultsFile(output: string): string {
  const cpus = os.cpus();
  return [
    '# Benchmark results',
    '',
    'Written by `npx projen bench` (bench/run.ts); run it again to reproduce. Ratios are this library',
    '(`PackageVersion`) to the other way of declaring the same catalog, measured in the same run: each version has a',
    'description, attributes and a tag. Times are medians of ' + RUNS + ' synthesis runs, and of 15 fresh-process loads for',
    'the handler. Template bytes per version are what one more version adds to the compact template.',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
    `- Node.js ${process.version}; aws-cdk-lib ${CDK_VERSION}`,
    '- Command: `npx projen bench`',
    '',
    output,
    '',
    'Template bytes: what a version carries that the native resource does not, each needed (the custom resource',
    'cannot work without its service token; the dependency and the timeout are what the issue\'s clean-up and',
    'time-limit rules require). This is the floor for a custom resource with these guarantees:',
    '',
    ...overheadLines(),
    '',
    'Synthesis time: both declare one CloudFormation resource per version; ours also creates the provider once per',
    'app (two functions, their asset, roles and log groups), validates each version\'s properties and registers it',
    'for the duplicate and policy checks. On this shared 2-core machine the ratio moves by a few tenths from run to',
    'run (between 1.3× and 1.8× in the runs so far), so the 1.5× goal is not reliably met yet.',
    '',
    'IoT calls are counted from the request log of moto\'s server with our extension, for the real bundled handler',
    'run through the provider framework (bench/calls.ts); only successful calls count.',
    '',
    'Not measured here yet: the real deploy and destroy of 450 versions on the local cloud with IoT throttled at',
    '10 TPS, as ratios to the lower bound.',
    '',
  ].join('\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
