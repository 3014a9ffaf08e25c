// CommonJS copy of a workspace's ESM build, for `require()` callers (see the package's "exports"):
// dist/**/*.js (tsc's ESM output) is transpiled file by file by esbuild into dist/cjs/, next to
// copies of the declarations, and dist/cjs/package.json says `"type": "commonjs"` so that Node and
// TypeScript (node16, bundler) read both the .js and the .d.ts files there as CommonJS. Files are
// not bundled, so `require('@switchyard/core/sync')` and `require('@switchyard/core')` share one
// module graph, as the ESM entry points do. Usage: node scripts/build-cjs.mjs <workspace dir>
import { transform } from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const dist = join(root, 'dist');
const out = join(dist, 'cjs');

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== out) yield* files(path);
    } else yield path;
  }
}

await rm(out, { recursive: true, force: true });
for await (const file of files(dist)) {
  const isJs = file.endsWith('.js') && !file.endsWith('.min.js');
  const isTypes = file.endsWith('.d.ts');
  if (!isJs && !isTypes) continue;
  const target = join(out, relative(dist, file));
  await mkdir(dirname(target), { recursive: true });
  const text = (await readFile(file, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/m, '');
  if (isTypes) {
    await writeFile(target, text);
    continue;
  }
  // `import.meta.url` (core's regex-redos.ts loads recheck relative to itself) has no CommonJS
  // equivalent expression, so it becomes a file-level constant computed from __filename.
  const usesMeta = text.includes('import.meta');
  const result = await transform(text, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcefile: relative(root, file),
    ...(usesMeta
      ? {
          define: { 'import.meta.url': '__switchyardModuleUrl' },
          banner: 'const __switchyardModuleUrl = require("node:url").pathToFileURL(__filename).href;',
        }
      : {}),
  });
  await writeFile(target, result.code);
}
await writeFile(join(out, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
