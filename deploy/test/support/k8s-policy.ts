import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import {
  DEFAULT_PORT,
  ENV,
  MIGRATE_COMMAND,
  PATHS,
  PORT_NAME,
  REQUEST_METRIC,
  RUNTIME_UID,
  SECRET_ENV,
  START_COMMAND,
} from '../server-contract.js';
import { describe, findObject, findObjects, type K8sObject } from './k8s.js';
import { imageTagProblem } from './images.js';

// Each check returns human-readable violations; an empty list means the rendered set passes.
// They take the whole rendered set so cross-object rules (selectors, references) can be checked.

type Labels = Record<string, string>;

/** Whether every key/value of `selector` is present in `labels` (how matchLabels selects pods). */
export function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** The Rollout that takes its pod template from `deployment` via workloadRef, if any. */
function rolloutReferencing(objects: readonly K8sObject[], deploymentName: string): IRollout | undefined {
  return findObjects(objects, 'Rollout')
    .map((o) => o as unknown as IRollout)
    .find((r) => r.spec?.workloadRef?.kind === 'Deployment' && r.spec.workloadRef.name === deploymentName);
}

/** Workloads that run server pods: Deployments (their pod template) and Rollouts with an inline template. */
interface PodWorkload {
  label: string;
  podLabels: Labels | undefined;
  pod: IPodSpec | undefined;
}

function serverWorkloads(objects: readonly K8sObject[]): PodWorkload[] {
  const deployments = findObjects(objects, 'Deployment').map((o) => {
    const d = o as unknown as IDeployment;
    return { label: describe(o), podLabels: d.spec?.template.metadata?.labels, pod: d.spec?.template.spec };
  });
  const rollouts = findObjects(objects, 'Rollout')
    .map((o) => ({ o, r: o as unknown as IRollout }))
    .filter(({ r }) => r.spec?.template)
    .map(({ o, r }) => ({
      label: describe(o),
      podLabels: r.spec?.template?.metadata?.labels as Labels | undefined,
      pod: r.spec?.template?.spec as IPodSpec | undefined,
    }));
  return [...deployments, ...rollouts];
}

function jobWorkloads(objects: readonly K8sObject[]): PodWorkload[] {
  return findObjects(objects, 'Job').map((o) => {
    const j = o as unknown as IJob;
    return { label: describe(o), podLabels: j.spec?.template.metadata?.labels, pod: j.spec?.template.spec };
  });
}

/** Non-root, read-only root filesystem with /tmp on an emptyDir, no privilege escalation, no capabilities. */
export function checkHardening(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of [...serverWorkloads(objects), ...jobWorkloads(objects)]) {
    const pod = w.pod;
    if (!pod) {
      problems.push(`${w.label}: no pod spec`);
      continue;
    }
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${w.label}: pod runAsNonRoot is not true`);
    if (pod.securityContext?.runAsUser !== RUNTIME_UID)
      problems.push(`${w.label}: pod runAsUser is not the image's uid ${RUNTIME_UID}`);
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault')
      problems.push(`${w.label}: pod seccompProfile is not RuntimeDefault`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${w.label}: service account token is mounted`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const where = `${w.label} container ${c.name}`;
      const sc = c.securityContext;
      if (sc?.runAsUser === 0 || sc?.runAsNonRoot === false) problems.push(`${where}: runs as root`);
      if (sc?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc?.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is not read-only`);
      if (sc?.privileged === true) problems.push(`${where}: privileged`);
      if (!sc?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not dropped (drop: [ALL])`);
      if ((sc?.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities`);
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      const tmpVolume = pod.volumes?.find((v) => v.name === tmp?.name);
      if (!tmp || !tmpVolume?.emptyDir) problems.push(`${where}: /tmp is not an emptyDir mount`);
    }
  }
  return problems;
}

