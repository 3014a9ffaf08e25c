/** The parts of a GitHub Actions workflow these checks read. */
export interface Workflow {
  on: Record<string, unknown> | string | string[];
  jobs: Record<string, WorkflowJob>;
}

export interface WorkflowJob {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; ports?: (string | number)[] }>;
  steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}

function triggers(workflow: Workflow): string[] {
  if (typeof workflow.on === 'string') return [workflow.on];
  return Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on);
}

const runs = (job: WorkflowJob) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');
const uses = (job: WorkflowJob, action: string) => (job.steps ?? []).find((s) => s.uses?.split('@')[0] === action);

/**
 * CI: tests on every push and PR against Postgres and Redis service containers; the deploy checks;
 * an image pushed to GHCR with commit/version tags, only from main or a tag, after both pass.
 */
export function checkWorkflow(workflow: Workflow, deployTestCommand: string): string[] {
  const problems: string[] = [];
  const on = triggers(workflow);
  for (const event of ['push', 'pull_request']) if (!on.includes(event)) problems.push(`not triggered on ${event}`);

  const jobs = Object.entries(workflow.jobs);
  for (const [name, job] of jobs) {
    for (const step of job.steps ?? []) {
      if (step.uses && !step.uses.startsWith('./') && !/@[\w.-]+$/.test(step.uses))
        problems.push(`${name}: ${step.uses} is not pinned to a version`);
    }
    for (const [service, spec] of Object.entries(job.services ?? {})) {
      if (/:latest$|^[^:]+$/.test(spec.image))
        problems.push(`${name}: service ${service} image ${spec.image} is not pinned`);
    }
  }

  const testJob = jobs.find(([, j]) => /(^|\n)npm test\b/.test(runs(j)));
  if (!testJob) problems.push('no job runs `npm test`');
  else {
    const [name, job] = testJob;
    const images = Object.values(job.services ?? {}).map((s) => s.image);
    if (!images.some((i) => i.startsWith('postgres:'))) problems.push(`${name}: no Postgres service container`);
    if (!images.some((i) => i.startsWith('redis:'))) problems.push(`${name}: no Redis service container`);
    for (const command of ['npm ci', 'npm run lint', 'npm test']) {
      if (!runs(job).includes(command)) problems.push(`${name}: does not run \`${command}\``);
    }
    if (job.if) problems.push(`${name}: tests must run on every push and PR, not only if ${job.if}`);
  }

  const manifestJob = jobs.find(([, j]) => runs(j).includes(deployTestCommand));
  if (!manifestJob) problems.push(`no job runs \`${deployTestCommand}\``);

  const imageJob = jobs.find(([, j]) => uses(j, 'docker/build-push-action'));
  if (!imageJob) problems.push('no job builds the image');
  else {
    const [name, job] = imageJob;
    const meta = uses(job, 'docker/metadata-action');
    if (!meta) problems.push(`${name}: image tags do not come from docker/metadata-action`);
    const images = String(meta?.with?.['images'] ?? '');
    if (!images.startsWith('ghcr.io/')) problems.push(`${name}: image is not pushed to ghcr.io`);
    const tags = String(meta?.with?.['tags'] ?? '');
    if (!/type=sha/.test(tags)) problems.push(`${name}: no tag from the commit (type=sha)`);
    if (!/type=semver/.test(tags)) problems.push(`${name}: no tag from the version (type=semver)`);
    if (!/latest=false/.test(String(meta?.with?.['flavor'] ?? '')))
      problems.push(`${name}: metadata-action may add :latest`);
    const login = uses(job, 'docker/login-action');
    if (login?.with?.['registry'] !== 'ghcr.io') problems.push(`${name}: does not log in to ghcr.io`);
    if (job.permissions?.['packages'] !== 'write') problems.push(`${name}: lacks packages: write`);
    const condition = job.if ?? '';
    if (!condition.includes('refs/heads/main') || !condition.includes('refs/tags/'))
      problems.push(`${name}: does not limit pushing to main and tags`);
    if (!condition.includes("github.event_name == 'push'")) problems.push(`${name}: could push from a pull request`);
    const needs = Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : [];
    for (const required of [testJob?.[0], manifestJob?.[0]]) {
      if (required && !needs.includes(required)) problems.push(`${name}: does not wait for ${required}`);
    }
  }
  return problems;
}
