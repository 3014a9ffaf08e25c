/**
 * sdk-node's cost of applying a one-flag patch: the SDK's stream handler parses the event's JSON
 * and hands it to core's incremental SnapshotStore (`createIncrementalSnapshotStore()`, as
 * sdk-node/src/client.ts builds it), which applies the patch, recompiles what it touched, and
 * lists the changed flags (`store.changedFlagKeys()`, for the client's `change` event). The inputs are real: a snapshot and the patches that followed it, as a replica sent them
 * (each names the toggled flag; a replica that catches up on several revisions at once sends each
 * of them with the latest state, so a patch may leave the flag as it was: the same work for the SDK).
 *
 * It runs in a fresh child process (`sdk-apply-worker.mjs`), not in the bench process, whose heap
 * is full of stream and autocannon garbage that a collection during a patch would be charged for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIncrementalSnapshotStore } from '@switchyard/core/sync/incremental';
import { percentile } from '../server/stats.mjs';

const workerPath = fileURLToPath(new URL('./sdk-apply-worker.mjs', import.meta.url));

/**
 * `snapshotJson` is a snapshot at revision R, `patches` the `data` of the patch events for
 * R+1, R+2, … in order. Applies the whole run `passes` times on a fresh store (the first pass
 * warms the JIT up and is not counted). Per patch: wall time and this thread's CPU time
 * (`process.cpuUsage`, which also counts GC helper threads), which a loaded machine inflates less.
 */
export function measurePatchApply(snapshotJson, patches, { passes = 3 } = {}) {
  const wall = [];
  const cpu = [];
  for (let pass = 0; pass < passes; pass++) {
    const store = createIncrementalSnapshotStore();
    if (store.applyPut(JSON.parse(snapshotJson), { allowOlder: true }) !== 'applied') {
      throw new Error('sdk apply: the snapshot was not applied');
    }
    for (const data of patches) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const patch = JSON.parse(data);
      const status = store.applyPatch(patch);
      const changed = store.changedFlagKeys();
      const elapsed = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpuBefore);
      if (status !== 'applied') throw new Error(`sdk apply: patch ${status}`);
      if (patch.flags.length !== 1) throw new Error(`sdk apply: a patch of ${patch.flags.length} flags`);
      if (changed.length > 1) throw new Error(`sdk apply: ${changed.length} flags changed`);
      if (pass === 0) continue;
      wall.push(elapsed);
      cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    }
  }
  return {
    patches: wall.length,
    p50Ms: percentile(wall, 50),
    p99Ms: percentile(wall, 99),
    cpuP50Ms: percentile(cpu, 50),
    cpuP99Ms: percentile(cpu, 99),
  };
}

/** {@link measurePatchApply} in a fresh `node` process; resolves to its result. */
export async function measurePatchApplyInChild(snapshotJson, patches) {
  const dir = mkdtempSync(join(os.tmpdir(), 'switchyard-sdk-apply-'));
  try {
    const input = join(dir, 'input.json');
    writeFileSync(input, JSON.stringify({ snapshotJson, patches }));
    const child = spawn(process.execPath, [workerPath, input], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`sdk apply worker exited with ${code}`);
    return JSON.parse(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
