import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

/**
 * The canary guard examples in deploy/ (Argo Rollouts web metric, Flagger webhook) read a flag's
 * kill state from the flag configuration endpoint: checked here against the real route, so a
 * change of path or JSON shape breaks this test rather than every canary that copied them.
 */
const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const ARGO = repoFile('deploy/kubernetes/examples/flag-guard.analysis-template.yaml');
const FLAGGER = repoFile('deploy/flagger/canary.example.yaml');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await t.api('POST', '/projects/shop/environments', { key: 'production', name: 'P' })).status).toBe(201);
  expect(
    (await t.api('POST', '/projects/shop/flags', { key: 'new-checkout', name: 'n', type: 'boolean' })).status,
  ).toBe(201);
});
afterAll(() => t?.close());

/** GET as the examples do (admin token); the raw body. */
async function read(path: string): Promise<string> {
  const response = await t.app.inject({ method: 'GET', url: path, headers: t.adminHeaders });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
}

describe('canary guard examples against the real endpoint', () => {
  const flaggerPath = /https?:\/\/[^/\s]+(\/api\/v1\/\S+)/.exec(FLAGGER)![1]!;
  const argoPath = /url: '\{\{args\.switchyard-url\}\}(\/api\/v1\/\S+)'/
    .exec(ARGO)![1]!
    .replace('{{args.project}}', 'shop')
    .replace('{{args.flag}}', 'new-checkout')
    .replace('{{args.environment}}', 'production');

  it('both name the same endpoint', () => {
    expect(argoPath).toBe('/api/v1/projects/shop/flags/new-checkout/environments/production');
    expect(flaggerPath).toBe(argoPath);
  });

  it("Flagger's grep and Argo's jsonPath see not-killed, then killed after a kill", async () => {
    const grep = /grep -q '([^']+)'/.exec(FLAGGER)![1]!;
    const live = await read(flaggerPath);
    expect(live).toContain(grep);
    expect((JSON.parse(live) as { killed: unknown }).killed).toBe(false); // jsonPath {$.killed}, result == false
    const kill = await t.api('POST', '/projects/shop/flags/new-checkout/environments/production/kill', { reason: 'x' });
    expect(kill.status).toBe(200);
    const killed = await read(argoPath);
    expect(killed).not.toContain(grep);
    expect((JSON.parse(killed) as { killed: unknown }).killed).toBe(true);
  });
});
