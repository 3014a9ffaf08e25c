// Marks the server's build as begun (`begin`, first step) or complete (`end`, last step); see
// BUILD_STAMP in scripts/build-staleness.mjs, which `npm start` checks to skip a current build.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const begun = `${dist}.build-begun`;
const stamp = `${dist}.build-stamp`;

const step = process.argv[2];
if (step === 'begin') {
  mkdirSync(dist, { recursive: true });
  rmSync(stamp, { force: true });
  writeFileSync(begun, `${new Date().toISOString()}\n`);
} else if (step === 'end') {
  renameSync(begun, stamp);
} else {
  console.error('usage: node scripts/build-stamp.mjs begin|end');
  process.exit(2);
}
