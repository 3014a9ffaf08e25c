/**
 * Renders results/latest.json into README.md's "Latest numbers" section (everything after the
 * marker), so the README shows what the last full run on this machine measured.
 *
 *   node src/update-readme.mjs [results/latest.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport } from './table.mjs';

const MARKER = '<!-- latest-numbers -->';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportPath = resolve(process.argv[2] ?? resolve(root, 'results', 'latest.json'));
const readmePath = resolve(root, 'README.md');

const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const readme = readFileSync(readmePath, 'utf8');
const at = readme.indexOf(MARKER);
if (at < 0) throw new Error(`${readmePath} has no ${MARKER} marker`);

const { machine, config } = report;
const load = [machine.loadAverageAtStart[0], machine.loadAverageAtEnd[0]];
const busy = Math.max(...load) > machine.cores;
const section = [
  MARKER,
  '',
  `Measured ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpu} (${machine.cores} cores), ` +
    `Node ${machine.node}, ${config.runs} processes per measurement${config.quick ? ' (quick mode)' : ''}, ` +
    `${report.durationSeconds} s in all.`,
  ...(busy
    ? [
        '',
        `The machine was busy during this run (load average ${Math.max(...load)} on ${machine.cores} cores, ` +
          'from other work): wall times are inflated and noisy; CPU times and the ratios are the steadier numbers.',
      ]
    : []),
  '',
  '```',
  renderReport(report),
  '```',
  '',
].join('\n');
writeFileSync(readmePath, readme.slice(0, at) + section);
console.log(`updated ${readmePath} from ${reportPath}`);
