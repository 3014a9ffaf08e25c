import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The budget: the console's JavaScript, gzipped, at most 120 KB (120,000 bytes). */
const BUDGET_BYTES = 120_000;

const assets = fileURLToPath(new URL('../dist/assets', import.meta.url));

describe('console bundle size', () => {
  it(`ships at most ${BUDGET_BYTES} bytes of JavaScript, gzipped`, async () => {
    const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const name of scripts) total += gzipSync(await readFile(join(assets, name)), { level: 9 }).length;
    console.log(`console JavaScript: ${scripts.length} file(s), ${total} bytes gzipped (budget ${BUDGET_BYTES})`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('emits content-hashed file names (cache-busting) and precompressed siblings', async () => {
    const names = await readdir(assets);
    for (const name of names.filter((n) => /\.(js|css)$/.test(n))) {
      expect(name).toMatch(/-[\w-]{8}\.(js|css)$/);
      expect(names).toContain(`${name}.gz`);
      expect(names).toContain(`${name}.br`);
    }
  });
});
