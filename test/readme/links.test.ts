/**
 * Every link of the README and of docs/ to a heading or a file of this
 * repository resolves: moving or renaming a section cannot break one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { anchors, linkTargets, REPO_ROOT } from './markdown';

const DOCS = path.join(REPO_ROOT, 'docs');
const FILES = [path.join(REPO_ROOT, 'README.md'), ...fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => path.join(DOCS, f))];

test.each(FILES.map((f) => [path.relative(REPO_ROOT, f), f]))('the links of %s resolve', (_, file) => {
  const broken: string[] = [];
  for (const target of linkTargets(file)) {
    if (/^[a-z]+:/.test(target)) {
      continue; // https:, mailto:
    }
    const [filePart, anchor] = target.split('#');
    const linked = filePart ? path.resolve(path.dirname(file), filePart) : file;
    if (!fs.existsSync(linked)) {
      broken.push(`${target}: no such file`);
    } else if (anchor !== undefined && !anchors(linked).has(anchor)) {
      broken.push(`${target}: no such heading`);
    }
  }
  expect(broken).toEqual([]);
});

test('the anchors are read as GitHub makes them', () => {
  const readme = anchors(path.join(REPO_ROOT, 'README.md'));
  expect(readme).toContain('why-not-cfnsoftwarepackageversion');
  expect(readme).toContain('prerequisites-fleet-indexing-and-the-package-configuration');
  expect(readme).toContain('migrating-from-the-native-resources');
  // A heading inside a code block (a Python comment) is no heading.
  expect([...readme].filter((a) => a.startsWith('iot-refuses'))).toEqual([]);
});
