/**
 * Reading the README and docs/ as GitHub renders them: headings and their
 * anchors, links, tables, outside fenced code blocks.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A Markdown file's lines outside fenced code blocks. */
export function proseLines(file: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
    } else if (!fenced) {
      lines.push(line);
    }
  }
  return lines;
}

/** The anchors GitHub gives a file's headings (lower case, punctuation dropped, spaces as '-', '-1' for a repeat). */
export function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(file)) {
    const m = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (!m) {
      continue;
    }
    const slug = m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** The targets of a file's Markdown links, e.g. '#usage', 'docs/how-it-works.md#ownership', 'https://...'. */
export function linkTargets(file: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(file)) {
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      targets.push(m[1]);
    }
  }
  return targets;
}

/**
 * The rows of the table that follows a heading, as cells (without the
 * header and separator rows).
 */
export function tableAfter(file: string, heading: string): string[][] {
  const lines = proseLines(file);
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) {
    throw new Error(`${file} has no heading '${heading}'`);
  }
  const rows: string[][] = [];
  let i = lines.findIndex((l, j) => j > start && l.startsWith('|'));
  for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}
