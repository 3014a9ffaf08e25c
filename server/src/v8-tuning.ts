import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the server process, applied when this module is evaluated: server.ts (the entry)
 * imports it first, before any WebAssembly module is compiled. (`node --flag` would do the same,
 * but the server is started as plain `node dist/main.js`, the bundle of server.ts, by `npm start`,
 * the Docker image and orchestrators.)
 *
 * Prisma 7 compiles queries to plans in WebAssembly (its ~3.4 MB query compiler). V8 first runs
 * WASM functions as baseline code (Liftoff) and recompiles the ones that have run for a while with
 * its optimizing compiler (TurboFan): "dynamic tiering", triggered per function after
 * `--wasm-tiering-budget` (default 1.8 M, roughly bytes of code executed). Compiling the first few
 * query shapes at start uses up that budget for hundreds of functions, so TurboFan spends
 * ~150 ms of CPU and ~45 MB of RSS on code that runs rarely afterwards: Prisma caches the plan of
 * every query shape, so in steady state the compiler hardly runs. With ten times the budget only
 * functions that stay hot tier up. Measured (bench:server, A/B): RSS after start 174 → 129 MB,
 * after the load phases 255 → 189 MB; CPU per toggle and snapshot requests per CPU-second
 * unchanged within noise; PGlite (also WASM) in embedded mode likewise.
 */
setFlagsFromString('--wasm-tiering-budget=18000000');

/**
 * During start-up, WebAssembly runs as baseline code only (`--liftoff-only`); `endStartupWasmTiering`
 * turns tier-up back on once the server listens.
 *
 * Why: opening the embedded database runs a great deal of Postgres code once (catalog loading, the
 * migrator's checks, the demo seed), and even with the budget above V8 tiered hundreds of those
 * functions up to TurboFan while starting: CPU on compiler threads and tens of MB of optimized code
 * for functions that then hardly run. Tier-up is decided when a function's budget runs out, so
 * functions that stay hot after start-up still get optimized code, just later. Measured on a first
 * start of an empty data dir (embedded, `node dist/main.js`): 2.1–2.3 s → 0.9–1.1 s to the URL and
 * 291–328 → 222–228 MB RSS at the URL; PGlite's steady-state CPU per query the same within noise
 * once tier-up is back on (an A/B of 6,000 mixed queries). With Postgres (server mode) the same
 * holds for Prisma's query compiler, which compiles the first query shapes at start-up.
 */
setFlagsFromString('--liftoff-only');

/** Turns WebAssembly tier-up back on (see above); the server calls it once it listens. */
export function endStartupWasmTiering(): void {
  setFlagsFromString('--no-liftoff-only');
}
