import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const sdkSrc = fileURLToPath(new URL('../../src', import.meta.url));
const coreSrc = fileURLToPath(new URL('../../../core/src', import.meta.url));
const coreEntries: Record<string, string> = {
  '@switchyard/core': `${coreSrc}/index.ts`,
  '@switchyard/core/sync': `${coreSrc}/sync/index.ts`,
  '@switchyard/core/client-api': `${coreSrc}/client-api/index.ts`,
};

/** How a script run ended. */
export interface ScriptResult {
  /** Exit code (`null` when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run, in ms. */
  ms: number;
}

/**
 * Runs `source` (an ES module importing `@switchyard/sdk-node`) as its own Node process, the way
 * an application's script runs: bundled by esbuild from the SDK's and core's sources (so no stale
 * dist/ is involved). Top-level await works; the process ends on its own or is killed after
 * `killAfterMs`.
 */
export async function runScript(
  source: string,
  env: Record<string, string>,
  killAfterMs = 30_000,
): Promise<ScriptResult> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-script-'));
  try {
    const file = join(dir, 'script.mjs');
    const bundled = await build({
      stdin: { contents: source, loader: 'js', resolveDir: sdkSrc },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['ioredis'],
      write: false,
      logLevel: 'error',
      plugins: [
        {
          name: 'switchyard-sources',
          setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /^@switchyard\/sdk-node$/ }, () => ({ path: `${sdkSrc}/index.ts` }));
            pluginBuild.onResolve({ filter: /^@switchyard\/core(\/[a-z-]+)?$/ }, (args) => ({
              path: coreEntries[args.path]!,
            }));
          },
        },
      ],
    });
    await writeFile(file, bundled.outputFiles[0]!.text);
    const started = Date.now();
    return await new Promise<ScriptResult>((resolve) => {
      execFile(
        process.execPath,
        [file],
        { env: { PATH: process.env.PATH ?? '', ...env }, timeout: killAfterMs },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
