import type * as Recheck from 'recheck';

/**
 * ReDoS analysis with recheck (https://makenowjust-labs.github.io/recheck/), run at write time and
 * on snapshots that did not come from a server (bootstrap, cache files). Its automaton checker
 * decides, for the patterns regex-syntax.ts admits, whether a backtracking engine (V8, SpiderMonkey,
 * JavaScriptCore: what browsers run) can take more than linear time on some input, including the
 * unanchored search (`a*b` is quadratic on `aaa…`). Only `safe` is accepted: `vulnerable` is
 * refused, and so is `unknown` (the analysis gave up: too large, timed out, or an error), so that
 * when in doubt the pattern is refused.
 *
 * Two ways to run it, sharing one verdict cache:
 * - {@link redosProblemAsync} (the server's write path, sdk-node's cache file): recheck's `check`,
 *   which runs the analysis in its native agent (a child process) or a worker thread, so the
 *   caller's event loop keeps serving meanwhile; it can be cancelled with an AbortSignal.
 * - {@link redosProblem}: recheck's `checkSync`, which blocks the calling thread until a worker
 *   answers (synckit, Atomics.wait): about 1–20 ms per pattern, up to the timeout. Only for a
 *   context that must answer synchronously (sdk-node's bootstrap, applied in `createClient`).
 *
 * It is loaded on first use, not when this module is imported: it is ~3 MB of Scala.js (~200 ms
 * and ~30 MB to load, ~40 MB more for its worker), which a server needs only when a pattern is
 * written and sdk-node only when a bootstrap or cache file holds one. Loading through Node's
 * `createRequire` also keeps it out of bundles (the server's dist/main.js): it finds its worker
 * script and native binary next to its own files. Where it cannot load (not Node), every pattern
 * is undecided, so refused.
 */
let recheck: typeof Recheck | undefined;
/** The Node APIs used here, typed locally: core is built without Node's types. */
interface NodeModuleApi {
  createRequire(path: string): (id: string) => unknown;
}
function loadRecheck(): typeof Recheck {
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const moduleApi = node?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  if (!moduleApi) throw new Error('recheck needs Node.js');
  recheck ??= moduleApi.createRequire((import.meta as unknown as { url: string }).url)('recheck') as typeof Recheck;
  return recheck;
}

/** What is used of an AbortSignal (typed locally: core is built without DOM or Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Longest a single analysis may take; a pattern it cannot decide in this time is refused. */
export const REDOS_CHECK_TIMEOUT_MS = 2000;

/**
 * Cached verdicts (flags + pattern), least recently used first (a hit moves its entry to the end),
 * so rewriting a configuration whose patterns are unchanged analyses nothing. Bounded so arbitrary
 * writes cannot grow it without end. An undecided analysis (a timeout on a busy machine, a
 * cancellation) is not cached: it may decide next time.
 */
const verdicts = new Map<string, string | undefined>();
const MAX_CACHED = 5000;
/** Analyses running now, so that concurrent requests for one pattern share one analysis. */
const running = new Map<string, Promise<Analysis>>();

interface Analysis {
  verdict: string | undefined;
  decided: boolean;
}

const keyOf = (pattern: string, flags: string) => `${flags}/${pattern}`;

/** True when a verdict for the pattern is cached: {@link redosProblemAsync} would answer at once. */
export function isRedosVerdictCached(pattern: string, caseInsensitive: boolean): boolean {
  return verdicts.has(keyOf(pattern, caseInsensitive ? 'i' : ''));
}

function cached(key: string): { verdict: string | undefined } | undefined {
  if (!verdicts.has(key)) return undefined;
  const verdict = verdicts.get(key);
  verdicts.delete(key);
  verdicts.set(key, verdict);
  return { verdict };
}

function remember(key: string, { verdict, decided }: Analysis): string | undefined {
  if (!decided) return verdict;
  if (verdicts.size >= MAX_CACHED) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(key, verdict);
  return verdict;
}

