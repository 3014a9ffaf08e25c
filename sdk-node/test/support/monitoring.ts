import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../server/test/propagation/support/processes.js';

/**
 * Debian's Prometheus and Alertmanager (packages `prometheus`, `prometheus-alertmanager`; `.ci/run`
 * installs them), each on a free port of 127.0.0.1 with its own temporary folder, tuned to react
 * within seconds: scrape and rule evaluation every second, Alertmanager grouping for one second.
 */
export const PROMETHEUS_BIN = 'prometheus';
export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

class Daemon {
  readonly output: string[] = [];
  #child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(bin: string, args: string[]): Promise<void> {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const failed = new Promise<never>((_resolve, reject) => {
      child.once('error', (error) => reject(new Error(`${bin} did not start (is it installed?): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`${bin} exited with ${code}:\n${this.output.join('')}`)));
    });
    failed.catch(() => {}); // observed below, until ready
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const ready = await Promise.race([
        fetch(`${this.url}/-/ready`).then(
          (response) => response.ok,
          () => false,
        ),
        failed,
      ]);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready within 20 s:\n${this.output.join('')}`);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }
}

export interface MonitoringOptions {
  /** host:port Prometheus scrapes (`/metrics`). */
  scrapeTarget: string;
  /** Prometheus alerting rules (the `rules:` of one group). */
  rules: unknown[];
  /** Where Alertmanager posts its webhook. */
  webhookUrl: string;
}

export interface Monitoring {
  prometheus: Daemon;
  alertmanager: Daemon;
  /** Active alerts as Prometheus reports them (`/api/v1/alerts`). */
  alerts(): Promise<{ labels: Record<string, string>; state: string; activeAt: string }[]>;
  /** Whether Prometheus has scraped the target successfully at least once. */
  targetUp(): Promise<boolean>;
  stop(): Promise<void>;
}

/** JSON is YAML: the configuration files are written as JSON. */
const yaml = (value: unknown) => JSON.stringify(value, null, 2);

export async function startMonitoring(options: MonitoringOptions): Promise<Monitoring> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-monitoring-'));
  const alertmanager = new Daemon('alertmanager', await freePort());
  const prometheus = new Daemon('prometheus', await freePort());
  const stop = async () => {
    await Promise.all([prometheus.stop(), alertmanager.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      yaml({
        route: {
          receiver: 'switchyard',
          group_by: ['alertname'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
        },
        receivers: [{ name: 'switchyard', webhook_configs: [{ url: options.webhookUrl, send_resolved: true }] }],
      }),
    );
    await alertmanager.start(ALERTMANAGER_BIN, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${alertmanager.port}`,
      '--cluster.listen-address=', // no gossip port: one instance, nothing else to clash with
    ]);
    writeFileSync(join(dir, 'rules.yml'), yaml({ groups: [{ name: 'app', interval: '1s', rules: options.rules }] }));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      yaml({
        global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
        rule_files: [join(dir, 'rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
        scrape_configs: [{ job_name: 'app', static_configs: [{ targets: [options.scrapeTarget] }] }],
      }),
    );
    await prometheus.start(PROMETHEUS_BIN, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheus.port}`,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${prometheus.url}${path}`);
    return ((await response.json()) as { data: T }).data;
  };
  return {
    prometheus,
    alertmanager,
    alerts: async () => (await api<{ alerts: Awaited<ReturnType<Monitoring['alerts']>> }>('/api/v1/alerts')).alerts,
    targetUp: async () =>
      (await api<{ activeTargets: { health: string }[] }>('/api/v1/targets')).activeTargets.some(
        (target) => target.health === 'up',
      ),
    stop,
  };
}
