import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_MIN_LENGTH, DEFAULT_PORT, PATHS } from './server-contract.js';
import { KUSTOMIZATIONS, readYamlFile, repoPath } from './support/files.js';
import { findObject, type K8sObject } from './support/k8s.js';
import {
  allPolicies,
  canaryWeights,
  checkAnalysisTemplates,
  checkConfiguration,
  checkHardening,
  checkImages,
  checkIngress,
  checkMigrationJob,
  checkReplicas,
  checkResources,
  checkRollouts,
  checkSelectors,
  checkServerContainer,
} from './support/k8s-policy.js';
import { renderKustomization } from './support/render.js';

/** Keys of the Secret the pods read, from the documented example (the real one is created out of band). */
function exampleSecretKeys(): Record<string, string[]> {
  const secret = readYamlFile(repoPath('deploy/kubernetes/examples/secret.example.yaml')) as K8sObject & {
    stringData: Record<string, string>;
  };
  return { [secret.metadata.name]: Object.keys(secret.stringData) };
}

const POLICIES = Object.keys(allPolicies([], {})) as (keyof ReturnType<typeof allPolicies>)[];

describe.each(Object.keys(KUSTOMIZATIONS) as (keyof typeof KUSTOMIZATIONS)[])('policies for %s', (name) => {
  it.each(POLICIES)('%s', (policy) => {
    expect(allPolicies(renderKustomization(name), exampleSecretKeys())[policy]).toEqual([]);
  });
});

describe('the example Secret', () => {
  it('holds values the server accepts', () => {
    const secret = readYamlFile(repoPath('deploy/kubernetes/examples/secret.example.yaml')) as {
      stringData: Record<string, string>;
    };
    expect(secret.stringData['admin-token']!.length).toBeGreaterThanOrEqual(ADMIN_TOKEN_MIN_LENGTH);
    expect(secret.stringData['database-url']).toMatch(/^postgres(ql)?:\/\//);
    expect(secret.stringData['redis-url']).toMatch(/^rediss?:\/\//);
  });
});

describe('what the overlays change', () => {
  it('production runs 3+ replicas in its own namespace behind an Ingress', () => {
    const objects = renderKustomization('production');
    const deployment = findObject(objects, 'Deployment', 'switchyard') as unknown as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(3);
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'switchyard')).toBe(
      true,
    );
    expect(findObject(objects, 'Ingress', 'switchyard')).toBeDefined();
  });

  it('canary hands the pods to a Rollout stepping 1 → 10 → 50 → 100', () => {
    const objects = renderKustomization('canary');
    const rollout = findObject(objects, 'Rollout', 'switchyard');
    expect(rollout).toBeDefined();
    expect(canaryWeights(rollout as never)).toEqual([1, 10, 50, 100]);
    const deployment = findObject(objects, 'Deployment', 'switchyard') as unknown as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(0);
  });
});

