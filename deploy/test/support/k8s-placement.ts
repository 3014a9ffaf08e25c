import type { K8sObject } from './k8s.js';
import { describe } from './k8s.js';

/**
 * Where objects land and whether anything answers: the checks that catch an overlay which renders
 * half its objects without a namespace (kubectl then puts them in `default`) or scales the only
 * serving workload to zero. Every reference is resolved by kind, namespace AND name: a Rollout in
 * `default` does not run the pods of a Deployment in `switchyard`, whatever their names.
 */

/** Kinds that have no namespace (the ones a kustomization here could plausibly render). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'PersistentVolume',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ClusterAnalysisTemplate',
]);

export function isNamespaced(object: K8sObject): boolean {
  return !CLUSTER_SCOPED.has(object.kind);
}

/** `Kind/namespace/name`, `(unset)` for an object without a namespace. */
function where(object: K8sObject): string {
  return `${describe(object)} in ${object.metadata.namespace ?? '(unset: the namespace kubectl applies to, usually default)'}`;
}

/**
 * Every namespaced object is in `intended` (undefined: none set, as in the environment-neutral
 * base, which is applied with `kubectl -n`); a rendered Namespace is that namespace.
 */
export function checkNamespaces(objects: readonly K8sObject[], intended: string | undefined): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    if (object.kind === 'Namespace') {
      if (object.metadata.name !== intended) problems.push(`${describe(object)} rendered; intended is ${intended}`);
      continue;
    }
    if (!isNamespaced(object)) continue;
    if (object.metadata.namespace !== intended) problems.push(`${where(object)}, not in ${intended ?? '(unset)'}`);
  }
  return problems;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
}
interface Workload {
  object: K8sObject;
  replicas: number;
  podLabels: Record<string, string>;
}

function find(objects: readonly K8sObject[], kind: string, namespace: string | undefined, name: string) {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
}

/**
 * The workloads that run pods, with their replica count and pod labels. A Rollout with a
 * `workloadRef` takes its pod template from that Deployment, in the Rollout's own namespace.
 */
export function workloads(objects: readonly K8sObject[]): Workload[] {
  const found: Workload[] = [];
  for (const object of objects) {
    const spec = (object['spec'] ?? {}) as {
      replicas?: number;
      template?: PodTemplate;
      workloadRef?: { kind?: string; name?: string };
    };
    if (!['Deployment', 'StatefulSet', 'Rollout'].includes(object.kind)) continue;
    let template = spec.template;
    if (object.kind === 'Rollout' && spec.workloadRef) {
      const ref = find(objects, spec.workloadRef.kind ?? '', object.metadata.namespace, spec.workloadRef.name ?? '');
      template = (ref?.['spec'] as { template?: PodTemplate } | undefined)?.template;
    }
    found.push({ object, replicas: spec.replicas ?? 1, podLabels: template?.metadata?.labels ?? {} });
  }
  return found;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/**
 * Something serves traffic: at least one Service, and every Service with a selector selects the
 * pods of a workload in its own namespace that runs at least one replica. Also, every reference a
 * Rollout or HorizontalPodAutoscaler makes resolves in its own namespace.
 */
export function checkServing(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const running = workloads(objects);
  const services = objects.filter((o) => o.kind === 'Service');
  if (services.length === 0) problems.push('no Service: nothing would receive traffic');
  for (const service of services) {
    const selector = (service['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
    if (!selector) continue; // an ExternalName or hand-managed Endpoints Service
    const serving = running.filter(
      (w) =>
        w.object.metadata.namespace === service.metadata.namespace && w.replicas > 0 && selects(selector, w.podLabels),
    );
    if (serving.length === 0) {
      const candidates = running
        .filter((w) => selects(selector, w.podLabels))
        .map((w) => `${where(w.object)} (${w.replicas} replicas)`);
      problems.push(
        `${where(service)} selects no running pods in its namespace` +
          (candidates.length > 0 ? `; pods matching its selector: ${candidates.join(', ')}` : ''),
      );
    }
  }
  for (const rollout of objects.filter((o) => o.kind === 'Rollout')) {
    const namespace = rollout.metadata.namespace;
    const spec = rollout['spec'] as {
      workloadRef?: { kind?: string; name?: string };
      strategy?: {
        canary?: {
          stableService?: string;
          canaryService?: string;
          trafficRouting?: { nginx?: { stableIngress?: string } };
          analysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] };
        };
      };
    };
    const canary = spec.strategy?.canary;
    const refs: [string, string | undefined][] = [
      ['Service', canary?.stableService],
      ['Service', canary?.canaryService],
      ['Ingress', canary?.trafficRouting?.nginx?.stableIngress],
      [spec.workloadRef?.kind ?? 'Deployment', spec.workloadRef?.name],
      ...(canary?.analysis?.templates ?? [])
        .filter((t) => !t.clusterScope)
        .map((t): [string, string | undefined] => ['AnalysisTemplate', t.templateName]),
    ];
    for (const [kind, name] of refs) {
      if (name !== undefined && !find(objects, kind, namespace, name)) {
        problems.push(`${where(rollout)} refers to ${kind}/${name}, which is not in its namespace`);
      }
    }
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const target = (hpa['spec'] as { scaleTargetRef?: { kind?: string; name?: string } }).scaleTargetRef;
    const found = target && find(objects, target.kind ?? '', hpa.metadata.namespace, target.name ?? '');
    if (!found) problems.push(`${where(hpa)} scales ${target?.kind}/${target?.name}, which is not in its namespace`);
    else if ((((found['spec'] as { replicas?: number }).replicas ?? 1) as number) === 0) {
      problems.push(`${where(hpa)} scales ${describe(found)}, which runs 0 replicas (an HPA never scales up from 0)`);
    }
  }
  return problems;
}
