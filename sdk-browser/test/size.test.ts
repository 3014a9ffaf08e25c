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

// The budgets live in package.json ("size-limit"; size-limit counts kB as 1,000 B): the client,
// which counts and sends usage itself (issue 16), within issue 6's 5 kB; the operators it loads on
// demand (cidr, date_*, semver_*: dist/operators-extra.js, imported only when a snapshot uses
// them); the client with the metrics module (`@switchyard/sdk-browser/metrics`, track() events of
// issue 15), so the module's cost is measured too; and the <script> build, one file with all of it.
// size-limit exits non-zero over budget, which fails this test.
it('keeps the client ESM bundle (usage reporting included) within 5 kB, and its other files within their budgets (min+gzip)', async () => {
  // size-limit exits non-zero when over budget; its JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(process.execPath, [sizeLimitBin, '--json'], { cwd: packageDir }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const results = JSON.parse(stdout) as SizeLimitResult[];
  expect(results, `size-limit printed: ${stdout}`).toHaveLength(4);
  for (const { name, size, sizeLimit } of results) console.info(`sdk-browser ${name}: ${size} B (budget ${sizeLimit})`);
  const [client, operators] = results;
  expect(client!.name).toMatch(/^client with usage reporting/);
  expect(client!.sizeLimit).toBe(5000);
  expect(operators!.name).toMatch(/on demand/);
  for (const result of results) expect(result.size, result.name).toBeLessThanOrEqual(result.sizeLimit);
  expect(results.every((result) => result.passed)).toBe(true);
});
