import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/commands/audit.js';
import { environmentsCreate } from '../src/commands/environments/create.js';
import { environmentsList } from '../src/commands/environments/list.js';
import { flagsArchive } from '../src/commands/flags/archive.js';
import { flagsCreate } from '../src/commands/flags/create.js';
import { flagsGet } from '../src/commands/flags/get.js';
import { flagsList } from '../src/commands/flags/list.js';
import { kill } from '../src/commands/kill.js';
import { login } from '../src/commands/login.js';
import { projectsCreate } from '../src/commands/projects/create.js';
import { projectsGet } from '../src/commands/projects/get.js';
import { projectsList } from '../src/commands/projects/list.js';
import { restore } from '../src/commands/restore.js';
import { rollout } from '../src/commands/rollout.js';
import { segmentsCreate } from '../src/commands/segments/create.js';
import { segmentsDelete } from '../src/commands/segments/delete.js';
import { segmentsGet } from '../src/commands/segments/get.js';
import { segmentsList } from '../src/commands/segments/list.js';
import { ExitCode } from '../src/exit-codes.js';
import { startCliHarness, type CliHarness } from './support/cli.js';
import { writeFileSync } from 'node:fs';

let h: CliHarness;
const p = { project: 'shop' };

beforeAll(async () => {
  h = await startCliHarness();
  expect((await h.run(projectsCreate, ['shop'], { name: 'Shop' })).code).toBe(0);
  expect((await h.run(environmentsCreate, ['prod'], p)).code).toBe(0);
});
afterAll(() => h.close());

describe('sign in', () => {
  it('login checks the token, then stores url and token in $XDG_CONFIG_HOME/switchyard/config.json, mode 0600', async () => {
    const { SWITCHYARD_URL: url, SWITCHYARD_TOKEN: token } = h.env;
    const r = await h.run(login, [], { url, token });
    expect(r.code).toBe(0);
    const path = join(h.env.XDG_CONFIG_HOME!, 'switchyard', 'config.json');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url, token });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a refused token is exit 3, and login stores nothing new', async () => {
    const r = await h.run(login, [], { url: h.env.SWITCHYARD_URL, token: 'sy_wrong' });
    expect(r.code).toBe(ExitCode.auth);
    expect(r.stderr).toMatch(/401/);
  });
});

describe('projects and environments', () => {
  it('a refused request names each failing field on stderr (the server lists them in details.issues)', async () => {
    const r = await h.run(projectsCreate, ['Not a key!'], { name: 'Bad' });
    expect(r.code).toBe(ExitCode.requestFailed);
    expect(r.stderr).toMatch(/400/);
    expect(r.stderr).toMatch(/\n {2}body\.key: \S/);
  });

  it('lists, shows and creates', async () => {
    const list = await h.run(projectsList, [], { json: true });
    expect(list.json<{ key: string }[]>().map((x) => x.key)).toContain('shop');
    const table = await h.run(projectsList);
    expect(table.stdout).toMatch(/^KEY\s+NAME\nshop\s+Shop/m);
    const detail = await h.run(projectsGet, ['shop'], { json: true });
    expect(detail.json<{ environments: { key: string }[] }>().environments.map((e) => e.key)).toContain('prod');
    const envs = await h.run(environmentsList, [], { ...p, json: true });
    expect(envs.json<{ key: string }[]>().map((e) => e.key)).toContain('prod');
  });

  it('a missing --project is a usage error (exit 2)', async () => {
    const r = await h.run(environmentsList);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/--project is required/);
  });
});

describe('flags', () => {
  it('create, list, get, archive', async () => {
    expect((await h.run(flagsCreate, ['banner'], { ...p, tag: ['ui'] })).code).toBe(0);
    const list = await h.run(flagsList, [], { ...p, json: true });
    expect(list.json<{ key: string; tags: string[] }[]>()).toEqual([
      expect.objectContaining({ key: 'banner', tags: ['ui'] }),
    ]);
    const get = await h.run(flagsGet, ['banner'], p);
    expect(get.stdout).toMatch(/banner \(boolean\)/);
    expect(get.stdout).toMatch(/prod\s+off/);
    expect((await h.run(flagsArchive, ['banner'], p)).code).toBe(0);
    const archived = await h.run(flagsList, [], { ...p, archived: true, json: true });
    expect(archived.json<{ key: string }[]>().map((f) => f.key)).toEqual(['banner']);
  });

  it('keys with capitals, dots and tildes (as Unleash users have) work in every path', async () => {
    const key = 'Checkout.Flow~v2';
    expect((await h.run(flagsCreate, [key], p)).code).toBe(0);
    expect((await h.run(flagsGet, [key], { ...p, json: true })).json()).toMatchObject({ key });
    const r = await h.run(rollout, [key, '5%'], { ...p, env: 'prod', json: true });
    expect(r.json()).toMatchObject({ flag: key, percent: 5 });
    expect((await h.run(flagsArchive, [key], p)).code).toBe(0);
  });

  it('an unknown flag is exit 1 with the server message on stderr', async () => {
    const r = await h.run(flagsGet, ['nope'], p);
    expect(r.code).toBe(ExitCode.requestFailed);
    expect(r.stderr).toMatch(/404/);
  });
});

