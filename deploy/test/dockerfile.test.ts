import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dockerignoreModule from '@balena/dockerignore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDockerfile, parseStages } from './support/dockerfile-policy.js';
import { REPO_ROOT, readText, readYamlFile, repoPath } from './support/files.js';

// CommonJS module whose typings declare an ES default export: under NodeNext the function is the module itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

const dockerfile = () => readText(repoPath('Dockerfile'));
const workspaces = (JSON.parse(readText(repoPath('package.json'))) as { workspaces: string[] }).workspaces;

describe('Dockerfile', () => {
  it('passes the image policy', () => {
    expect(checkDockerfile(dockerfile(), workspaces)).toEqual([]);
  });

  it('has deps, build and runtime stages on a pinned Node base, the newest line CI tests', () => {
    const stages = parseStages(dockerfile());
    expect(stages.map((s) => s.alias)).toEqual(['deps', 'build', 'runtime']);
    const major = /^node:(\d+)[.\w-]*$/.exec(stages[2]!.image)?.[1];
    const ci = readYamlFile(repoPath('.github/workflows/ci.yml')) as {
      jobs: { test: { strategy: { matrix: { node: string[] } } } };
    };
    const tested = ci.jobs.test.strategy.matrix.node.map(Number);
    expect(Number(major)).toBe(Math.max(...tested));
  });

  describe('the policy catches', () => {
    const edit = (from: RegExp, to: string) => {
      const text = dockerfile();
      expect(text).toMatch(from);
      return checkDockerfile(text.replace(from, to), workspaces).join('\n');
    };
    it('a root user', () => expect(edit(/^USER .*$/m, 'USER root')).toMatch(/USER root is root/));
    it('no user at all', () => expect(edit(/^USER .*$/m, '')).toMatch(/no USER, runs as root/));
    it('a missing HEALTHCHECK', () =>
      expect(edit(/^HEALTHCHECK[^]*?\.mjs", "\/healthz"\]$/m, '')).toMatch(/no HEALTHCHECK/));
    it('a HEALTHCHECK on another path', () =>
      expect(edit(/"\/healthz"\]/, '"/readyz"]')).toMatch(/does not probe \/healthz/));
    it('a development NODE_ENV', () =>
      expect(edit(/NODE_ENV=production/, 'NODE_ENV=development')).toMatch(/NODE_ENV is not production/));
    it('a single stage', () =>
      expect(checkDockerfile('FROM node:20-slim\nCMD ["node"]\n', workspaces)).toEqual([
        expect.stringMatching(/not multi-stage/),
      ]));
    it('a :latest base', () =>
      expect(edit(/ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest')).toMatch(/base image node:latest uses :latest/));
    it('no pruning', () => expect(edit(/npm prune --omit=dev/, 'true')).toMatch(/dev dependencies are not pruned/));
    it('a runtime built on the build stage', () =>
      expect(edit(/^FROM \$\{NODE_IMAGE\} AS runtime$/m, 'FROM build AS runtime')).toMatch(/built FROM build/));
    it('another start command', () =>
      expect(edit(/^CMD .*$/m, 'CMD ["npm", "start"]')).toMatch(/CMD \["npm","start"\] is not/));
    it('migrations left out of the image', () =>
      expect(edit(/^COPY --from=build \/app\/prisma .*$/m, '')).toMatch(/prisma\/migrations is not copied/));
    it('a workspace manifest left out of npm ci', () =>
      expect(edit(/^COPY bench\/package.json bench\/$/m, '')).toMatch(/workspace bench's package.json is not copied/));
  });
});

describe('.dockerignore', () => {
  const ignore = dockerignore().add(readText(repoPath('.dockerignore')));
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const sent = tracked.filter((f) => !ignore.ignores(f));

  it('sends what the build needs', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'prisma.config.ts',
      'prisma/schema.prisma',
      'server/scripts/generate-prisma.mjs',
      'scripts/build-cjs.mjs', // core's CommonJS build
      'deploy/docker/healthcheck.mjs',
      ...workspaces.map((w) => `${w}/package.json`),
    ];
    expect(needed.filter((f) => ignore.ignores(f))).toEqual([]);
    // Every tracked source file of a workspace goes in (tsc builds them all).
    const sources = tracked.filter((f) => workspaces.some((w) => f.startsWith(`${w}/src/`)) || f.startsWith('prisma/'));
    expect(sources.filter((f) => ignore.ignores(f))).toEqual([]);
  });

  it('keeps local state, secrets and build output out', () => {
    for (const path of [
      'node_modules/x/index.js',
      'server/node_modules/x',
      'server/dist/main.js',
      'data/pglite/PG_VERSION',
      '.env',
      '.env.local',
      '.git/HEAD',
      'server/src/generated/prisma/client.ts',
    ])
      expect(ignore.ignores(path), path).toBe(true);
    expect(sent.some((f) => f.startsWith('deploy/kubernetes/'))).toBe(false);
  });
});

describe('deploy/docker/healthcheck.mjs (the HEALTHCHECK command)', () => {
  let server: Server;
  let port: number;
  let status = 200;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/slow') return; // never answers
      res.statusCode = status;
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  async function probe(env: Record<string, string>, path?: string): Promise<number> {
    const child = spawn(process.execPath, [repoPath('deploy/docker/healthcheck.mjs'), ...(path ? [path] : [])], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const [code] = (await once(child, 'exit')) as [number];
    return code;
  }

  it('exits 0 when /healthz answers 200, and asks /healthz by default', async () => {
    status = 200;
    expect(await probe({ PORT: String(port) })).toBe(0);
    expect(seen.at(-1)).toBe('/healthz');
  });

  it('exits 1 on an error status', async () => {
    status = 503;
    expect(await probe({ PORT: String(port) }, '/healthz')).toBe(1);
  });

  it('exits 1 when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const unused = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect(await probe({ PORT: String(unused) })).toBe(1);
  });

  it('exits 1 when the server hangs past the timeout', async () => {
    expect(await probe({ PORT: String(port), HEALTHCHECK_TIMEOUT_MS: '200' }, '/slow')).toBe(1);
  });
});
