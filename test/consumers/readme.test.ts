/**
 * The README's Python and Java examples are exactly what the consumer apps
 * run (between README:start and README:end), so the README cannot drift from
 * the API. The TypeScript examples are compiled by jsii-rosetta --strict.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readmeRegion, REPO_ROOT } from './sources';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

function codeBlocks(language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g');
  for (let m = fence.exec(readme); m; m = fence.exec(readme)) {
    blocks.push(m[1]);
  }
  return blocks;
}

test.each(['python', 'java'] as const)('the README\'s %s usage example is the consumer app\'s', (language) => {
  expect(codeBlocks(language)).toContainEqual(readmeRegion(language));
});
