/**
 * The README's complete app, in TypeScript (its first example), Python and
 * Java, is exactly what the README apps run (between README:start and
 * README:end; test/consumers/consumers.consumer.ts runs them against the
 * built packages), so the README cannot drift from the API. Every TypeScript
 * example, this one included, is compiled by jsii-rosetta --strict.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readmeRegion, REPO_ROOT } from './sources';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The code blocks of a language, with their info string (e.g. ```ts nofixture). */
function codeBlocks(info: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('```' + info + '\\n([\\s\\S]*?)\\n```', 'g');
  for (let m = fence.exec(readme); m; m = fence.exec(readme)) {
    blocks.push(m[1]);
  }
  return blocks;
}

test('the README opens with the complete TypeScript app, compiled by rosetta without a fixture', () => {
  // nofixture: the app has its own imports, App and Stack.
  const first = /```(ts[^\n]*)\n([\s\S]*?)\n```/.exec(readme)!;
  expect(first[1]).toBe('ts nofixture');
  expect(first[2]).toBe(readmeRegion('typescript'));
});

test.each(['python', 'java'] as const)('the README\'s complete %s app is the one the consumer test runs', (language) => {
  expect(codeBlocks(language)).toContainEqual(readmeRegion(language));
});
