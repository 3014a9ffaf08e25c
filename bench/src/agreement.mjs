/**
 * Exact per-user agreement between two libraries on one scenario: both evaluate every context and
 * the answers are compared one by one. Not timed; runs in the parent process.
 */
import { loadAdapter } from './adapters/index.mjs';
import { makeContexts, scenarioById } from './scenarios.mjs';

/**
 * @param {string} libA
 * @param {string} libB
 * @param {string} scenarioId
 * @param {number} contextCount
 * @returns {Promise<{ scenario: string, libs: [string, string], contexts: number, agreeing: number,
 *   share: number, firstDisagreement?: { userId: string, [lib: string]: unknown } }>}
 */
export async function measureAgreement(libA, libB, scenarioId, contextCount) {
  const scenario = scenarioById(scenarioId);
  const contexts = makeContexts(contextCount);
  const [a, b] = await Promise.all([libA, libB].map(async (id) => (await loadAdapter(id)).create(scenario)));
  let agreeing = 0;
  let firstDisagreement;
  for (const context of contexts) {
    const answerA = await a.evaluate(a.toContext(context));
    const answerB = await b.evaluate(b.toContext(context));
    if (answerA === answerB) agreeing++;
    else firstDisagreement ??= { userId: context.userId, [libA]: answerA, [libB]: answerB };
  }
  await Promise.all([a.close(), b.close()]);
  return {
    scenario: scenarioId,
    libs: [libA, libB],
    contexts: contexts.length,
    agreeing,
    share: agreeing / contexts.length,
    ...(firstDisagreement ? { firstDisagreement } : {}),
  };
}
