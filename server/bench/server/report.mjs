/** Unleash 8.2 as measured on this machine (the issue's numbers), our targets, and the printed table. */

export const UNLEASH = {
  version: '8.2',
  toggleP50Ms: 4.9,
  toggleP99Ms: 13.6,
  snapshotFullRps: 1182,
  snapshot304Rps: 3024,
  coldStartMs: 2400,
  rssMb: 162,
};

export const TARGETS = {
  toggleP50Ms: 3,
  snapshotFullRps: UNLEASH.snapshotFullRps * 5,
  snapshot304Rps: UNLEASH.snapshot304Rps * 5,
  coldStartMs: 1000,
  rssMb: 100,
};

/** Prints the comparison table of a results.json object to stdout. */
export function printTable(results) {
  const rows = [
    [
      'toggle p50',
      results.toggle.p50Ms,
      'ms',
      UNLEASH.toggleP50Ms,
      `≤ ${TARGETS.toggleP50Ms}`,
      results.toggle.p50Ms <= TARGETS.toggleP50Ms,
    ],
    ['toggle p99', results.toggle.p99Ms, 'ms', UNLEASH.toggleP99Ms, '-', undefined],
    [
      'snapshot, full body',
      results.snapshotFull.requestsPerSecond,
      'req/s',
      UNLEASH.snapshotFullRps,
      `≥ ${TARGETS.snapshotFullRps}`,
      results.snapshotFull.requestsPerSecond >= TARGETS.snapshotFullRps,
    ],
    [
      'snapshot, 304',
      results.snapshot304.requestsPerSecond,
      'req/s',
      UNLEASH.snapshot304Rps,
      `≥ ${TARGETS.snapshot304Rps}`,
      results.snapshot304.requestsPerSecond >= TARGETS.snapshot304Rps,
    ],
    [
      'cold start to /readyz (median)',
      results.coldStart.medianReadyMs,
      'ms',
      UNLEASH.coldStartMs,
      `≤ ${TARGETS.coldStartMs}`,
      results.coldStart.medianReadyMs <= TARGETS.coldStartMs,
    ],
    [
      'RSS after start (median)',
      results.coldStart.medianRssMb,
      'MB',
      UNLEASH.rssMb,
      `≤ ${TARGETS.rssMb}`,
      results.coldStart.medianRssMb <= TARGETS.rssMb,
    ],
  ];
  const header = ['metric', 'Switchyard', 'unit', 'Unleash 8.2', 'target', 'met'];
  const cells = rows.map(([metric, value, unit, unleash, target, met]) => [
    metric,
    String(value),
    unit,
    String(unleash),
    target,
    met === undefined ? '' : met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
  const { loadAverage } = results.machine;
  out.push('');
  out.push(
    `snapshot: ${results.settings.flags + 1} flags, ${results.snapshotBytes} bytes; ${results.settings.connections} connections, ${results.settings.durationS} s each`,
  );
  out.push(
    `snapshot latency p50/p99: full ${results.snapshotFull.latencyP50Ms}/${results.snapshotFull.latencyP99Ms} ms, 304 ${results.snapshot304.latencyP50Ms}/${results.snapshot304.latencyP99Ms} ms`,
  );
  out.push(
    `server CPU time (less load-dependent than wall time): ${results.toggle.serverCpuMsPerToggle} ms per toggle; snapshot ` +
      `${results.snapshotFull.requestsPerServerCpuSecond} full / ${results.snapshot304.requestsPerServerCpuSecond} 304 ` +
      `requests per CPU-second (the server got ${results.snapshotFull.serverCpuShare} / ${results.snapshot304.serverCpuShare} ` +
      `of a core); ${results.coldStart.medianReadyCpuMs} ms of CPU until ready (median)`,
  );
  out.push(
    `RSS after the load runs: ${results.rssAfterLoadMb} MB; cold starts: ${results.coldStart.runs.map((r) => `${r.readyMs} ms/${r.rssMb} MB`).join(', ')}`,
  );
  out.push(`machine: ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}`);
  out.push(
    `load average (1/5/15 min) at: ${Object.entries(loadAverage)
      .map(([phase, l]) => `${phase} ${l.join('/')}`)
      .join('; ')}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
