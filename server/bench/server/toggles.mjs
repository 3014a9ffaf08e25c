/**
 * Sequential toggles of one flag (POST …/off and …/on, alternately) over the keep-alive client:
 * per-request times and the CPU time the server processes used for them.
 */
import { request } from './http-client.mjs';
import { cpuMsOf } from './server-process.mjs';

/**
 * `warmup` unmeasured toggles, then `count` measured ones on `flagPath`
 * (`/api/v1/projects/<p>/flags/<f>/environments/<e>`). CPU time is read from every pid in `pids`
 * before the measured toggles and after `settle()` resolves (pass one that waits for work the
 * server does after its response, e.g. until another replica has the last revision).
 * Returns the times in ms and CPU ms per toggle, summed over `pids` and per pid.
 */
export async function measureToggles({ baseUrl, adminToken, flagPath, count, warmup = 0, pids, settle }) {
  const times = [];
  let cpuBefore = [];
  for (let i = 0; i < warmup + count; i++) {
    if (i === warmup) cpuBefore = pids.map(cpuMsOf);
    const started = performance.now();
    const response = await request(baseUrl, 'POST', `${flagPath}/${i % 2 === 0 ? 'off' : 'on'}`, { token: adminToken });
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`toggle ${i}: ${response.status} ${JSON.stringify(response.body)}`);
    if (i >= warmup) times.push(elapsed);
  }
  if (settle) await settle();
  const cpuMsPerToggleByPid = pids.map((pid, index) => (cpuMsOf(pid) - cpuBefore[index]) / count);
  return {
    times,
    cpuMsPerToggle: cpuMsPerToggleByPid.reduce((sum, value) => sum + value, 0),
    cpuMsPerToggleByPid,
  };
}
