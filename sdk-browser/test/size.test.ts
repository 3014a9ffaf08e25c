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

// The budget lives in package.json ("size-limit"). The product target is 5 kB (issue 6); the bundle is
// 5,952 B today (core evaluator ~3.7 kB, core/sync ~0.8 kB, client + connection the rest), so the limit
// is a ratchet at the achieved size rounded up ("6 kB") until the target is met; setting it to
// "5.12 kB" or below then makes this test enforce the target.
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
