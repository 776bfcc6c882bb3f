/**
 * The release pipeline, as projen generates it from .projenrc.ts: started by
 * hand only, publishing with the standard secrets from the workflow and never
 * from `npx projen release`. (The release itself, bump to packages, runs in
 * a fresh clone in .ci/run.)
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks as Record<string, {
  steps?: Array<{ spawn?: string; exec?: string; execArgs?: string[] }>;
}>;
const workflow = fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');

/** Every task `name` spawns, transitively, itself included. */
function spawned(name: string, seen = new Set<string>()): Set<string> {
  if (!seen.has(name)) {
    seen.add(name);
    for (const step of tasks[name]?.steps ?? []) {
      if (step.spawn) {
        spawned(step.spawn, seen);
      }
    }
  }
  return seen;
}

test('npx projen release bumps, builds, packages and unbumps, and publishes nothing', () => {
  expect(tasks.release.steps!.map((s) => s.spawn ?? s.exec ?? s.execArgs!.join(' '))).toEqual([
    'rm -fr dist', 'bump', 'build', 'unbump', 'git diff --ignore-space-at-eol --exit-code',
  ]);
  const reached = [...spawned('release')];
  expect(reached).toEqual(expect.arrayContaining(['bump', 'build', 'test', 'package', 'unbump']));
  expect(reached.filter((t) => t.startsWith('publish'))).toEqual([]);
  const commands = reached.flatMap((t) => (tasks[t].steps ?? []).map((s) => s.exec ?? s.execArgs?.join(' ') ?? ''));
  // (Listing tags is reading: the first release's version depends on whether there are any.)
  expect(commands.filter((c) => /\b(publib|npm publish|twine|git push|git commit)\b|\bgit tag\b(?! --list)/.test(c))).toEqual([]);
});

test('the release workflow only starts by hand', () => {
  const on = workflow.match(/^on:\n((?: {2}.*\n)+)/m)![1];
  expect(on.split('\n').filter((l) => /^ {2}\S/.test(l))).toEqual(['  workflow_dispatch:']);
});

test.each([
  ['release_npm', ['NPM_TOKEN']],
  ['release_pypi', ['TWINE_USERNAME', 'TWINE_PASSWORD']],
  ['release_maven', ['MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE']],
  ['release_golang', ['GO_GITHUB_TOKEN']],
])('%s publishes with the standard secrets', (job, secrets) => {
  const start = workflow.indexOf(`\n  ${job}:\n`);
  expect(start).toBeGreaterThan(0);
  const next = workflow.slice(start + 1).search(/\n {2}\w[\w-]*:\n/);
  const body = workflow.slice(start, next < 0 ? undefined : start + 1 + next);
  for (const secret of secrets) {
    expect(body).toContain(`\${{ secrets.${secret} }}`);
  }
  // Every publish honours the workflow's dry-run input.
  expect(body).toContain('PUBLIB_DRYRUN: ${{ inputs.dry_run }}');
});
