/** Child process of bench:scale: `node sdk-apply-worker.mjs <input.json>` prints measurePatchApply's result. */
import { readFileSync } from 'node:fs';
import { measurePatchApply } from './sdk-apply.mjs';

const { snapshotJson, patches } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${JSON.stringify(measurePatchApply(snapshotJson, patches))}\n`);
