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
 * recheck runs synchronously (its native or JavaScript backend in a worker thread, waited for) and
 * takes about 1–20 ms per pattern; results are cached per pattern and flag.
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

/** Longest a single analysis may take; a pattern it cannot decide in this time is refused. */
export const REDOS_CHECK_TIMEOUT_MS = 2000;

/**
 * Cached verdicts (pattern + flags); bounded so arbitrary writes cannot grow it without end. An
 * undecided analysis (a timeout on a busy machine) is not cached: it may decide next time.
 */
const verdicts = new Map<string, string | undefined>();
const MAX_CACHED = 5000;

/** Why `pattern` (with `i` when `caseInsensitive`) may backtrack super-linearly, or `undefined` when recheck proves it safe. */
export function redosProblem(pattern: string, caseInsensitive: boolean): string | undefined {
  const flags = caseInsensitive ? 'i' : '';
  const key = `${flags}/${pattern}`;
  if (verdicts.has(key)) return verdicts.get(key);
  const { verdict, decided } = analyse(pattern, flags);
  if (!decided) return verdict;
  if (verdicts.size >= MAX_CACHED) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(key, verdict);
  return verdict;
}

function analyse(pattern: string, flags: string): { verdict: string | undefined; decided: boolean } {
  try {
    const diagnostics = loadRecheck().checkSync(pattern, flags, {
      checker: 'automaton',
      timeout: REDOS_CHECK_TIMEOUT_MS,
    });
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
  } catch {
    return { verdict: 'could not be proven safe from catastrophic backtracking', decided: false };
  }
}

/** The start of recheck's attack string, short enough for an error message. */
function attackSample(attack: string): string {
  return attack.length > 40 ? `${attack.slice(0, 40)}…` : attack;
}
