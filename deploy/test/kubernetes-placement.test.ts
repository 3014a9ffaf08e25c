import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBERNETES_DIR, KUSTOMIZATIONS, type KustomizationName } from './support/files.js';
import type { K8sObject } from './support/k8s.js';
import { checkNamespaces, checkServing } from './support/k8s-placement.js';
import { renderKustomization } from './support/render.js';

/**
 * The namespace each kustomization means its objects to land in. undefined: none set (the base is
 * environment-neutral and applied with `kubectl -n <namespace>`). A new overlay must be added here.
 */
const INTENDED_NAMESPACE: Record<KustomizationName, string | undefined> = {
  base: undefined,
  production: 'switchyard',
  canary: 'switchyard',
};

describe('every overlay is checked', () => {
  it('each folder under overlays/ is a listed kustomization', () => {
    const overlays = readdirSync(join(KUBERNETES_DIR, 'overlays'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(join(KUBERNETES_DIR, 'overlays', entry.name, 'kustomization.yaml')),
      )
      .map((entry) => entry.name);
    expect(overlays.length).toBeGreaterThan(0);
    for (const overlay of overlays) expect(Object.keys(KUSTOMIZATIONS)).toContain(overlay);
    expect(Object.keys(INTENDED_NAMESPACE).sort()).toEqual(Object.keys(KUSTOMIZATIONS).sort());
  });
});

describe.each(Object.keys(KUSTOMIZATIONS) as KustomizationName[])('kubectl kustomize %s', (name) => {
  it(`puts every namespaced object in ${INTENDED_NAMESPACE[name] ?? '(no namespace: applied with -n)'}`, () => {
    expect(checkNamespaces(renderKustomization(name), INTENDED_NAMESPACE[name])).toEqual([]);
  });

  it('serves traffic: every Service selects running pods of its own namespace, references resolve there', () => {
    expect(checkServing(renderKustomization(name))).toEqual([]);
  });
});

// The canary overlay once rendered its Rollout, AnalysisTemplate and canary Service without a
// namespace (they landed in `default`) while it scaled the Deployment in `switchyard` to 0:
// applied, it took the flag server down. Both checks must catch that rendering.
describe('the checks catch the canary overlay that took the server down', () => {
  const broken = () =>
    structuredClone(renderKustomization('canary')).map((object: K8sObject) => {
      if (['Rollout', 'AnalysisTemplate'].includes(object.kind) || object.metadata.name === 'switchyard-canary') {
        const { namespace: _dropped, ...metadata } = object.metadata;
        return { ...object, metadata };
      }
      return object;
    });

  it('objects left without a namespace', () => {
    const problems = checkNamespaces(broken(), 'switchyard');
    expect(problems).toEqual([
      expect.stringMatching(/^Service\/switchyard-canary in \(unset/),
      expect.stringMatching(/^AnalysisTemplate\/switchyard-error-rate in \(unset/),
      expect.stringMatching(/^Rollout\/switchyard in \(unset/),
    ]);
  });

  it('the stable Service with only a Deployment scaled to 0 behind it', () => {
    const problems = checkServing(broken()).join('\n');
    expect(problems).toMatch(/Service\/switchyard in switchyard selects no running pods in its namespace/);
    expect(problems).toMatch(
      /Rollout\/switchyard in \(unset.*refers to Service\/switchyard, which is not in its namespace/,
    );
    expect(problems).toMatch(
      /HorizontalPodAutoscaler\/switchyard in switchyard scales Rollout\/switchyard, which is not in its namespace/,
    );
  });

  it('a Deployment scaled to 0 with nothing else serving', () => {
    const objects = structuredClone(renderKustomization('production'));
    (objects.find((o) => o.kind === 'Deployment')!['spec'] as { replicas: number }).replicas = 0;
    expect(checkServing(objects).join('\n')).toMatch(/Service\/switchyard in switchyard selects no running pods/);
  });
});
