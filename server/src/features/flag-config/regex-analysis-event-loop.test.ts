import { isRegexVerdictCached, regexPatternProblemAsync } from '@switchyard/core/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { REGEX_WRITE_LIMITS } from '../../regex/write-check.js';

// Analysing a new regex pattern for catastrophic backtracking takes recheck from milliseconds to
// its 2 s timeout. That analysis must not run on the event loop: while a write's patterns are
// analysed, the replica keeps answering other requests (and feeding SSE streams). Measured as a
// property, not a speed: the longest event-loop stall during the write is a small fraction of the
// time the write spent analysing (before, the analysis ran synchronously and the stall was all of it).

let t: TestApp;
const { budgetMs } = REGEX_WRITE_LIMITS;
const FLAG_URL = '/projects/acme/flags/checkout/environments/production';
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

/**
 * Safe patterns whose analysis is slow (recheck builds an automaton that grows with the count:
 * ~0.2 s at 30, ~0.6 s at 60 on a 2-core machine), distinct per run so no verdict is cached. Kept
 * well under recheck's 2 s timeout per pattern: at load ~14 on two cores the largest (51) timed
 * out, and the write was refused as undecided.
 */
const slowPatterns = (count: number) =>
  Array.from({ length: count }, (_, index) => `^[ab]*a[ab]{${28 + index * 4 + Math.floor(Math.random() * 3)}}$`);

/**
 * The longest the event loop went without running a 5 ms timer, minus those 5 ms: how long it was
 * blocked at most (perf_hooks' monitorEventLoopDelay does not see a thread blocked in Atomics.wait,
 * which is how recheck's synchronous API waits).
 */
function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 5);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, performance.now() - last - 5);
    },
  };
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await api('POST', '/projects', { key: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/environments', { key: 'production', name: 'p' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/flags', { key: 'checkout', name: 'c', type: 'boolean' })).status).toBe(201);
  // On a busy machine these analyses can outlast a request's 5 s; that limit is not under test here.
  // Restored in afterAll: test files share modules (isolate: false), and the next file may test it.
  REGEX_WRITE_LIMITS.budgetMs = 60_000;
  // Loading recheck (3 MB of Scala.js) happens once per process, at start-up in the server.
  expect(await regexPatternProblemAsync('^warm-up$')).toBeUndefined();
});
afterAll(async () => {
  REGEX_WRITE_LIMITS.budgetMs = budgetMs;
  await t?.close();
});

describe('regex analysis on the write path', () => {
  it('keeps the event loop serving while a write’s new patterns are analysed', async () => {
    const current = await api('GET', FLAG_URL);
    const rules = slowPatterns(4).map((pattern, index) => ({
      id: `r${index}`,
      conditions: [{ attribute: 'email', operator: 'regex', values: [pattern] }],
      segments: [],
      serve: { variant: 'on' },
    }));
    const stalls = watchEventLoop();
    const order: string[] = [];
    const started = performance.now();
    const write = api('PUT', FLAG_URL, { ...current.body, rules }, { 'if-match': current.headers.etag as string }).then(
      (response) => {
        order.push('write');
        return response;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    order.push('healthz');
    const response = await write;
    const writeMs = performance.now() - started;
    const maxStallMs = stalls.stop();

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(health.statusCode).toBe(200);
    expect(order).toEqual(['healthz', 'write']);
    // The write spent most of its time in analyses (four patterns, ~0.1–1 s each); none of it
    // stalled the loop for long. Before, the longest stall was the whole analysis.
    expect(writeMs).toBeGreaterThan(300);
    expect(maxStallMs, `longest stall ${maxStallMs.toFixed(0)} ms of a ${writeMs.toFixed(0)} ms write`).toBeLessThan(
      writeMs / 4,
    );
  });

  it('keeps the verdicts, so writing the same patterns again analyses nothing', async () => {
    const current = await api('GET', FLAG_URL);
    const patterns = (current.body as { rules: { conditions: { values: string[] }[] }[] }).rules.map(
      (rule) => rule.conditions[0]!.values[0]!,
    );
    expect(patterns).toHaveLength(4);
    for (const pattern of patterns) expect(isRegexVerdictCached(pattern), pattern).toBe(true);
    const response = await api('PUT', FLAG_URL, current.body, { 'if-match': current.headers.etag as string });
    expect(response.status).toBe(200);
  });
});
