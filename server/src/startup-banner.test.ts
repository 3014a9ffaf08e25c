import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { announceStartup, serverVersion, type StartupFacts } from './startup-banner.js';

/**
 * The start-up banner is one structured log line (url, mode, version, …; never a secret) for log
 * pipelines, plus the human lines on stdout, which alone show the one-time admin token and set-up link.
 */
function capture() {
  const log: Record<string, unknown>[] = [];
  let stdout = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) log.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return {
    log,
    logger: Fastify({ logger: { level: 'info', stream } }).log,
    out: { write: (text: string) => (stdout += text) },
    stdout: () => stdout,
  };
}

const facts: StartupFacts = {
  url: 'http://localhost:4000',
  publicUrl: 'https://flags.example',
  mode: 'embedded',
  dataDir: './data',
  version: '1.2.3',
  startMs: 812.4,
  seeded: true,
  bootstrap: { outcome: 'generated', tokenId: 'id-1', secret: 'sy_admin_secret', configuredWasRevoked: false },
  setupToken: 'sy_setup_secret',
};

describe('start-up banner', () => {
  it('one structured info line with url, mode, version and timing, and no secret', async () => {
    const { log, logger, out } = capture();
    announceStartup(facts, logger, out);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      level: 30,
      event: 'server.started',
      msg: 'Switchyard 1.2.3 listening on http://localhost:4000',
      url: 'http://localhost:4000',
      publicUrl: 'https://flags.example',
      mode: 'embedded',
      dataDir: './data',
      version: '1.2.3',
      node: process.versions.node,
      startMs: 812,
      demoSeeded: true,
      adminToken: 'generated',
      ownerSetupPending: true,
    });
    expect(JSON.stringify(log[0])).not.toMatch(/sy_admin_secret|sy_setup_secret/);
  });

  it('the human lines: where, how, the one-time admin token and the set-up link', () => {
    const { logger, out, stdout } = capture();
    announceStartup(facts, logger, out);
    const text = stdout();
    expect(text).toContain('Switchyard 1.2.3 is up in 812 ms');
    expect(text).toContain('mode:        embedded (PGlite in ./data)');
    expect(text).toContain('URL:         http://localhost:4000');
    expect(text).toContain('admin token: sy_admin_secret');
    expect(text).toContain('Create the first owner: https://flags.example/setup#token=sy_setup_secret');
  });

  it('postgres mode: no data dir in the log line; an existing admin token prints no token line', async () => {
    const { log, logger, out, stdout } = capture();
    announceStartup({ ...facts, mode: 'postgres', bootstrap: { outcome: 'existing' }, setupToken: null }, logger, out);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log[0]).not.toHaveProperty('dataDir');
    expect(log[0]).toMatchObject({ mode: 'postgres', adminToken: 'existing', ownerSetupPending: false });
    expect(stdout()).not.toContain('admin token:');
    expect(stdout()).toContain('mode:        postgres');
  });

  it("reads the server package's version", () => {
    expect(serverVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