/**
 * Why `pattern` (with `i` when `caseInsensitive`) may backtrack super-linearly, or `undefined` when
 * recheck proves it safe. Blocks the calling thread while recheck works: see the module comment.
 */
export function redosProblem(pattern: string, caseInsensitive: boolean): string | undefined {
  const flags = caseInsensitive ? 'i' : '';
  const key = keyOf(pattern, flags);
  const hit = cached(key);
  if (hit) return hit.verdict;
  let analysis: Analysis;
  try {
    analysis = verdictOf(
      loadRecheck().checkSync(pattern, flags, { checker: 'automaton', timeout: REDOS_CHECK_TIMEOUT_MS }),
    );
  } catch {
    analysis = UNDECIDED;
  }
  return remember(key, analysis);
}

/**
 * {@link redosProblem} without blocking: the analysis runs outside the calling thread. When
 * `signal` aborts first, the answer is an undecided refusal (not cached).
 */
export async function redosProblemAsync(
  pattern: string,
  caseInsensitive: boolean,
  signal?: AbortSignalLike,
): Promise<string | undefined> {
  return (await redosVerdictAsync(pattern, caseInsensitive, signal)).verdict;
}

/**
 * {@link redosProblemAsync} with whether the verdict is decided: `false` when the analysis timed
 * out or was cancelled (or recheck failed), so that the same pattern may be decided another time.
 */
export async function redosVerdictAsync(
  pattern: string,
  caseInsensitive: boolean,
  signal?: AbortSignalLike,
): Promise<{ verdict: string | undefined; decided: boolean }> {
  const flags = caseInsensitive ? 'i' : '';
  const key = keyOf(pattern, flags);
  const hit = cached(key);
  if (hit) return { verdict: hit.verdict, decided: true };
  if (signal?.aborted) return UNDECIDED;
  let analysis = running.get(key);
  if (!analysis) {
    // Not tied to this caller's signal: another caller may be waiting for the same analysis, and
    // recheck's own timeout bounds it.
    analysis = loadRecheckAsync()
      .then((api) => api.check(pattern, flags, { checker: 'automaton', timeout: REDOS_CHECK_TIMEOUT_MS }))
      .then(verdictOf, () => UNDECIDED)
      .finally(() => running.delete(key));
    running.set(key, analysis);
    void analysis.then((result) => remember(key, result));
  }
  return signal ? untilAborted(analysis, signal) : analysis;
}

async function loadRecheckAsync(): Promise<typeof Recheck> {
  return loadRecheck();
}

/** `analysis`, or an undecided answer as soon as `signal` aborts. */
function untilAborted(analysis: Promise<Analysis>, signal: AbortSignalLike): Promise<Analysis> {
  return new Promise((resolve) => {
    const onAbort = () => resolve(UNDECIDED);
    signal.addEventListener('abort', onAbort, { once: true });
    void analysis.then((result) => {
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    });
  });
}

const UNDECIDED: Analysis = { verdict: 'could not be proven safe from catastrophic backtracking', decided: false };

function verdictOf(diagnostics: Recheck.Diagnostics): Analysis {
  switch (diagnostics.status) {
    case 'safe':
      return { verdict: undefined, decided: true };
    case 'vulnerable':
      return {
        verdict: `can take ${diagnostics.complexity.summary} time in backtracking regex engines (e.g. on ${JSON.stringify(attackSample(diagnostics.attack.string))})`,
        decided: true,
      };
    default:
      return {
        verdict: `could not be proven safe from catastrophic backtracking (${diagnostics.error.kind})`,
        decided: diagnostics.error.kind !== 'timeout' && diagnostics.error.kind !== 'cancel',
      };
  }
}

/** The start of recheck's attack string, short enough for an error message. */
function attackSample(attack: string): string {
  return attack.length > 40 ? `${attack.slice(0, 40)}…` : attack;
}
