import { describe, expect, it } from 'vitest';
import { NOT_KILLED_JSON, PATHS } from './server-contract.js';
import { parseYamlDocuments, readText, repoPath } from './support/files.js';
import { validateK8sObject, type K8sObject } from './support/k8s.js';

/** The flag configuration path with its `{…}` parameters as a pattern (any value, `{{args.x}}` included). */
const FLAG_CONFIG = new RegExp(`${PATHS.flagConfig.replace(/\{\w+\}/g, '[^/\\s]+')}$`);

interface WebMetric {
  name: string;
  failureLimit?: number;
  successCondition?: string;
  provider: { web?: { url: string; jsonPath?: string; headers?: { key: string; value: string }[] } };
}

describe('the Argo Rollouts flag guard (AnalysisTemplate web metric)', () => {
  const file = repoPath('deploy/kubernetes/examples/flag-guard.analysis-template.yaml');
  const [template] = parseYamlDocuments(readText(file), file) as (K8sObject & {
    spec: { args: { name: string }[]; metrics: WebMetric[] };
  })[];

  it('is a valid AnalysisTemplate', () => {
    validateK8sObject(template!);
  });

  it("reads the flag configuration's kill state and passes only while it is false", () => {
    const [metric] = template!.spec.metrics;
    expect(metric!.provider.web!.url).toMatch(FLAG_CONFIG);
    expect(metric!.provider.web!.jsonPath).toBe('{$.killed}');
    expect(metric!.successCondition).toBe('result == false');
    expect(metric!.failureLimit).toBe(0);
    expect(metric!.provider.web!.headers).toEqual([
      { key: 'Authorization', value: 'Bearer {{args.switchyard-token}}' },
    ]);
  });

  it('declares every argument it uses', () => {
    const declared = new Set(template!.spec.args.map((arg) => arg.name));
    const used = [...JSON.stringify(template!.spec.metrics).matchAll(/\{\{args\.([\w-]+)\}\}/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(declared).toContain(name);
  });
});

describe('the Flagger flag guard (rollout webhook)', () => {
  const file = repoPath('deploy/flagger/canary.example.yaml');
  const [canary] = parseYamlDocuments(readText(file), file) as (K8sObject & {
    spec: { analysis: { webhooks: { name: string; type: string; metadata: { type: string; cmd: string } }[] } };
  })[];

  it('checks before every step that the flag is not killed, with the token from the environment', () => {
    expect(canary!.apiVersion).toBe('flagger.app/v1beta1');
    const hook = canary!.spec.analysis.webhooks.find((w) => w.name === 'switchyard-flag-not-killed')!;
    expect(hook.type).toBe('rollout');
    expect(hook.metadata.type).toBe('bash');
    const [request, check] = hook.metadata.cmd.split('|').map((part) => part.trim());
    expect(request).toMatch(/^curl -fsS /);
    expect(request).toContain('Authorization: Bearer $SWITCHYARD_TOKEN');
    expect(request!.split(/\s+/).at(-1)).toMatch(FLAG_CONFIG);
    expect(check).toBe(`grep -q '${NOT_KILLED_JSON}'`);
  });
});
