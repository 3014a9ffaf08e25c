/** Plain-text rendering of the results for the terminal and the README. */

const pct = (share) => `${(share * 100).toFixed(2)}%`;
const ns = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const ratio = (value) => `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;

/**
 * @param {string[]} headers
 * @param {string[][]} rows
 * @param {('l'|'r')[]} align
 */
function renderColumns(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * @param {object} report  the object written to results/latest.json
 * @returns {string}
 */
export function renderReport(report) {
  const out = [];
  for (const scenario of report.scenarios) {
    const rows = report.results.filter((r) => r.scenario === scenario.id);
    out.push(
      `${scenario.id.toUpperCase()}  ${scenario.title}   expected on: ${pct(scenario.expectedOnShare)} of this sample` +
        ` (analytic ${pct(scenario.analyticOnShare)}); libraries within ` +
        `${(scenario.onShareSpread * 100).toFixed(2)} points of each other`,
    );
    out.push(
      renderColumns(
        ['library', 'ns/call', 'min–max over runs', 'cpu ns/call', 'on', 'sane', 'Switchyard ÷ it', '(cpu)'],
        rows.map((r) => [
          r.label,
          ns(r.nsPerCall),
          `${ns(Math.min(...r.runsNsPerCall))}–${ns(Math.max(...r.runsNsPerCall))}`,
          ns(r.cpuNsPerCall),
          pct(r.onShare),
          r.sane ? 'ok' : 'FAIL',
          r.switchyardRatio === undefined ? '' : ratio(r.switchyardRatio),
          r.switchyardCpuRatio === undefined ? '' : `(${ratio(r.switchyardCpuRatio)})`,
        ]),
        ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
      ),
    );
    const target = report.targets.find((t) => t.scenario === scenario.id);
    if (target) {
      out.push(
        `target: Switchyard ≤ ${target.limit}× the floor → ${ratio(target.ratioToFloor)} ` +
          `${target.met ? 'MET' : 'NOT MET'} (by CPU time: ${ratio(target.cpuRatioToFloor)})`,
      );
    }
    out.push('');
  }
  for (const a of report.agreement) {
    out.push(
      `agreement ${a.libs.join(' vs ')} on ${a.scenario.toUpperCase()}: ${a.agreeing}/${a.contexts} users = ` +
        `${pct(a.share)}${a.gating ? ' (must be 100%)' : ''}`,
    );
    if (a.firstDisagreement) out.push(`  first disagreement: ${JSON.stringify(a.firstDisagreement)}`);
  }
  out.push(
    '',
    `ns/call: wall time, median over ${report.config.runs} process(es) of each process's median pass ` +
      `(${report.config.contexts.toLocaleString('en-US')} distinct contexts per pass); cpu ns/call: the same ` +
      'with process CPU time.',
    'Switchyard ÷ it: median over runs of the per-run ratio (wall; (cpu): CPU time); < 1 means Switchyard is faster.',
    `load average ${report.machine.loadAverageAtStart.join(' ')} at start, ` +
      `${report.machine.loadAverageAtEnd.join(' ')} at end, on ${report.machine.cores} cores.`,
  );
  return out.join('\n');
}