/** CPU and memory requests and a memory limit on every container. */
export function checkResources(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of [...serverWorkloads(objects), ...jobWorkloads(objects)]) {
    for (const c of w.pod?.containers ?? []) {
      const r = c.resources;
      for (const [field, value] of [
        ['requests.cpu', r?.requests?.['cpu']],
        ['requests.memory', r?.requests?.['memory']],
        ['limits.memory', r?.limits?.['memory']],
      ] as const) {
        if (value === undefined || value === null || value === '')
          problems.push(`${w.label} container ${c.name}: ${field} not set`);
      }
    }
  }
  return problems;
}

/** Every image is pinned to an explicit tag or digest that is not `latest`. */
export function checkImages(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of [...serverWorkloads(objects), ...jobWorkloads(objects)]) {
    for (const c of [...(w.pod?.initContainers ?? []), ...(w.pod?.containers ?? [])]) {
      const problem = imageTagProblem(c.image ?? '');
      if (problem) problems.push(`${w.label} container ${c.name}: ${problem}`);
    }
  }
  return problems;
}

function probeProblems(
  where: string,
  kind: string,
  probe: IProbe | undefined,
  path: string,
  container: IContainer,
): string[] {
  if (!probe) return [`${where}: no ${kind} probe`];
  const get = probe.httpGet;
  if (!get) return [`${where}: ${kind} probe is not an HTTP GET`];
  const problems: string[] = [];
  if (get.path !== path) problems.push(`${where}: ${kind} probe path ${String(get.path)} is not ${path}`);
  const port =
    typeof get.port === 'string' ? container.ports?.find((p) => p.name === get.port)?.containerPort : get.port;
  if (port !== DEFAULT_PORT)
    problems.push(`${where}: ${kind} probe port ${String(get.port)} is not the server port ${DEFAULT_PORT}`);
  return problems;
}

/** The server container: contract port, start command, startup/liveness/readiness probes on the contract paths. */
export function checkServerContainer(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const workloads = serverWorkloads(objects);
  if (workloads.length === 0) problems.push('no server Deployment or Rollout');
  for (const w of workloads) {
    const containers = w.pod?.containers ?? [];
    if (containers.length !== 1) {
      problems.push(`${w.label}: expected one container, found ${containers.length}`);
      continue;
    }
    const c = containers[0]!;
    const where = `${w.label} container ${c.name}`;
    const port = c.ports?.find((p) => p.name === PORT_NAME);
    if (port?.containerPort !== DEFAULT_PORT) problems.push(`${where}: port '${PORT_NAME}' is not ${DEFAULT_PORT}`);
    if (c.command && JSON.stringify(c.command) !== JSON.stringify(START_COMMAND))
      problems.push(`${where}: command ${JSON.stringify(c.command)} is not ${JSON.stringify(START_COMMAND)}`);
    problems.push(...probeProblems(where, 'startup', c.startupProbe, PATHS.health, c));
    problems.push(...probeProblems(where, 'liveness', c.livenessProbe, PATHS.health, c));
    problems.push(...probeProblems(where, 'readiness', c.readinessProbe, PATHS.ready, c));
  }
  return problems;
}

/** At least `min` replicas serve: on the Deployment, or on the Rollout that took over its template. */
export function checkReplicas(objects: readonly K8sObject[], min = 2): string[] {
  const problems: string[] = [];
  for (const o of findObjects(objects, 'Deployment')) {
    const owner = rolloutReferencing(objects, o.metadata.name);
    const replicas = owner ? owner.spec?.replicas : (o as unknown as IDeployment).spec?.replicas;
    const label = owner ? `Rollout for ${describe(o)}` : describe(o);
    if ((replicas ?? 1) < min) problems.push(`${label}: ${replicas ?? 1} replicas, want at least ${min}`);
  }
  return problems;
}

