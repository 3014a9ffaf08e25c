/**
 * The figures bench:scale reports, each with how to read it from one size's results and the
 * issue 12 target that applies to it (at which size). One list feeds the table and the plot.
 */
import { UNLEASH } from '../server/report.mjs';

/** Toggle p50 target at 200 flags: half of Unleash's, measured on this machine (bench/server). */
const HALF_UNLEASH_TOGGLE_P50_MS = UNLEASH.toggleP50Ms / 2;

/**
 * `value(size)` reads a number (or a string for yes/no rows; undefined when not measured) from a
 * size's results. `targets`: `{ at, text, met(value) }`, `at` = the flag count the target names
 * (the largest size measured when `at` is 'largest'). `ratio`: print largest ÷ smallest. `plot`:
 * draw a curve. `perStreams`: the target is for 10,000 streams (footnote when fewer were run).
 */
export const FIGURES = [
  {
    label: 'snapshot JSON (server view)',
    unit: 'KB',
    value: (r) => r.snapshot.plainBytes / 1000,
    ratio: true,
    plot: true,
  },
  { label: 'snapshot gzip', unit: 'KB', value: (r) => r.snapshot.gzipBytes / 1000, ratio: true, plot: true },
  {
    label: 'toggle p50 (2 replicas + Redis)',
    unit: 'ms',
    value: (r) => r.toggle.p50Ms,
    ratio: true,
    plot: true,
    targets: [
      { at: 10000, text: '≤ 5', met: (v) => v <= 5 },
      {
        at: 200,
        text: `≤ ${HALF_UNLEASH_TOGGLE_P50_MS} (0.5× Unleash ${UNLEASH.toggleP50Ms})`,
        met: (v) => v <= HALF_UNLEASH_TOGGLE_P50_MS,
      },
    ],
  },
  { label: 'toggle p99', unit: 'ms', value: (r) => r.toggle.p99Ms, ratio: true, plot: false },
  {
    label: '… toggle p50 right after start (2 replicas + Redis)',
    unit: 'ms',
    value: (r) => r.toggle.afterStart.p50Ms,
    ratio: true,
    plot: false,
  },
  {
    label: 'server CPU per toggle (both replicas)',
    unit: 'ms',
    value: (r) => r.toggle.serverCpuMsPerToggle,
    ratio: true,
    ratioTarget: { text: '≤ 2', met: (ratio) => ratio <= 2 },
    plot: true,
    targets: [
      { at: 10000, text: '≤ 5', met: (v) => v <= 5 },
      { at: 200, text: '≤ 1.5', met: (v) => v <= 1.5 },
    ],
  },
  {
    label: '… server CPU per toggle right after start (both replicas)',
    unit: 'ms',
    value: (r) => r.toggle.afterStart.serverCpuMsPerToggle,
    ratio: true,
    plot: false,
  },
  {
    // Unleash's figure is one process on Postgres; this is ours in the same shape (single-server.mjs).
    label: 'toggle p50, one server + Postgres (as Unleash was measured)',
    unit: 'ms',
    value: (r) => r.singleServer.p50Ms,
    ratio: true,
    plot: false,
    targets: [
      {
        at: 200,
        text: `≤ ${HALF_UNLEASH_TOGGLE_P50_MS} (0.5× Unleash ${UNLEASH.toggleP50Ms})`,
        met: (v) => v <= HALF_UNLEASH_TOGGLE_P50_MS,
      },
    ],
  },
  {
    label: 'server CPU per toggle, one server + Postgres',
    unit: 'ms',
    value: (r) => r.singleServer.serverCpuMsPerToggle,
    ratio: true,
    plot: false,
    targets: [{ at: 200, text: '≤ 1.5', met: (v) => v <= 1.5 }],
  },
  {
    label: 'Redis bytes written per toggle',
    unit: 'KB',
    value: (r) => r.toggle.redisBytesInPerToggle / 1000,
    ratio: true,
    plot: true,
    targets: [{ at: 10000, text: '≤ 20', met: (v) => v <= 20 }],
  },
  {
    label: 'snapshot reads, plain',
    unit: 'req/s',
    value: (r) => r.snapshotReads.plain.requestsPerSecond,
    ratio: true,
    plot: true,
  },
  {
    label: 'snapshot reads, Accept-Encoding: gzip',
    unit: 'req/s',
    value: (r) => r.snapshotReads.gzip.requestsPerSecond,
    ratio: true,
    plot: true,
    targets: [{ at: 10000, text: '≥ 5,000', met: (v) => v >= 5000 }],
  },
  {
    label: 'raw SSE client gets the full state',
    unit: '',
    value: (r) => yesNo(r.fullState.server),
    targets: [{ at: 10000, text: 'yes', met: (v) => v.startsWith('yes') }],
  },
  {
    label: 'browser path (client token, ?key=) gets the full state',
    unit: '',
    value: (r) => yesNo(r.fullState.client),
    targets: [{ at: 10000, text: 'yes', met: (v) => v.startsWith('yes') }],
  },
  {
    label: 'sdk-node applies a 1-flag patch (p50, CPU time)',
    unit: 'ms',
    value: (r) => r.sdkPatchApply.cpuP50Ms,
    ratio: true,
    plot: true,
    targets: [{ at: 10000, text: '≤ 1', met: (v) => v <= 1 }],
  },
  {
    label: '… wall time (p50)',
    unit: 'ms',
    value: (r) => r.sdkPatchApply.p50Ms,
    ratio: true,
    plot: false,
  },
  {
    label: 'fan-out: toggle → last stream p99',
    unit: 'ms',
    value: (r) => r.fanout.lastStreamP99Ms,
    ratio: true,
    plot: true,
    perStreams: true,
    targets: [{ at: 'largest', text: '≤ 100', met: (v) => v <= 100 }],
  },
  {
    label: 'fan-out: stream replica CPU per toggle per stream',
    unit: 'µs',
    value: (r) => r.fanout.cpuUsPerTogglePerStream,
    ratio: true,
    plot: true,
    perStreams: true,
    targets: [{ at: 'largest', text: '≤ 2', met: (v) => v <= 2 }],
  },
  {
    label: '… what the streams add (minus the same run with one stream)',
    unit: 'µs',
    value: (r) => r.fanout.marginalCpuUsPerTogglePerStream,
    ratio: true,
    plot: false,
  },
  {
    label: '… GET /healthz on the stream replica during the fan-out, p99 (max)',
    unit: 'ms',
    value: (r) =>
      r.fanout.healthzDuringFanout && `${r.fanout.healthzDuringFanout.p99Ms} (${r.fanout.healthzDuringFanout.maxMs})`,
    plot: false,
  },
  {
    label: '… patches per socket write (> 1: fan-out behind, patches joined)',
    unit: '',
    value: (r) => r.fanout.patchesPerWrite,
    plot: false,
  },
  {
    label: '… stream replica CPU per socket write',
    unit: 'µs',
    value: (r) => r.fanout.cpuUsPerWrite,
    plot: false,
  },
  {
    label: '… of which user space / kernel (/proc)',
    unit: 'µs',
    value: (r) =>
      r.fanout.userCpuUsPerWrite !== undefined && `${r.fanout.userCpuUsPerWrite} / ${r.fanout.systemCpuUsPerWrite}`,
    plot: false,
  },
  {
    label: '… FLOOR: bare node:net server, same bytes, CPU per write per stream',
    unit: 'µs',
    value: (r) => r.fanout.floor?.cpuUsPerWritePerStream,
    plot: false,
  },
  {
    label: '… FLOOR: of which user space / kernel (/proc)',
    unit: 'µs',
    value: (r) => r.fanout.floor && `${r.fanout.floor.userCpuUsPerWrite} / ${r.fanout.floor.systemCpuUsPerWrite}`,
    plot: false,
  },
  {
    label: '… ours ÷ floor (CPU per socket write)',
    unit: '×',
    value: (r) => r.fanout.cpuRatioToFloor,
    plot: false,
  },
  {
    label: '… FLOOR: send → last socket p99',
    unit: 'ms',
    value: (r) => r.fanout.floor?.lastStreamP99Ms,
    plot: false,
  },
  {
    label: '… reader (pinned: server CPU 0, readers CPU 1)',
    unit: '',
    value: (r) => r.fanout.reader && `${r.fanout.reader}${r.fanout.pinned ? ', pinned' : ', not pinned'}`,
    plot: false,
  },
  {
    label: 'fan-out: missed patches (dropped streams)',
    unit: '',
    value: (r) => `${r.fanout.missedPatches} (${r.fanout.droppedStreams})`,
    perStreams: true,
    targets: [{ at: 'largest', text: '0', met: (v) => v.startsWith('0 ') }],
  },
];

/** "yes, 587 KB" / "no: 1.2 of 5.9 MB, closed by the server". */
function yesNo(check) {
  if (check.full) return `yes, ${formatBytes(check.putBytes)}`;
  return `no: ${formatBytes(check.bytesReceived)} received, ${check.outcome}`;
}

export function formatBytes(bytes) {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}
