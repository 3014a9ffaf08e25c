import { execFileSync } from 'node:child_process';
import { KUSTOMIZATIONS, type KustomizationName, parseYamlDocuments } from './files.js';
import type { K8sObject } from './k8s.js';
import { isK8sObject } from './k8s.js';

/** Whether `kubectl` (which bundles kustomize) is on PATH. */
export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const cache = new Map<KustomizationName, K8sObject[]>();

/**
 * Renders a kustomization with `kubectl kustomize` (kustomize v5 built in) and parses the output.
 * Throws with kubectl's message when the kustomization is broken (missing file, bad patch target...).
 */
export function renderKustomization(name: KustomizationName): K8sObject[] {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!hasKubectl()) throw new Error('kubectl not found: the checks render kustomizations with `kubectl kustomize`');
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', KUSTOMIZATIONS[name]], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`kubectl kustomize ${name} failed: ${stderr}`);
  }
  const objects = parseYamlDocuments(output, `kustomize ${name}`).map((doc, index) => {
    if (!isK8sObject(doc)) throw new Error(`kustomize ${name}: document ${index} is not a Kubernetes object`);
    return doc;
  });
  cache.set(name, objects);
  return objects;
}
