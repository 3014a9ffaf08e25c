import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { validateWorkflow } from '@action-validator/core';
import { listYamlFiles, readText, readYamlFile, relativePath, repoPath } from './support/files.js';
import { formatErrors, githubWorkflowValidator } from './support/schemas.js';
import { checkWorkflow, type Workflow } from './support/workflow-policy.js';

const DEPLOY_TEST_COMMAND = 'npx vitest run --project deploy';
const workflows = listYamlFiles(repoPath('.github/workflows'));
const ciPath = repoPath('.github/workflows/ci.yml');

describe('GitHub workflows', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = githubWorkflowValidator();
  });

  it('exist', () => {
    expect(workflows.map(relativePath)).toContain('.github/workflows/ci.yml');
  });

  it.each(workflows.map((f) => [relativePath(f), f]))('%s matches SchemaStore github-workflow schema', (_n, file) => {
    const ok = validate(readYamlFile(file));
    expect(formatErrors(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(workflows.map((f) => [relativePath(f), f]))('%s passes action-validator', (_n, file) => {
    const state = validateWorkflow(readText(file));
    expect(state.errors).toEqual([]);
  });

  it('ci.yml tests every supported Node line, and the published packages', () => {
    const test = (readYamlFile(ciPath) as Record<string, any>)['jobs']['test']; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(test['strategy']['matrix']['node']).toEqual(['20', '22', '24']);
    expect(
      test['steps'].find((s: { uses?: string }) => s.uses?.startsWith('actions/setup-node')).with['node-version'],
    ).toBe('${{ matrix.node }}');
    expect(test['steps'].map((s: { run?: string }) => s.run)).toContain('npm run check:packages');
  });

  it('ci.yml passes the pipeline policy', () => {
    expect(checkWorkflow(readYamlFile(ciPath) as Workflow, DEPLOY_TEST_COMMAND)).toEqual([]);
  });

  it('schema validation can fail', () => {
    const broken = readYamlFile(ciPath) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    broken['jobs']['test']['runs_on'] = broken['jobs']['test']['runs-on'];
    delete broken['jobs']['test']['runs-on'];
    broken['on']['pull-request'] = {};
    expect(validate(broken)).toBe(false);
    expect(formatErrors(validate.errors).join('\n')).toMatch(/jobs\/test/);
  });
});

describe('workflow policy catches a broken pipeline', () => {
  type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const broken = () => readYamlFile(ciPath) as Mutable;

  it('tests without services or lint, only on push', () => {
    const wf = broken();
    delete wf['on']['pull_request'];
    delete wf['jobs']['test']['services']['redis'];
    wf['jobs']['test']['steps'] = wf['jobs']['test']['steps'].filter((s: Mutable) => s.run !== 'npm run lint');
    const problems = checkWorkflow(wf as Workflow, DEPLOY_TEST_COMMAND).join('\n');
    expect(problems).toMatch(/not triggered on pull_request/);
    expect(problems).toMatch(/test: no Redis service container/);
    expect(problems).toMatch(/test: does not run `npm run lint`/);
  });

  it('an image pushed from any branch, tagged latest, before tests pass', () => {
    const wf = broken();
    const image = wf['jobs']['image'];
    image['if'] = "github.event_name == 'push'";
    image['needs'] = ['manifests'];
    const meta = image['steps'].find((s: Mutable) => s.uses?.startsWith('docker/metadata-action'));
    meta.with.flavor = 'latest=auto';
    meta.with.tags = 'type=ref,event=branch';
    const problems = checkWorkflow(wf as Workflow, DEPLOY_TEST_COMMAND).join('\n');
    expect(problems).toMatch(/does not limit pushing to main and tags/);
    expect(problems).toMatch(/image: does not wait for test/);
    expect(problems).toMatch(/metadata-action may add :latest/);
    expect(problems).toMatch(/no tag from the commit/);
    expect(problems).toMatch(/no tag from the version/);
  });

  it('unpinned actions and service images, no deploy checks', () => {
    const wf = broken();
    wf['jobs']['test']['services']['postgres']['image'] = 'postgres';
    wf['jobs']['test']['steps'][0]['uses'] = 'actions/checkout';
    delete wf['jobs']['manifests'];
    const problems = checkWorkflow(wf as Workflow, DEPLOY_TEST_COMMAND).join('\n');
    expect(problems).toMatch(/service postgres image postgres is not pinned/);
    expect(problems).toMatch(/actions\/checkout is not pinned/);
    expect(problems).toMatch(/no job runs `npx vitest run --project deploy`/);
  });
});
