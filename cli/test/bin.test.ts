import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { startCliHarness, type CliHarness } from './support/cli.js';

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let h: CliHarness;
let home: string;

/** Runs the built bin as a user would: its own process, env and exit code. */
async function sy(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, XDG_CONFIG_HOME: join(home, 'config'), ...env },
      cwd: home,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  h = await startCliHarness();
  home = mkdtempSync(join(tmpdir(), 'switchyard-bin-'));
  await h.server.api.createProject('shop');
  await h.server.api.createEnvironment('shop', 'prod');
});
afterAll(() => h.close());

// Each spawn starts a Node process: generous timeouts for loaded CI machines.
describe('the switchyard bin', { timeout: 120_000 }, () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await sy(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['login', 'projects', 'flags', 'kill', 'rollout', 'audit', 'export', 'apply', 'import'])
      expect(r.stdout).toContain(command);
  });

  it('exit 3 without credentials, with the way to sign in on stderr', async () => {
    const r = await sy(['projects', 'list']);
    expect(r.code).toBe(ExitCode.auth);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/switchyard login --url/);
  });

  it('exit 2 for an unknown option or command', async () => {
    expect((await sy(['flags', 'list', '--bogus'])).code).toBe(ExitCode.usage);
    expect((await sy(['frobnicate'])).code).toBe(ExitCode.usage);
  });

  it('login stores the credentials that later commands use; --json output parses', async () => {
    const login = await sy(['login', '--url', h.env.SWITCHYARD_URL!, '--token', h.env.SWITCHYARD_TOKEN!]);
    expect(login.code).toBe(0);
    expect((await sy(['flags', 'create', 'banner', '-p', 'shop'])).code).toBe(0);
    const list = await sy(['flags', 'list', '--project', 'shop', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ key: 'banner', type: 'boolean' })]);
  });

  it('environment variables work without a login; exit 1 with the error on stderr when a request fails', async () => {
    const env = {
      SWITCHYARD_URL: h.env.SWITCHYARD_URL,
      SWITCHYARD_TOKEN: h.env.SWITCHYARD_TOKEN,
      XDG_CONFIG_HOME: join(home, 'empty'),
    };
    const r = await sy(['flags', 'get', 'missing', '-p', 'shop'], env);
    expect(r.code).toBe(ExitCode.requestFailed);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: GET \/projects\/shop\/flags\/missing: 404/);
  });

  it('rollout 10% and apply --dry-run exit codes (4 = differences)', async () => {
    expect((await sy(['rollout', 'banner', '10%', '--env', 'prod', '-p', 'shop'])).code).toBe(0);
    const exported = await sy(['export', '-p', 'shop']);
    writeFileSync(join(home, 'flags.yaml'), exported.stdout.replace('percent: 10', 'percent: 20'));
    const dry = await sy(['apply', '-f', 'flags.yaml', '--dry-run']);
    expect(dry.code).toBe(ExitCode.differences);
    expect(dry.stdout).toContain('~ configure flag banner@prod');
    expect((await sy(['apply', '-f', 'flags.yaml'])).code).toBe(0);
    expect((await sy(['apply', '-f', 'flags.yaml', '--dry-run'])).code).toBe(0);
  });
});
