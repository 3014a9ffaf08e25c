#!/usr/bin/env node
/**
 * Regenerates spec/hash.json and spec/evaluation/*.json from the sources in spec/tools/vectors/
 * (one module per evaluation file, default-exporting `{ description, schemaInvalid?, snapshot, cases }`).
 *
 *   node spec/tools/generate.mjs           # write the files
 *   node spec/tools/generate.mjs --check   # exit 1 if any file is out of date
 *
 * The JSON files are the contract and are committed; these sources only make them easier to write
 * and review. Rollout and split expectations are computed with the independent hash in murmur3.mjs.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { hashFile } from './hash-vectors.mjs';

const specDir = dirname(dirname(fileURLToPath(import.meta.url)));
const sourcesDir = join(specDir, 'tools', 'vectors');
const check = process.argv.includes('--check');

async function emit(path, data) {
  const options = (await prettier.resolveConfig(path)) ?? {};
  const text = await prettier.format(JSON.stringify(data), { ...options, filepath: path });
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === text) return true;
  if (!check) await writeFile(path, text);
  console.log(`${check ? 'out of date' : 'wrote'} ${path.slice(specDir.length + 1)}`);
  return false;
}

/** Keeps the counts quoted in spec/README.md (file table, totals) equal to the generated files. */
async function syncReadmeCounts(counts, total) {
  const path = join(specDir, 'README.md');
  const hash = hashFile();
  const current = await readFile(path, 'utf8');
  const next = current
    .replace(/^\| `([\w-]+\.json)`( *)\| (\d+)( *)\|/gm, (line, name, pad1, n, pad2) => {
      if (!counts.has(name)) return line;
      const cell = String(counts.get(name)).padEnd(n.length + pad2.length);
      return `| \`${name}\`${pad1}| ${cell}|`;
    })
    .replace(/\(\d+ cases in \d+ files/, `(${total} cases in ${counts.size} files`)
    .replace(
      /\(\d+ hashes, \d+ bucket pairs\)/,
      `(${hash.murmur3.length} hashes, ${hash.buckets.length} bucket pairs)`,
    );
  if (next === current) return true;
  if (!check) await writeFile(path, next);
  console.log(`${check ? 'out of date' : 'wrote'} README.md counts`);
  return false;
}

let upToDate = await emit(join(specDir, 'hash.json'), hashFile());
let total = 0;
const counts = new Map();
for (const name of (await readdir(sourcesDir)).filter((n) => n.endsWith('.mjs') && n !== 'helpers.mjs').sort()) {
  const { default: file } = await import(join(sourcesDir, name));
  const keys = new Set(file.snapshot.flags.map((f) => f.key));
  for (const c of file.cases) {
    if (!c.description || !c.expected) throw new Error(`${name}: case without description/expected`);
    if (!keys.has(c.flag) && c.expected.errorCode !== 'FLAG_NOT_FOUND')
      throw new Error(`${name}: ${c.description}: no flag ${c.flag}`);
  }
  total += file.cases.length;
  counts.set(`${basename(name, '.mjs')}.json`, file.cases.length);
  upToDate = (await emit(join(specDir, 'evaluation', `${basename(name, '.mjs')}.json`), file)) && upToDate;
}
upToDate = (await syncReadmeCounts(counts, total)) && upToDate;
console.log(`${total} evaluation cases`);
if (check && !upToDate) process.exit(1);
