import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../propagation/support/processes.js';

/** Debian's `prometheus` (installed by `.ci/run`), on a free port of 127.0.0.1, scraping `targets` every second. */
export interface PrometheusProcess {
  url: string;
  /** An instant query's `data`, as Prometheus answers it. */
  query(
    promql: string,
  ): Promise<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[]): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // JSON is YAML.
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      scrape_configs: [{ job_name: 'app', static_configs: [{ targets }] }],
    }),
  );
  const output: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('error', (error) => reject(new Error(`prometheus did not start (is it installed?): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}:\n${output.join('')}`)));
  });
  exited.catch(() => {});
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/-/ready`).then(
        (response) => response.ok,
        () => false,
      ),
      exited,
    ]).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 20 s:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return ((await response.json()) as { data: Awaited<ReturnType<PrometheusProcess['query']>> }).data;
    },
    stop,
  };
}

/** Polls `condition` every 50 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