/** Services, PDBs and the HPA all point at the server's pods. */
export function checkSelectors(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const workloads = serverWorkloads(objects);
  const podLabelSets = workloads.map((w) => w.podLabels);
  const selectsServerPods = (selector: Labels | undefined) => podLabelSets.some((labels) => selects(selector, labels));

  for (const o of findObjects(objects, 'Deployment')) {
    const d = o as unknown as IDeployment;
    if (!selects(d.spec?.selector.matchLabels, d.spec?.template.metadata?.labels))
      problems.push(`${describe(o)}: selector does not match its own pod template labels`);
  }
  for (const o of findObjects(objects, 'Rollout')) {
    const r = o as unknown as IRollout;
    if (!selectsServerPods(r.spec?.selector?.matchLabels as Labels | undefined))
      problems.push(`${describe(o)}: selector matches no server pod template`);
  }
  for (const o of findObjects(objects, 'Service')) {
    const s = o as unknown as IService;
    if (!selectsServerPods(s.spec?.selector)) problems.push(`${describe(o)}: selector matches no server pod template`);
    for (const port of s.spec?.ports ?? []) {
      if (port.targetPort !== PORT_NAME && port.targetPort !== DEFAULT_PORT)
        problems.push(`${describe(o)}: targetPort ${String(port.targetPort)} is not '${PORT_NAME}'/${DEFAULT_PORT}`);
    }
  }
  for (const o of findObjects(objects, 'PodDisruptionBudget')) {
    const pdb = o as unknown as IPodDisruptionBudget;
    if (!selectsServerPods(pdb.spec?.selector?.matchLabels))
      problems.push(`${describe(o)}: selector matches no server pod template`);
  }
  for (const o of findObjects(objects, 'HorizontalPodAutoscaler')) {
    const hpa = o as unknown as IHorizontalPodAutoscaler;
    const ref = hpa.spec?.scaleTargetRef;
    const target = ref ? findObject(objects, ref.kind, ref.name) : undefined;
    if (!ref || !target || target.apiVersion !== ref.apiVersion) {
      problems.push(
        `${describe(o)}: scaleTargetRef ${ref?.apiVersion}/${ref?.kind}/${ref?.name} is not in the rendered set`,
      );
      continue;
    }
    if (ref.kind === 'Deployment' && rolloutReferencing(objects, ref.name))
      problems.push(`${describe(o)}: scales ${ref.name}, whose pods a Rollout owns; target the Rollout`);
    if ((hpa.spec?.minReplicas ?? 1) < 2) problems.push(`${describe(o)}: minReplicas below 2`);
  }
  return problems;
}

/**
 * Configuration: credentials only from Secret references, every referenced ConfigMap exists,
 * every variable name is one the server reads, and replicas do not migrate at start.
 */
export function checkConfiguration(
  objects: readonly K8sObject[],
  secretKeys: Record<string, readonly string[]>,
): string[] {
  const problems: string[] = [];
  const known = new Set<string>(Object.values(ENV));
  const configMaps = findObjects(objects, 'ConfigMap').map((o) => o as unknown as IConfigMap);
  for (const w of [...serverWorkloads(objects), ...jobWorkloads(objects)]) {
    for (const c of w.pod?.containers ?? []) {
      const where = `${w.label} container ${c.name}`;
      const fromConfig: Record<string, string> = {};
      for (const source of c.envFrom ?? []) {
        const name = source.configMapRef?.name;
        const cm = configMaps.find((m) => m.metadata?.name === name);
        if (!cm) problems.push(`${where}: envFrom ConfigMap ${String(name)} is not in the rendered set`);
        else Object.assign(fromConfig, cm.data ?? {});
      }
      for (const key of Object.keys(fromConfig)) {
        if (!known.has(key)) problems.push(`${where}: ConfigMap key ${key} is not a variable the server reads`);
        if ((SECRET_ENV as readonly string[]).includes(key))
          problems.push(`${where}: ${key} comes from a ConfigMap, not a Secret`);
      }
      for (const env of c.env ?? []) {
        if (!known.has(env.name)) problems.push(`${where}: env ${env.name} is not a variable the server reads`);
        if ((SECRET_ENV as readonly string[]).includes(env.name)) {
          const ref = env.valueFrom?.secretKeyRef;
          if (!ref) problems.push(`${where}: ${env.name} is not read from a Secret`);
          else if (!secretKeys[ref.name ?? '']?.includes(ref.key))
            problems.push(
              `${where}: ${env.name} reads ${ref.name}/${ref.key}, which the example Secret does not define`,
            );
        }
      }
      const envNames = new Set([...(c.env ?? []).map((e) => e.name), ...Object.keys(fromConfig)]);
      if (!envNames.has(ENV.databaseUrl))
        problems.push(`${where}: ${ENV.databaseUrl} not set (would fall back to PGlite)`);
      if (w.label.startsWith('Job/')) continue;
      if (!envNames.has(ENV.redisUrl))
        problems.push(`${where}: ${ENV.redisUrl} not set (replicas would not share changes)`);
      if (!envNames.has(ENV.adminToken)) problems.push(`${where}: ${ENV.adminToken} not set`);
      if (fromConfig[ENV.migrateOnStart] !== 'false')
        problems.push(`${where}: ${ENV.migrateOnStart} is not 'false' (the migration Job owns migrations)`);
    }
  }
  return problems;
}