describe('kill, restore and rollout', () => {
  beforeAll(async () => {
    await h.run(flagsCreate, ['checkout'], p);
    await h.server.api.toggle('shop', 'checkout', 'prod', true);
  });

  it('kill needs a reason; kill and restore one environment', async () => {
    expect((await h.run(kill, ['checkout'], { ...p, env: 'prod' })).code).toBe(ExitCode.usage);
    const killed = await h.run(kill, ['checkout'], { ...p, env: 'prod', reason: 'errors spiking', json: true });
    expect(killed.code).toBe(0);
    expect(killed.json()).toMatchObject({ killed: true, killReason: 'errors spiking', enabled: false });
    const restored = await h.run(restore, ['checkout'], { ...p, env: 'prod', reason: 'fixed', json: true });
    expect(restored.json()).toMatchObject({ killed: false, enabled: true });
  });

  it('kill without --env kills every environment', async () => {
    const r = await h.run(kill, ['checkout'], { ...p, reason: 'all', json: true });
    expect(r.json<{ environment: string; killed: boolean }[]>().every((c) => c.killed)).toBe(true);
    expect((await h.run(restore, ['checkout'], p)).code).toBe(0);
  });

  it('rollout 12.5% adds a rollout rule to a flag without rules, then changes it', async () => {
    const first = await h.run(rollout, ['checkout', '12.5%'], { ...p, env: 'prod', json: true });
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ rule: 'rollout', percent: 12.5 });
    const config = await h.server.api.request<{ rules: { rollout: unknown; serve: unknown }[] }>(
      'GET',
      '/projects/shop/flags/checkout/environments/prod',
    );
    expect(config.rules).toEqual([expect.objectContaining({ rollout: { percent: 12.5 }, serve: { variant: 'on' } })]);
    const second = await h.run(rollout, ['checkout', '40'], { ...p, env: 'prod', reason: 'ramp up' });
    expect(second.stdout).toMatch(/rule rollout now serves 40%/);
  });

  it('rollout refuses what is not a percent (exit 2)', async () => {
    for (const bad of ['101%', '12.345', 'ten'])
      expect((await h.run(rollout, ['checkout', bad], { ...p, env: 'prod' })).code).toBe(ExitCode.usage);
  });
});

describe('segments', () => {
  it('create from a conditions file, list, get, delete', async () => {
    writeFileSync(join(h.cwd, 'beta.yaml'), '- attribute: plan\n  operator: in\n  values: [beta]\n');
    expect((await h.run(segmentsCreate, ['beta'], { ...p, conditions: 'beta.yaml' })).code).toBe(0);
    const list = await h.run(segmentsList, [], { ...p, json: true });
    expect(list.json<{ key: string }[]>().map((s) => s.key)).toEqual(['beta']);
    expect((await h.run(segmentsGet, ['beta'], p)).stdout).toMatch(/plan in \["beta"\]/);
    expect((await h.run(segmentsDelete, ['beta'], p)).code).toBe(0);
  });
});

describe('audit', () => {
  it('lists recent events with reasons', async () => {
    const r = await h.run(audit, [], { project: 'shop', json: true, limit: '50' });
    const events = r.json<{ action: string; reason: string | null }[]>();
    expect(events.some((e) => e.reason === 'errors spiking')).toBe(true);
  });

  it('--follow prints events made after it started, oldest first', async () => {
    const controller = new AbortController();
    const following = h.run(audit, [], {
      project: 'shop',
      flag: 'checkout',
      limit: '1',
      follow: true,
      json: true,
      interval: '0.05',
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await h.run(kill, ['checkout'], { ...p, env: 'prod', reason: 'follow me' });
    await h.run(restore, ['checkout'], { ...p, env: 'prod', reason: 'back' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    controller.abort();
    const lines = (await following).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string | null });
    const reasons = lines.map((l) => l.reason);
    expect(reasons.slice(-2)).toEqual(['follow me', 'back']);
  });
});