// Each policy must be able to fail: break a copy of a good rendering and expect the specific complaint.
describe('policies catch broken manifests', () => {
  type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const fresh = (name: keyof typeof KUSTOMIZATIONS = 'production') =>
    structuredClone(renderKustomization(name)) as K8sObject[];
  const get = (objects: K8sObject[], kind: string, name = 'switchyard') => findObject(objects, kind, name) as Mutable;
  const serverContainer = (objects: K8sObject[]) => get(objects, 'Deployment').spec.template.spec.containers[0];

  it('root user, writable root filesystem, kept capabilities, no /tmp volume', () => {
    const objects = fresh();
    get(objects, 'Deployment').spec.template.spec.securityContext.runAsNonRoot = false;
    const c = serverContainer(objects);
    c.securityContext.readOnlyRootFilesystem = false;
    c.securityContext.capabilities = { add: ['NET_ADMIN'] };
    c.volumeMounts = [];
    const problems = checkHardening(objects).join('\n');
    expect(problems).toMatch(/runAsNonRoot is not true/);
    expect(problems).toMatch(/root filesystem is not read-only/);
    expect(problems).toMatch(/capabilities not dropped/);
    expect(problems).toMatch(/adds capabilities/);
    expect(problems).toMatch(/\/tmp is not an emptyDir mount/);
  });

  it('missing resources', () => {
    const objects = fresh();
    delete serverContainer(objects).resources.limits;
    expect(checkResources(objects)).toEqual([expect.stringMatching(/container server: limits.memory not set/)]);
  });

  it(':latest and untagged images', () => {
    const objects = fresh();
    serverContainer(objects).image = 'ghcr.io/switchyard/switchyard:latest';
    get(objects, 'Job', 'switchyard-migrate').spec.template.spec.containers[0].image = 'localhost:5000/switchyard';
    expect(checkImages(objects)).toEqual([
      expect.stringMatching(/uses :latest/),
      expect.stringMatching(/localhost:5000\/switchyard has no tag/),
    ]);
  });

  it('probes on the wrong path, the wrong port, or missing', () => {
    const objects = fresh();
    const c = serverContainer(objects);
    c.readinessProbe.httpGet.path = PATHS.health;
    c.livenessProbe.httpGet.port = DEFAULT_PORT + 1;
    delete c.startupProbe;
    const problems = checkServerContainer(objects).join('\n');
    expect(problems).toMatch(/readiness probe path \/healthz is not \/readyz/);
    expect(problems).toMatch(/liveness probe port 4243 is not the server port 4242/);
    expect(problems).toMatch(/no startup probe/);
  });

  it('a container port that differs from the server contract', () => {
    const objects = fresh();
    serverContainer(objects).ports[0].containerPort = 8080;
    expect(checkServerContainer(objects).join('\n')).toMatch(/port 'http' is not 4242/);
  });

  it('a single replica, and a Rollout taking over with too few', () => {
    const objects = fresh();
    get(objects, 'Deployment').spec.replicas = 1;
    expect(checkReplicas(objects)).toEqual([expect.stringMatching(/1 replicas, want at least 2/)]);
    const canary = fresh('canary');
    get(canary, 'Rollout').spec.replicas = 1;
    expect(checkReplicas(canary)).toEqual([expect.stringMatching(/Rollout for Deployment\/switchyard: 1 replicas/)]);
  });

  it('Service, PDB and HPA that miss the pods', () => {
    const objects = fresh();
    get(objects, 'Service').spec.selector = { 'app.kubernetes.io/name': 'switchyard-typo' };
    get(objects, 'PodDisruptionBudget').spec.selector.matchLabels['app.kubernetes.io/component'] = 'web';
    get(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'switchyard-old';
    const problems = checkSelectors(objects).join('\n');
    expect(problems).toMatch(/Service\/switchyard: selector matches no server pod template/);
    expect(problems).toMatch(/PodDisruptionBudget\/switchyard: selector matches no server pod template/);
    expect(problems).toMatch(/scaleTargetRef .*switchyard-old is not in the rendered set/);
  });

  it('an HPA left on the Deployment once a Rollout owns the pods', () => {
    const objects = fresh('canary');
    get(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'switchyard',
    };
    expect(checkSelectors(objects).join('\n')).toMatch(/whose pods a Rollout owns/);
  });

  it('credentials in plain values, unknown variables, migrating at start', () => {
    const objects = fresh();
    const c = serverContainer(objects);
    c.env = c.env.map((e: Mutable) =>
      e.name === 'DATABASE_URL' ? { name: 'DATABASE_URL', value: 'postgres://x' } : e,
    );
    c.env.push({ name: 'SWITCHYARD_ADMINTOKEN', value: 'typo' });
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as Mutable;
    configMap.data.SWITCHYARD_MIGRATE_ON_START = 'true';
    const problems = checkConfiguration(objects, exampleSecretKeys()).join('\n');
    expect(problems).toMatch(/DATABASE_URL is not read from a Secret/);
    expect(problems).toMatch(/env SWITCHYARD_ADMINTOKEN is not a variable the server reads/);
    expect(problems).toMatch(/SWITCHYARD_MIGRATE_ON_START is not 'false'/);
  });

  it('a Secret key the example Secret does not define', () => {
    const objects = fresh();
    serverContainer(objects).env.find((e: Mutable) => e.name === 'REDIS_URL').valueFrom.secretKeyRef.key = 'redis';
    expect(checkConfiguration(objects, exampleSecretKeys()).join('\n')).toMatch(/reads switchyard-secrets\/redis/);
  });

  it('a migration Job that is not ordered or runs the wrong command', () => {
    const objects = fresh();
    const job = get(objects, 'Job', 'switchyard-migrate');
    delete job.metadata.annotations;
    expect(checkMigrationJob(objects)).toEqual([expect.stringMatching(/not a PreSync hook/)]);
    job.spec.template.spec.containers[0].command = ['node', 'server/dist/main.js'];
    expect(checkMigrationJob(objects)).toEqual([expect.stringMatching(/expected one Job running/)]);
  });

  it('an Ingress that buffers or times out SSE, or points nowhere', () => {
    const objects = fresh();
    const ingress = get(objects, 'Ingress');
    ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering'] = 'on';
    ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '60';
    ingress.spec.rules[0].http.paths[0].backend.service.port = { name: 'https' };
    const problems = checkIngress(objects).join('\n');
    expect(problems).toMatch(/proxy buffering is on/);
    expect(problems).toMatch(/proxy-read-timeout below 3600/);
    expect(problems).toMatch(/backend port is not a port of Service\/switchyard/);
  });

  it('canary weights that fall back, stall below 100, or exceed it', () => {
    const objects = fresh('canary');
    const steps = get(objects, 'Rollout').spec.strategy.canary.steps as Mutable[];
    steps.splice(0, steps.length, { setWeight: 10 }, { pause: {} }, { setWeight: 5 }, { setWeight: 50 });
    const problems = checkRollouts(objects).join('\n');
    expect(problems).toMatch(/weight 5 after 10 does not increase/);
    expect(problems).toMatch(/last weight is 50, not 100/);
    steps.splice(0, steps.length, { setWeight: 50 }, { setWeight: 150 });
    expect(checkRollouts(objects).join('\n')).toMatch(/weight 150 outside 0..100/);
  });

  it('a Rollout whose analysis, services or arguments are missing', () => {
    const objects = fresh('canary');
    const canary = get(objects, 'Rollout').spec.strategy.canary;
    canary.canaryService = 'switchyard-preview';
    canary.analysis.args = canary.analysis.args.filter((a: Mutable) => a.name !== 'canary-hash');
    expect(checkRollouts(objects).join('\n')).toMatch(/Service switchyard-preview is not in the rendered set/);
    expect(checkRollouts(objects).join('\n')).toMatch(/analysis argument canary-hash is required but not passed/);
    canary.analysis.templates[0].templateName = 'nope';
    expect(checkRollouts(objects).join('\n')).toMatch(/AnalysisTemplate nope is not in the rendered set/);
  });

  it('an analysis query on another metric or without the 5xx filter', () => {
    const objects = fresh('canary');
    const metric = get(objects, 'AnalysisTemplate', 'switchyard-error-rate').spec.metrics[0];
    metric.provider.prometheus.query = 'sum(rate(http_requests_total{code="500"}[1m])) / {{args.unknown}}';
    const problems = checkAnalysisTemplates(objects).join('\n');
    expect(problems).toMatch(/does not read http_request_duration_seconds_count/);
    expect(problems).toMatch(/does not select 5xx by status_code/);
    expect(problems).toMatch(/uses undeclared argument unknown/);
  });
});