/** A migration Job runs the contract's migrate command and is ordered before the rollout. */
export function checkMigrationJob(objects: readonly K8sObject[]): string[] {
  const jobs = findObjects(objects, 'Job');
  const migrations = jobs.filter((o) => {
    const c = (o as unknown as IJob).spec?.template.spec?.containers[0];
    return JSON.stringify(c?.command) === JSON.stringify(MIGRATE_COMMAND);
  });
  if (migrations.length !== 1)
    return [`expected one Job running ${MIGRATE_COMMAND.join(' ')}, found ${migrations.length}`];
  const job = migrations[0]!;
  const problems: string[] = [];
  const spec = (job as unknown as IJob).spec;
  if (!['Never', 'OnFailure'].includes(spec?.template.spec?.restartPolicy ?? ''))
    problems.push(`${describe(job)}: restartPolicy must be Never or OnFailure`);
  if (spec?.backoffLimit === undefined) problems.push(`${describe(job)}: backoffLimit not set`);
  if (spec?.activeDeadlineSeconds === undefined) problems.push(`${describe(job)}: activeDeadlineSeconds not set`);
  if (job.metadata.annotations?.['argocd.argoproj.io/hook'] !== 'PreSync')
    problems.push(`${describe(job)}: not a PreSync hook, so nothing orders it before the rollout`);
  return problems;
}

/** The Ingress routes to a known Service port and does not buffer or cut off the SSE stream. */
export function checkIngress(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of findObjects(objects, 'Ingress')) {
    const ing = o as unknown as IIngress;
    const a = o.metadata.annotations ?? {};
    if (a['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off')
      problems.push(`${describe(o)}: proxy buffering is on`);
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      const seconds = Number(a[`nginx.ingress.kubernetes.io/${key}`]);
      if (!(seconds >= 3600)) problems.push(`${describe(o)}: ${key} below 3600 s would cut SSE streams`);
    }
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend.service;
        const service = backend
          ? (findObject(objects, 'Service', backend.name) as unknown as IService | undefined)
          : undefined;
        if (!service) {
          problems.push(`${describe(o)}: backend service ${String(backend?.name)} is not in the rendered set`);
          continue;
        }
        const portOk = service.spec?.ports?.some(
          (p) => p.name === backend?.port?.name || p.port === backend?.port?.number,
        );
        if (!portOk) problems.push(`${describe(o)}: backend port is not a port of Service/${backend?.name}`);
      }
    }
  }
  return problems;
}

/** Weights of the canary's setWeight steps, in order. */
export function canaryWeights(rollout: IRollout): number[] {
  return (rollout.spec?.strategy?.canary?.steps ?? []).flatMap((s) => (s.setWeight === undefined ? [] : [s.setWeight]));
}

