import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

interface SizeLimitResult {
  name: string;
  passed: boolean;
  size: number;
  sizeLimit: number;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const sizeLimitBin = join(dirname(createRequire(import.meta.url).resolve('size-limit/package.json')), 'bin.js');

// The budget lives in package.json ("size-limit"). The product target is 5 kB; today's core evaluator
// alone is ~5.5 kB gzipped, so the limit is a ratchet just above the current size until core slims
// down (see README "Bundle size"). Lowering it to "5 kB" makes this test enforce the target.
it('keeps the client ESM bundle (min+gzip, core evaluator included) within its size-limit budget', async () => {
  // size-limit exits non-zero when over budget; its JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(process.execPath, [sizeLimitBin, '--json'], { cwd: packageDir }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const [client] = JSON.parse(stdout) as SizeLimitResult[];
  expect(client, `size-limit printed: ${stdout}`).toBeDefined();
  console.info(`sdk-browser dist/index.js: ${client!.size} bytes gzipped (budget ${client!.sizeLimit})`);
  expect(client!.size).toBeLessThanOrEqual(client!.sizeLimit);
  expect(client!.passed).toBe(true);
});
