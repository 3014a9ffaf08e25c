/**
 * Re-renders a bench:scale results file without measuring: `node render.mjs [file.json]` prints
 * the markdown table and writes the plot beside the file (`curves.svg` for `results.json`, else
 * `<file>.svg`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownTable, svgPlot } from './report.mjs';

const path = process.argv[2] ?? fileURLToPath(new URL('./results.json', import.meta.url));
const results = JSON.parse(readFileSync(path, 'utf8'));
const svgPath = path.endsWith('results.json')
  ? path.replace(/results\.json$/, 'curves.svg')
  : path.replace(/(\.json)?$/, '.svg');
writeFileSync(svgPath, svgPlot(results));
process.stdout.write(`${markdownTable(results)}\n`);
