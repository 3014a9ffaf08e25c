/**
 * Preloaded into a server replica by `profile-toggles.mjs` (COUNT_QUERIES=1, `--import`): records
 * every statement the process sends through node-postgres (its text, at the monotonic clock the
 * bench reads) and writes them to `$SWITCHYARD_BENCH_QUERY_LOG` on exit, so the bench can count
 * statements and round trips per toggle per replica, by text. Bench-only; never loaded otherwise.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const out = process.env.SWITCHYARD_BENCH_QUERY_LOG;
if (out) {
  // The server's own pg (the one @prisma/adapter-pg and the server import), resolved from its folder.
  const pg = createRequire(join(process.cwd(), 'package.json'))('pg');
  const log = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? '(submittable)');
    log.push([Number(process.hrtime.bigint() / 1000n), text.replace(/\s+/g, ' ').trim().slice(0, 160)]);
    return original.call(this, config, ...rest);
  };
  process.on('exit', () => writeFileSync(out, JSON.stringify(log)));
}