/** Canary weights rise strictly to 100; analysis, services and the ingress it names all exist. */
export function checkRollouts(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of findObjects(objects, 'Rollout')) {
    const r = o as unknown as IRollout;
    const canary = r.spec?.strategy?.canary;
    if (!canary) {
      problems.push(`${describe(o)}: no canary strategy`);
      continue;
    }
    const weights = canaryWeights(r);
    if (weights.length === 0) problems.push(`${describe(o)}: no setWeight steps`);
    weights.forEach((w, i) => {
      if (i > 0 && w <= weights[i - 1]!)
        problems.push(`${describe(o)}: weight ${w} after ${weights[i - 1]} does not increase`);
      if (w < 0 || w > 100) problems.push(`${describe(o)}: weight ${w} outside 0..100`);
    });
    if (weights.at(-1) !== 100) problems.push(`${describe(o)}: last weight is ${weights.at(-1)}, not 100`);
    for (const name of [canary.stableService, canary.canaryService]) {
      if (!name || !findObject(objects, 'Service', name))
        problems.push(`${describe(o)}: Service ${String(name)} is not in the rendered set`);
    }
    const ingress = canary.trafficRouting?.nginx?.stableIngress;
    if (ingress !== undefined && !findObject(objects, 'Ingress', ingress))
      problems.push(`${describe(o)}: stableIngress ${ingress} is not in the rendered set`);
    const ref = r.spec?.workloadRef;
    if (ref && !findObject(objects, ref.kind ?? '', ref.name ?? ''))
      problems.push(`${describe(o)}: workloadRef ${ref.kind}/${ref.name} is not in the rendered set`);
    const analyses = [...(canary.analysis?.templates ?? [])];
    if (analyses.length === 0) problems.push(`${describe(o)}: no background analysis`);
    const given = new Set((canary.analysis?.args ?? []).map((a) => a.name));
    for (const t of analyses) {
      const template = findObject(objects, 'AnalysisTemplate', t.templateName ?? '') as unknown as
        IAnalysisTemplate | undefined;
      if (!template) {
        problems.push(`${describe(o)}: AnalysisTemplate ${String(t.templateName)} is not in the rendered set`);
        continue;
      }
      for (const arg of template.spec.args ?? []) {
        if (arg.value === undefined && arg.valueFrom === undefined && !given.has(arg.name))
          problems.push(`${describe(o)}: analysis argument ${arg.name} is required but not passed`);
      }
    }
  }
  return problems;
}

/** Analysis queries read the server's request histogram and its status label. */
export function checkAnalysisTemplates(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of findObjects(objects, 'AnalysisTemplate')) {
    const t = o as unknown as IAnalysisTemplate;
    for (const metric of t.spec.metrics) {
      const query = metric.provider.prometheus?.query ?? '';
      const where = `${describe(o)} metric ${metric.name}`;
      if (!query) problems.push(`${where}: no Prometheus query`);
      if (!query.includes(REQUEST_METRIC.count)) problems.push(`${where}: query does not read ${REQUEST_METRIC.count}`);
      if (!new RegExp(`${REQUEST_METRIC.statusLabel}\\s*=~\\s*"5`).test(query))
        problems.push(`${where}: query does not select 5xx by ${REQUEST_METRIC.statusLabel}`);
      if (!metric.successCondition && !metric.failureCondition) problems.push(`${where}: no success/failure condition`);
      if (metric.failureLimit === undefined) problems.push(`${where}: no failureLimit`);
      const used = new Set(
        [...(query + (metric.successCondition ?? '')).matchAll(/\{\{args\.([\w-]+)\}\}/g)].map((m) => m[1]),
      );
      const declared = new Set((t.spec.args ?? []).map((a) => a.name));
      for (const name of used) if (!declared.has(name!)) problems.push(`${where}: uses undeclared argument ${name}`);
    }
  }
  return problems;
}

/** Every policy at once, keyed by name (the tests report them separately). */
export function allPolicies(objects: readonly K8sObject[], secretKeys: Record<string, readonly string[]>) {
  return {
    hardening: checkHardening(objects),
    resources: checkResources(objects),
    images: checkImages(objects),
    serverContainer: checkServerContainer(objects),
    replicas: checkReplicas(objects),
    selectors: checkSelectors(objects),
    configuration: checkConfiguration(objects, secretKeys),
    migrationJob: checkMigrationJob(objects),
    ingress: checkIngress(objects),
    rollouts: checkRollouts(objects),
    analysisTemplates: checkAnalysisTemplates(objects),
  };
}
