import { describe, expect, it } from 'vitest';
import {
  KUBERNETES_DIR,
  KUSTOMIZATIONS,
  listYamlFiles,
  parseYamlDocuments,
  readText,
  relativePath,
} from './support/files.js';
import { isK8sObject, typeKey, validateK8sObject, type K8sObject } from './support/k8s.js';
import { renderKustomization } from './support/render.js';

const KUSTOMIZE_FILE = /(^|\/)kustomization\.ya?ml$/;
const manifestFiles = listYamlFiles(KUBERNETES_DIR).filter((f) => !KUSTOMIZE_FILE.test(f));
// Strategic-merge patches are fragments, validated as part of the rendered overlays instead.
const isPatch = (file: string) => /-patch\.ya?ml$/.test(file);

describe('Kubernetes manifests as written', () => {
  it('finds the manifests', () => {
    expect(manifestFiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(manifestFiles.filter((f) => !isPatch(f)).map((f) => [relativePath(f), f]))(
    '%s holds valid Kubernetes objects',
    (_name, file) => {
      const docs = parseYamlDocuments(readText(file), relativePath(file));
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(isK8sObject(doc), `${relativePath(file)}: not a Kubernetes object`).toBe(true);
        validateK8sObject(doc as K8sObject);
      }
    },
  );

  it.each(manifestFiles.filter(isPatch).map((f) => [relativePath(f), f]))(
    '%s parses and names its target',
    (_n, file) => {
      const [doc] = parseYamlDocuments(readText(file), relativePath(file));
      expect(isK8sObject(doc)).toBe(true);
    },
  );
});

describe.each(Object.keys(KUSTOMIZATIONS) as (keyof typeof KUSTOMIZATIONS)[])('kubectl kustomize %s', (name) => {
  it('renders, and every object passes its schema', () => {
    const objects = renderKustomization(name);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) validateK8sObject(object);
  });

  it('has no two objects with the same kind, namespace and name', () => {
    const ids = renderKustomization(name).map((o) => `${typeKey(o)}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(ids.length).toBe(new Set(ids).size);
  });
});

describe('schema validation can fail', () => {
  const deployment = () => structuredClone(renderKustomization('base').find((o) => o.kind === 'Deployment')!);

  it('rejects a wrongly typed field', () => {
    const broken = deployment();
    (broken['spec'] as Record<string, unknown>)['replicas'] = 'two';
    expect(() => validateK8sObject(broken)).toThrow(/replicas must be integer/);
  });

  it('rejects a missing required field', () => {
    const broken = deployment();
    delete (broken['spec'] as Record<string, unknown>)['selector'];
    expect(() => validateK8sObject(broken)).toThrow(/selector/);
  });

  it('rejects a Rollout with a non-numeric weight', () => {
    const rollout = structuredClone(renderKustomization('canary').find((o) => o.kind === 'Rollout')!);
    const canary = (rollout['spec'] as { strategy: { canary: { steps: Record<string, unknown>[] } } }).strategy.canary;
    canary.steps[0] = { setWeight: 'one percent' };
    expect(() => validateK8sObject(rollout)).toThrow(/setWeight must be integer/);
  });

  it('rejects a kind it has no schema for', () => {
    expect(() => validateK8sObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toThrow(
      /no schema model/,
    );
  });
});
